"""Screening lists against the perpetrator index (docs/screening.md)."""
