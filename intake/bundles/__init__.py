"""Evidence bundles (docs/bundle-format.md): what may leave for a purpose, redaction profiles, the
signed BagIt-in-age format written and read, and this instance's own keys and recipients."""
