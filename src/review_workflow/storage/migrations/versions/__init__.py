"""The revisions, oldest first: 0001 is the schema of the previous release (4e49db6)."""
