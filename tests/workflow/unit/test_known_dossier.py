"""A dossier known before acceptance: submitted (1), refused (3), withdrawn and stopped (8)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from motcua_platform.calendar import VN_TZ
from motcua_platform.contracts.events import (
    CaseStopped,
    DossierAccepted,
    DossierRefused,
    DossierSubmitted,
)
from motcua_workflow.domain import CaseStatus, InvalidTransition
from motcua_workflow.domain.known import KnownDossier

CODE = "H15.50.05-240425-0001"
AT = datetime(2024, 4, 25, 14, 0, tzinfo=VN_TZ)


@pytest.fixture
def known(make_accepted: Callable[..., DossierAccepted]) -> KnownDossier:
    data = make_accepted(channel="online")
    submitted = DossierSubmitted.model_validate(
        {name: getattr(data, name) for name in DossierSubmitted.model_fields}
    )
    return KnownDossier.submitted(submitted, CODE)


def refusal() -> DossierRefused:
    return DossierRefused(
        procedure_code="1.004873",
        receiving_unit="H15.50.05",
        competent_unit="H15.50.05",
        channel="online",
        reasons=["Không thuộc thẩm quyền"],
        at=AT,
    )


def test_a_submitted_dossier_is_status_1_without_a_clock(known: KnownDossier) -> None:
    assert known.status is CaseStatus.SUBMITTED
    assert known.to_document()["status_name"] == "Mới đăng ký"
    assert KnownDossier.from_document(known.to_document()) == known


def test_refusal_closes_it_and_cannot_happen_twice(known: KnownDossier) -> None:
    known.refuse(refusal())
    assert (known.status, known.closed_at, known.reasons) == (
        CaseStatus.REFUSED,
        AT,
        ["Không thuộc thẩm quyền"],
    )
    with pytest.raises(InvalidTransition):
        known.refuse(refusal())


def test_a_refusal_without_submission_still_makes_a_record() -> None:
    refused = KnownDossier.refused_outright(refusal(), CODE)
    assert refused.status is CaseStatus.REFUSED and refused.submitted_at == AT


def test_withdrawal_before_acceptance_stops_it_at_the_intake_stage(known: KnownDossier) -> None:
    (event,) = known.withdraw("Không có nhu cầu nữa", AT)
    assert isinstance(event, CaseStopped)
    assert (event.stage, event.reason, event.unit) == (
        "intake",
        "Không có nhu cầu nữa",
        "H15.50.05",
    )
    assert known.status is CaseStatus.STOPPED
    assert known.pull_events() == [event] and known.pull_events() == []
    with pytest.raises(InvalidTransition):
        known.withdraw("again", AT)
