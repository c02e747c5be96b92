"""WSGI entry point for gunicorn and the `flask --app wsgi` CLI: the one place the service and its workers meet."""

from service import create_app
from workers.commands import register_worker_commands

app = register_worker_commands(create_app())
