"""Statutory exports: the CLD Release 2 extract and its data-quality check."""
