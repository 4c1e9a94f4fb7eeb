"""Which ratings, dossiers and PAKN a figure covers: unit (with supervised units), procedure,
official and period."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from motcua_platform.instants import instant


def unit_covers(scope_unit: str, unit: str | None) -> bool:
    """Whether ``scope_unit`` is ``unit`` or supervises it.

    Agency codes are hierarchical (mã đơn vị, e.g. province ``H15``, commune ``H15.50.05.13``),
    so supervision is a code prefix ending at a dot: ``H15`` covers ``H15.50.05.13`` but
    ``H15.5`` does not cover ``H15.50``.
    """
    if not unit:
        return False
    return unit == scope_unit or unit.startswith(scope_unit + ".")


@dataclass(frozen=True)
class Scope:
    """A filter for the figures; ``None`` fields do not filter.

    The period is half-open, ``start <= at < end``, so consecutive months never count an
    instant twice.
    """

    unit: str | None = None
    procedure_code: str | None = None
    official: str | None = None
    start: datetime | None = None
    end: datetime | None = None

    def __post_init__(self) -> None:
        if self.start is not None:
            object.__setattr__(self, "start", instant(self.start, "start"))
        if self.end is not None:
            object.__setattr__(self, "end", instant(self.end, "end"))
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError("the period ends before it starts")

    def covers_time(self, at: datetime | None) -> bool:
        """Whether ``at`` lies in the period (an unknown instant lies in no bounded period)."""
        if self.start is None and self.end is None:
            return True
        if at is None:
            return False
        if self.start is not None and at < self.start:
            return False
        return self.end is None or at < self.end

    def covers(
        self,
        *,
        unit: str | None,
        procedure_code: str | None,
        officials: Iterable[str],
        at: datetime | None,
    ) -> bool:
        """Whether one item with these facts is inside the scope."""
        if self.unit is not None and not unit_covers(self.unit, unit):
            return False
        if self.procedure_code is not None and procedure_code != self.procedure_code:
            return False
        if self.official is not None and self.official not in officials:
            return False
        return self.covers_time(at)


EVERYTHING = Scope()
