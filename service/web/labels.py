"""Words managers and commissioners read for the service's codes (flags, outcomes, statuses, metrics)."""

from __future__ import annotations

from service.domain.cld import CESSATION_REASONS
from service.domain.metrics import DEPRECATED_ALIASES
from service.domain.outcomes import OUTCOMES
from service.domain.vocabulary import CONCERNS, FOLLOW_UP_STATUSES, GOAL_DOMAINS, REFERRAL_SOURCES

FLAG_LABELS: dict[str, str] = {
    "early_completion": "Early completion (frees a place)",
    "concern": "Concern reported",
    "stalled": "Goal stalled",
    "overdue": "Past planned end",
    "follow_up_due": "91-day follow-up due",
}
# The queue's order: early completions free a place, so they come first.
FLAG_QUEUE_ORDER: tuple[str, ...] = tuple(FLAG_LABELS)

OUTCOME_LABELS: dict[str, str] = {
    "early_cessation_nhs_funded_or_deceased": "Early cessation – NHS funded care, end of life or deceased",
    "early_cessation_other": "Early cessation – other reason (e.g. admitted to hospital)",
    "early_cessation_to_long_term_support": "Early cessation – leading to long-term support",
    "long_term_support": "Long-term support (any setting)",
    "no_services_self_funding": "No services – needs identified but self-funding",
    "ongoing_low_level_support": "Ongoing low level support (equipment, telecare, …)",
    "short_term_support_other": "Short-term support (other)",
    "no_services_declined": "No services – support declined",
    "no_services_universal_signposted": "No services – universal services / signposted",
    "no_services_no_identified_needs": "No services – no identified needs",
}
assert set(OUTCOME_LABELS) == set(OUTCOMES)

# Why reablement stopped early (only for the two early cessations the CLD return tells apart).
CESSATION_REASON_LABELS: dict[str, str] = {
    "deceased": "The person died",
    "nhs_funded_care": "NHS-funded care or end-of-life care",
    "admitted_to_hospital": "Admitted to hospital",
    "other": "Another reason",
}
assert set(CESSATION_REASON_LABELS) == set(CESSATION_REASONS)

FOLLOW_UP_LABELS: dict[str, str] = {
    "at_home": "At home (own home, extra care housing or adult placement)",
    "in_hospital": "In hospital",
    "in_care_home": "In a care home",
    "deceased": "Deceased",
}
assert set(FOLLOW_UP_LABELS) == set(FOLLOW_UP_STATUSES)

LEVEL_LABELS: dict[int, str] = {
    0: "cannot do it; full assistance of two",
    1: "maximal assistance of one",
    2: "moderate assistance",
    3: "minimal hands-on assistance",
    4: "supervision, prompting or set-up only",
    5: "independent (with or without equipment)",
}

METRIC_LABELS: dict[str, str] = {
    "episodes_closed": "Episodes closed",
    "episodes_completed": "Episodes completed",
    "completions_per_week": "Completions per week",
    "mean_length_of_stay_days": "Mean length of stay (days)",
    "median_length_of_stay_days": "Median length of stay (days)",
    "mean_start_need_hours": "Mean start need (h/week)",
    "mean_end_need_hours": "Mean end need (h/week)",
    "mean_need_reduction_hours": "Mean need reduction (h/week)",
    "need_reduction_pct": "Need reduction (%)",
    "independent_pct": "Independent after reablement (%)",
    "mean_ongoing_cost_per_week_gbp": "Mean ongoing cost per week (£)",
    "value_per_person_gbp": "Value per person (£)",
    "total_value_gbp": "Total value (£)",
    "ascof_2a_pct": "ASCOF 2A: no further request for ongoing support (%)",
    # The deprecated alias of 2A (an older contract may still target it): shown under its current name.
    "ascof_2d_pct": "ASCOF 2A: no further request for ongoing support (%)",
    "at_home_91_pct": "At home 91 days after discharge (formerly ASCOF 2B(1)) (%)",
    "follow_ups_pending": "91-day follow-ups pending",
    "goals_achieved_pct": "Goals achieved (%)",
    "mean_gas_t_score": "Mean GAS T-score",
    "mean_contact_hours": "Mean contact hours",
}

# Pages show each figure once: a deprecated alias (the same figure under its old name) is left out.
SHOWN_METRICS: tuple[str, ...] = tuple(name for name in METRIC_LABELS if name not in DEPRECATED_ALIASES)

# Said wherever ASCOF 2A is shown: how our figure differs from the one DHSC computes from the CLD return.
ASCOF_2A_NOTE = ("ASCOF 2A is worked out here from each episode's outcome. The national figure, worked out "
                 "from the council's Client Level Data return, also counts people whose reablement stopped "
                 "early for a reason other than a hospital stay as needing no further support, and only counts "
                 "people who had no long-term support in the 3 months before, which this service cannot see.")

COMPARATOR_LABELS: dict[str, str] = {"ge": "at least", "le": "at most"}

GOAL_DOMAIN_LABELS: dict[str, str] = {
    "mobility": "Getting about (mobility)",
    "transfers": "Transfers (bed, chair, toilet)",
    "personal_care": "Personal care and washing",
    "dressing": "Dressing",
    "continence": "Continence",
    "meal_preparation": "Preparing meals and drinks",
    "eating_drinking": "Eating and drinking",
    "medication": "Managing medication",
    "stairs": "Stairs",
    "domestic_tasks": "Household tasks",
    "community_access": "Getting out in the community",
    "social_wellbeing": "Social contact and wellbeing",
    "other": "Something else",
}
assert set(GOAL_DOMAIN_LABELS) == set(GOAL_DOMAINS)

REFERRAL_LABELS: dict[str, str] = {"hospital_discharge": "Hospital discharge", "community": "The community"}
assert set(REFERRAL_LABELS) == set(REFERRAL_SOURCES)

CONCERN_LABELS: dict[str, str] = {
    "fall": "Fall", "pain": "Pain", "deterioration": "Deterioration", "safeguarding": "Safeguarding",
    "medication": "Medication", "equipment": "Equipment", "skin_integrity": "Skin integrity",
    "nutrition": "Nutrition", "other": "Other",
}
assert set(CONCERN_LABELS) == set(CONCERNS)

ROLE_LABELS: dict[str, str] = {
    "worker": "Reablement worker", "manager": "Service manager", "commissioner": "Commissioner",
    "admin": "Administrator",
}
PROVIDER_KIND_LABELS: dict[str, str] = {"in_house": "Council in-house team", "external": "External agency"}


def level_text(level: int) -> str:
    """A level with its meaning, e.g. '3 – minimal hands-on assistance'."""
    return f"{level} – {LEVEL_LABELS[level]}"
