"""Request and response schemas of the auth endpoints."""

from __future__ import annotations

from marshmallow import fields, validate

from service.schemas import StrictSchema


class TokenRequest(StrictSchema):
    """Credentials."""

    username = fields.String(required=True, validate=validate.Length(min=1, max=150))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class RefreshRequest(StrictSchema):
    """A device session's current refresh token."""

    refresh_token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class UserSummary(StrictSchema):
    """Who a token belongs to."""

    id = fields.UUID()
    username = fields.String()
    role = fields.String()
    provider_id = fields.UUID(allow_none=True)


class TokenResponse(StrictSchema):
    """An issued bearer token and the refresh token that renews it."""

    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer(metadata={"description": "Seconds until the access token expires."})
    expires_at = fields.String(metadata={"description": "When the access token expires (RFC 3339, UTC)."})
    refresh_token = fields.String(metadata={"description": "Single use: POST it to /auth/refresh for a new pair."})
    refresh_expires_in = fields.Integer(metadata={"description": "Seconds until the refresh token expires."})
    user = fields.Nested(UserSummary)
