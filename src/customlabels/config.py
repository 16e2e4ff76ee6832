"""One typed Settings object; every field documented (a test checks it)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Settings read from the environment (prefix ``CUSTOMLABELS_``) or passed explicitly."""

    model_config = SettingsConfigDict(env_prefix="CUSTOMLABELS_", extra="ignore")

    data_dir: Path = Field(
        default=Path("data"),
        description="Directory for the embedded defaults: SQLite file, image store, job queue.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the metadata database; empty means SQLite in data_dir.",
    )
    storage_url: str | None = Field(
        default=None,
        description="Where image bytes live; empty means a local directory under data_dir.",
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis URL of the job queue for remote workers; empty means SQLite queue.",
    )
    max_image_bytes: int = Field(
        default=64 * 1024 * 1024,
        description="Largest image file accepted, in bytes.",
    )
    max_image_pixels: int = Field(
        default=178_956_970,
        description="Pillow's decompression-bomb guard: largest width*height decoded.",
    )
    max_manifest_line_chars: int = Field(
        default=1_000_000,
        description="Longest Ground Truth manifest line accepted, in characters.",
    )
    thumbnail_size: int = Field(
        default=256,
        description="Long side of the stored upright thumbnails, in pixels.",
    )
    import_workers: int = Field(
        default=2,
        description="Threads that hash, decode and thumbnail images during an import.",
    )
    page_size_max: int = Field(
        default=1000,
        description="Largest page of entries a client may ask for.",
    )

    @property
    def resolved_database_url(self) -> str:
        """The database URL in use: the configured one or the SQLite file in data_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'customlabels.db').resolve()}"
