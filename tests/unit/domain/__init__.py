"""Unit tests of the episode projection (pure functions, no I/O)."""
