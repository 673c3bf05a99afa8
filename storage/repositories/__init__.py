"""Repositories: queries over one session, one module per aggregate."""
