"""Case state ⇄ BSON-friendly documents.

A document holds only aware datetimes, str, int, float, bool, None, dicts with plain keys and
lists of dicts — no nested arrays, no keys with '.' or '$' (unit codes such as ``H15.50`` are
therefore always values, never keys). Decoding is driven by the dataclass type hints, so adding
a field to a record needs no codec change.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable
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
    return _record_decoder(cls)(data)


_STORED_FIELDS: dict[type, tuple[dataclasses.Field[Any], ...]] = {}


def stored_fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    """The fields that belong in a document: those taking part in equality."""
    if (known := _STORED_FIELDS.get(cls)) is None:
        known = _STORED_FIELDS[cls] = tuple(f for f in dataclasses.fields(cls) if f.compare)
    return known


def decode_value(hint: Any, value: Any) -> Any:
    """Convert one stored value back to the type named by ``hint``."""
    return _decoder(hint)(value)


# Every case read decodes a whole document; walking the type hints for each value took a
# noticeable share of workflow's CPU (the benchmark's profile). A record type's hints never
# change, so each hint is turned into a decoding function once.
Decoder = Callable[[Any], Any]


_RECORD_DECODERS: dict[type, Callable[[dict[str, Any]], Any]] = {}


def _record_decoder(cls: type[T]) -> Callable[[dict[str, Any]], T]:
    if (known := _RECORD_DECODERS.get(cls)) is not None:
        return known
    hints = typing.get_type_hints(cls)
    fields = [(f.name, _decoder(hints[f.name])) for f in stored_fields(cls)]

    def decode(data: dict[str, Any]) -> T:
        return cls(**{name: decode(data[name]) for name, decode in fields if name in data})

    _RECORD_DECODERS[cls] = decode
    return decode


def _as_stored(value: Any) -> Any:
    return value


@functools.cache
def _decoder(hint: Any) -> Decoder:
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        (inner,) = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        decode_inner = _decoder(inner)
        return lambda value: None if value is None else decode_inner(value)
    if origin is list:
        (inner,) = typing.get_args(hint)
        decode_item = _decoder(inner)
        return lambda value: [decode_item(item) for item in value]
    if origin is Literal:
        return _as_stored
    if hint is datetime:
        return instant
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint
    if hint is float:
        # BSON may hand back an int for a whole number of hours.
        return float
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        # Looked up when called: a record may hold records of its own type.
        return lambda value: _record_decoder(hint)(value)
    return _as_stored
