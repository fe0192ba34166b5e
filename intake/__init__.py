"""Testimony Intake: offline, encrypted recording of survivors' testimonies (docs/architecture.md
is the map of the packages)."""
