"""Training pages: my training, records and verification, the readiness matrix, sessions and rolls,
field hours, the catalog and requirements, the records import. Views parse, check, call one service or
selector, render."""

from . import field_hours, imports, readiness, records, sessions

__all__ = ["field_hours", "imports", "readiness", "records", "sessions"]
