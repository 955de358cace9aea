"""Alembic migrations of the schema: `env.py` and `versions/` (run through `storage.migrate`)."""
