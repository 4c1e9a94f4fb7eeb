"""The local FerretDB gives back what it stored, byte for byte, whatever the values: its patched
decoder (goccy/go-json instead of encoding/json, ``sjson-decoder.patch``) must read every document
as the original did — strings with escapes, control characters and any script, 32- and 64-bit
integers at their bounds, doubles, dates, binary data, nested documents and arrays, key order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import bson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pymongo import MongoClient
from pymongo.collection import Collection

from support.ferretdb import private_infra

pytestmark = pytest.mark.integration

# PostgreSQL's jsonb holds no NUL character, and a str with a lone surrogate is no UTF-8.
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
# FerretDB 1.x cannot keep a key with a control character, a quote or a backslash (it stores the
# document and then cannot read it back, with either decoder). Motcua's keys are its own names,
# never a person's text.
KEYS = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters='"\\')).filter(
    lambda k: k not in ("", "_id") and not k.startswith("$") and "." not in k
)
INSTANTS = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000))  # BSON keeps milliseconds
SCALARS = st.one_of(
    TEXT,
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([0, -1, 2**31 - 1, -(2**31), 2**31, 2**63 - 1, -(2**63)]),
    # PostgreSQL's jsonb reads -0.0 back as 0.0, with either decoder.
    st.floats(allow_nan=False, allow_infinity=False).map(lambda f: f + 0.0),
    st.booleans(),
    st.none(),
    INSTANTS,
    st.binary(max_size=64),
)
# FerretDB 1.x stores no array directly inside an array (MongoDB does; Motcua never needs to).
DOCUMENT_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.dictionaries(KEYS, inner | st.lists(inner, max_size=4), max_size=4),
    max_leaves=12,
)
VALUES = DOCUMENT_VALUES | st.lists(DOCUMENT_VALUES, max_size=4)
DOCUMENTS = st.lists(st.dictionaries(KEYS, VALUES, max_size=6), min_size=1, max_size=8)


@pytest.fixture(scope="module")
def stored() -> Iterator[Collection[dict[str, Any]]]:
    with private_infra("postgresql") as (url, _):
        client: MongoClient[dict[str, Any]] = MongoClient(url, tz_aware=True)
        try:
            yield client["documents"]["round_trip"]
        finally:
            client.close()


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(documents=DOCUMENTS)
def test_every_document_reads_back_as_it_was_written(
    stored: Collection[dict[str, Any]], documents: list[dict[str, Any]]
) -> None:
    stored.delete_many({})
    written = [{"_id": i, **doc} for i, doc in enumerate(documents)]
    stored.insert_many(written)
    read = list(stored.find({}).sort("_id", 1))
    assert [bson.encode(doc) for doc in read] == [bson.encode(doc) for doc in written]


def test_an_escaped_string_reads_back_unescaped(stored: Collection[dict[str, Any]]) -> None:
    text = 'quote " backslash \\ tab \t newline \n bell \x07 Tiếng Việt 𝄞 \u2028'
    stored.replace_one({"_id": "escaped"}, {"_id": "escaped", "text": text}, upsert=True)
    assert stored.find_one({"_id": "escaped"}) == {"_id": "escaped", "text": text}
    assert stored.find_one({"text": text}, {"_id": 1}) == {"_id": "escaped"}
