"""How the workflow's events show on the public lookup: intake mirrors the national status the
workflow publishes on every case event, never re-derives it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from intake_helpers import dossier_at_counter, vn

from motcua_intake.domain.documents import Document
from motcua_intake.domain.dossier import Dossier
from motcua_intake.domain.status import DossierStatus
from motcua_intake.domain.workflow_status import (
    OBSERVED_TYPES,
    NotAccepted,
    Observation,
    observation_for,
    observe,
)
from motcua_platform.calendar import WorkingCalendar

Submission = Callable[..., dict[str, Any]]


@pytest.fixture
def accepted(
    submission: Submission, calendar: WorkingCalendar, birth_documents: list[Document]
) -> Dossier:
    return dossier_at_counter(submission, calendar, "1.001193", birth_documents, vn(2026, 10, 5, 9))


def test_first_hand_over_moves_an_accepted_dossier_to_processing(accepted: Dossier) -> None:
    change = observation_for("case.step_completed", {"status": 4})
    assert change == Observation(status=DossierStatus.PROCESSING)
    assert observe(accepted, change, vn(2026, 10, 5, 10)) is True
    assert accepted.status is DossierStatus.PROCESSING
    assert observe(accepted, change, vn(2026, 10, 5, 11)) is False  # later hand-overs: no news


def test_hand_over_does_not_undo_a_supplement_request(accepted: Dossier) -> None:
    observe(
        accepted, observation_for("case.supplement_requested", {"status": 5}), vn(2026, 10, 5, 10)
    )
    assert accepted.status is DossierStatus.SUPPLEMENT_REQUESTED
    observe(accepted, observation_for("case.step_assigned", {"status": 5}), vn(2026, 10, 5, 11))
    assert accepted.status is DossierStatus.SUPPLEMENT_REQUESTED


def test_resumption_brings_the_new_due_time(accepted: Dossier) -> None:
    observe(
        accepted, observation_for("case.supplement_requested", {"status": 5}), vn(2026, 10, 5, 10)
    )
    resumed = observation_for(
        "case.resumed", {"status": 4, "appointment_at": "2026-10-09T16:00:00+07:00"}
    )
    assert observe(accepted, resumed, vn(2026, 10, 6, 9)) is True
    assert accepted.status is DossierStatus.PROCESSING
    assert accepted.due_at == vn(2026, 10, 9, 16)


def test_extension_moves_the_due_time_and_keeps_the_status(accepted: Dossier) -> None:
    # An event of the previous version: no status, the appointment under its old name.
    extended = observation_for("case.extended", {"new_due_at": "2026-10-12T17:00:00+07:00"})
    assert observe(accepted, extended, vn(2026, 10, 5, 15)) is True
    assert accepted.status is DossierStatus.ACCEPTED
    assert accepted.due_at == vn(2026, 10, 12, 17)
    assert accepted.acceptance is not None
    assert accepted.acceptance.original_due_at == vn(2026, 10, 5, 17)


@pytest.mark.parametrize(
    ("event_type", "status"),
    [
        ("case.resolved", DossierStatus.RESOLVED),
        ("case.stopped", DossierStatus.STOPPED),
        ("case.payment_requested", DossierStatus.AWAITING_PAYMENT),
    ],
)
def test_status_events(accepted: Dossier, event_type: str, status: DossierStatus) -> None:
    change = observation_for(event_type, {"status": int(status)})
    assert observe(accepted, change, vn(2026, 10, 5, 15)) is True
    assert accepted.status is status


def test_returned_result_is_final(accepted: Dossier) -> None:
    for event_type, status in (("case.resolved", 9), ("case.returned", 10)):
        observe(accepted, observation_for(event_type, {"status": status}), vn(2026, 10, 5, 15))
    assert accepted.status is DossierStatus.RETURNED
    stopped = observation_for("case.stopped", {"status": 8})
    assert observe(accepted, stopped, vn(2026, 10, 5, 16)) is False
    assert accepted.status is DossierStatus.RETURNED


@pytest.mark.parametrize(
    "event_type", ["case.step_started", "case.deadline_warning", "case.overdue"]
)
def test_events_without_a_status_or_appointment_change_nothing(event_type: str) -> None:
    assert observation_for(event_type, {}) is None
    assert event_type in OBSERVED_TYPES


def test_a_status_intake_sets_itself_is_not_mirrored() -> None:
    assert observation_for("case.withdrawal_requested", {"status": 7}) is None


def test_processing_event_for_a_dossier_not_accepted_is_a_contradiction(
    submission: Submission,
) -> None:
    online = Dossier.submit(
        **submission(channel="online", documents=[Document("to_khai", "electronic")])
    )
    with pytest.raises(NotAccepted) as caught:
        observe(online, observation_for("case.resolved", {"status": 9}), vn(2026, 10, 5, 15))
    assert caught.value.kind == "conflict"
