"""The commissioner's contract form: provider, period, pricing, outcome pot and weighted targets."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField, FieldList, FloatField, Form, FormField, IntegerField, SelectField, StringField
from wtforms.validators import Optional

from service.web.checking import iso
from service.web.episode_forms import TRIMMED, answer, words
from service.web.forms import choices
from service.web.labels import COMPARATOR_LABELS, METRIC_LABELS, SHOWN_METRICS

TARGET_ROWS = 6
MONEY = {"inputmode": "decimal", "step": "0.01", "min": "0"}


class TargetForm(Form):
    """One target row: a metric by its plain name, at least / at most, a value and a weight (blank row: none)."""

    metric = SelectField("Metric", validators=[Optional()],
                         choices=choices("No target in this row", {m: METRIC_LABELS[m] for m in SHOWN_METRICS}))
    comparator = SelectField("Must be", choices=choices("Choose", COMPARATOR_LABELS), validators=[Optional()])
    value = FloatField("Value", validators=[Optional()], render_kw={"inputmode": "decimal", "step": "any"})
    weight = FloatField("Weight", validators=[Optional()],
                        render_kw={"inputmode": "decimal", "step": "0.01", "min": "0", "max": "1",
                                   "data-weight": "true"})

    def is_blank(self) -> bool:
        """Nothing typed in this row."""
        return not any(field.raw_data and str(field.raw_data[0]).strip()
                       for field in (self.metric, self.comparator, self.value, self.weight))


class ContractForm(FlaskForm):
    """A new outcomes-based contract."""

    provider_id = SelectField("Provider", choices=[], validators=[answer("Choose the provider.")])
    name = StringField("Contract name", validators=[words("Enter the contract's name.")], filters=TRIMMED)
    starts_on = DateField("Starts on", validators=[answer("Enter the start date.")])
    ends_on = DateField("Ends on", validators=[answer("Enter the end date.")])
    hourly_rate_gbp = FloatField("Hourly rate of home care (£, optional)", validators=[Optional()], render_kw=MONEY)
    package_weeks = IntegerField("Expected package length (weeks, optional)", validators=[Optional()],
                                 render_kw={"inputmode": "numeric", "min": "1", "max": "520"})
    outcome_pot_gbp = FloatField("Outcome pot (£)", validators=[answer("Enter the outcome pot in pounds.")],
                                 render_kw=MONEY)
    targets = FieldList(FormField(TargetForm), "Target", min_entries=TARGET_ROWS, max_entries=TARGET_ROWS)

    target_errors: list[str]

    def validate(self, extra_validators: Any = None) -> bool:
        """Each row with anything typed in it needs all four parts; at least one row."""
        self.target_errors = []
        ok = bool(super().validate(extra_validators))
        needed = {"metric": "Choose the metric.", "comparator": "Choose at least or at most.",
                  "value": "Enter the target value.", "weight": "Enter the weight (e.g. 0.5)."}
        for _, row in self.target_rows():
            for name, message in needed.items():
                if row[name].data in (None, "") and not row[name].errors:
                    row[name].errors = [message]
                    ok = False
        if not self.target_rows():
            self.target_errors.append("Give at least one target.")
            ok = False
        return ok

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number, entry in enumerate(self.targets.entries, start=1):
            for field in entry.form:
                field.label.text = f"{field.label.text} (target {number})"

    def target_rows(self) -> list[tuple[int, TargetForm]]:
        """The rows with something typed in them, with their row index."""
        return [(index, entry.form) for index, entry in enumerate(self.targets.entries) if not entry.form.is_blank()]

    def body(self) -> dict[str, Any]:
        """POST /contracts' body (blank target rows left out)."""
        return {
            "provider_id": self.provider_id.data, "name": (self.name.data or "").strip(),
            "starts_on": iso(self.starts_on.data), "ends_on": iso(self.ends_on.data),
            "hourly_rate_gbp": self.hourly_rate_gbp.data, "package_weeks": self.package_weeks.data,
            "outcome_pot_gbp": self.outcome_pot_gbp.data,
            "targets": [{"metric": row.metric.data or None, "comparator": row.comparator.data or None,
                         "value": row.value.data, "weight": row.weight.data} for _, row in self.target_rows()],
        }

    def aliases(self) -> dict[str, str]:
        """Message paths of the API body ('targets.1.weight') -> this form's rows (blank rows were skipped)."""
        mapping = {}
        for position, (index, _) in enumerate(self.target_rows()):
            for name in ("metric", "comparator", "value", "weight"):
                mapping[f"targets.{position}.{name}"] = f"targets.{index}.{name}"
        return mapping
