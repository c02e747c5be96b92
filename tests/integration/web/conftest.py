"""Fixtures for the web pages: the API world plus its people signed in to the pages with their own cookies."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.integration.api.world import World
from tests.integration.web.pages import browser_for


@dataclass
class Browsers:
    """A signed-in browser per person of the world."""

    manager: FlaskClient
    other_manager: FlaskClient
    commissioner: FlaskClient
    admin: FlaskClient


@pytest.fixture
def browsers(app: Flask, world: World) -> Browsers:
    """The world's manager, other manager, commissioner and admin, each signed in to the pages."""
    return Browsers(manager=browser_for(app, world.manager.id), other_manager=browser_for(app, world.other_manager.id),
                    commissioner=browser_for(app, world.commissioner.id), admin=browser_for(app, world.admin.id))
