"""One typed Settings object; every field documented (a test checks it)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

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
    database_pool_size: int | None = Field(
        default=None,
        ge=1,
        description="Connections a server process keeps open to the database; empty means "
        "40 for SQLite (one per request thread) and 20 for PostgreSQL.",
    )
    database_max_overflow: int | None = Field(
        default=None,
        ge=0,
        description="Connections opened beyond the pool under load; empty means 10 for SQLite "
        "and 20 for PostgreSQL (keep pool + overflow, times the server processes, within its "
        "max_connections).",
    )
    storage_url: str | None = Field(
        default=None,
        description="Where image bytes live; empty means a local directory under data_dir.",
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis URL of the job queue for remote workers; empty means SQLite queue.",
    )
    queue_name: str = Field(
        default="customlabels",
        min_length=1,
        description="Name of the job queue; deployments that share one Redis need different "
        "names, or one's workers would run the other's job ids against the wrong database.",
    )
    job_lease_s: float = Field(
        default=120.0,
        gt=0,
        description="Seconds a running job's lease lasts; its worker renews it every quarter "
        "of that, and a job whose lease ran out is taken as dead (resumed or failed).",
    )
    upload_idle_s: float = Field(
        default=600.0,
        gt=0,
        description="Seconds an upload session stays open without a request; then it fails "
        "and its dataset says the upload was not finished.",
    )
    import_roots: list[Path] | None = Field(
        default=None,
        description="Folders the REST API may read server paths from (folder, manifest, COCO, "
        "YOLO and VOC imports and their roots), as a JSON list in the environment; empty means "
        "data_dir/imports, [] allows none. The CLI reads any path.",
    )
    export_root: Path | None = Field(
        default=None,
        description="Folder REST exports may write under; empty means data_dir/exports. "
        "The CLI writes anywhere.",
    )
    max_image_bytes: int = Field(
        default=64 * 1024 * 1024,
        description="Largest image file accepted, in bytes.",
    )
    max_image_pixels: int = Field(
        default=178_956_970,
        description="Pillow's decompression-bomb guard: largest width*height decoded.",
    )
    max_decode_bytes: int = Field(
        default=256 * 1024 * 1024,
        description="Most memory one image may take once decoded (width*height*bytes per "
        "pixel as Pillow holds it, 4 for RGB/RGBA): keeps a 50-megapixel photo (200 MB), "
        "refuses small files that decode huge (a 13,300² RGBA PNG needs 708 MB).",
    )
    max_upload_files: int = Field(
        default=256,
        ge=1,
        description="Most files in one upload request (the console sends 16 at a time).",
    )
    max_upload_bytes: int = Field(
        default=128 * 1024 * 1024,
        ge=1,
        description="Largest upload request body, in bytes; the accepted files of a request "
        "are held in memory while imported, so this bounds an upload's memory.",
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
    import_pool: Literal["auto", "threads", "processes"] = Field(
        default="auto",
        description="Where imports read and analyse local files and S3 objects: worker "
        "processes for big imports (auto), always threads, or always processes.",
    )
    page_size_max: int = Field(
        default=1000,
        description="Largest page of entries a client may ask for.",
    )

    max_model_labels: int = Field(
        default=1000,
        description="Most labels a model version may train on (the hosted service allows 250).",
    )
    detect_max_image_side: int = Field(
        default=8192,
        description="Longest side, in pixels, of an image sent to detect (hosted: 4096).",
    )
    detect_min_image_side: int = Field(
        default=16,
        description="Shortest side, in pixels, of an image sent to detect (hosted: 64).",
    )
    detect_max_image_bytes: int = Field(
        default=32 * 1024 * 1024,
        description="Largest image file sent to detect, in bytes (hosted: 4 MB as bytes).",
    )

    s3_endpoint_url: str | None = Field(
        default=None,
        description="Endpoint of an S3-compatible store (MinIO, Ceph, R2); empty means "
        "AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL, else AWS. Credentials: the AWS chain.",
    )
    s3_region: str | None = Field(
        default=None,
        description="AWS region of the S3 client; empty means the AWS chain (AWS_REGION, profile).",
    )
    s3_max_concurrency: int = Field(
        default=16,
        description="S3 downloads (imports) and uploads (exports, image store) in flight at once.",
    )
    s3_max_attempts: int = Field(
        default=5,
        description="Attempts per S3 request on throttling or a dropped connection, then an error.",
    )
    s3_retry_base_delay_s: float = Field(
        default=0.25,
        description="First wait before retrying an S3 request, in seconds; doubled each attempt.",
    )
    s3_multipart_threshold_mb: int = Field(
        default=64,
        description="Export files of at least this many MiB go to S3 in parts, read from disk "
        "as they are sent (a single upload holds the file in memory, and S3 takes 5 GB at most).",
    )
    s3_list_page_size: int = Field(
        default=1000,
        description="Keys asked for per S3 listing page (1-1000); listings stream page by page.",
    )
    image_urls: Literal["app", "presigned"] = Field(
        default="app",
        description="With an S3 image store: serve image bytes through the app, or redirect "
        "clients to presigned S3 URLs.",
    )
    presigned_url_expiry_s: int = Field(
        default=3600,
        description="How long a presigned image URL stays valid, in seconds.",
    )
    in_place_thumbnails: Literal["deferred", "import"] = Field(
        default="deferred",
        description="Imports in place (folder sources with in_place): make JPEG thumbnails "
        "when first shown (deferred: the import reads headers only) or during the import.",
    )
    thumbnails_in_store: bool = Field(
        default=False,
        description="Keep thumbnails in the image store (e.g. S3) instead of the database.",
    )

    secret_key: str | None = Field(
        default=None,
        description="Key that encrypts API key secrets at rest (any string; keep it secret "
        "and the same on every server and worker); empty means a random key kept in "
        "data_dir/secret.key, made on first use.",
    )
    admin_password: str | None = Field(
        default=None,
        description="Password of the first admin, made when the server starts with no users; "
        "empty means a random one, printed once.",
    )
    allowed_hosts: list[str] = Field(
        default=["localhost", "127.0.0.1"],
        description="Host header values the server answers (a guard against DNS rebinding); "
        "add the names it is reached by, or '*' for any.",
    )
    session_hours: float = Field(
        default=24 * 7,
        gt=0,
        description="How long a console sign-in lasts, in hours.",
    )
    signin_free_failures: int = Field(
        default=5,
        ge=1,
        description="Wrong passwords in a row a user may enter before each further sign-in "
        "is refused for a while (doubling, up to 15 minutes).",
    )

    @property
    def resolved_database_url(self) -> str:
        """The database URL in use: the configured one or the SQLite file in data_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'customlabels.db').resolve()}"

    @property
    def resolved_import_roots(self) -> list[Path]:
        """The folders REST imports may read: the configured ones or data_dir/imports."""
        if self.import_roots is None:
            return [self.data_dir / "imports"]
        return list(self.import_roots)

    @property
    def resolved_export_root(self) -> Path:
        """The folder REST exports may write under: the configured one or data_dir/exports."""
        return self.export_root if self.export_root is not None else self.data_dir / "exports"
