"""Adult Social Care Client Level Data (CLD), Release 2: the ST-Max service row this service can write.

Pure domain data and rules (no Flask, no database): the Release 2 defined
values the export uses, our episode outcome (and early-cessation reason) onto
the ST-Max row's `Event_Outcome`, the provider kind onto `Delivery_Mechanism`,
the column layout of a row, and the checks a council runs before submitting.

Sources: NHS England's CLD specification and "Central Transformation
Principles", and DHSC's CLD processing code (which maps Release 1 wording
forward to Release 2). What the reablement service does not hold (NHS number,
date of birth, gender, ethnicity, ...) is left empty for the council's
case-management system to fill by `LA_Person_Unique_Identifier`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

# --- Release 2 defined values --------------------------------------------------------------------

CLIENT_TYPE_SERVICE_USER = "Service User"
EVENT_TYPE_SERVICE = "Service"
SERVICE_TYPE_ST_MAX = "Short term support: ST-Max"
SERVICE_COMPONENT_REABLEMENT = "Reablement"

SERVICE_TYPES: tuple[str, ...] = (
    "Long term support: Community",
    "Long term support: Nursing care",
    "Long term support: Residential care",
    "Long term support: Prison",
    "Short term support: Ongoing low level",
    "Short term support: Other short term",
    SERVICE_TYPE_ST_MAX,
    "Unpaid carer support: Direct to unpaid carer",
    "Unpaid carer support: Support involving the person cared-for",
)

EVENT_OUTCOMES: tuple[str, ...] = (
    "Admitted to hospital",
    "Continuation of support or services",
    "NFA: Deceased",
    "NFA: Information and advice or signposting",
    "NFA: No services offered for other reason",
    "NFA: Other",
    "NFA: Referral to NHS services or NHS funded social care",
    "NFA: Referral to other service within the local authority",
    "NFA: Responsibility moved to another local authority",
    "NFA: Self-funded client or under 12wk disregard",
    "NFA: Support declined",
    "NFA: Support ended as planned",
    "NFA: Support ended for other reason",
    "Progress to assessment, review or reassessment",
    "Progress to reablement/ST-Max",
    "Progress to support planning or services",
)

# Release 2 wording as DHSC's processing code spells it. CLD has no separate value for a council's
# in-house team: support the council provides or commissions itself (not a direct payment or a
# managed personal budget) is "CASSR commissioned support", so both provider kinds map onto it.
DELIVERY_MECHANISMS: tuple[str, ...] = (
    "Direct payment",
    "CASSR managed personal budget",
    "CASSR commissioned support",
)
DELIVERY_MECHANISM_BY_PROVIDER_KIND: Mapping[str, str] = {
    "in_house": "CASSR commissioned support",
    "external": "CASSR commissioned support",
}

# --- Early cessation: the reasons CLD tells apart --------------------------------------------------

DECEASED = "deceased"
NHS_FUNDED_CARE = "nhs_funded_care"
ADMITTED_TO_HOSPITAL = "admitted_to_hospital"
OTHER_REASON = "other"
CESSATION_REASONS: tuple[str, ...] = (DECEASED, NHS_FUNDED_CARE, ADMITTED_TO_HOSPITAL, OTHER_REASON)

NHS_FUNDED_OR_DECEASED = "early_cessation_nhs_funded_or_deceased"
CESSATION_OTHER = "early_cessation_other"

# Which reasons may be given with which outcome: only the two early cessations not leading to
# long-term support carry one.
CESSATION_REASONS_BY_OUTCOME: Mapping[str, tuple[str, ...]] = {
    NHS_FUNDED_OR_DECEASED: (DECEASED, NHS_FUNDED_CARE),
    CESSATION_OTHER: (ADMITTED_TO_HOSPITAL, OTHER_REASON),
}
# The reason assumed when none was recorded (closures from before reasons existed): never a death
# nobody recorded, and "other" is what the v1 outcome itself says.
ASSUMED_CESSATION_REASON: Mapping[str, str] = {
    NHS_FUNDED_OR_DECEASED: NHS_FUNDED_CARE,
    CESSATION_OTHER: OTHER_REASON,
}

# --- Our outcome onto the ST-Max row's Event_Outcome ---------------------------------------------

# The sequel (long-term support, ongoing low-level, other short-term) is the council's *next* Service
# event, not a field of this row: central code finds it, so here the row says support planning follows.
EVENT_OUTCOME_BY_OUTCOME: Mapping[str, str] = {
    "early_cessation_to_long_term_support": "Progress to support planning or services",
    "long_term_support": "Progress to support planning or services",
    "ongoing_low_level_support": "Progress to support planning or services",
    "short_term_support_other": "Progress to support planning or services",
    "no_services_self_funding": "NFA: Self-funded client or under 12wk disregard",
    "no_services_declined": "NFA: Support declined",
    "no_services_universal_signposted": "NFA: Information and advice or signposting",
    "no_services_no_identified_needs": "NFA: Support ended as planned",
}
EVENT_OUTCOME_BY_CESSATION: Mapping[tuple[str, str], str] = {
    (NHS_FUNDED_OR_DECEASED, DECEASED): "NFA: Deceased",
    (NHS_FUNDED_OR_DECEASED, NHS_FUNDED_CARE): "NFA: Referral to NHS services or NHS funded social care",
    (CESSATION_OTHER, ADMITTED_TO_HOSPITAL): "Admitted to hospital",
    (CESSATION_OTHER, OTHER_REASON): "NFA: Support ended for other reason",
}


def cessation_reason_allowed(outcome: str, reason: str | None) -> bool:
    """Whether `reason` may be recorded with `outcome` (no reason is always allowed)."""
    return reason is None or reason in CESSATION_REASONS_BY_OUTCOME.get(outcome, ())


def needs_cessation_reason(outcome: str | None, reason: str | None) -> bool:
    """An early cessation CLD splits, closed without saying which reason applied."""
    return outcome in CESSATION_REASONS_BY_OUTCOME and reason is None


def event_outcome(outcome: str | None, reason: str | None = None) -> str:
    """The CLD Event_Outcome of an episode's outcome ('' for an open episode or an unknown code).

    An early cessation closed without a reason exports with `ASSUMED_CESSATION_REASON`; the
    data-quality check lists such rows so the council can confirm them before submission.
    """
    if outcome is None:
        return ""
    reasons = CESSATION_REASONS_BY_OUTCOME.get(outcome)
    if reasons is not None:
        given = reason if reason in reasons else ASSUMED_CESSATION_REASON[outcome]
        return EVENT_OUTCOME_BY_CESSATION[(outcome, given)]
    return EVENT_OUTCOME_BY_OUTCOME.get(outcome, "")


# --- The row --------------------------------------------------------------------------------------

SUBMISSION_COLUMNS = ("LA_Code", "Reporting_Period_Start_Date", "Reporting_Period_End_Date")
PERSON_COLUMNS = (
    "LA_Person_Unique_Identifier", "NHS_Number", "GP_Practice_Code", "GP_Practice_Name", "Gender", "Ethnicity",
    "Date_of_Birth", "Date_of_Death", "Client_Type", "Primary_Support_Reason", "Postcode", "Accommodation_Status",
    "Employment_Status", "Has_Unpaid_Carer", "Autism_Spectrum_Disorder_ASD", "Visual_Impairment",
    "Hearing_Impairment", "Dementia", "Client_Funding_Status",
)
EVENT_COLUMNS = ("Event_Type", "Event_Reference", "Event_Start_Date", "Event_End_Date", "Event_Description",
                 "Event_Outcome")
OTHER_EVENT_COLUMNS = (
    "Request_Route_of_Access", "Assessment_Type", "Eligible_Needs_Identified", "Method_of_Assessment",
    "Total_Hrs_Caring_per_week", "No_of_adults_being_cared_for", "Adult_1_Linked_Person_ID",
    "Adult_2_Linked_Person_ID", "Adult_3_Linked_Person_ID",
)
SERVICE_COLUMNS = ("Service_Type", "Service_Component", "Delivery_Mechanism", "Provider_CQC_Location_ID",
                   "Provider_CQC_Location_Name")
REVIEW_AND_COST_COLUMNS = ("Review_Reason", "Review_Outcomes_Achieved", "Method_of_Review", "Unit_Cost",
                           "Cost_Frequency_Unit_Type", "Planned_units_per_week")
COLUMNS: tuple[str, ...] = (SUBMISSION_COLUMNS + PERSON_COLUMNS + EVENT_COLUMNS + OTHER_EVENT_COLUMNS
                            + SERVICE_COLUMNS + REVIEW_AND_COST_COLUMNS)

# Columns this service fills; every other column is left empty for the council to complete.
FILLED_COLUMNS: frozenset[str] = frozenset(SUBMISSION_COLUMNS) | {
    "LA_Person_Unique_Identifier", "Client_Type", "Event_Type", "Event_Reference", "Event_Start_Date",
    "Event_End_Date", "Event_Outcome", "Service_Type", "Service_Component", "Delivery_Mechanism",
}

DATE_FORMAT = "%d/%m/%Y"  # the specification's dd/mm/yyyy, no time


def cld_date(day: date | None) -> str:
    """A date as CLD writes it (dd/mm/yyyy), '' for none."""
    return "" if day is None else day.strftime(DATE_FORMAT)


@dataclass(frozen=True)
class Submission:
    """What every row of one return shares: the council's ONS code and the reporting period."""

    la_code: str
    period_start: date
    period_end: date


