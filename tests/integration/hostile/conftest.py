"""The web pages' signed-in browsers are needed here too (the hostile tests drive API and pages alike)."""

from tests.integration.web.conftest import browsers

__all__ = ["browsers"]
