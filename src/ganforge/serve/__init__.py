"""Local web explorer for a trained run: ``create_app(generator)`` -> Flask app (served by waitress)."""
from .app import create_app

__all__ = ["create_app"]
