"""Synthetic demo data: a realistic cohort generated in memory and loaded through the service's own commands."""
