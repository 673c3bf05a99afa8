"""`make demo`: the real bot against the emulated Telegram, a demo region, a page to try it in."""
