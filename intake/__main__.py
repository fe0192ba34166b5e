"""``python -m intake``: the same as the ``intake`` command (cli.py)."""

from .cli import main

main(prog_name="intake")
