"""An instance home: creating and unlocking it, its users, the passphrase policy, backups and
the audit trail (docs/security.md)."""
