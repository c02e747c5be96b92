"""What the demo cohort is made of: the two providers, the demo accounts and the goals people set."""

from __future__ import annotations

from dataclasses import dataclass

DEMO_PASSWORD = "demo-password-2026"
WORKERS_PER_PROVIDER = 4


@dataclass(frozen=True)
class ProviderProfile:
    """One demo provider and how effective its reablement is."""

    key: str
    name: str
    kind: str
    ref_prefix: str
    # Planned length of an episode that runs its course, in days (uniform range).
    length_of_stay_days: tuple[int, int]
    # Share of goals (of episodes not ending independent) that level off below target.
    plateau_share: float
    # Share of the start need still commissioned when a long-term package follows (uniform range).
    end_need_share: tuple[float, float]
    # Share of episodes with a visit reporting a concern.
    concern_share: float
    # Share of 91-day follow-ups that find the person at home.
    at_home_share: float
    # Outcome code -> relative weight (DOMAIN.md's SALT STS002a sequels).
    outcome_weights: dict[str, float]
    visit_minutes: tuple[int, int]
    # Days between visits, drawn from these.
    visit_gaps: tuple[int, ...]

    @property
    def manager(self) -> str:
        """The provider's manager's username."""
        return f"manager.{self.key}"

    @property
    def workers(self) -> tuple[str, ...]:
        """The provider's workers' usernames."""
        return tuple(f"worker.{self.key}.{number}" for number in range(1, WORKERS_PER_PROVIDER + 1))


HOME_FIRST = ProviderProfile(
    key="homefirst", name="Home First (in-house)", kind="in_house", ref_prefix="HF",
    length_of_stay_days=(14, 30), plateau_share=0.35, end_need_share=(0.25, 0.55),
    concern_share=0.12, at_home_share=0.9, visit_minutes=(30, 60), visit_gaps=(1, 2, 2),
    outcome_weights={
        "no_services_no_identified_needs": 40, "no_services_universal_signposted": 10,
        "ongoing_low_level_support": 15, "short_term_support_other": 4, "long_term_support": 14,
        "no_services_self_funding": 2, "no_services_declined": 2, "early_cessation_other": 6,
        "early_cessation_nhs_funded_or_deceased": 3, "early_cessation_to_long_term_support": 4,
    },
)

CARECO = ProviderProfile(
    key="careco", name="CareCo Reablement", kind="external", ref_prefix="CC",
    length_of_stay_days=(28, 50), plateau_share=0.6, end_need_share=(0.5, 0.9),
    concern_share=0.18, at_home_share=0.74, visit_minutes=(20, 45), visit_gaps=(1, 2, 2, 2),
    outcome_weights={
        "no_services_no_identified_needs": 17, "no_services_universal_signposted": 6,
        "ongoing_low_level_support": 12, "short_term_support_other": 5, "long_term_support": 38,
        "no_services_self_funding": 3, "no_services_declined": 2, "early_cessation_other": 8,
        "early_cessation_nhs_funded_or_deceased": 3, "early_cessation_to_long_term_support": 6,
    },
)

PROVIDERS = (HOME_FIRST, CARECO)

# (username, role, provider key or None), in the order the summary lists them.
ACCOUNTS: tuple[tuple[str, str, str | None], ...] = (
    ("admin", "admin", None),
    ("commissioner", "commissioner", None),
    *((profile.manager, "manager", profile.key) for profile in PROVIDERS),
    *((worker, "worker", profile.key) for profile in PROVIDERS for worker in profile.workers),
)

# Why early cessations happened, weighted: most "other" stops are hospital admissions.
CESSATION_REASON_MIX: dict[str, dict[str, int]] = {
    "early_cessation_nhs_funded_or_deceased": {"nhs_funded_care": 2, "deceased": 1},
    "early_cessation_other": {"admitted_to_hospital": 3, "other": 1},
}

# Goals in people's own words, by DOMAIN.md goal domain.
GOALS: dict[str, tuple[str, ...]] = {
    "meal_preparation": ("Make a cup of tea myself", "Make a simple hot lunch", "Make my own breakfast"),
    "stairs": ("Manage the stairs", "Get upstairs to bed at night"),
    "personal_care": ("Wash and dress without help", "Have a strip wash at the sink", "Get in and out of the shower"),
    "dressing": ("Put on my shoes and socks", "Do up my buttons and zips"),
    "mobility": ("Walk to the corner shop with my stick", "Walk around the house without the frame",
                 "Get out into the garden"),
    "transfers": ("Get in and out of bed on my own", "Get on and off the toilet safely",
                  "Get up from my armchair"),
    "medication": ("Take my tablets from the blister pack on time",),
    "domestic_tasks": ("Do a small load of washing", "Keep the kitchen tidy"),
    "community_access": ("Get the bus into town", "Go to church on Sunday"),
    "social_wellbeing": ("Go back to the lunch club", "Phone my daughter each evening"),
    "eating_drinking": ("Eat my meals at the table", "Drink enough through the day"),
    "continence": ("Get to the toilet in time at night",),
}

VISIT_NOTES = (
    "Good session, practised with the equipment.",
    "Tired today but keen to keep trying.",
    "Family present; talked through the plan.",
    "Occupational therapist's advice followed.",
    "Managed more than last time with prompting.",
    "Pain better controlled since GP review.",
)

# Concern code (DOMAIN.md's list) -> what the worker wrote.
CONCERN_NOTES = {
    "fall": "Had a fall overnight, no injury; GP informed.",
    "pain": "Hip pain worse today; asked the GP to review pain relief.",
    "deterioration": "More confused than usual; daughter contacted.",
    "medication": "Tablets from yesterday still in the blister pack.",
    "equipment": "Perching stool wobbly; asked OT for a replacement.",
    "skin_integrity": "Red area on the heel; district nurse asked to visit.",
    "nutrition": "Fridge nearly empty and not eating much.",
}
OTHER_FOLLOW_UP = ("in_hospital", "in_care_home", "deceased")