@dataclass(frozen=True)
class StMaxEpisode:
    """One episode of reablement as the export reads it."""

    episode_id: str
    person_ref: str
    provider_kind: str
    started_on: date
    ended_on: date | None
    outcome: str | None
    cessation_reason: str | None


def as_at_period_end(episode: StMaxEpisode, period_end: date) -> StMaxEpisode:
    """The episode as the return stood at the period end: one that ended later was still open then."""
    if episode.ended_on is not None and episode.ended_on > period_end:
        return StMaxEpisode(episode.episode_id, episode.person_ref, episode.provider_kind, episode.started_on,
                            None, None, None)
    return episode


def service_row(episode: StMaxEpisode, submission: Submission) -> dict[str, str]:
    """The ST-Max Service event row of one episode, every CLD column present, in `COLUMNS` order."""
    shown = as_at_period_end(episode, submission.period_end)
    filled = {
        "LA_Code": submission.la_code,
        "Reporting_Period_Start_Date": cld_date(submission.period_start),
        "Reporting_Period_End_Date": cld_date(submission.period_end),
        "LA_Person_Unique_Identifier": shown.person_ref,
        "Client_Type": CLIENT_TYPE_SERVICE_USER,
        "Event_Type": EVENT_TYPE_SERVICE,
        "Event_Reference": shown.episode_id,
        "Event_Start_Date": cld_date(shown.started_on),
        "Event_End_Date": cld_date(shown.ended_on),
        "Event_Outcome": event_outcome(shown.outcome, shown.cessation_reason),
        "Service_Type": SERVICE_TYPE_ST_MAX,
        "Service_Component": SERVICE_COMPONENT_REABLEMENT,
        "Delivery_Mechanism": DELIVERY_MECHANISM_BY_PROVIDER_KIND.get(shown.provider_kind, ""),
    }
    return {column: filled.get(column, "") for column in COLUMNS}


