"""The keys: the unlocked vault (master key and the keys derived from it), key slots, the
recovery key, the age file format and the only use of the cryptography primitives
(docs/security.md). Nothing here knows the web or the command line."""
