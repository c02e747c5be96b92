"""WSGI entry point for gunicorn and the `flask --app wsgi` CLI."""

from service import create_app

app = create_app()
