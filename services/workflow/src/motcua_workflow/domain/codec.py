"""Case state ⇄ BSON-friendly documents.

A document holds only aware datetimes, str, int, float, bool, None, dicts with plain keys and
lists of dicts — no nested arrays, no keys with '.' or '$' (unit codes such as ``H15.50`` are
therefore always values, never keys). Decoding is driven by the dataclass type hints, so adding
a field to a record needs no codec change.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import datetime
from enum import Enum
from typing import Any, Literal, TypeVar

from motcua_platform.instants import at_rest as instant

T = TypeVar("T")


def encode(value: Any) -> Any:
    """A dataclass, enum, datetime or list of them as plain document values."""
    if isinstance(value, datetime):
        return instant(value)
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in stored_fields(type(value))}
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    return value


def decode_record(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a dataclass from a document; missing keys take the field default."""
    hints = _hints(cls)
    values = {
        f.name: decode_value(hints[f.name], data[f.name])
        for f in stored_fields(cls)
        if f.name in data
    }
    return cls(**values)


def stored_fields(cls: type) -> list[dataclasses.Field[Any]]:
    """The fields that belong in a document: those taking part in equality."""
    return [f for f in dataclasses.fields(cls) if f.compare]


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type[Any]) -> dict[str, Any]:
    # Resolving string annotations is slow; a record type's hints never change.
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def decode_value(hint: Any, value: Any) -> Any:
    """Convert one stored value back to the type named by ``hint``."""
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        if value is None:
            return None
        (inner,) = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return decode_value(inner, value)
    if origin is list:
        (inner,) = typing.get_args(hint)
        return [decode_value(inner, item) for item in value]
    if origin is Literal:
        return value
    if hint is datetime:
        return instant(value)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    if hint is float:
        # BSON may hand back an int for a whole number of hours.
        return float(value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return decode_record(hint, value)
    return value
