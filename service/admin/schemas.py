"""Schemas of the administration endpoints."""

from __future__ import annotations

from marshmallow import fields, validate

from service.models import ROLES
from service.models.accounts import PROVIDER_KINDS
from service.schemas import StrictSchema


class ProviderCreate(StrictSchema):
    """A new provider."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(PROVIDER_KINDS))


class ProviderOut(StrictSchema):
    """A provider."""

    id = fields.UUID()
    name = fields.String()
    kind = fields.String()


class UserCreate(StrictSchema):
    """A new user."""

    username = fields.String(required=True, validate=validate.Length(min=1, max=150))
    password = fields.String(required=True, validate=validate.Length(max=1024))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    provider_id = fields.UUID(load_default=None, allow_none=True)


class UserOut(StrictSchema):
    """A user (never the password hash)."""

    id = fields.UUID()
    username = fields.String()
    role = fields.String()
    provider_id = fields.UUID(allow_none=True)
    active = fields.Boolean(metadata={"description": "False once deactivated: the user can no longer sign in."})


class UserPatch(StrictSchema):
    """Deactivate or reactivate a user, or reset their password; either ends every session of theirs."""

    active = fields.Boolean(metadata={"description": "false deactivates the user and ends every session of theirs."})
    password = fields.String(validate=validate.Length(max=1024),
                             metadata={"description": "A new password (12+ characters); ends every session."})


class SessionOut(StrictSchema):
    """A live sign-in session: a phone (device) or a browser (web)."""

    id = fields.UUID()
    kind = fields.String(metadata={"description": "device (a phone's bearer tokens) or web (a browser's cookie)."})
    user_agent = fields.String(metadata={"description": "The User-Agent the device last sent (up to 300 characters)."})
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(metadata={"description": "Last use, to within a minute."})
    expires_at = fields.DateTime(metadata={
        "description": "When it ends unless renewed (device: its refresh token; web: 12 hours after sign-in)."})
    current = fields.Boolean(metadata={"description": "True for the session the request itself was made in."})
