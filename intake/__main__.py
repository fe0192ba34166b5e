"""``python -m intake``: the same as the ``intake`` command (cli/main.py)."""

from intake.cli.main import main

main(prog_name="intake")
