"""The single extension (Mẫu 04): once, before the due time, to a later date; lateness is still
measured against the original date.

The dossier is due Fri 03/05/2024 09:00 (see test_case_deadlines for the arithmetic).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from motcua_platform.appointments import OutsideOfficeHours
from motcua_platform.calendar import VN_TZ
from motcua_platform.contracts.events import CaseExtended, CaseReturned, Timeliness
from motcua_workflow.domain import (
    AlreadyExtended,
    Case,
    ExtensionTooLate,
    InvalidTransition,
    InvalidValue,
)

MakeCase = Callable[..., Case]
REASON = "Cần xác minh tình trạng hôn nhân tại nơi cư trú trước đây"


def vn(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=VN_TZ)


def test_extension_moves_the_appointment_but_not_the_measured_due(make_case: MakeCase) -> None:
    case = make_case()
    (event,) = case.extend(REASON, vn(5, 8, 17), vn(5, 2, 16))

    assert isinstance(event, CaseExtended)
    assert event.original_due_at == vn(5, 3, 9)
    assert event.new_due_at == vn(5, 8, 17)
    assert case.extended
    assert case.due_at == vn(5, 8, 17)
    assert case.original_due_at == vn(5, 3, 9)
    assert case.extended_from == vn(5, 3, 9)


def test_second_extension_is_refused_and_changes_nothing(make_case: MakeCase) -> None:
    case = make_case()
    case.extend(REASON, vn(5, 8, 17), vn(5, 2, 16))
    before = case.to_document()
    pending = len(case.pending_events)

    with pytest.raises(AlreadyExtended) as refused:
        case.extend("Chờ cơ quan phối hợp trả lời", vn(5, 10, 17), vn(5, 3, 8))

    assert refused.value.code == "already_extended"
    assert refused.value.kind == "conflict"
    assert case.to_document() == before
    assert len(case.pending_events) == pending


def test_extension_after_the_due_time_is_refused(make_case: MakeCase) -> None:
    case = make_case()
    with pytest.raises(ExtensionTooLate):
        case.extend(REASON, vn(5, 8, 17), vn(5, 3, 9, 1))
    assert not case.extended


def test_extension_at_the_due_time_itself_is_still_allowed(make_case: MakeCase) -> None:
    case = make_case()
    case.extend(REASON, vn(5, 8, 17), vn(5, 3, 9))
    assert case.extended


def test_new_date_must_be_after_the_current_due_time(make_case: MakeCase) -> None:
    case = make_case()
    with pytest.raises(InvalidValue) as refused:
        case.extend(REASON, vn(5, 3, 9), vn(5, 2, 16))
    assert refused.value.field == "new_due_at"
    assert refused.value.kind == "invalid"


def test_extension_needs_a_reason(make_case: MakeCase) -> None:
    case = make_case()
    with pytest.raises(InvalidValue):
        case.extend("  ", vn(5, 8, 17), vn(5, 2, 16))


def test_lateness_after_an_extension_is_measured_against_the_original_date(
    make_case: MakeCase,
) -> None:
    # Finished Mon 06/05, well before the new appointment (08/05) but after the original one.
    case = make_case()
    case.extend(REASON, vn(5, 8, 17), vn(5, 2, 16))
    case.resolve("approved", vn(5, 6, 10))
    (returned,) = case.return_result("counter", vn(5, 6, 14))

    assert case.timeliness is Timeliness.LATE
    assert isinstance(returned, CaseReturned)
    assert returned.timeliness is Timeliness.LATE
    assert returned.due_at == vn(5, 3, 9)


def test_scanner_still_reports_overdue_at_the_original_date_after_an_extension(
    make_case: MakeCase,
) -> None:
    case = make_case()
    case.extend(REASON, vn(5, 8, 17), vn(5, 2, 16))
    (overdue,) = case.scan(vn(5, 3, 10))
    assert overdue.event_type == "case.overdue"


def test_extension_while_waiting_for_the_citizen_is_refused(make_case: MakeCase) -> None:
    case = make_case()
    case.request_supplement("Thiếu tờ khai", vn(4, 26, 10))
    with pytest.raises(InvalidTransition):
        case.extend(REASON, vn(5, 8, 17), vn(4, 26, 11))


def test_a_new_date_outside_office_hours_is_refused_with_the_next_valid_instant(
    make_case: MakeCase,
) -> None:
    case = make_case()  # due Fri 03/05/2024 09:00
    recorded = len(case.pending_events)
    with pytest.raises(OutsideOfficeHours) as refused:
        case.extend("Chờ xác minh", vn(5, 8, 12), vn(5, 2, 10))  # Wed 08/05 at lunch
    assert refused.value.field == "new_due_at"
    assert refused.value.next_valid == vn(5, 8, 13)
    with pytest.raises(OutsideOfficeHours) as refused:
        case.extend("Chờ xác minh", vn(5, 11, 9), vn(5, 2, 10))  # a Saturday
    assert refused.value.next_valid == vn(5, 13, 7, 30)
    assert not case.extended and len(case.pending_events) == recorded
