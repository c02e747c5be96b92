"""The reablement goal-tracking service; `create_app` (service/app.py) builds its Flask application.

The factory is loaded on first use, so importing `service.domain` loads only the domain, not Flask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from service.app import create_app as create_app


def __getattr__(name: str) -> Any:
    """`service.create_app`, imported when first asked for."""
    if name == "create_app":
        from service.app import create_app

        return create_app
    raise AttributeError(f"module 'service' has no attribute {name!r}")
