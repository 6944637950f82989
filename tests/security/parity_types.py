"""The two answers a parity-table row can give for a page route that accepts POST."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Api:
    """The API operation (OpenAPI path as in the schema, and its method) that calls the same service
    with the same permission predicate as the page action."""

    method: str
    path: str


@dataclass(frozen=True)
class Exempt:
    """No API operation, and why (sign-in, language switch, a browser-only step)."""

    reason: str
