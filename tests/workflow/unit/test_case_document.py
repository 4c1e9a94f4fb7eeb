"""The case document: BSON-friendly and equal after a round trip."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from motcua_platform.calendar import VN_TZ, WorkingCalendar
from motcua_workflow.domain import Actor, Case

MakeCase = Callable[..., Case]
SCALARS = (str, int, float, bool, type(None))


def vn(month: int, day: int, hour: int = 0, minute: int = 0, microsecond: int = 0) -> datetime:
    return datetime(2024, month, day, hour, minute, 0, microsecond, tzinfo=VN_TZ)


def busy_case(make_case: MakeCase, receiver: Actor, specialist: Actor, leader: Actor) -> Case:
    """A case that used every part of the state."""
    case = make_case(fee_total=30000, return_counter="Quầy 1", competent_unit="H15.20")
    case.complete_step(receiver, vn(4, 25, 10), handed_to=specialist.id)
    case.request_supplement("Thiếu tờ khai", vn(4, 26, 10))
    case.resume(vn(5, 2, 9))
    case.assign(
        1, "specialist.tuan", Actor("leader.dept", "H15.20", frozenset({"leader"})), vn(5, 2, 10)
    )
    case.scan(vn(5, 3, 9))
    case.extend("Chờ xác minh", vn(5, 8, 17), vn(5, 3, 16))
    case.await_payment(vn(5, 6, 8), amount=30000)
    case.payment_received(vn(5, 6, 9))
    case.resolve("approved", vn(5, 6, 15), result_reference="45/XN", electronic=True)
    case.return_result("online", vn(5, 7, 8))
    return case


def walk(value: Any, path: str = "$") -> None:
    """Fail on anything BSON or the store would not take as is."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str), path
            assert "." not in key and not key.startswith("$"), f"{path}.{key}"
            walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            assert not isinstance(item, list), f"nested array at {path}[{index}]"
            walk(item, f"{path}[{index}]")
    elif isinstance(value, datetime):
        assert value.tzinfo is not None, path
        assert value.microsecond % 1000 == 0, f"{path}: BSON keeps milliseconds only"
    else:
        assert type(value) in SCALARS, f"{path}: {type(value).__name__}"


def test_document_holds_only_bson_friendly_values(
    make_case: MakeCase, receiver: Actor, specialist: Actor, leader: Actor
) -> None:
    walk(busy_case(make_case, receiver, specialist, leader).to_document())


def test_document_round_trip_gives_an_equal_case(
    make_case: MakeCase,
    cal: WorkingCalendar,
    receiver: Actor,
    specialist: Actor,
    leader: Actor,
) -> None:
    case = busy_case(make_case, receiver, specialist, leader)
    document = case.to_document()

    restored = Case.from_document({**document, "_id": "x", "version": 12}, cal)

    assert restored == case
    assert restored.to_document() == document
    assert document["status"] == 10
    assert document["status_name"] == "Đã trả kết quả"


def test_naive_utc_datetimes_from_the_driver_read_back_as_the_same_instants(
    make_case: MakeCase, receiver: Actor, specialist: Actor, leader: Actor
) -> None:
    case = busy_case(make_case, receiver, specialist, leader)

    def as_driver_returns(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: as_driver_returns(item) for key, item in value.items()}
        if isinstance(value, list):
            return [as_driver_returns(item) for item in value]
        if isinstance(value, datetime):
            return value.astimezone(UTC).replace(tzinfo=None)
        return value

    assert Case.from_document(as_driver_returns(case.to_document())) == case


def test_instants_are_kept_to_the_millisecond_so_stored_state_equals_live_state(
    make_case: MakeCase, cal: WorkingCalendar
) -> None:
    case = make_case()
    case.request_supplement("Thiếu tờ khai", vn(4, 26, 10, 0, microsecond=123_456))

    assert case.pauses[0].started_at.microsecond == 123_000
    assert Case.from_document(case.to_document(), cal) == case
