"""Where the app keeps its data: the data folder (database, file store, secret key)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path


def default_data_dir() -> Path:
    """The per-user data folder: ``$XDG_DATA_HOME/orthofit`` or ``~/.local/share/orthofit``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "orthofit"


@dataclass(frozen=True)
class AppConfig:
    """The app's settings.

    Parameters
    ----------
    data_dir : Path
        Holds ``orthofit.db`` (the embedded SQLite database, unless ``db_url`` is given),
        ``files/`` (the content-addressed store) and ``secret.key`` (signs session cookies).
    db_url : str
        An SQLAlchemy URL; ``postgresql://...`` for a clinic with several rooms.
    workers : int
        Processes that run the pipeline (assessments, insoles, reports).
    """

    data_dir: Path
    db_url: str
    workers: int = 2

    @classmethod
    def make(cls, data_dir: str | Path | None = None, db_url: str | None = None, workers: int = 2) -> AppConfig:
        d = Path(data_dir) if data_dir else default_data_dir()
        d.mkdir(parents=True, exist_ok=True)
        url = db_url or f"sqlite:///{d / 'orthofit.db'}"
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]  # psycopg 3
        return cls(d, url, workers)

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    def secret_key(self) -> str:
        """The key that signs session cookies, made on first run (readable by the owner only)."""
        path = self.data_dir / "secret.key"
        try:
            return path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            key = secrets.token_urlsafe(48)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(key)
            return key
