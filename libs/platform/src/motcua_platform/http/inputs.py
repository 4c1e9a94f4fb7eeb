"""Input from outside, checked once at the boundary, before anything is stored.

- Instants and dates (``at``, period filters, a new due date) lie between 2000 and 2100: a
  deadline counted in working hours from year 9999 overflows, and a simulated clock moved there
  never comes back.
- Text is normalised to Unicode NFC (the Vietnamese standard, TCVN 6909:2001): a name typed with
  combining diacritics (NFD) and the same name typed precomposed are one spelling.
- Every string and every list has a maximum length, so no request can grow a document past what
  the database stores.
- No text holds a NUL character or an unpaired surrogate: no form field needs them, a MongoDB key
  and the local server's PostgreSQL cannot store them, and an unpaired surrogate is not UTF-8.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, model_validator

from motcua_platform.calendar import VN_TZ
from motcua_platform.errors import ApiError

EARLIEST = datetime(2000, 1, 1, tzinfo=VN_TZ)
LATEST = datetime(2100, 1, 1, tzinfo=VN_TZ)
MAX_TEXT = 4000  # characters of one free-text field (a complaint's content is the longest)
MAX_ITEMS = 500  # entries of one list or object
RANGE_REASON = f"must lie between {EARLIEST.date().isoformat()} and {LATEST.date().isoformat()}"


def out_of_range(field: str) -> ApiError:
    return ApiError(
        422,
        "out_of_range",
        f"{field}: {RANGE_REASON}",
        {"field": field, "reason": RANGE_REASON},
    )


def check_instant(value: datetime, field: str) -> datetime:
    """``value`` when it lies in the accepted range; a 422 naming ``field`` otherwise."""
    aware = value if value.tzinfo else value.replace(tzinfo=VN_TZ)
    if not EARLIEST <= aware < LATEST:
        raise out_of_range(field)
    return value


def check_date(value: date, field: str) -> date:
    if not EARLIEST.date() <= value < LATEST.date():
        raise out_of_range(field)
    return value


def _instant_in_range(value: datetime) -> datetime:
    if not EARLIEST <= value < LATEST:
        raise ValueError(RANGE_REASON)
    return value


def _date_in_range(value: date) -> date:
    if not EARLIEST.date() <= value < LATEST.date():
        raise ValueError(RANGE_REASON)
    return value


Instant = Annotated[AwareDatetime, AfterValidator(_instant_in_range)]
"""A timezone-aware instant from outside, inside the accepted range."""

Day = Annotated[date, AfterValidator(_date_in_range)]
"""A calendar date from outside (a report period's bound), inside the accepted range."""


UNSTORABLE_REASON = "contains a NUL character or an unpaired surrogate"


class FieldRefused(ValueError):
    """A value refused at the boundary: ``field`` (a dotted path into the body) and ``reason``,
    which the 422 answer reports as they are."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> bool:
    """Whether ``text`` is free of NUL characters and unpaired surrogates (see the module)."""
    return _UNSTORABLE.search(text) is None


def normalise(value: Any, path: str = "") -> Any:
    """NFC text everywhere in a parsed JSON value (keys included); lists and objects bounded;
    text that cannot be stored refused. Raises :class:`FieldRefused`."""
    if isinstance(value, str):
        if not storable(value):
            raise FieldRefused(path or "body", UNSTORABLE_REASON)
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        if len(value) > MAX_ITEMS:
            raise FieldRefused(path or "body", f"at most {MAX_ITEMS} items")
        return [normalise(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        if len(value) > MAX_ITEMS:
            raise FieldRefused(path or "body", f"at most {MAX_ITEMS} entries")
        return {
            normalise(k, path): normalise(v, f"{path}.{k}" if path else str(k))
            for k, v in value.items()
        }
    return value


class RequestBody(BaseModel):
    """The base of every command body: bounded strings, NFC text, bounded lists. Booleans and
    numbers are declared strict (``StrictBool``, ``StrictInt``) where the service declares them:
    ``"accept": "yes"`` is refused, not read as true."""

    model_config = ConfigDict(str_max_length=MAX_TEXT)

    @model_validator(mode="before")
    @classmethod
    def _at_the_boundary(cls, data: Any) -> Any:
        return normalise(data)
