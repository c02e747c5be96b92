"""Alembic migrations, run by `flask --app wsgi db upgrade`."""
