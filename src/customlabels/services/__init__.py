"""Use cases: every query and every write lives here, never in routes or commands."""
