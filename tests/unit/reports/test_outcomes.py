"""The outcome table of DOMAIN.md: early cessation and ASCOF 2A (formerly 2D) membership."""

from __future__ import annotations

import pytest

from service.domain.outcomes import (
    ASCOF_2A_DENOMINATOR,
    ASCOF_2A_NUMERATOR,
    EARLY_CESSATION,
    OUTCOMES,
    OutcomeClasses,
    outcome_classes,
)

# (code, early cessation, ASCOF 2A/old 2D) copied row by row from DOMAIN.md.
TABLE = [
    ("early_cessation_nhs_funded_or_deceased", True, "excluded"),
    ("early_cessation_other", True, "excluded"),
    ("early_cessation_to_long_term_support", True, "denominator"),
    ("long_term_support", False, "denominator"),
    ("no_services_self_funding", False, "excluded"),
    ("ongoing_low_level_support", False, "numerator"),
    ("short_term_support_other", False, "numerator"),
    ("no_services_declined", False, "excluded"),
    ("no_services_universal_signposted", False, "numerator"),
    ("no_services_no_identified_needs", False, "numerator"),
]


def test_the_outcome_codes_are_exactly_those_of_the_domain_table() -> None:
    assert list(OUTCOMES) == [code for code, _, _ in TABLE]


@pytest.mark.parametrize(("code", "early", "ascof"), TABLE)
def test_each_outcome_is_classified_as_the_domain_table_says(code: str, early: bool, ascof: str) -> None:
    assert (code in EARLY_CESSATION) is early
    assert (code in ASCOF_2A_NUMERATOR) is (ascof == "numerator")
    # "numerator" rows count in both numerator and denominator; "excluded" rows in neither.
    assert (code in ASCOF_2A_DENOMINATOR) is (ascof != "excluded")


# (code, completed, ASCOF 2A numerator, ASCOF 2A denominator), written out by hand from DOMAIN.md.
CLASSES = [
    ("early_cessation_nhs_funded_or_deceased", False, False, False),
    ("early_cessation_other", False, False, False),
    ("early_cessation_to_long_term_support", False, False, True),
    ("long_term_support", True, False, True),
    ("no_services_self_funding", True, False, False),
    ("ongoing_low_level_support", True, True, True),
    ("short_term_support_other", True, True, True),
    ("no_services_declined", True, False, False),
    ("no_services_universal_signposted", True, True, True),
    ("no_services_no_identified_needs", True, True, True),
    (None, False, False, False),
]


def test_the_class_table_lists_every_outcome_and_none() -> None:
    assert [code for code, _, _, _ in CLASSES] == [*OUTCOMES, None]


@pytest.mark.parametrize(("code", "completed", "numerator", "denominator"), CLASSES)
def test_outcome_classes_gives_what_the_hand_written_table_says(code: str | None, completed: bool, numerator: bool,
                                                                denominator: bool) -> None:
    assert outcome_classes(code) == OutcomeClasses(completed=completed, ascof_2a_numerator=numerator,
                                                   ascof_2a_denominator=denominator)
