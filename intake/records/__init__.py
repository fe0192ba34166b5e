"""Testimonies and what belongs to them: the schema, consent, the acts taxonomy, attached files
and the folding of text for search (docs/testimony-schema.md)."""
