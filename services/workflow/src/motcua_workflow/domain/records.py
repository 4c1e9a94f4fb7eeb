"""Value records kept inside a case: internal steps, pause intervals and control-sheet rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from motcua_platform.contracts.events import SupplementPolicy, Timeliness


@dataclass
class Step:
    """One internal step (bước trong quy trình nội bộ) with its allotted working hours.

    ``due_at`` is set when the step starts: start + allotted working hours, never after the
    dossier's appointment — an internal step cannot be allowed more time than the citizen was
    promised.
    """

    index: int
    name: str
    role: str
    unit: str
    hours: float
    assignee: str | None = None
    started_at: datetime | None = None
    due_at: datetime | None = None
    completed_at: datetime | None = None
    completed_by: str | None = None
    completed_by_name: str | None = None
    timeliness: Timeliness | None = None

    @property
    def is_current(self) -> bool:
        """Started and not yet completed."""
        return self.started_at is not None and self.completed_at is None


@dataclass
class Pause:
    """A wait for the citizen's supplement (bổ sung hồ sơ) during processing.

    Every interval is kept, with its policy, so that an on-time report can be explained
    line by line. ``working_hours`` is the office time inside the interval, set when it ends.
    """

    started_at: datetime
    reason: str
    policy: SupplementPolicy
    ended_at: datetime | None = None
    working_hours: float | None = None


HandOverKind = Literal["assign", "complete"]


@dataclass
class HandOver:
    """One row of the Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06).

    ``timeliness`` compares the hand-over instant with the due time of the step being handed
    over (trước hạn / đúng hạn / quá hạn), filled in by the receiving side on paper.
    """

    step: int
    kind: HandOverKind
    from_unit: str
    from_person: str | None
    to_unit: str
    to_person: str | None
    at: datetime
    timeliness: Timeliness
    step_name: str = ""
    from_person_name: str | None = None
