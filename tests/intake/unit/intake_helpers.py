"""Builders shared by the intake unit tests (a uniquely named module, so test files of other
services that also import helpers cannot shadow it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from motcua_intake.domain.documents import Document
from motcua_intake.domain.dossier import Dossier
from motcua_platform.calendar import VN_TZ, WorkingCalendar

RECEIVING_UNIT = "H15.01.36"  # Phường Buôn Ma Thuột in the demo province
DEMO_ID = "079203001234"
SECRET = b"test-pseudonymisation-secret"


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


def dossier_at_counter(
    submission: Callable[..., dict[str, Any]],
    calendar: WorkingCalendar,
    procedure_code: str,
    documents: list[Document],
    at: datetime,
    **accept: Any,
) -> Dossier:
    return Dossier.submit_and_accept(
        calendar=calendar, **accept, **submission(procedure_code, at=at, documents=documents)
    )
