"""The typed configuration of one instance. Every field is documented in docs/configuration.md."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from intake.vault.crypto import KdfParams

APP_NAME = "Testimony Intake"


def user_data_home() -> Path:
    """The ``intake`` command's home when neither ``--home`` nor INTAKE_HOME names one: this
    user's data folder for the application, as platformdirs places it (``%LOCALAPPDATA%\\Testimony
    Intake`` on Windows, ``~/Library/Application Support/Testimony Intake`` on macOS,
    ``$XDG_DATA_HOME/Testimony Intake``, by default ``~/.local/share/...``, elsewhere)."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


@dataclass(frozen=True)
class Config:
    """Settings of one running instance; tests build their own with cheap KDF parameters."""

    home: Path = field(default_factory=lambda: Path(os.environ.get("INTAKE_HOME", "instance")))
    kdf: KdfParams = field(default_factory=KdfParams)
    idle_timeout_seconds: int = 15 * 60
    autosave_seconds: int = 10
    max_content_length: int = 16 * 1024 * 1024
    max_bundle_bytes: int = 4 * 1024 * 1024 * 1024
    max_attachment_bytes: int = 4 * 1024 * 1024 * 1024
    upload_piece_bytes: int = 4 * 1024 * 1024
    login_backoff_seconds: float = 1.0
    login_free_attempts: int = 3
    page_size: int = 25
    backup_reminder_days: int = 7
    testing: bool = False

    @classmethod
    def from_env(cls, home: Path | None = None) -> Config:
        """Defaults, overridden by INTAKE_* environment variables (docs/configuration.md)."""
        env = os.environ
        defaults = KdfParams()
        kdf = KdfParams(
            memory_kib=int(env.get("INTAKE_KDF_MEMORY_KIB", defaults.memory_kib)),
            time_cost=int(env.get("INTAKE_KDF_TIME_COST", defaults.time_cost)),
            parallelism=int(env.get("INTAKE_KDF_PARALLELISM", defaults.parallelism)))
        return cls(home=home or Path(env.get("INTAKE_HOME", "instance")), kdf=kdf,
                   idle_timeout_seconds=int(env.get("INTAKE_IDLE_TIMEOUT_SECONDS", 15 * 60)),
                   autosave_seconds=int(env.get("INTAKE_AUTOSAVE_SECONDS", 10)))

    @property
    def database_path(self) -> Path:
        return self.home / "intake.db"

    @property
    def keyslot_path(self) -> Path:
        return self.home / "keys" / "keyslots.json"

    @property
    def exports_path(self) -> Path:
        """Bundles made in the web interface (age-encrypted), until someone removes them."""
        return self.home / "exports"

    @property
    def attachments_path(self) -> Path:
        """Attachments, each an age file under its own identity (records/attachments.py)."""
        return self.home / "attachments"

    @property
    def incoming_path(self) -> Path:
        """Uploaded bundles (still age-encrypted) while they are verified and imported."""
        return self.home / "incoming"

    @property
    def is_initialised(self) -> bool:
        return self.keyslot_path.exists()
