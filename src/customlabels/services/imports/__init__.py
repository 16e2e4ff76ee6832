"""Importing: sources described, checked and opened; jobs started and run; the Ingestor.

One concept a module. A job starts in :mod:`start` (checked by :mod:`sources`), runs in
:mod:`run`, and every record goes through :class:`ingest.Ingestor`, whose steps are
:mod:`locating`, :mod:`analysing` (on :mod:`analysis_pool` / :mod:`analysis_tasks`),
:mod:`storing`, :mod:`boxes` and :mod:`entry_rows`. Sources of their own: :mod:`uploads`,
:mod:`copying`, :mod:`s3_sources` (and :mod:`s3_sync`), :mod:`readahead` for big manifests.
This module imports nothing, so importing one step costs no more than that step.
"""
