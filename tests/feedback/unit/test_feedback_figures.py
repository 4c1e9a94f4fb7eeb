"""Satisfaction figures: local rate, TT 01/2018 18-point score, QĐ 766 indicators 5.4 and 5.3."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua_feedback.domain import (
    Complaint,
    DossierRecord,
    Rating,
    Scope,
    complaint_summary,
    dossier_satisfaction,
    rating_summary,
    unit_covers,
)
from motcua_feedback.domain.tt01 import BAND_BASIS, band
from motcua_platform.calendar import VN_TZ, WorkingCalendar

MARCH = datetime(2026, 3, 2, 8, tzinfo=VN_TZ)
ALL_TWOS = {str(key): 2 for key in range(1, 10)}
_counter = itertools.count(1)


class Tokens:
    def token_urlsafe(self, nbytes: int | None = None) -> str:
        return f"token-{next(_counter)}"


def returned(
    code: str,
    *,
    unit: str = "H15.50.05.13",
    procedure: str = "1.001193",
    at: datetime = MARCH,
    timeliness: str = "early",
    assignee: str | None = None,
) -> DossierRecord:
    record = DossierRecord(code)
    base = {"unit": unit, "procedure_code": procedure, "at": at.isoformat()}
    if assignee:
        record.apply_workflow(
            "case.step_completed",
            {
                **base,
                "step": 1,
                "name": "Thẩm định",
                "step_unit": unit,
                "assignee": assignee,
                "allotted_hours": 8,
                "timeliness": "early",
            },
        )
    record.apply_workflow(
        "case.returned",
        {
            **base,
            "returned_at": at.isoformat(),
            "channel": "counter",
            "timeliness": timeliness,
            "due_at": (at + timedelta(days=1)).isoformat(),
            "counter": "Q01",
        },
        tokens=Tokens(),
    )
    return record


def overdue(record: DossierRecord, due: datetime) -> DossierRecord:
    record.apply_workflow(
        "case.overdue",
        {
            "unit": record.unit or "H15",
            "procedure_code": record.procedure_code or "1.001193",
            "at": due.isoformat(),
            "due_at": due.isoformat(),
        },
    )
    return record


def rate(record: DossierRecord, level: str, indicators: dict[str, int] | None = None) -> None:
    assert record.returned_at is not None
    record.rate(
        level,
        indicators,
        "kiosk",
        record.returned_at + timedelta(minutes=2),
        via_kiosk_counter="Q01",
    )


def hundred_rated_60_39_1() -> list[DossierRecord]:
    """100 returned dossiers: 60 very satisfied, 39 satisfied, the last one dissatisfied."""
    records = [
        returned(f"H15.50.05.13-260302-{n:04d}", at=MARCH + timedelta(minutes=n))
        for n in range(100)
    ]
    for n, record in enumerate(records):
        rate(record, "very_satisfied" if n < 60 else "satisfied" if n < 99 else "dissatisfied")
    return records


def ratings(records: Iterable[DossierRecord]) -> list[Rating]:
    return [record.rating for record in records if record.rating is not None]


def filed_about(dossier_code: str | None, at: datetime = MARCH, **kwargs: Any) -> Complaint:
    return Complaint.file(
        f"PAKN-{next(_counter)}",
        {"full_name": "Lê Thị Hoa", "email": "hoa@example.vn"},
        "Nội dung phản ánh",
        "Thủ tục",
        kwargs.pop("unit", "H15.50.05.13"),
        at,
        dossier_code=dossier_code,
        calendar=WorkingCalendar(),
        **kwargs,
    )


# ------------------------------------------------------------------- local rate


def test_100_dossiers_rated_60_39_1_give_99_percent_satisfaction() -> None:
    summary = rating_summary(ratings(hundred_rated_60_39_1()))

    assert (summary.count, summary.very_satisfied, summary.satisfied, summary.dissatisfied) == (
        100,
        60,
        39,
        1,
    )
    assert summary.satisfaction_rate == 0.99
    assert summary.by_channel == {"kiosk": 100}


def test_summary_body_has_the_api_fields() -> None:
    body = rating_summary(ratings(hundred_rated_60_39_1())).to_dict()

    assert {key: body[key] for key in ("count", "very_satisfied", "satisfied", "dissatisfied")} == {
        "count": 100,
        "very_satisfied": 60,
        "satisfied": 39,
        "dissatisfied": 1,
    }
    assert body["satisfaction_rate"] == 0.99
    assert body["score_band_basis"] == BAND_BASIS


def test_no_ratings_give_no_rate_rather_than_zero() -> None:
    summary = rating_summary([])

    assert summary.count == 0
    assert summary.satisfaction_rate is None
    assert summary.average_score is None
    assert summary.score_band is None


# ------------------------------------------------------------ TT 01/2018 18 points


def test_18_point_average_counts_only_complete_sheets() -> None:
    records = [returned(f"D-{n}") for n in range(4)]
    rate(records[0], "very_satisfied", ALL_TWOS)  # 18
    rate(records[1], "satisfied", ALL_TWOS | {"1": 1, "3": 1})  # 16
    rate(records[2], "satisfied", ALL_TWOS | {"7": 0, "8": 0, "9": 0})  # 12
    rate(records[3], "dissatisfied", {"7": 0})  # partial: not on the 18-point scale

    summary = rating_summary(ratings(records))

    assert summary.count == 4
    assert summary.scored_count == 3
    assert summary.average_score == pytest.approx((18 + 16 + 12) / 3)
    assert summary.score_band == "Xuất sắc"
    assert summary.indicator_averages["7"] == pytest.approx((2 + 2 + 0 + 0) / 4)
    assert summary.indicator_averages["1"] == pytest.approx((2 + 1 + 2) / 3)


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (18, "Xuất sắc"),
        (15.01, "Xuất sắc"),
        (15, "Tốt"),  # the local text leaves exactly 15 in no band; it is not "> 15"
        (12, "Tốt"),
        (11.99, "Khá"),
        (9, "Khá"),
        (8.99, "Trung bình"),
        (6, "Trung bình"),
        (5.99, "Yếu"),
        (0, "Yếu"),
    ],
)
def test_thanh_hoa_bands_of_the_18_point_average(score: float, expected: str) -> None:
    assert band(score) == expected


# --------------------------------------------------------------- QĐ 766, 5.4


def test_indicator_5_4_counts_a_dossier_once_when_overdue_and_dissatisfied() -> None:
    records = hundred_rated_60_39_1()
    # Two dossiers went overdue; one of them is the one rated dissatisfied.
    overdue(records[10], MARCH)
    overdue(records[99], MARCH)

    figure = dossier_satisfaction(records)

    assert (figure.total, figure.overdue, figure.dissatisfied, figure.unsatisfactory) == (
        100,
        2,
        1,
        2,
    )
    assert figure.overdue_rate == 0.02
    assert figure.dissatisfied_or_complained_rate == 0.0
    assert figure.rate == 0.98
    assert figure.points == 6.0  # full points from 90%


def test_indicator_5_4_adds_a_dissatisfied_dossier_that_was_not_overdue() -> None:
    records = hundred_rated_60_39_1()
    overdue(records[10], MARCH)
    overdue(records[11], MARCH)

    figure = dossier_satisfaction(records)

    assert figure.unsatisfactory == 3
    assert figure.overdue_rate == 0.02
    assert figure.dissatisfied_or_complained_rate == 0.01
    assert figure.rate == 0.97


def test_indicator_5_4_counts_complained_dossiers_once() -> None:
    records = hundred_rated_60_39_1()
    complaints = [
        filed_about(records[99].code),  # also the dissatisfied one
        filed_about(records[99].code),  # a second PAKN on the same dossier
        filed_about(records[5].code),
        filed_about(None),  # not about a dossier: no effect on 5.4
    ]

    figure = dossier_satisfaction(records, complaints)

    assert figure.complained == 2
    assert figure.unsatisfactory == 2
    assert figure.rate == 0.98


def test_late_return_counts_as_overdue_in_5_4() -> None:
    records = [returned("A", timeliness="late"), returned("B"), returned("C"), returned("D")]

    assert dossier_satisfaction(records).rate == 0.75


def test_indicator_5_4_points_below_90_percent_are_proportional() -> None:
    records = [returned(f"D-{n}") for n in range(10)]
    for record in records[:2]:
        rate(record, "dissatisfied")

    figure = dossier_satisfaction(records)

    assert figure.rate == 0.8
    assert figure.points == pytest.approx(0.8 * 6 / 0.9)


def test_indicator_5_4_population_is_finished_or_overdue_dossiers_of_the_period() -> None:
    april = datetime(2026, 4, 1, tzinfo=VN_TZ)
    in_march = returned("returned-in-march")
    in_april = returned("returned-in-april", at=april + timedelta(days=1))
    open_overdue = overdue(DossierRecord("open-overdue"), MARCH + timedelta(days=3))
    open_within = DossierRecord("open-within")
    open_within.apply_workflow(
        "case.step_started",
        {
            "unit": "H15.50.05.13",
            "procedure_code": "1.001193",
            "at": MARCH.isoformat(),
            "step": 1,
            "name": "Thẩm định",
            "step_unit": "H15.50.05.13",
            "allotted_hours": 8,
            "due_at": (MARCH + timedelta(days=1)).isoformat(),
        },
    )

    figure = dossier_satisfaction(
        [in_march, in_april, open_overdue, open_within],
        scope=Scope(start=datetime(2026, 3, 1, tzinfo=VN_TZ), end=april),
    )

    assert (figure.total, figure.overdue, figure.rate) == (2, 1, 0.5)


def test_indicator_5_4_of_nothing_is_not_applicable() -> None:
    figure = dossier_satisfaction([])

    assert (figure.total, figure.rate, figure.points) == (0, None, None)


# ------------------------------------------------------------------- filters


@pytest.mark.parametrize(
    ("scope_unit", "unit", "covered"),
    [
        ("H15", "H15", True),
        ("H15", "H15.50.05.13", True),
        ("H15.50", "H15.50.05.13", True),
        ("H15", "H150.01", False),
        ("H15.5", "H15.50.05.13", False),
        ("H15.50.05.13", "H15", False),
        ("H15", None, False),
    ],
)
def test_a_unit_covers_itself_and_the_units_it_supervises(
    scope_unit: str, unit: str | None, covered: bool
) -> None:
    assert unit_covers(scope_unit, unit) is covered


def test_summary_filters_by_unit_procedure_official_and_period() -> None:
    records = [
        returned("commune-a", unit="H15.50.05.13", assignee="cb-07"),
        returned("commune-b", unit="H15.50.07.01", procedure="1.000894"),
        returned("other-province", unit="H16.01"),
        returned("april", unit="H15.50.05.13", at=datetime(2026, 4, 2, 9, tzinfo=VN_TZ)),
    ]
    for record in records:
        rate(record, "satisfied")
    all_ratings = ratings(records)

    def count(**scope: Any) -> int:
        return rating_summary(all_ratings, Scope(**scope)).count

    assert count() == 4
    assert count(unit="H15") == 3
    assert count(unit="H15.50.05.13") == 2
    assert count(procedure_code="1.000894") == 1
    assert count(official="cb-07") == 1
    assert (
        count(start=datetime(2026, 3, 1, tzinfo=VN_TZ), end=datetime(2026, 4, 1, tzinfo=VN_TZ)) == 3
    )
    # The period is half-open: an instant at the end belongs to the next period.
    assert count(start=MARCH, end=MARCH + timedelta(minutes=2)) == 0
    assert count(start=MARCH + timedelta(minutes=2), end=MARCH + timedelta(minutes=3)) == 3


def test_scope_refuses_naive_or_reversed_periods() -> None:
    with pytest.raises(ValueError):
        Scope(start=datetime(2026, 3, 1))
    with pytest.raises(ValueError):
        Scope(start=MARCH, end=MARCH - timedelta(days=1))


# --------------------------------------------------------------- QĐ 766, 5.3


def test_indicator_5_3_counts_each_unsatisfactory_complaint_once() -> None:
    now = datetime(2026, 6, 1, tzinfo=VN_TZ)
    complaints = [filed_about(None, MARCH + timedelta(hours=n)) for n in range(10)]
    for complaint in complaints[:7]:
        complaint.classify("procedure", "cb-lead", MARCH + timedelta(days=1))
    complaints[7].classify("conduct", "cb-lead", MARCH + timedelta(days=1))
    on_time = MARCH + timedelta(days=3)
    for complaint in complaints[:8]:
        complaint.answer("Trả lời.", "cb-05", on_time)
    complaints[0].rate_answer(False, on_time)  # unsatisfied
    complaints[1].rate_answer(True, on_time)
    complaints[8].answer("Trả lời muộn.", "cb-05", MARCH + timedelta(days=40))  # late
    # complaints[9] stays unanswered past its due time: overdue
    repeat = filed_about(None, MARCH + timedelta(days=5), repeat_of=complaints[0].id)
    repeat.answer("Trả lời.", "cb-05", MARCH + timedelta(days=6))
    repeat.rate_answer(False, MARCH + timedelta(days=7))  # repeated and unsatisfied: once

    summary = complaint_summary([*complaints, repeat], now=now)

    assert summary.total == 11
    assert (summary.classified, summary.procedure, summary.conduct) == (8, 7, 1)
    assert (summary.answered_early, summary.answered_late, summary.open_overdue) == (9, 1, 1)
    assert (summary.unsatisfied, summary.satisfied, summary.repeated) == (2, 1, 1)
    assert summary.unsatisfactory == 4
    assert summary.satisfaction_rate == pytest.approx(7 / 11)
    assert summary.points == pytest.approx(2 * 7 / 11)


def test_open_complaints_are_within_until_due() -> None:
    complaint = filed_about(None, datetime(2026, 2, 13, 10, tzinfo=VN_TZ))

    before = complaint_summary([complaint], now=datetime(2026, 3, 13, 10, tzinfo=VN_TZ))
    after = complaint_summary([complaint], now=datetime(2026, 3, 13, 10, 1, tzinfo=VN_TZ))

    assert (before.open_within, before.open_overdue, before.satisfaction_rate) == (1, 0, 1.0)
    assert (after.open_within, after.open_overdue, after.satisfaction_rate) == (0, 1, 0.0)


def test_complaint_summary_filters_by_unit_and_filing_period() -> None:
    complaints = [
        filed_about(None, MARCH, unit="H15.50.05.13"),
        filed_about(None, MARCH, unit="H16.01"),
        filed_about(None, datetime(2026, 4, 2, tzinfo=VN_TZ), unit="H15.50.05.13"),
    ]
    march = Scope(
        unit="H15", start=datetime(2026, 3, 1, tzinfo=VN_TZ), end=datetime(2026, 4, 1, tzinfo=VN_TZ)
    )

    assert complaint_summary(complaints, march, now=MARCH).total == 1


# ------------------------------------------------------------------- properties


@given(st.lists(st.sampled_from(["very_satisfied", "satisfied", "dissatisfied"]), max_size=40))
def test_levels_add_up_and_the_rate_is_a_fraction(levels: list[str]) -> None:
    rows = [
        Rating("D", "H15", "1.001193", level, {}, "kiosk", MARCH)  # type: ignore[arg-type]
        for level in levels
    ]

    summary = rating_summary(rows)

    assert summary.very_satisfied + summary.satisfied + summary.dissatisfied == summary.count
    if summary.count:
        assert summary.satisfaction_rate is not None
        assert 0 <= summary.satisfaction_rate <= 1
