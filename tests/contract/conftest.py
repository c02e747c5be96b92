"""The API tests' `world` for the contract tests too."""

from tests.integration.conftest import world

__all__ = ["world"]
