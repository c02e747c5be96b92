"""CLD Release 2: defined values, our outcomes onto Event_Outcome, the row layout and the pre-submission checks.

The defined lists and the outcome table below are copied by hand from the
design's statutory-standards notes (CLD Release 2 and ASCOF), not imported
from the code under test, so a typo in either one fails here.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from service.domain import cld
from service.domain.cld import StMaxEpisode, Submission

# Release 2 defined lists, as the standards notes give them.
SERVICE_TYPES = {
    "Long term support: Community", "Long term support: Nursing care", "Long term support: Residential care",
    "Long term support: Prison", "Short term support: Ongoing low level", "Short term support: Other short term",
    "Short term support: ST-Max", "Unpaid carer support: Direct to unpaid carer",
    "Unpaid carer support: Support involving the person cared-for",
}
EVENT_OUTCOMES = {
    "Admitted to hospital", "Continuation of support or services", "NFA: Deceased",
    "NFA: Information and advice or signposting", "NFA: No services offered for other reason", "NFA: Other",
    "NFA: Referral to NHS services or NHS funded social care",
    "NFA: Referral to other service within the local authority",
    "NFA: Responsibility moved to another local authority", "NFA: Self-funded client or under 12wk disregard",
    "NFA: Support declined", "NFA: Support ended as planned", "NFA: Support ended for other reason",
    "Progress to assessment, review or reassessment", "Progress to reablement/ST-Max",
    "Progress to support planning or services",
}
# The values the notes fix for a reablement Service event row.
CLIENT_TYPES = {"Service User"}
EVENT_TYPES = {"Service"}
SERVICE_COMPONENTS = {"Reablement"}
# Release 2 spelling in DHSC's processing code (the notes do not list Delivery_Mechanism).
DELIVERY_MECHANISMS = {"Direct payment", "CASSR managed personal budget", "CASSR commissioned support"}

# (our outcome, cessation reason, CLD Event_Outcome): the notes' mapping table, row by row.
MAPPING = [
    ("early_cessation_nhs_funded_or_deceased", "deceased", "NFA: Deceased"),
    ("early_cessation_nhs_funded_or_deceased", "nhs_funded_care",
     "NFA: Referral to NHS services or NHS funded social care"),
    ("early_cessation_other", "admitted_to_hospital", "Admitted to hospital"),
    ("early_cessation_other", "other", "NFA: Support ended for other reason"),
    ("early_cessation_to_long_term_support", None, "Progress to support planning or services"),
    ("long_term_support", None, "Progress to support planning or services"),
    ("ongoing_low_level_support", None, "Progress to support planning or services"),
    ("short_term_support_other", None, "Progress to support planning or services"),
    ("no_services_self_funding", None, "NFA: Self-funded client or under 12wk disregard"),
    ("no_services_declined", None, "NFA: Support declined"),
    ("no_services_universal_signposted", None, "NFA: Information and advice or signposting"),
    ("no_services_no_identified_needs", None, "NFA: Support ended as planned"),
]
V1_OUTCOMES = {
    "early_cessation_nhs_funded_or_deceased", "early_cessation_other", "early_cessation_to_long_term_support",
    "long_term_support", "no_services_self_funding", "ongoing_low_level_support", "short_term_support_other",
    "no_services_declined", "no_services_universal_signposted", "no_services_no_identified_needs",
}

Q1 = Submission(la_code="E09000033", period_start=date(2026, 4, 1), period_end=date(2026, 6, 30))


def episode(outcome: str | None = "no_services_no_identified_needs", reason: str | None = None, *,
            ended_on: date | None = date(2026, 5, 12), started_on: date = date(2026, 4, 2),
            person_ref: str = "AB123456", kind: str = "external") -> StMaxEpisode:
    return StMaxEpisode(episode_id="5f1c1f3e-0000-4000-8000-000000000001", person_ref=person_ref,
                        provider_kind=kind, started_on=started_on, ended_on=ended_on,
                        outcome=outcome if ended_on else None, cessation_reason=reason)


def test_the_encoded_defined_lists_are_release_2() -> None:
    assert set(cld.SERVICE_TYPES) == SERVICE_TYPES and len(cld.SERVICE_TYPES) == len(SERVICE_TYPES)
    assert set(cld.EVENT_OUTCOMES) == EVENT_OUTCOMES and len(cld.EVENT_OUTCOMES) == len(EVENT_OUTCOMES)
    assert set(cld.DELIVERY_MECHANISMS) == DELIVERY_MECHANISMS


@pytest.mark.parametrize(("outcome", "reason", "expected"), MAPPING,
                         ids=[f"{outcome}-{reason}" for outcome, reason, _ in MAPPING])
def test_each_outcome_maps_to_its_cld_event_outcome(outcome: str, reason: str | None, expected: str) -> None:
    assert cld.event_outcome(outcome, reason) == expected
    assert cld.service_row(episode(outcome, reason), Q1)["Event_Outcome"] == expected


def test_the_mapping_covers_every_v1_outcome_and_every_reason() -> None:
    assert {outcome for outcome, _, _ in MAPPING} == V1_OUTCOMES
    assert set(cld.EVENT_OUTCOME_BY_OUTCOME) | set(cld.CESSATION_REASONS_BY_OUTCOME) == V1_OUTCOMES
    assert {reason for _, reason, _ in MAPPING if reason} == set(cld.CESSATION_REASONS)


@pytest.mark.parametrize(("outcome", "reason", "expected"), MAPPING,
                         ids=[f"{outcome}-{reason}" for outcome, reason, _ in MAPPING])
def test_every_exported_coded_value_is_in_a_release_2_defined_list(outcome: str, reason: str | None,
                                                                    expected: str) -> None:
    for kind in ("in_house", "external"):
        row = cld.service_row(episode(outcome, reason, kind=kind), Q1)
        assert row["Event_Outcome"] in EVENT_OUTCOMES
        assert row["Service_Type"] in SERVICE_TYPES and row["Service_Type"] == "Short term support: ST-Max"
        assert row["Service_Component"] in SERVICE_COMPONENTS
        assert row["Event_Type"] in EVENT_TYPES
        assert row["Client_Type"] in CLIENT_TYPES
        assert row["Delivery_Mechanism"] in DELIVERY_MECHANISMS


def test_an_early_cessation_without_a_reason_never_asserts_a_death() -> None:
    assert cld.event_outcome("early_cessation_nhs_funded_or_deceased") == (
        "NFA: Referral to NHS services or NHS funded social care")
    assert cld.event_outcome("early_cessation_other") == "NFA: Support ended for other reason"
    assert cld.event_outcome(None) == "" and cld.event_outcome("not_a_code") == ""


def test_reasons_belong_to_their_early_cessation_only() -> None:
    assert cld.cessation_reason_allowed("early_cessation_nhs_funded_or_deceased", "deceased")
    assert cld.cessation_reason_allowed("early_cessation_other", "admitted_to_hospital")
    assert not cld.cessation_reason_allowed("early_cessation_other", "deceased")
    assert not cld.cessation_reason_allowed("early_cessation_nhs_funded_or_deceased", "other")
    assert not cld.cessation_reason_allowed("long_term_support", "other")
    assert all(cld.cessation_reason_allowed(outcome, None) for outcome in V1_OUTCOMES)


def test_a_row_has_every_column_the_service_fills_and_leaves_person_fields_empty() -> None:
    row = cld.service_row(episode(), Q1)
    assert list(row) == list(cld.COLUMNS) and len(set(cld.COLUMNS)) == len(cld.COLUMNS)
    assert {column: row[column] for column in cld.FILLED_COLUMNS} == {
        "LA_Code": "E09000033", "Reporting_Period_Start_Date": "01/04/2026",
        "Reporting_Period_End_Date": "30/06/2026", "LA_Person_Unique_Identifier": "AB123456",
        "Client_Type": "Service User", "Event_Type": "Service",
        "Event_Reference": "5f1c1f3e-0000-4000-8000-000000000001", "Event_Start_Date": "02/04/2026",
        "Event_End_Date": "12/05/2026", "Event_Outcome": "NFA: Support ended as planned",
        "Service_Type": "Short term support: ST-Max", "Service_Component": "Reablement",
        "Delivery_Mechanism": "CASSR commissioned support",
    }
    for column in ("NHS_Number", "Date_of_Birth", "Gender", "Ethnicity", "Postcode", "Accommodation_Status",
                   "Has_Unpaid_Carer", "Primary_Support_Reason", "Client_Funding_Status", "GP_Practice_Code",
                   "Date_of_Death", "Provider_CQC_Location_ID", "Unit_Cost"):
        assert column in row and row[column] == ""


def test_an_episode_open_at_the_period_end_has_no_end_date_or_outcome() -> None:
    still_open = cld.service_row(episode(ended_on=None), Q1)
    ended_later = cld.service_row(episode("long_term_support", ended_on=date(2026, 7, 3)), Q1)
    for row in (still_open, ended_later):
        assert row["Event_End_Date"] == "" and row["Event_Outcome"] == ""
        assert row["Event_Start_Date"] == "02/04/2026"


def test_a_clean_row_has_no_problems() -> None:
    pattern = re.compile(r"[A-Z]{2}\d{6}")
    assert cld.check_episode(episode(), Q1, pattern) == []
    assert cld.check_submission(Q1) == []


def test_the_check_names_each_problem_with_its_column() -> None:
    pattern = re.compile(r"[A-Z]{2}\d{6}")

    def reasons(item: StMaxEpisode, with_pattern: re.Pattern[str] | None = pattern) -> list[tuple[str, str, str]]:
        return [(problem.reason, problem.severity, problem.field)
                for problem in cld.check_episode(item, Q1, with_pattern)]

    assert reasons(episode(person_ref="  ")) == [("person_ref_missing", "error", "LA_Person_Unique_Identifier")]
    assert reasons(episode(person_ref="ab-1")) == [("person_ref_pattern", "error", "LA_Person_Unique_Identifier")]
    assert reasons(episode(person_ref="ab-1"), None) == []
    assert reasons(episode(started_on=date(2026, 5, 20))) == [("end_before_start", "error", "Event_End_Date")]
    assert reasons(episode(outcome="retired_code")) == [("outcome_missing", "error", "Event_Outcome")]
    assert reasons(episode("early_cessation_other")) == [("cessation_reason_missing", "warning", "Event_Outcome")]
    assert reasons(episode("early_cessation_other", "admitted_to_hospital")) == []
    assert reasons(episode(ended_on=None)) == []
    problem = cld.check_episode(episode(person_ref="ab-1"), Q1, pattern)[0]
    assert problem.event_reference == "5f1c1f3e-0000-4000-8000-000000000001" and problem.person_ref == "ab-1"


def test_a_return_without_the_councils_code_is_not_ready() -> None:
    unset = Submission(la_code="", period_start=Q1.period_start, period_end=Q1.period_end)
    [problem] = cld.check_submission(unset)
    assert (problem.reason, problem.severity, problem.field, problem.event_reference) == (
        "la_code_missing", "error", "LA_Code", None)


def test_settings_refuse_a_malformed_council_code_or_pattern() -> None:
    assert cld.setting_problems("E09000033", r"[A-Z]{2}\d{6}") == []
    assert cld.setting_problems(None, None) == []
    assert "LA_CODE" in cld.setting_problems("E07000001", None)[0]  # a district: no social services
    assert "LA_CODE" in cld.setting_problems("Camden", None)[0]
    assert "PERSON_REF_PATTERN" in cld.setting_problems(None, "[A-Z")[0]
