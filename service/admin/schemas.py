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
