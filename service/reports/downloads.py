"""CSV downloads as HTTP responses, for the report endpoints and the report pages alike."""

from __future__ import annotations

from flask import Response


def csv_response(text: str, filename: str) -> Response:
    """A CSV download."""
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
