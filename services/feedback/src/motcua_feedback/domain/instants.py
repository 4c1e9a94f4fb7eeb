"""Instants as the feedback domain keeps them: timezone-aware, at millisecond precision.

Deadlines and periods compare instants, so a naive datetime (UTC from the database? local time
from a form?) would shift a result by seven hours; it is refused at the boundary. BSON dates keep
milliseconds only, so instants are cut to milliseconds on the way in: a stored and reloaded
aggregate then equals the one that was saved.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def instant(value: datetime, name: str = "at") -> datetime:
    """``value`` checked to be aware and truncated to whole milliseconds."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")
    return value.replace(microsecond=value.microsecond - value.microsecond % 1000)


def stored_instant(value: Any) -> datetime | None:
    """An instant read back from a stored document.

    PyMongo returns naive UTC datetimes unless the client is created with ``tz_aware=True``;
    both are accepted so loading never depends on that client setting.
    """
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise TypeError(f"expected a stored datetime, got {value!r}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return instant(value)
