"""Episode outcome codes: early cessation, ASCOF 2D membership and the CLD Event_Outcome they export as.

The codes and their classification are DOMAIN.md's outcome table (SALT STS002a
sequels). `CLD_EVENT_OUTCOME` gives, for the Client Level Data export, the
NHS England Adult Social Care CLD "Event Outcome" wording each code maps to.
Where CLD has an outcome of its own we use it verbatim; where the sequel is a
service, we use the CLD Service_Type wording, as NHS England's own ASCOF 2A/2D
sequel derivation does. Choices where the mapping is not one to one:

- `early_cessation_nhs_funded_or_deceased` -> "NFA - 100% NHS funded care": the
  service does not record which of NHS funding, end of life or death applied,
  and an export must never assert a death nobody recorded.
- `early_cessation_other` -> "NFA - Support ended: Other reason" (hospital
  admission is only DOMAIN.md's example of an "other reason").
- both long-term support outcomes -> "Long Term Support: Community": the end
  need is weekly hours of a home care package, i.e. a community setting.
- `no_services_no_identified_needs` -> "NFA - No services offered: Other reason".

The export keeps the service's own `outcome` column beside it, so nothing is lost.
"""

from __future__ import annotations

OUTCOMES: tuple[str, ...] = (
    "early_cessation_nhs_funded_or_deceased",
    "early_cessation_other",
    "early_cessation_to_long_term_support",
    "long_term_support",
    "no_services_self_funding",
    "ongoing_low_level_support",
    "short_term_support_other",
    "no_services_declined",
    "no_services_universal_signposted",
    "no_services_no_identified_needs",
)

EARLY_CESSATION: frozenset[str] = frozenset(
    {
        "early_cessation_nhs_funded_or_deceased",
        "early_cessation_other",
        "early_cessation_to_long_term_support",
    }
)

# ASCOF 2D: numerator outcomes count in the denominator too; the rest are excluded.
ASCOF_2D_NUMERATOR: frozenset[str] = frozenset(
    {
        "ongoing_low_level_support",
        "short_term_support_other",
        "no_services_universal_signposted",
        "no_services_no_identified_needs",
    }
)
# Outcomes whose sequel is a long-term package: closure needs end need above 0.
NEEDS_END_PACKAGE: frozenset[str] = frozenset({"long_term_support", "early_cessation_to_long_term_support"})
# Outcomes with no services afterwards: closure needs end need of exactly 0.
NO_SERVICES: frozenset[str] = frozenset(
    {
        "no_services_self_funding",
        "no_services_declined",
        "no_services_universal_signposted",
        "no_services_no_identified_needs",
    }
)
ASCOF_2D_DENOMINATOR: frozenset[str] = ASCOF_2D_NUMERATOR | NEEDS_END_PACKAGE

CLD_SERVICE_TYPE = "Short Term Support: ST-Max"
CLD_SERVICE_COMPONENT = "Reablement"

CLD_EVENT_OUTCOME: dict[str, str] = {
    "early_cessation_nhs_funded_or_deceased": "NFA - 100% NHS funded care",
    "early_cessation_other": "NFA - Support ended: Other reason",
    "early_cessation_to_long_term_support": "Long Term Support: Community",
    "long_term_support": "Long Term Support: Community",
    "no_services_self_funding": "NFA - Self-funded client (inc. 12wk disregard)",
    "ongoing_low_level_support": "Short Term Support: Ongoing Low Level",
    "short_term_support_other": "Short Term Support: Other Short Term",
    "no_services_declined": "NFA - Support declined",
    "no_services_universal_signposted": "NFA - Information & Advice / Signposting only",
    "no_services_no_identified_needs": "NFA - No services offered: Other reason",
}


def cld_event_outcome(outcome: str | None) -> str:
    """The CLD Event_Outcome for an episode outcome ('' when the episode has none)."""
    return CLD_EVENT_OUTCOME.get(outcome or "", "")
