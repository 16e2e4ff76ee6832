"""What the CLI tests share besides fixtures: the data dir a command runs on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DataDir:
    """A data dir, and the PostgreSQL database its commands use instead of its SQLite file."""

    path: Path
    database_url: str | None = None

    def environment(self) -> dict[str, str]:
        """The variables that point a command at this data dir and its database."""
        found = {"CUSTOMLABELS_DATA_DIR": str(self.path)}
        if self.database_url:
            found["CUSTOMLABELS_DATABASE_URL"] = self.database_url
        return found
