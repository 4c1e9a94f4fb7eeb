"""What each intake event does to the dossier's record in workflow (subscribers.decide_intake)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import SimpleNamespace
from typing import Any

import pytest

from motcua_platform.calendar import VN_TZ, CalendarProvider
from motcua_platform.contracts import Envelope
from motcua_platform.contracts.events import (
    CaseResumed,
    CaseStepStarted,
    CaseStopped,
    CaseWithdrawalRequested,
    DossierAccepted,
    DossierRefused,
    DossierSubmitted,
    DossierSupplementRequestedAtIntake,
    DossierSupplementSubmitted,
    DossierWithdrawalRequested,
)
from motcua_platform.mongo import Loaded
from motcua_workflow.domain import Case, CaseStatus, InvalidTransition
from motcua_workflow.domain.known import KnownDossier
from motcua_workflow.store import CaseStore
from motcua_workflow.subscribers import decide_intake, intake_fold

CODE = "H15.50.05-240425-0001"


def vn(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2024, month, day, hour, tzinfo=VN_TZ)


@pytest.fixture
def store() -> CaseStore:
    return CaseStore(SimpleNamespace(collection=None), CalendarProvider(), 8.0)  # type: ignore[arg-type]


@pytest.fixture
def data(make_accepted: Callable[..., DossierAccepted]) -> DossierAccepted:
    return make_accepted()


def submitted(data: DossierAccepted) -> DossierSubmitted:
    return DossierSubmitted.model_validate(
        {name: getattr(data, name) for name in DossierSubmitted.model_fields}
    )


def refused(data: DossierAccepted) -> DossierRefused:
    """The refusal at intake of the dossier ``data`` describes."""
    return DossierRefused(
        procedure_code=data.procedure_code,
        receiving_unit=data.receiving_unit,
        competent_unit=data.competent_unit,
        channel=data.channel,
        reasons=["Không thuộc thẩm quyền"],
        at=vn(4, 26, 9),
    )


def test_submission_makes_a_known_dossier_and_acceptance_opens_the_case(
    store: CaseStore, data: DossierAccepted
) -> None:
    known = decide_intake(store, CODE, None, submitted(data))
    assert known is not None and isinstance(known.subject, KnownDossier) and not known.events

    opened = decide_intake(store, CODE, known.subject, data)
    assert opened is not None and isinstance(opened.subject, Case)
    assert [type(e) for e in opened.events] == [CaseStepStarted]
    assert opened.at == data.accepted_at
    assert opened.subject.steps[0].unit == "H15.50.05"


def test_a_second_acceptance_or_a_late_refusal_is_refused(
    store: CaseStore, data: DossierAccepted
) -> None:
    opened = decide_intake(store, CODE, None, data)
    assert opened is not None
    refusal = refused(data)
    with pytest.raises(InvalidTransition):
        decide_intake(store, CODE, opened.subject, data)
    with pytest.raises(InvalidTransition):
        decide_intake(store, CODE, opened.subject, refusal)


def test_withdrawal_asks_the_case_or_stops_a_known_dossier(
    store: CaseStore, data: DossierAccepted
) -> None:
    withdraw = DossierWithdrawalRequested(reason="Không cần nữa", at=vn(4, 26, 9))
    case = decide_intake(store, CODE, None, data)
    known = decide_intake(store, CODE, None, submitted(data))
    assert case is not None and known is not None

    asked = decide_intake(store, CODE, case.subject, withdraw)
    stopped = decide_intake(store, CODE, known.subject, withdraw)

    assert asked is not None and [type(e) for e in asked.events] == [CaseWithdrawalRequested]
    assert asked.subject.status is CaseStatus.WITHDRAWAL_REQUESTED
    assert stopped is not None and [type(e) for e in stopped.events] == [CaseStopped]
    assert stopped.subject.status is CaseStatus.STOPPED
    with pytest.raises(InvalidTransition):
        decide_intake(store, CODE, None, withdraw)


def test_a_supplement_handed_in_resumes_a_waiting_case_only(
    store: CaseStore, data: DossierAccepted
) -> None:
    back = DossierSupplementSubmitted(documents=[{"component": "to_khai"}], at=vn(5, 2, 9))
    opened = decide_intake(store, CODE, None, data)
    assert opened is not None
    case: Any = opened.subject

    with pytest.raises(InvalidTransition):
        decide_intake(store, CODE, case, back)  # nobody asked for it
    case.request_supplement("Thiếu tờ khai", vn(4, 26, 10))
    case.pull_events()
    resumed = decide_intake(store, CODE, case, back)

    assert resumed is not None and [type(e) for e in resumed.events] == [CaseResumed]
    assert resumed.subject.status is CaseStatus.PROCESSING
    known = decide_intake(store, CODE, None, submitted(data))
    assert known is not None
    assert decide_intake(store, CODE, known.subject, back) is None  # an intake-stage supplement


def test_other_intake_events_change_nothing(store: CaseStore, data: DossierAccepted) -> None:
    asked = DossierSupplementRequestedAtIntake(
        procedure_code=data.procedure_code,
        receiving_unit=data.receiving_unit,
        competent_unit=data.competent_unit,
        reasons=["Thiếu"],
        at=vn(4, 25, 8),
    )
    known = decide_intake(store, CODE, None, submitted(data))
    assert known is not None
    assert decide_intake(store, CODE, known.subject, asked) is None
    assert decide_intake(store, CODE, known.subject, submitted(data)) is None


def test_the_folds_decision_tells_a_refusal_finishes_a_dossier_not_finished_before(
    store: CaseStore, data: DossierAccepted
) -> None:
    """The follow-up counts a refusal as a finish (on time, QĐ 766) only for a dossier not
    finished before the event: judged on the record as loaded, not as the decision left it."""
    known = decide_intake(store, CODE, None, submitted(data))
    assert known is not None
    loaded = Loaded(id=CODE, version=1, state=store.document(known.subject), seq_head=0)
    refusal = refused(data)
    envelope = Envelope.wrap(refusal, source="intake", subject=CODE, seq=2, time=vn(4, 26, 9))
    ctx = SimpleNamespace(store=store)
    decision = intake_fold(ctx).decide_for(envelope, refusal)(loaded)  # type: ignore[arg-type]
    assert decision is not None and decision.rejected is None
    assert isinstance(decision.effect.change.subject, KnownDossier)
    assert decision.effect.change.subject.status is CaseStatus.REFUSED
    assert decision.effect.was_finished is False
