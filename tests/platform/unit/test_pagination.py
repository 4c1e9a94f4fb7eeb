"""The cursor every list endpoint pages with: it carries the sort key of the last item, comes
back as it went, and anything else is refused as a 422 naming the parameter."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from motcua_platform.errors import ApiError
from motcua_platform.http.pagination import decode_cursor, encode_cursor, position_page

VN = timezone(timedelta(hours=7))


def test_a_cursor_carries_its_sort_key_back():
    due = datetime(2026, 3, 4, 10, 30, tzinfo=VN)
    cursor = encode_cursor(due, "H15.01.36-260304-0001")
    assert decode_cursor(cursor, datetime, str) == (due, "H15.01.36-260304-0001")
    assert "=" not in cursor and "/" not in cursor and "+" not in cursor  # safe in a URL


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor",
        encode_cursor("x"),  # one part where two are expected
        encode_cursor("2026-03-04T10:30:00", "code"),  # an instant without its offset
        encode_cursor(12, "code"),
    ],
)
def test_anything_else_is_a_422_naming_the_cursor(cursor: str):
    with pytest.raises(ApiError) as refused:
        decode_cursor(cursor, datetime, str)
    assert refused.value.status == 422
    assert refused.value.details == {"field": "cursor", "reason": "malformed"}


def test_a_negative_position_is_refused():
    with pytest.raises(ApiError):
        position_page(list(range(5)), encode_cursor(-1), 2)


def test_positions_walk_a_list_to_its_end_once():
    items = list(range(7))
    seen, cursor, pages = [], None, 0
    while True:
        page, cursor = position_page(items, cursor, 3)
        seen += page
        pages += 1
        if cursor is None:
            break
    assert (seen, pages) == (items, 3)
    assert position_page(items[:3], None, 3) == ([0, 1, 2], None)  # a full last page ends it
