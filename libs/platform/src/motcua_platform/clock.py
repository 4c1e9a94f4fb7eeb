"""Time is a dependency: the domain never calls ``datetime.now`` itself.

In production the clock is the system clock and an explicit ``at`` on a command is refused. With
``MOTCUA_SIMULATION=1`` tests may pass ``at`` and tick the clock forward, so a month of dossiers
can be replayed in seconds without sleeping.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol

from motcua_platform.calendar import VN_TZ
from motcua_platform.errors import ApiError


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC).astimezone(VN_TZ)


class SimulatedClock:
    """A clock that only moves when told to; it never runs backwards."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or SystemClock().now()

    def now(self) -> datetime:
        return self._now

    def advance_to(self, at: datetime) -> datetime:
        if at.tzinfo is None:
            raise ValueError("simulated time must be timezone-aware")
        if at > self._now:
            self._now = at.astimezone(VN_TZ)
        return self._now


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
        if isinstance(self.clock, SimulatedClock):
            self.clock.advance_to(at)
        return at.astimezone(VN_TZ)

    def tick(self, at: datetime) -> datetime:
        """Move simulated time (``POST /admin/tick``); refused in production."""
        if not self.simulation or not isinstance(self.clock, SimulatedClock):
            raise SimulationDisabled()
        return self.clock.advance_to(at)


def clock_for(simulation: bool) -> Clock:
    return SimulatedClock() if simulation else SystemClock()
