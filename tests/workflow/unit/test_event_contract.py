"""Every field a case event carries is declared in the contract (no untyped extras), each event
says the national status it leaves the case in, and the two due instants have their own names."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from motcua_platform.calendar import VN_TZ
from motcua_platform.contracts.events import CaseEventData, CaseExtended, CaseResumed
from motcua_platform.contracts.status import NationalStatus
from motcua_workflow.domain import Actor, Case

MakeCase = Callable[..., Case]


def vn(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2024, month, day, hour, tzinfo=VN_TZ)


def a_whole_life(make_case: MakeCase, receiver: Actor, specialist: Actor) -> list[CaseEventData]:
    case = make_case()
    case.complete_step(receiver, vn(4, 25, 10), handed_to="specialist.minh")
    case.request_supplement("Thiếu tờ khai", vn(4, 25, 14), missing_components=["to_khai"])
    case.resume(vn(4, 26, 9))
    case.extend("Chờ xác minh", vn(5, 8, 17), vn(4, 26, 10), by="lanh-dao")
    case.scan(vn(5, 2, 10))
    case.complete_step(specialist, vn(5, 2, 11))
    case.resolve("approved", vn(5, 6, 9), by="lanh-dao")
    case.return_result("counter", vn(5, 6, 10))
    return case.pull_events()


def test_case_events_carry_no_undeclared_field(
    make_case: MakeCase, receiver: Actor, specialist: Actor
) -> None:
    events = a_whole_life(make_case, receiver, specialist)
    assert len(events) >= 8
    for event in events:
        assert event.model_extra == {}, (event.event_type, event.model_extra)
        # …and a consumer reading the published JSON sees the same typed fields.
        again = type(event).model_validate_json(event.model_dump_json())
        assert again.model_extra == {}


def test_every_case_event_publishes_the_national_status_it_leaves(
    make_case: MakeCase, receiver: Actor, specialist: Actor
) -> None:
    events = a_whole_life(make_case, receiver, specialist)
    statuses = [(event.event_type, event.status) for event in events]
    assert all(isinstance(status, NationalStatus) for _, status in statuses)
    assert statuses[0] == ("case.step_started", NationalStatus.ACCEPTED)
    assert ("case.supplement_requested", NationalStatus.SUPPLEMENT_REQUESTED) in statuses
    assert statuses[-1] == ("case.returned", NationalStatus.RETURNED)


def test_the_appointment_and_the_legal_due_are_named_apart(
    make_case: MakeCase, receiver: Actor, specialist: Actor
) -> None:
    events = a_whole_life(make_case, receiver, specialist)
    extended = next(e for e in events if isinstance(e, CaseExtended))
    assert extended.appointment_at == extended.new_due_at == vn(5, 8, 17)
    assert extended.legal_due_at == extended.original_due_at != extended.appointment_at


def test_an_event_of_the_previous_version_is_read_under_both_names() -> None:
    old = CaseResumed.model_validate(
        {
            "unit": "H15.50.05",
            "procedure_code": "1.004873",
            "at": "2024-04-26T09:00:00+07:00",
            "policy": "pause",
            "new_due_at": "2024-05-06T09:00:00+07:00",
            "original_due_at": "2024-05-06T09:00:00+07:00",
        }
    )
    assert old.appointment_at == old.new_due_at
    assert old.legal_due_at == old.original_due_at
    assert old.status is None
    newer = CaseResumed.model_validate(
        {**old.model_dump(mode="json", exclude={"new_due_at", "original_due_at"})}
    )
    assert newer.new_due_at == old.new_due_at  # the old name stays readable for a version
