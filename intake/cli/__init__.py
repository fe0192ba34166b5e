"""The ``intake`` command line (docs/cli.md). Only this package imports click
(tests/test_architecture.py)."""
