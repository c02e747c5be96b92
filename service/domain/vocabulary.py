"""DOMAIN.md's controlled lists (outcome codes and their groups are in service/domain/outcomes.py)."""

GOAL_DOMAINS = (
    "mobility", "transfers", "personal_care", "dressing", "continence", "meal_preparation", "eating_drinking",
    "medication", "stairs", "domestic_tasks", "community_access", "social_wellbeing", "other",
)
CONCERNS = ("fall", "pain", "deterioration", "safeguarding", "medication", "equipment", "skin_integrity",
            "nutrition", "other")
REFERRAL_SOURCES = ("hospital_discharge", "community")
FOLLOW_UP_STATUSES = ("at_home", "in_hospital", "in_care_home", "deceased")
