"""Visits recorded from workers' phones, one at a time or in offline batches."""
