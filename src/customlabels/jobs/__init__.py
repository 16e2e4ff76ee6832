"""The job queue: an embedded SQLite queue by default, Redis for workers on other machines."""
