"""Instants as every service keeps them: timezone-aware, in Vietnam time, at whole milliseconds.

Deadlines and periods compare instants, so a naive datetime typed by a person (UTC? local?) would
shift a result by seven hours: it is refused at the boundary with the field that carried it. BSON
dates keep milliseconds only and come back from MongoDB as UTC (naive unless the client is
tz-aware): normalising on the way in keeps a stored aggregate equal to the live one, and Vietnam
time keeps stored and printed wall clocks the same.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from motcua_platform.calendar import VN_TZ
from motcua_platform.errors import Refusal

__all__ = ["InvalidTime", "at_rest", "instant", "iso", "stored_instant"]


class InvalidTime(Refusal, ValueError):
    """A supplied time that is not a timezone-aware date and time (a ``ValueError`` too: it is
    a bad value wherever it is found)."""

    def __init__(self, message: str, field: str = "at") -> None:
        super().__init__("invalid_time", message, field=field)


def _normalised(value: datetime) -> datetime:
    value = value.astimezone(VN_TZ)
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def at_rest(value: datetime) -> datetime:
    """A datetime as stored: naive means UTC (a BSON date read without a zone), then Vietnam
    time at whole milliseconds — so a reloaded aggregate equals the live one."""
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=UTC)
    return _normalised(value)


def instant(value: datetime | None, field: str = "at") -> datetime:
    """A supplied instant, checked and normalised; :class:`InvalidTime` naming ``field`` if it is
    absent or naive."""
    if not isinstance(value, datetime):
        raise InvalidTime(f"{field} must be a date and time", field)
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidTime(
            f"{field} must be timezone-aware: a date and time with a time zone offset", field
        )
    return _normalised(value)


def stored_instant(value: Any) -> datetime | None:
    """An instant read back from storage or an event's JSON: ISO text, aware, or naive UTC (what
    a BSON date is when the driver returns it without a zone); ``None`` stays ``None``."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise TypeError(f"expected a stored datetime, got {value!r}")
    return at_rest(value)


def iso(value: datetime | None) -> str | None:
    """An instant as ISO 8601 with the Vietnam offset, for JSON answers."""
    return None if value is None else at_rest(value).isoformat()
