"""Sign-in, bearer tokens and role checks."""
