"""Request and response schemas of the auth endpoints."""

from __future__ import annotations

from marshmallow import fields, validate

from service.schemas import StrictSchema


class TokenRequest(StrictSchema):
    """Credentials."""

    username = fields.String(required=True, validate=validate.Length(min=1, max=150))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class UserSummary(StrictSchema):
    """Who a token belongs to."""

    id = fields.UUID()
    username = fields.String()
    role = fields.String()
    provider_id = fields.UUID(allow_none=True)


class TokenResponse(StrictSchema):
    """An issued bearer token."""

    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()
    user = fields.Nested(UserSummary)
