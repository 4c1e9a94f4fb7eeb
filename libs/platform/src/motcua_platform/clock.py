"""Time is a dependency: the domain never calls ``datetime.now`` itself.

In production the clock is the system clock and an explicit ``at`` on a command is refused. With
``MOTCUA_SIMULATION=1`` tests may pass ``at`` and tick the clock forward, so a month of dossiers
can be replayed in seconds without sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from motcua_platform.calendar import VN_TZ
from motcua_platform.errors import ApiError
from motcua_platform.http.inputs import check_instant


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC).astimezone(VN_TZ)


class SimulatedClock:
    """Simulated time that jumps forward when told to and never runs backwards.

    A service in simulation runs it ``running``: between jumps it moves with the machine's
    monotonic clock, so the instants of two services started a moment apart stay in order and a
    demo behaves like real time. Unit tests freeze it to assert exact instants.
    """

    def __init__(
        self,
        start: datetime | None = None,
        *,
        running: bool = False,
        started_at_epoch: float | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._start = (start or SystemClock().now()).astimezone(VN_TZ)
        self._running = running
        self._monotonic = monotonic
        self._origin = monotonic()
        if started_at_epoch is not None:
            # The start instant was read at ``started_at_epoch`` (Unix time), possibly by another
            # process: counting from there keeps the services of one run, and a restarted one,
            # on the same simulated time.
            self._origin -= max(0.0, wall() - started_at_epoch)

    def now(self) -> datetime:
        if not self._running:
            return self._start
        return self._start + timedelta(seconds=self._monotonic() - self._origin)

    def advance_to(self, at: datetime) -> datetime:
        if at.tzinfo is None:
            raise ValueError("simulated time must be timezone-aware")
        if at > self.now():
            self._start = at.astimezone(VN_TZ)
            self._origin = self._monotonic()
        return self.now()


class SimulationDisabled(ApiError):
    def __init__(self, field: str = "at") -> None:
        super().__init__(
            403,
            "simulation_disabled",
            f"'{field}' is honoured only when the service runs with MOTCUA_SIMULATION=1",
            {"field": field},
        )


class TimeSource:
    """Resolves the instant of a command: the clock's now, or an explicit ``at`` in simulation."""

    def __init__(self, clock: Clock, simulation: bool) -> None:
        self.clock = clock
        self.simulation = simulation

    def now(self) -> datetime:
        return self.clock.now()

    def resolve(self, at: datetime | None, field: str = "at") -> datetime:
        if at is None:
            return self.clock.now()
        if not self.simulation:
            raise SimulationDisabled(field)
        if at.tzinfo is None:
            raise ApiError(422, "invalid_time", "time must carry a UTC offset", {"field": field})
        # Checked before the clock moves: a bad instant changes nothing.
        check_instant(at, field)
        if isinstance(self.clock, SimulatedClock):
            self.clock.advance_to(at)
        return at.astimezone(VN_TZ)

    def tick(self, at: datetime) -> datetime:
        """Move simulated time (``POST /admin/tick``); refused in production."""
        if not self.simulation or not isinstance(self.clock, SimulatedClock):
            raise SimulationDisabled()
        check_instant(at, "at")
        return self.clock.advance_to(at)


def clock_for(
    simulation: bool, start: datetime | None = None, started_at_epoch: float | None = None
) -> Clock:
    """The system clock in production; in simulation a running simulated clock, from ``start``
    (``MOTCUA_SIMULATION_START``) when given, so a run does not depend on the machine's date."""
    if not simulation:
        return SystemClock()
    return SimulatedClock(start, running=True, started_at_epoch=started_at_epoch)
