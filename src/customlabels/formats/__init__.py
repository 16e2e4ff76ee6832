"""Pure readers and writers of dataset formats; no database, no web."""
