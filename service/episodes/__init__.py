"""Episodes: opening, goals, assignments, closure, follow-up, flags, the event log."""
