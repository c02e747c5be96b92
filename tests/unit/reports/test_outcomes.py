"""The outcome table of DOMAIN.md: early cessation, ASCOF 2D membership, CLD Event_Outcome."""

from __future__ import annotations

import pytest

from service.domain.outcomes import (
    ASCOF_2D_DENOMINATOR,
    ASCOF_2D_NUMERATOR,
    CLD_EVENT_OUTCOME,
    EARLY_CESSATION,
    OUTCOMES,
    cld_event_outcome,
)

# (code, early cessation, ASCOF 2D) copied row by row from DOMAIN.md.
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
    assert (code in ASCOF_2D_NUMERATOR) is (ascof == "numerator")
    # "numerator" rows count in both numerator and denominator; "excluded" rows in neither.
    assert (code in ASCOF_2D_DENOMINATOR) is (ascof != "excluded")


def test_every_outcome_maps_to_a_cld_event_outcome() -> None:
    assert set(CLD_EVENT_OUTCOME) == set(OUTCOMES)
    assert cld_event_outcome("no_services_self_funding") == "NFA - Self-funded client (inc. 12wk disregard)"
    assert cld_event_outcome("ongoing_low_level_support") == "Short Term Support: Ongoing Low Level"
    assert cld_event_outcome(None) == ""
