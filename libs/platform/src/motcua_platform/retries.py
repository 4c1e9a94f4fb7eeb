"""The one load → decide → save loop of every command.

Services keep each aggregate in one document guarded by its version: a command loads it, decides
on the loaded state, and saves the new state with its events only if nobody wrote in between
(``ConcurrencyConflict`` otherwise). On a conflict the whole attempt runs again on the fresh
state — deciding again, never re-applying the old decision. After a few attempts the caller is
told the dossier is busy, the same way in every service.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from motcua_platform.errors import ConcurrencyConflict, Conflict

T = TypeVar("T")

ATTEMPTS = 10


class Busy(Conflict):
    """Others kept changing the same aggregate while this command tried to."""

    def __init__(self, what: str, key: str) -> None:
        super().__init__(
            "busy",
            f"{what} {key} is being changed by others; try again",
            {"what": what, "key": key},
        )


async def load_decide_save(
    attempt: Callable[[], Awaitable[T]], *, what: str, key: str, attempts: int = ATTEMPTS
) -> T:
    """Run ``attempt`` (load, decide, save) until its save is not overtaken by another writer;
    :class:`Busy` (409) after ``attempts`` conflicts."""
    for _ in range(attempts):
        try:
            return await attempt()
        except ConcurrencyConflict:
            continue
    raise Busy(what, key)