# --- Checks before submission ---------------------------------------------------------------------

ERROR = "error"  # the return would be rejected or would misstate the figure
WARNING = "warning"  # the row exports, but on an assumption the council should confirm

# Councils with social services responsibilities: unitary (E06), metropolitan district (E08),
# London borough (E09) and county (E10) ONS codes.
LA_CODE_PATTERN = re.compile(r"E(06|08|09|10)\d{6}")


@dataclass(frozen=True)
class Problem:
    """One thing to fix (or confirm) before submission; `event_reference` None for the whole return."""

    reason: str
    severity: str
    field: str
    message: str
    event_reference: str | None = None
    person_ref: str | None = None


def check_submission(submission: Submission) -> list[Problem]:
    """Return-level problems: the council's ONS code must be set (the setting refuses a malformed one)."""
    if not submission.la_code:
        return [Problem("la_code_missing", ERROR, "LA_Code",
                        "The council's ONS code is not set: ask an administrator to set LA_CODE.")]
    return []


def setting_problems(la_code: str | None, person_ref_pattern: str | None) -> list[str]:
    """What is wrong with the LA_CODE and PERSON_REF_PATTERN settings, as sentences (empty: nothing)."""
    problems = []
    if la_code and not LA_CODE_PATTERN.fullmatch(la_code):
        problems.append(f"LA_CODE={la_code!r} is not an English council's ONS code "
                        "(E06, E08, E09 or E10 and six digits, e.g. E09000033)")
    if person_ref_pattern:
        try:
            re.compile(person_ref_pattern)
        except re.error as error:
            problems.append(f"PERSON_REF_PATTERN={person_ref_pattern!r} is not a valid regular expression ({error})")
    return problems


def check_episode(episode: StMaxEpisode, submission: Submission,
                  person_ref_pattern: re.Pattern[str] | None) -> list[Problem]:
    """Row-level problems of one episode's ST-Max row, in column order."""
    shown = as_at_period_end(episode, submission.period_end)
    found: list[tuple[str, str, str, str]] = []
    ref = shown.person_ref.strip()
    if not ref:
        found.append(("person_ref_missing", ERROR, "LA_Person_Unique_Identifier",
                      "The person reference is empty: the council cannot join its person fields."))
    elif person_ref_pattern is not None and not person_ref_pattern.fullmatch(ref):
        found.append(("person_ref_pattern", ERROR, "LA_Person_Unique_Identifier",
                      f"The person reference {ref!r} does not look like the council's case references "
                      f"(expected to match {person_ref_pattern.pattern!r})."))
    if shown.ended_on is not None and shown.ended_on < shown.started_on:
        found.append(("end_before_start", ERROR, "Event_End_Date",
                      "The episode ends before it starts: correct the start or the end date."))
    if shown.ended_on is not None and not event_outcome(shown.outcome, shown.cessation_reason):
        found.append(("outcome_missing", ERROR, "Event_Outcome",
                      "The episode has ended but has no outcome: record how reablement ended."))
    if needs_cessation_reason(shown.outcome, shown.cessation_reason):
        assumed = event_outcome(shown.outcome, None)
        found.append(("cessation_reason_missing", WARNING, "Event_Outcome",
                      f"The reason reablement stopped early was not recorded, so the row says {assumed!r}: "
                      "correct the closure with its reason (death, NHS-funded care, hospital admission "
                      "or other) if that is wrong."))
    return [Problem(reason, severity, field, message, shown.episode_id, shown.person_ref)
            for reason, severity, field, message in found]
