"""Testimonies and what belongs to them: the schema, consent, the acts taxonomy and the legal
qualifications of its acts (docs/archive.md), attached files and the folding of text for search
(docs/testimony-schema.md)."""
