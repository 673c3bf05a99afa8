"""A Telegram-like page served by the emulator: act as any person of the world in a browser.

``Client(fake, cast, clock).attach`` is passed to ``FakeTelegram.start(extend=...)``; the
page is ``/``. Plain HTML, CSS and JavaScript from ``static/``, no external assets.
"""

from .app import Client, TimeControl
from .render import to_html
from .views import Persona

__all__ = ["Client", "Persona", "TimeControl", "to_html"]
