"""Phản ánh, kiến nghị: 15-working-day answer deadline (QĐ 766 5.2), overdue, timeliness."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from motcua_feedback.domain import (
    AlreadyAnswered,
    AnswerAlreadyRated,
    ComplainantContact,
    Complaint,
    InvalidComplaint,
    NotAnswered,
)
from motcua_platform.calendar import VN_TZ, CalendarOverrides, WorkingCalendar
from motcua_platform.contracts.events import (
    ComplaintAnswered,
    ComplaintAnswerRated,
    ComplaintClassified,
    ComplaintFiled,
    Timeliness,
)

CONTACT = {"full_name": "Trần Văn Bình", "phone": "0912345678"}

STATUTORY = WorkingCalendar()


def vn(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


FILED_AT = vn(2026, 2, 13, 10)


def filed(at: datetime = FILED_AT, **kwargs: Any) -> Complaint:
    kwargs.setdefault("dossier_code", "H15.50.05.13-260210-0042")
    kwargs.setdefault("calendar", STATUTORY)
    return Complaint.file(
        "PAKN-0001",
        CONTACT,
        "Cán bộ hẹn trả kết quả nhưng đến nơi chưa có.",
        "Trễ hẹn trả kết quả",
        "H15.50.05.13",
        at,
        **kwargs,
    )


# ----------------------------------------------------------------- due date (golden)


def test_complaint_filed_fri_13_02_2026_10h_is_due_fri_13_03_2026_10h_across_tet() -> None:
    # 5.5 working hours left on 13/02; Tết 16–20/02 is off; 23/02–12/03 are 14 working days
    # (112 h); the last 2.5 h run on 13/03 from 07:30 → 10:00. 120 h = 15 working days.
    complaint = filed(vn(2026, 2, 13, 10))

    assert complaint.due_at == vn(2026, 3, 13, 10)


def test_complaint_filed_on_sunday_evening_counts_from_the_next_working_session() -> None:
    # Sun 15/02 20:00, then Tết: counting starts Mon 23/02 07:30 and takes 15 full days.
    assert filed(vn(2026, 2, 15, 20)).due_at == vn(2026, 3, 13, 17)


def test_complaint_deadline_skips_gio_to_and_the_april_may_holidays() -> None:
    # Mon 20/04/2026 08:00: 27/04 (Giỗ Tổ observed), 30/04 and 01/05 are off.
    assert filed(vn(2026, 4, 20, 8)).due_at == vn(2026, 5, 14, 8)


def test_complaint_deadline_uses_the_units_calendar() -> None:
    unit_calendar = WorkingCalendar(overrides=CalendarOverrides(days_off={date(2026, 3, 2)}))

    complaint = filed(vn(2026, 2, 13, 10), calendar=unit_calendar)

    assert complaint.due_at == vn(2026, 3, 16, 10)


def test_filing_publishes_complaint_filed_without_personal_data() -> None:
    complaint = filed(procedure_code="1.001193")

    [event] = complaint.pending_events
    assert isinstance(event, ComplaintFiled)
    assert event.unit == "H15.50.05.13"
    assert event.topic == "Trễ hẹn trả kết quả"
    assert event.dossier_code == "H15.50.05.13-260210-0042"
    assert event.due_at == vn(2026, 3, 13, 10)
    assert event.at == vn(2026, 2, 13, 10)
    published = event.model_dump(mode="json")
    assert published["complaint_id"] == "PAKN-0001"
    assert published["classified"] is False
    assert "0912345678" not in repr(published)
    assert "Cán bộ hẹn" not in repr(published)
    assert complaint.category is None  # the contract's default category is not a classification


@pytest.mark.parametrize(
    "contact",
    [{"full_name": "Trần Văn Bình"}, {"full_name": "", "phone": "0912345678"}, {"phone": "09"}],
)
def test_complaint_needs_a_name_and_a_way_to_send_the_answer(contact: dict[str, str]) -> None:
    with pytest.raises(InvalidComplaint):
        Complaint.file(
            "PAKN-1", contact, "Nội dung", "Chủ đề", "H15", vn(2026, 2, 13, 10), calendar=STATUTORY
        )


def test_complaint_needs_content_and_topic() -> None:
    with pytest.raises(InvalidComplaint, match="content"):
        Complaint.file(
            "PAKN-1", CONTACT, "  ", "Chủ đề", "H15", vn(2026, 2, 13, 10), calendar=STATUTORY
        )
    with pytest.raises(InvalidComplaint, match="topic"):
        Complaint.file(
            "PAKN-1", CONTACT, "Nội dung", "", "H15", vn(2026, 2, 13, 10), calendar=STATUTORY
        )


def test_naive_filing_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        filed(datetime(2026, 2, 13, 10))


# ------------------------------------------------------------------------- overdue


def test_unanswered_complaint_is_overdue_only_after_the_due_time() -> None:
    complaint = filed()

    assert not complaint.is_overdue(vn(2026, 3, 13, 10))
    assert complaint.state(vn(2026, 3, 13, 10)) == "within"
    assert complaint.is_overdue(vn(2026, 3, 13, 10) + timedelta(milliseconds=1))
    assert complaint.state(vn(2026, 3, 13, 10, 1)) == "overdue"


def test_answered_complaint_is_no_longer_open() -> None:
    complaint = filed()
    complaint.answer("Đã trả kết quả ngày 20/02.", "cb-05", vn(2026, 3, 20, 9))

    assert not complaint.is_overdue(vn(2026, 4, 1))
    assert complaint.state(vn(2026, 4, 1)) == "answered"
    assert complaint.handled_late(vn(2026, 4, 1))  # but it still counts as late for 5.3


# ------------------------------------------------------------------------ answers


def test_answer_after_the_due_time_is_late() -> None:
    complaint = filed()

    event = complaint.answer("Xin lỗi ông về sự chậm trễ.", "cb-05", vn(2026, 3, 13, 10, 1))

    assert isinstance(event, ComplaintAnswered)
    assert event.timeliness == Timeliness.LATE
    assert event.due_at == vn(2026, 3, 13, 10)
    assert event.dossier_code == "H15.50.05.13-260210-0042"
    assert event.model_dump()["complaint_id"] == "PAKN-0001"
    assert "Xin lỗi" not in repr(event.model_dump())
    assert complaint.pending_events[-1] is event
    assert complaint.answer_text == "Xin lỗi ông về sự chậm trễ."
    assert complaint.answered_by == "cb-05"


@pytest.mark.parametrize(
    ("answered_at", "expected"),
    [
        (vn(2026, 3, 12, 16, 59), Timeliness.EARLY),
        (vn(2026, 3, 13, 8), Timeliness.ON_TIME),
        (vn(2026, 3, 13, 10), Timeliness.ON_TIME),
        (vn(2026, 3, 13, 15), Timeliness.LATE),
    ],
)
def test_answer_timeliness_is_judged_against_the_due_date_and_time(
    answered_at: datetime, expected: Timeliness
) -> None:
    complaint = filed()

    assert complaint.answer("Trả lời.", "cb-05", answered_at).timeliness == expected


def test_second_answer_is_refused() -> None:
    complaint = filed()
    complaint.answer("Trả lời.", "cb-05", vn(2026, 2, 24, 9))

    with pytest.raises(AlreadyAnswered):
        complaint.answer("Trả lời lại.", "cb-05", vn(2026, 2, 25, 9))


def test_empty_answer_or_answer_before_filing_is_refused() -> None:
    complaint = filed()

    with pytest.raises(InvalidComplaint):
        complaint.answer("   ", "cb-05", vn(2026, 2, 24, 9))
    with pytest.raises(InvalidComplaint):
        complaint.answer("Trả lời.", "cb-05", vn(2026, 2, 12, 9))
    assert complaint.answered_at is None


# ------------------------------------------------------------ classification, rating


def test_classification_is_published_without_who_classified() -> None:
    complaint = filed()

    event = complaint.classify("conduct", "cb-lead", vn(2026, 2, 23, 8), concerns_official="cb-09")

    assert complaint.category == "conduct"
    assert complaint.concerns_official == "cb-09"
    assert complaint.classified_by == "cb-lead"
    assert isinstance(event, ComplaintClassified)
    assert complaint.pending_events[-1] is event
    published = event.model_dump(mode="json")
    assert published["complaint_id"] == "PAKN-0001"
    assert published["unit"] == "H15.50.05.13"
    assert published["category"] == "conduct"
    assert published["concerns_official"] == "cb-09"
    assert "cb-lead" not in repr(published)


def test_classification_at_filing_counts() -> None:
    assert filed(category="procedure").category == "procedure"


def test_unknown_category_or_late_classification_is_refused() -> None:
    complaint = filed()
    with pytest.raises(InvalidComplaint):
        complaint.classify("policy", "cb-lead", vn(2026, 2, 23, 8))
    complaint.answer("Trả lời.", "cb-05", vn(2026, 2, 24, 9))
    with pytest.raises(InvalidComplaint):
        complaint.classify("procedure", "cb-lead", vn(2026, 2, 25, 8))


def test_citizen_rates_the_answer_once() -> None:
    complaint = filed()
    with pytest.raises(NotAnswered):
        complaint.rate_answer(True, vn(2026, 2, 23, 8))

    complaint.answer("Trả lời.", "cb-05", vn(2026, 2, 24, 9))
    complaint.rate_answer(False, vn(2026, 2, 25, 9))

    assert complaint.satisfied is False
    with pytest.raises(AnswerAlreadyRated):
        complaint.rate_answer(True, vn(2026, 2, 26, 9))


def test_the_citizens_verdict_on_the_answer_is_published() -> None:
    complaint = filed()
    complaint.answer("Trả lời.", "cb-05", vn(2026, 2, 24, 9))

    event = complaint.rate_answer(True, vn(2026, 2, 25, 9))

    assert isinstance(event, ComplaintAnswerRated)
    assert complaint.pending_events[-1] is event
    assert event.model_dump(mode="json") == {
        "complaint_id": "PAKN-0001",
        "unit": "H15.50.05.13",
        "satisfied": True,
        "at": "2026-02-25T09:00:00+07:00",
    }


# ---------------------------------------------------------------------- documents


def test_complaint_round_trips_through_its_document() -> None:
    complaint = filed(procedure_code="1.001193", repeat_of="PAKN-0000")
    complaint.classify("procedure", "cb-lead", vn(2026, 2, 23, 8))
    complaint.answer("Trả lời.", "cb-05", vn(2026, 2, 24, 9))
    complaint.rate_answer(True, vn(2026, 2, 25, 9))

    document = complaint.to_document()

    assert all("." not in key and not key.startswith("$") for key in document)
    assert Complaint.from_document({"_id": "PAKN-0001", **document}) == complaint


def test_replaying_the_published_filing_rebuilds_the_public_state() -> None:
    live = filed(procedure_code="1.001193")
    [event] = live.pending_events

    replayed = Complaint("PAKN-0001")
    replayed.apply(ComplaintFiled.model_validate(event.model_dump(mode="json")))

    assert (replayed.unit, replayed.due_at, replayed.procedure_code, replayed.category) == (
        live.unit,
        live.due_at,
        live.procedure_code,
        None,
    )
    assert replayed.contact is None  # personal data never travels in events
    assert live.contact == ComplainantContact(full_name="Trần Văn Bình", phone="0912345678")


def test_replaying_every_published_event_rebuilds_the_public_state() -> None:
    live = filed(procedure_code="1.001193")
    live.classify("conduct", "cb-lead", vn(2026, 2, 23, 8), concerns_official="cb-09")
    live.answer("Đã trả kết quả.", "cb-05", vn(2026, 2, 24, 9))
    live.rate_answer(False, vn(2026, 2, 25, 9))

    replayed = Complaint("PAKN-0001")
    for event in live.pending_events:
        replayed.apply(type(event).model_validate(event.model_dump(mode="json")))

    public = ("category", "concerns_official", "answered_at", "answer_timeliness", "satisfied")
    assert [getattr(replayed, f) for f in public] == [getattr(live, f) for f in public]
    assert replayed.answer_text is None and replayed.classified_by is None
    for event in live.pending_events:
        text = repr(event.model_dump(mode="json"))
        assert "0912345678" not in text and "Trần Văn Bình" not in text
        assert "Đã trả kết quả" not in text and "cb-05" not in text
