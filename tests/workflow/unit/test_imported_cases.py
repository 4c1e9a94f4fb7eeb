"""Dossiers of a unit's past, imported from its tracking book: the case records the book's
finish through the same events as a live one, classified against the legal due time.

Default dossier: accepted Thu 25/04/2024 09:00, due Fri 03/05/2024 09:00 (3 working days over
the 30/04–01/05 holidays)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from motcua_platform.calendar import VN_TZ, WorkingCalendar
from motcua_platform.contracts.events import (
    CaseResolved,
    CaseReturned,
    CaseStepStarted,
    DossierAccepted,
    Timeliness,
)
from motcua_workflow.domain import Case, CaseStatus, InvalidValue

CODE = "H15.50.05-240425-0001"


@pytest.mark.parametrize(
    ("finished_at", "timeliness"),
    [
        (datetime(2024, 4, 26, 10, tzinfo=VN_TZ), Timeliness.EARLY),
        (datetime(2024, 5, 3, 8, 50, tzinfo=VN_TZ), Timeliness.ON_TIME),
        (datetime(2024, 5, 3, 10, tzinfo=VN_TZ), Timeliness.LATE),
    ],
)
def test_the_books_finish_is_recorded_as_decision_and_return(
    make_accepted: Callable[..., DossierAccepted],
    cal: WorkingCalendar,
    finished_at: datetime,
    timeliness: Timeliness,
) -> None:
    accepted = make_accepted(
        imported=True, imported_finish={"finished_at": finished_at, "outcome": "approved"}
    )
    case = Case.open(accepted, CODE, cal)
    events = case.pull_events()
    assert [type(e) for e in events] == [CaseResolved, CaseReturned]
    assert all(e.imported for e in events)
    assert case.imported and case.status is CaseStatus.RETURNED
    assert case.timeliness is timeliness and case.finished_at == finished_at
    assert Case.replay(accepted, CODE, events, cal).to_document() == case.to_document()


def test_an_imported_dossier_still_open_starts_its_first_step(
    make_accepted: Callable[..., DossierAccepted], cal: WorkingCalendar
) -> None:
    case = Case.open(make_accepted(imported=True), CODE, cal)
    assert [type(e) for e in case.pull_events()] == [CaseStepStarted]
    assert case.imported and case.finished_at is None


def test_a_finish_before_the_receipt_is_refused(
    make_accepted: Callable[..., DossierAccepted], cal: WorkingCalendar
) -> None:
    early = datetime(2024, 4, 24, 10, tzinfo=VN_TZ)
    accepted = make_accepted(imported=True, imported_finish={"finished_at": early})
    with pytest.raises(InvalidValue):
        Case.open(accepted, CODE, cal)
