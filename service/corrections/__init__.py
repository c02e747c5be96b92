"""Corrections: fixing or voiding a recorded event by appending EventCorrected."""
