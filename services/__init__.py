"""The domain: rules and use cases. Plain Python, no aiogram."""
