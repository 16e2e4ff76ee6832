"""Metadata storage: engine set-up, tables, migrations."""
