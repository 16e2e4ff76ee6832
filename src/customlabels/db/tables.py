"""The tables (SQLAlchemy 2 declarative). Labels live in indexed rows, never in JSON.

Denormalised columns (``dataset_id`` on entry_labels and boxes, ``is_labeled``,
``has_errors``, ``box_count`` on entries) exist so that every gallery filter is an index
range scan in id order: a page never sorts or counts the whole table.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored in UTC and read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
IdType = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Limited to its members (project_members) and admins; else open to every role but
    # annotators, who see only the projects they are given.
    members_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Dataset(Base):
    __tablename__ = "datasets"
    __table_args__ = (UniqueConstraint("project_id", "dataset_type"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    dataset_type: Mapped[str] = mapped_column(String(5))  # TRAIN | TEST
    status: Mapped[str] = mapped_column(String(32))
    status_message: Mapped[str] = mapped_column(Text, default="")
    status_message_code: Mapped[str] = mapped_column(String(32), default="SUCCESS")
    # Where the entries came from (a folder, a manifest, an s3:// prefix), for re-syncs.
    source: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Counters kept in step with every write (services.stats) so that describing a dataset
    # of a million entries reads one row instead of counting them.
    entry_count: Mapped[int] = mapped_column(BigInteger, default=0)
    labeled_count: Mapped[int] = mapped_column(BigInteger, default=0)
    error_count: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Asset(Base):
    """The bytes of one image, stored once and addressed by SHA-256."""

    __tablename__ = "assets"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    image_format: Mapped[str] = mapped_column(String(8))
    width: Mapped[int] = mapped_column(Integer)  # upright
    height: Mapped[int] = mapped_column(Integer)  # upright
    raw_width: Mapped[int] = mapped_column(Integer)
    raw_height: Mapped[int] = mapped_column(Integer)
    orientation: Mapped[int] = mapped_column(Integer, default=1)
    byte_size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Thumbnail(Base):
    """Upright thumbnails kept in the database: one small file each would halve import speed."""

    __tablename__ = "thumbnails"

    asset_id: Mapped[int] = mapped_column(
        ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Label(Base):
    __tablename__ = "labels"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    color: Mapped[str] = mapped_column(String(7))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Its place in the project's order: the console's number-key shortcut (1 = position 0).
    # New labels go last; only reordering changes it, so a shortcut never moves by itself.
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Entry(Base):
    __tablename__ = "entries"
    __table_args__ = (
        UniqueConstraint("dataset_id", "source_ref"),
        Index("ix_entries_dataset", "dataset_id", "id"),
        Index("ix_entries_labeled", "dataset_id", "is_labeled", "id"),
        Index("ix_entries_errors", "dataset_id", "has_errors", "id"),
        Index("ix_entries_boxes", "dataset_id", "has_boxes", "id"),
        Index("ix_entries_predicted", "dataset_id", "has_predictions", "id"),
        Index("ix_entries_asset", "asset_id"),
        # The source-ref substring filter's trigram index (migration 0002). PostgreSQL: this
        # GIN index. SQLite: the FTS5 table entries_source_ref_fts and its triggers, which
        # live only in the migration (a virtual table has no place in this metadata).
        Index(
            "ix_entries_source_ref_trgm",
            "source_ref",
            postgresql_using="gin",
            postgresql_ops={"source_ref": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"))
    source_ref: Mapped[str] = mapped_column(Text)
    asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("assets.id", ondelete="RESTRICT"), nullable=True
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_labeled: Mapped[bool] = mapped_column(Boolean, default=False)
    has_errors: Mapped[bool] = mapped_column(Boolean, default=False)
    has_boxes: Mapped[bool] = mapped_column(Boolean, default=False)
    # Labelled for detection with no objects in it (an empty annotations list): a real
    # negative example, so the entry counts as labelled.
    no_objects: Mapped[bool] = mapped_column(Boolean, default=False)
    # Holds a label or box that a model predicted and nobody has reviewed yet (the gallery's
    # "predicted, not reviewed" filter is an index range scan on it, like the others).
    has_predictions: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # [{"code", "message", "severity"}]: what validation found, kept for the user to fix.
    issues: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # The manifest line as read, when it could not be parsed.
    raw_line: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EntryLabel(Base):
    """An image-level label on an entry."""

    __tablename__ = "entry_labels"
    __table_args__ = (Index("ix_entry_labels_filter", "dataset_id", "label_id", "entry_id"),)

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True
    )
    label_id: Mapped[int] = mapped_column(
        ForeignKey("labels.id", ondelete="CASCADE"), primary_key=True
    )
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"))
    # Set when a model version put the label here (pre-labelling), to its confidence 0-100;
    # None once a person made or reviewed it.
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)


class Box(Base):
    """A labelled rectangle on an entry, in upright pixels."""

    __tablename__ = "boxes"
    __table_args__ = (
        Index("ix_boxes_filter", "dataset_id", "label_id", "entry_id"),
        Index("ix_boxes_entry", "entry_id"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"))
    dataset_id: Mapped[int] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"))
    label_id: Mapped[int] = mapped_column(ForeignKey("labels.id", ondelete="CASCADE"))
    left: Mapped[float] = mapped_column(Float)
    top: Mapped[float] = mapped_column(Float)
    width: Mapped[float] = mapped_column(Float)
    height: Mapped[float] = mapped_column(Float)
    # As EntryLabel.confidence: machine-made with this confidence, or None when human.
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)


class DatasetLabelStat(Base):
    """Per dataset and label: entries with it as image-level label, and boxes with it."""

    __tablename__ = "dataset_label_stats"

    dataset_id: Mapped[int] = mapped_column(
        ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True
    )
    label_id: Mapped[int] = mapped_column(
        ForeignKey("labels.id", ondelete="CASCADE"), primary_key=True
    )
    entry_count: Mapped[int] = mapped_column(BigInteger, default=0)
    box_count: Mapped[int] = mapped_column(BigInteger, default=0)


class Job(Base):
    """A long operation with status and progress."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_project_status", "project_id", "status"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    # What the user did, in words ("Upload of 60 files to TRAIN"); written at creation.
    title: Mapped[str] = mapped_column(Text, default="", server_default="")
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"), nullable=True
    )
    dataset_id: Mapped[int | None] = mapped_column(
        ForeignKey("datasets.id", ondelete="SET NULL"), nullable=True
    )
    status: Mapped[str] = mapped_column(String(16), default="QUEUED")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    done: Mapped[int] = mapped_column(BigInteger, default=0)
    total: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    error_count: Mapped[int] = mapped_column(BigInteger, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Written as the job makes progress; a RUNNING job whose heartbeat stopped was killed.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # What a job with stages says beyond done/total (a training: stage, epoch, loss, ETA).
    progress: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class SourceAsset(Base):
    """Which asset a source file held when it was last read (by size and mtime or ETag).

    Lets a re-import or a manifest over already-stored images skip reading the bytes again.
    """

    __tablename__ = "source_assets"
    __table_args__ = (Index("ix_source_assets_asset", "asset_id"),)

    source_ref: Mapped[str] = mapped_column(Text, primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    byte_size: Mapped[int] = mapped_column(BigInteger)
    fingerprint: Mapped[str] = mapped_column(String(128))


class ReferencedFile(Base):
    """Where the bytes of an asset imported in place lie: a server file, not the store.

    An asset has such a row only while its bytes are not in the BlobStore (an import that
    copies the same image removes it). ``fingerprint`` (size, mtime, device, inode) is the
    cheap check that the file still holds what was hashed; when it differs the file is
    hashed again, and a file that no longer matches ``assets.sha256`` is never served.
    """

    __tablename__ = "referenced_files"

    asset_id: Mapped[int] = mapped_column(
        ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True
    )
    path: Mapped[str] = mapped_column(Text)
    byte_size: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    fingerprint: Mapped[str] = mapped_column(String(128))


class ModelVersion(Base):
    """One training run of a project: its status, snapshots, evaluation and model files."""

    __tablename__ = "model_versions"
    __table_args__ = (
        UniqueConstraint("project_id", "name"),
        Index("ix_model_versions_status", "project_id", "status"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    # TRAINING_IN_PROGRESS | TRAINING_COMPLETED | TRAINING_FAILED | STARTING | RUNNING |
    # STOPPING | STOPPED | FAILED (a start that failed), as the hosted service names them.
    status: Mapped[str] = mapped_column(String(32))
    status_message: Mapped[str] = mapped_column(Text, default="")
    # The hosted service's error code of a failed training (ERROR_MANIFEST_TOO_FEW_LABELS...).
    status_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    task: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # What the user asked for; after training, the settings actually used (defaults filled).
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    label_names: Mapped[list[Any]] = mapped_column(JSON, default=list)
    thresholds: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # The hosted evaluation summary file; the raw scores (large) live in the BlobStore.
    evaluation: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    raw_scores_key: Mapped[str | None] = mapped_column(Text, nullable=True)
    artifact_key: Mapped[str | None] = mapped_column(Text, nullable=True)
    job_id: Mapped[int | None] = mapped_column(
        ForeignKey("jobs.id", ondelete="SET NULL"), nullable=True
    )
    # The ARN of the version this one was copied from.
    source_version_arn: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    training_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ModelSnapshot(Base):
    """The exact entries, labels and boxes a version was trained or tested on.

    The rows live as one compressed JSON blob in the BlobStore (a million entries would be
    a million rows here, read back only whole); this row holds its key and counts.
    """

    __tablename__ = "model_snapshots"
    __table_args__ = (UniqueConstraint("version_id", "dataset_type"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("model_versions.id", ondelete="CASCADE"))
    dataset_type: Mapped[str] = mapped_column(String(5))  # TRAIN | TEST
    blob_key: Mapped[str] = mapped_column(Text)
    entry_count: Mapped[int] = mapped_column(BigInteger, default=0)
    label_count: Mapped[int] = mapped_column(Integer, default=0)
    box_count: Mapped[int] = mapped_column(BigInteger, default=0)
    # A TEST snapshot held out of TRAIN (20%, stratified) because the project had no TEST.
    held_out: Mapped[bool] = mapped_column(Boolean, default=False)


class User(Base):
    """Someone who signs in to the console or calls the API with a key."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    # admin | editor | annotator | viewer (services/roles.py)
    role: Mapped[str] = mapped_column(String(16))
    # argon2 hash; None for a user who only calls the API with keys.
    password_hash: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Failed sign-ins in a row, and until when the next one is refused (slowing guessing).
    failed_signins: Mapped[int] = mapped_column(Integer, default=0)
    signin_blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApiKey(Base):
    """An access key id and its secret, encrypted (a SigV4 check needs the secret itself)."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    access_key_id: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_encrypted: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class WebSession(Base):
    """A signed-in browser: the cookie holds a random token, stored here only as a hash."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProjectMember(Base):
    """A user named on a project. A project with members is limited to them (and admins)."""

    __tablename__ = "project_members"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))


class AuditEvent(Base):
    """Who changed what, and when: one row per change, written in the change's transaction.

    No foreign key on ``entry_id``, and the project's name kept as text, so that the
    history of an entry or a project outlives it. A bulk change is one row whatever it
    touched: its entry ids are ``[first, last]`` runs in ``detail``, bounded by
    ``entry_min``/``entry_max`` so that an entry's history finds them by an index range.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_entry", "entry_id", "id"),
        Index("ix_audit_events_bulk", "dataset_id", "entry_min", "entry_max"),
        Index("ix_audit_events_project", "project_id", "id"),
        Index("ix_audit_events_at", "at"),
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A user's name, "cli:<os user>" for the CLI, "system" for a job nobody asked for.
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(32))
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"), nullable=True
    )
    project_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    dataset_type: Mapped[str | None] = mapped_column(String(5), nullable=True)
    # No foreign key: the dataset id only narrows bulk events; deleting it keeps them.
    dataset_id: Mapped[int | None] = mapped_column(IdType, nullable=True)
    entry_id: Mapped[int | None] = mapped_column(IdType, nullable=True)
    entry_min: Mapped[int | None] = mapped_column(IdType, nullable=True)
    entry_max: Mapped[int | None] = mapped_column(IdType, nullable=True)
    label: Mapped[str | None] = mapped_column(String(255), nullable=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ResourceTag(Base):
    """A tag (key, value) on a resource of the compatible API, by its ARN: projects, model
    versions, datasets. Keyed by ARN, not by row, as the service's tags are: the ARN's
    creation time makes a resource made again under the same name a different one."""

    __tablename__ = "resource_tags"
    __table_args__ = (UniqueConstraint("arn", "key"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    arn: Mapped[str] = mapped_column(Text)
    key: Mapped[str] = mapped_column(String(128))
    value: Mapped[str] = mapped_column(String(256))


class ProjectPolicy(Base):
    """A project policy (PutProjectPolicy): a JSON document under a name, replaced only by
    a writer that names its current ``revision_id``."""

    __tablename__ = "project_policies"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(128))
    revision_id: Mapped[str] = mapped_column(String(64))
    document: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
