"""The legal team's archive: bundles imported, their records with provenance, and search."""
