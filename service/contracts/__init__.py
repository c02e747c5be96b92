"""Outcomes-based contracts and their reports."""
