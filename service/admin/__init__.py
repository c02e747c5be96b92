"""Administration: providers and users."""
