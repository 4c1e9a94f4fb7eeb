"""The one load → decide → save loop: decide again on a conflict, 409 busy after the attempts."""

from __future__ import annotations

import pytest

from motcua_platform.errors import ConcurrencyConflict
from motcua_platform.retries import Busy, load_decide_save


async def test_a_conflicting_save_is_decided_again_on_fresh_state() -> None:
    attempts: list[int] = []

    async def attempt() -> int:
        attempts.append(len(attempts))
        if len(attempts) < 3:
            raise ConcurrencyConflict("H15.01.36-261130-0001")
        return len(attempts)

    assert await load_decide_save(attempt, what="dossier", key="H15.01.36-261130-0001") == 3


async def test_endless_conflicts_end_in_one_busy_answer() -> None:
    async def attempt() -> None:
        raise ConcurrencyConflict("x")

    with pytest.raises(Busy) as busy:
        await load_decide_save(attempt, what="dossier", key="x", attempts=2)
    assert busy.value.status == 409 and busy.value.code == "busy"


def test_busy_is_the_platform_error_shape() -> None:
    error = Busy("dossier", "x")
    assert error.body()["error"]["details"] == {"what": "dossier", "key": "x"}
