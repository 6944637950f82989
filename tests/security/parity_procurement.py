"""API parity, procurement's part: every procurement page route that accepts POST, and the API
operation that does the same thing (or why it has none). Read by tests/security/test_api_parity.py
with the other apps' part in tests/security/parity_table.py."""

from tests.security.parity_types import Api, Exempt  # noqa: F401

PROCUREMENT: dict = {}
