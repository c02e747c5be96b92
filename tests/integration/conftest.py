"""The `world` fixture for API tests."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.integration.api.world import World, build_world


@pytest.fixture
def world(app: Flask, client: FlaskClient) -> World:
    """Two providers with their staff, a commissioner and an admin, all signed in."""
    return build_world(app, client)
