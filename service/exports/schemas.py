"""Schemas of the CLD data-quality report."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from service.domain.cld import ERROR, WARNING


class CldProblemOut(ma.Schema):
    """One thing to fix or confirm before submission."""

    reason = fields.String(metadata={"description": "Stable code: la_code_missing, person_ref_missing, "
                                                    "person_ref_pattern, end_before_start, outcome_missing, "
                                                    "cessation_reason_missing."})
    severity = fields.String(validate=validate.OneOf((ERROR, WARNING)), metadata={
        "description": "`error`: the return would be rejected or misstate a figure; `warning`: the row "
                       "exports on an assumption the council should confirm."})
    field = fields.String(metadata={"description": "The CLD column concerned."})
    message = fields.String(metadata={"description": "What is wrong and how to fix it, in plain words."})
    event_reference = fields.String(allow_none=True, metadata={
        "description": "The row's Event_Reference (the episode id); null for the whole return."})
    person_ref = fields.String(allow_none=True)


class CldCheckOut(ma.Schema):
    """The rows of the period's CLD extract the council must fix (or confirm) before submission."""

    from_ = fields.Date(data_key="from", attribute="from")
    to = fields.Date()
    provider_id = fields.UUID(allow_none=True)
    la_code = fields.String(allow_none=True, metadata={"description": "The LA_CODE setting (null: not set)."})
    person_ref_pattern = fields.String(allow_none=True, metadata={
        "description": "The PERSON_REF_PATTERN setting every person reference must match (null: none)."})
    rows = fields.Integer(metadata={"description": "Rows the extract holds for this period."})
    errors = fields.Integer()
    warnings = fields.Integer()
    ready = fields.Boolean(metadata={"description": "True when there are no errors (warnings allowed)."})
    problems = fields.List(fields.Nested(CldProblemOut))
