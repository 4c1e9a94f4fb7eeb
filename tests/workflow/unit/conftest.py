"""Builders shared by the workflow domain tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from motcua_platform.calendar import VN_TZ, WorkingCalendar
from motcua_platform.contracts.events import DossierAccepted
from motcua_workflow.domain import Actor, Case

COMMUNE = "H15.50.05"  # the commune: receiving and competent unit
PROVINCE_DEPT = "H15.20"  # a provincial department, for non-geographic intake


@pytest.fixture(scope="session")
def cal() -> WorkingCalendar:
    return WorkingCalendar()


@pytest.fixture
def make_accepted(cal: WorkingCalendar) -> Callable[..., DossierAccepted]:
    """A ``dossier.accepted`` payload: by default a 3-working-day procedure with four internal
    steps, accepted Thu 25/04/2024 09:00 at the commune; ``due_at`` from the calendar."""

    def build(**overrides: Any) -> DossierAccepted:
        accepted_at = overrides.pop("accepted_at", datetime(2024, 4, 25, 9, 0, tzinfo=VN_TZ))
        hours = overrides.pop("allotted_hours", 24.0)
        same_day = overrides.pop("same_day", False)
        data: dict[str, Any] = {
            "procedure_code": "1.004873",
            "procedure_version": "2024.1",
            "procedure_name": "Cấp Giấy xác nhận tình trạng hôn nhân",
            "channel": "counter",
            "receiving_unit": COMMUNE,
            "competent_unit": COMMUNE,
            "submitted_at": accepted_at,
            "applicant": {"key": "k3y-0f-applicant", "full_name": "Nguyễn Thị Hoa"},
            "accepted_at": accepted_at,
            "due_at": cal.due_at(accepted_at, hours, same_day=same_day),
            "allotted_hours": hours,
            "same_day": same_day,
            "steps": [
                {"name": "Tiếp nhận, chuyển hồ sơ", "role": "receiver", "hours": 2},
                {"name": "Thẩm định", "role": "specialist", "hours": 16},
                {"name": "Ký duyệt", "role": "leader", "hours": 4},
                {"name": "Trả kết quả", "role": "receiver", "hours": 2},
            ],
        }
        data.update(overrides)
        return DossierAccepted.model_validate(data)

    return build


@pytest.fixture
def make_case(
    cal: WorkingCalendar, make_accepted: Callable[..., DossierAccepted]
) -> Callable[..., Case]:
    """An opened case; keyword arguments go to the ``dossier.accepted`` payload."""

    def build(code: str = "H15.50.05-240425-0001", **overrides: Any) -> Case:
        return Case.open(make_accepted(**overrides), code, cal)

    return build


@pytest.fixture
def receiver() -> Actor:
    return Actor("receiver.lan", COMMUNE, frozenset({"receiver"}))


@pytest.fixture
def specialist() -> Actor:
    return Actor("specialist.minh", COMMUNE, frozenset({"specialist"}))


@pytest.fixture
def other_specialist() -> Actor:
    return Actor("specialist.tuan", COMMUNE, frozenset({"specialist"}))


@pytest.fixture
def leader() -> Actor:
    return Actor("leader.hung", COMMUNE, frozenset({"leader"}))
