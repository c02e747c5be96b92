"""Episode outcome codes: early cessation and ASCOF 2A membership (DOMAIN.md's outcome table).

The codes are SALT STS002a sequels. How each exports to Client Level Data
(Event_Outcome, with the early-cessation reason CLD tells apart) is
`service.domain.cld`.
"""

from __future__ import annotations

from dataclasses import dataclass

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

# ASCOF 2A (formerly 2D), SALT-era groups: numerator outcomes count in the denominator too; the
# rest are excluded. DHSC's CLD calculation differs in one place: an early cessation for "other
# reasons" (not hospital) counts in its numerator, and it counts only new clients.
ASCOF_2A_NUMERATOR: frozenset[str] = frozenset(
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
ASCOF_2A_DENOMINATOR: frozenset[str] = ASCOF_2A_NUMERATOR | NEEDS_END_PACKAGE


@dataclass(frozen=True)
class OutcomeClasses:
    """What an episode's outcome counts towards in the effectiveness report.

    `completed`: closed other than by early cessation (DOMAIN.md's "Done").
    `ascof_2a_numerator` / `ascof_2a_denominator`: membership of the ASCOF 2A groups above.
    """

    completed: bool
    ascof_2a_numerator: bool
    ascof_2a_denominator: bool


def outcome_classes(outcome: str | None) -> OutcomeClasses:
    """Classify one outcome code; all False without an outcome (an open episode counts towards none)."""
    if outcome is None:
        return OutcomeClasses(completed=False, ascof_2a_numerator=False, ascof_2a_denominator=False)
    return OutcomeClasses(completed=outcome not in EARLY_CESSATION, ascof_2a_numerator=outcome in ASCOF_2A_NUMERATOR,
                          ascof_2a_denominator=outcome in ASCOF_2A_DENOMINATOR)
