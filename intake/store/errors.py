"""What can go wrong with the store, in words that are safe to show (no survivor text)."""


class StoreError(Exception):
    """The store could not be opened (wrong key, not a database, damaged) or changed."""


class DiskFull(StoreError):
    """The disk is full: the change was rolled back whole (SQLITE_FULL), nothing before it lost."""

    def __init__(self) -> None:
        super().__init__("the disk is full: this change was not saved (everything saved before is safe)")
