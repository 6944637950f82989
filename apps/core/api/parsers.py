"""The API's JSON parser: a body nested past a sane depth, or larger than any API call needs, is a
400 with the error body before it reaches json.loads.

The standard library's decoder recurses once per nested array or object: a body of a thousand
`[` raised RecursionError inside DRF's parser, which is no ValueError, so the request ended in a 500.
The depth is counted here without recursion, skipping over string contents, before decoding.
"""

import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import get_encoding
from rest_framework.utils import json

# Deeper than any payload of this API (the deepest, a proposal's price lines or a shift's
# overrides, is three levels), far below the decoder's recursion limit.
MAX_DEPTH = 32
# API bodies are small (settings.API_JSON_MAX_BYTES); uploads are multipart and never come through here.

# A JSON string (unrolled, so it runs in linear time) or one bracket. Everything else is skipped.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def json_depth_exceeds(text: str, limit: int) -> bool:
    """True when arrays and objects nest deeper than `limit` anywhere in `text`. Iterative; brackets
    inside strings do not count. Malformed input is left for the decoder to refuse."""
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return True
        elif token in "]}":
            depth -= 1
    return False


class JSONParser(parsers.JSONParser):
    max_depth = MAX_DEPTH

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = get_encoding(parser_context)
        limit = settings.API_JSON_MAX_BYTES
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise ParseError(_("The request body is too large (at most %(limit)d bytes).") % {"limit": limit})
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        if json_depth_exceeds(text, self.max_depth):
            raise ParseError(_("The JSON body is nested too deeply (at most %(depth)d levels).")
                             % {"depth": self.max_depth})
        try:
            parse_constant = json.strict_constant if self.strict else None
            return json.loads(text, parse_constant=parse_constant)
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
