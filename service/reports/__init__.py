"""Effectiveness and contract metrics over derived episode state."""
