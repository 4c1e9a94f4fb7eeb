"""The one pagination style of every list endpoint: ``cursor`` + ``limit`` in the query,
``items`` + ``next_cursor`` in the answer.

A cursor is opaque to callers: the sort key of the last item of a page (or, for lists held in
memory, its position), as base64url JSON. Pass ``next_cursor`` back as ``cursor`` for the next
page; ``null`` means there is none. A cursor from another endpoint, or a mangled one, is a 422
naming the ``cursor`` parameter.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from fastapi import Query

from motcua_platform.errors import ApiError

CURSOR_DOC = "The next_cursor of the previous page; leave out for the first page"
NEXT_CURSOR_DOC = "Pass as cursor for the next page; null on the last page"


def cursor_query() -> Any:
    """The ``cursor`` query parameter, documented the same way everywhere."""
    return Query(default=None, max_length=512, description=CURSOR_DOC)


def encode_cursor(*key: str | int | datetime) -> str:
    """The cursor after an item whose sort key is ``key``."""
    plain = [value.isoformat() if isinstance(value, datetime) else value for value in key]
    raw = json.dumps(plain, ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *kinds: type) -> tuple[Any, ...]:
    """The sort key a cursor carries, each part converted to its kind (``datetime``, ``int`` or
    ``str``); a 422 when it is not a cursor this endpoint gave."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parts = json.loads(raw)
        if not isinstance(parts, list) or len(parts) != len(kinds):
            raise ValueError("wrong shape")
        return tuple(_convert(kind, part) for kind, part in zip(kinds, parts, strict=True))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise ApiError(
            422,
            "validation_failed",
            "cursor: not a cursor returned by this endpoint",
            {"field": "cursor", "reason": "malformed"},
        ) from exc


def _convert(kind: type, value: Any) -> Any:
    if kind is datetime:
        parsed = datetime.fromisoformat(str(value))
        if parsed.tzinfo is None:
            raise ValueError("naive instant")
        return parsed
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError("not a position")
        return value
    return str(value)


def position_page(
    items: Sequence[Any], cursor: str | None, limit: int
) -> tuple[Sequence[Any], str | None]:
    """A page of a list held in memory (reference data), the cursor being the position of the
    next item."""
    start = decode_cursor(cursor, int)[0] if cursor else 0
    end = start + limit
    return items[start:end], encode_cursor(end) if end < len(items) else None
