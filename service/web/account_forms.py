"""The administrator's forms: a provider, a user."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, SelectField, StringField
from wtforms.validators import Optional

from service.web.episode_forms import TRIMMED, answer, words
from service.web.forms import choices, options
from service.web.labels import PROVIDER_KIND_LABELS, ROLE_LABELS


class ProviderForm(FlaskForm):
    """A new provider: its name and whether it is the council's own team."""

    name = StringField("Name", validators=[words("Enter the provider's name.")], render_kw={"autocomplete": "off"},
                       filters=TRIMMED)
    kind = RadioField("Kind", choices=options(PROVIDER_KIND_LABELS.items()), validators=[answer("Choose the kind.")])


class UserForm(FlaskForm):
    """A new user: username, role, provider (workers and managers), and a password or none (one is made)."""

    username = StringField("Username", validators=[words("Enter a username.")], filters=TRIMMED,
                           render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"})
    role = SelectField("Role", choices=choices("Choose the role", ROLE_LABELS), validators=[answer("Choose the role.")])
    provider_id = SelectField("Provider", choices=[], validators=[Optional()], validate_choice=False)
    password = PasswordField("Password (optional)", validators=[Optional()],
                             render_kw={"autocomplete": "new-password"})
