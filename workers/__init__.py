"""Background jobs and the projection logic they run."""
