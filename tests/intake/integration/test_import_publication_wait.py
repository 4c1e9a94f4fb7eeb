"""What ``history-import`` shows while it waits for the relay to publish what it imported, on the
real database: progress chunk by chunk, and at its deadline the exact number still pending
(every chunk asked again), not the lower bound the progress shows."""

from __future__ import annotations

from typing import Any

import pytest

from motcua_intake.admin import _PUBLICATION_CHUNK, _await_publication

pytestmark = pytest.mark.integration


async def test_the_deadline_reports_exactly_the_dossiers_still_pending(
    mongo_db: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    codes = [f"H15-{i:05d}" for i in range(2 * _PUBLICATION_CHUNK + 10)]
    late = {codes[3], codes[_PUBLICATION_CHUNK + 7], codes[-1]}
    await mongo_db["dossiers"].insert_many(
        [{"_id": code, "outbox_pending": code in late} for code in codes]
    )
    await _await_publication(mongo_db["dossiers"], codes, wait=0)
    out = capsys.readouterr().out
    assert "3 dossiers wait for publication" in out


async def test_every_dossier_published_shows_the_whole_import(
    mongo_db: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    codes = [f"H15-{i:05d}" for i in range(_PUBLICATION_CHUNK + 10)]
    await mongo_db["dossiers"].insert_many(
        [{"_id": code, "outbox_pending": False} for code in codes]
    )
    await _await_publication(mongo_db["dossiers"], codes, wait=60)
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == f"published {len(codes)}/{len(codes)}"


class CountingReads:
    """The dossiers collection, noting how many codes each query asks about."""

    def __init__(self, collection: Any) -> None:
        self.collection = collection
        self.asked: list[int] = []

    def find(self, query: dict[str, Any], *args: Any) -> Any:
        self.asked.append(len(query["_id"]["$in"]))
        return self.collection.find(query, *args)


async def test_while_the_relay_is_behind_a_round_asks_about_one_dossier(
    mongo_db: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    codes = [f"H15-{i:05d}" for i in range(_PUBLICATION_CHUNK + 10)]
    # The relay has not reached the end of the first chunk.
    behind = {codes[_PUBLICATION_CHUNK - 1]}
    await mongo_db["dossiers"].insert_many(
        [{"_id": code, "outbox_pending": code in behind} for code in codes]
    )
    reads = CountingReads(mongo_db["dossiers"])
    await _await_publication(reads, codes, wait=1.2)
    # At the deadline every code is counted, a chunk at a time (500 and 10).
    *rounds, first_chunk, second_chunk = reads.asked
    assert (first_chunk, second_chunk) == (_PUBLICATION_CHUNK, 10)
    assert len(rounds) >= 2 and set(rounds) == {1}
    assert "1 dossiers wait for publication" in capsys.readouterr().out
