"""The records a dossier keeps besides its status: acceptance, supplement requests and hand-ins,
withdrawal. Plain values; the aggregate replaces them rather than changing them in place, except
the acceptance's due time, which the workflow may move (restart, extension).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from motcua_intake.domain.documents import Document
from motcua_intake.domain.fees import FeeLine
from motcua_intake.domain.status import DossierStatus
from motcua_platform.contracts.events import StepPlan

SupplementStage = Literal["intake", "processing"]


@dataclass(frozen=True)
class SupplementRequest:
    """A request to complete the dossier: Mẫu 02 at intake, or from the specialist during
    processing (seen through the workflow's status)."""

    stage: SupplementStage
    at: datetime | None
    reasons: tuple[str, ...] = ()
    missing_components: tuple[str, ...] = ()
    answered_at: datetime | None = None


@dataclass(frozen=True)
class SupplementHandIn:
    """Papers the citizen handed in to answer a supplement request."""

    stage: SupplementStage
    at: datetime
    documents: tuple[Document, ...]


@dataclass(frozen=True)
class Withdrawal:
    """Công dân yêu cầu rút hồ sơ: the request; the workflow then stops the case (status 8)."""

    reason: str
    at: datetime
    status_before: DossierStatus


@dataclass
class Acceptance:
    """What acceptance fixed: the clock, the plan and the money."""

    accepted_at: datetime
    due_at: datetime
    original_due_at: datetime
    allotted_hours: float
    same_day: bool
    on_the_spot: bool
    steps: list[StepPlan] = field(default_factory=list)
    fee_lines: list[FeeLine] = field(default_factory=list)
    fee_total: int = 0
    fee_exemptions: list[str] = field(default_factory=list)
    return_counter: str | None = None
    received_by: str | None = None


def answered(request: SupplementRequest, at: datetime) -> SupplementRequest:
    """The request, marked as answered by a hand-in at ``at``."""
    return replace(request, answered_at=at)
