import click


@click.group()
def document() -> None:
    """Printed documents: consent forms, witness statements and claim packs (docs/documents.md)."""
