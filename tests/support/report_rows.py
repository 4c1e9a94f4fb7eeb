"""Rows of workflow's report read model (``case_facts``) built through its own code, for tests
and benchmarks that need many of them without driving a dossier through its whole life."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from motcua_platform.contracts.events import Timeliness
from motcua_workflow.domain.reports import CaseFacts
from motcua_workflow.domain.status import CaseStatus
from motcua_workflow.forms import TrackingBookRow
from motcua_workflow.reports import facts_row


def report_row(
    code: str,
    unit: str,
    accepted_at: datetime,
    finished_at: datetime | None,
    status: CaseStatus | None = None,
) -> dict[str, Any]:
    """The row of a birth registration accepted at ``accepted_at`` and due five days later:
    returned early at ``finished_at``, or in processing when that is None (``status`` overrides)."""
    due_at = accepted_at + timedelta(days=5)
    facts = CaseFacts(
        code=code,
        unit=unit,
        receiving_unit=unit,
        procedure_code="1.001193",
        accepted_at=accepted_at,
        due_at=due_at,
        status=status or (CaseStatus.RETURNED if finished_at else CaseStatus.PROCESSING),
        finished_at=finished_at,
        timeliness=Timeliness.EARLY if finished_at else None,
    )
    book = TrackingBookRow(
        code=code,
        procedure_name="Đăng ký khai sinh",
        applicant_name="",
        competent_unit=unit,
        received_at=accepted_at,
        due_at=due_at,
    )
    return facts_row(facts, book)
