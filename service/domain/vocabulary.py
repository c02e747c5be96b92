"""DOMAIN.md's controlled lists."""

GOAL_DOMAINS = (
    "mobility", "transfers", "personal_care", "dressing", "continence", "meal_preparation", "eating_drinking",
    "medication", "stairs", "domestic_tasks", "community_access", "social_wellbeing", "other",
)
CONCERNS = ("fall", "pain", "deterioration", "safeguarding", "medication", "equipment", "skin_integrity",
            "nutrition", "other")
REFERRAL_SOURCES = ("hospital_discharge", "community")
FOLLOW_UP_STATUSES = ("at_home", "in_hospital", "in_care_home", "deceased")
OUTCOMES = (
    "early_cessation_nhs_funded_or_deceased", "early_cessation_other", "early_cessation_to_long_term_support",
    "long_term_support", "no_services_self_funding", "ongoing_low_level_support", "short_term_support_other",
    "no_services_declined", "no_services_universal_signposted", "no_services_no_identified_needs",
)
