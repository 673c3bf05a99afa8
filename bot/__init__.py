"""Entry point and wiring: configuration, dispatcher, middlewares, command line."""
