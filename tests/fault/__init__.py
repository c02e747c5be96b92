"""Fault tests: the real service (gunicorn, RQ worker) against private PostgreSQL and Redis that the tests break."""
