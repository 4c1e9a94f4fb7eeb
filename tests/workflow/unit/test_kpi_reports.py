"""Unit summary, QĐ 766 rule 2.1 (on-time rate) and 2.2 (average processing time), and the
non-geographic intake report, on handmade snapshots with exact expected numbers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from fractions import Fraction

import pytest

from motcua_platform.calendar import VN_TZ
from motcua_platform.contracts.events import Channel, Timeliness
from motcua_workflow.domain import Case, CaseStatus
from motcua_workflow.domain.reports import (
    CaseFacts,
    average_processing_time,
    classify_period,
    non_geographic_intake,
    rate_percent,
    received_by_channel,
    summarize,
)

MARCH = (date(2024, 3, 1), date(2024, 3, 31))
AFTER_MARCH = datetime(2024, 4, 5, 10, 0, tzinfo=VN_TZ)
EARLY, ON_TIME, LATE = Timeliness.EARLY, Timeliness.ON_TIME, Timeliness.LATE
RETURNED, PROCESSING = CaseStatus.RETURNED, CaseStatus.PROCESSING


def vn(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=VN_TZ)


def facts(
    code: str,
    accepted: datetime,
    due: datetime,
    finished: datetime | None = None,
    timeliness: Timeliness | None = None,
    *,
    unit: str = "U",
    receiving_unit: str | None = None,
    procedure: str = "1.004873",
    status: CaseStatus | None = None,
    supplements: int = 0,
    hours: float | None = None,
    paused_since: datetime | None = None,
) -> CaseFacts:
    return CaseFacts(
        code=code,
        unit=unit,
        receiving_unit=receiving_unit or unit,
        procedure_code=procedure,
        accepted_at=accepted,
        due_at=due,
        status=status or (RETURNED if finished else PROCESSING),
        finished_at=finished,
        timeliness=timeliness,
        supplement_count=supplements,
        processing_hours=hours,
        paused_since=paused_since,
    )


HANDMADE = [
    facts("A", vn(3, 4), vn(3, 7, 17), vn(3, 6, 10), EARLY),
    facts("B", vn(3, 4), vn(3, 7, 17), vn(3, 7, 16), ON_TIME),
    facts("C", vn(3, 5), vn(3, 8, 17), vn(3, 11, 10), LATE),
    # Finished early by the dates, but asked to supplement twice: late for QĐ 766.
    facts("D", vn(3, 5), vn(3, 8, 17), vn(3, 7, 10), EARLY, supplements=2),
    facts("E", vn(3, 28), vn(4, 2, 17)),  # open, due after the period: within
    facts("F", vn(3, 20), vn(3, 25, 17)),  # open, past due: overdue
    # Carried over from February, finished on 01/03 before its 17:00 due: on time.
    facts("G", vn(2, 27), vn(3, 1, 17), vn(3, 1, 9), ON_TIME),
    facts("H", vn(2, 20), vn(2, 23, 17), vn(2, 28, 10), LATE),  # finished in February: out
    facts("I", vn(4, 1, 8), vn(4, 4, 17)),  # accepted after the period: out
    facts("J", vn(3, 4), vn(3, 7, 17), vn(3, 6), EARLY, unit="V"),  # another unit: out
    # Finished on 02/04, after the period: at the period end it was open and past due.
    facts("K", vn(3, 25), vn(3, 27, 17), vn(4, 2, 10), LATE),
    # Waiting for the citizen since 28/03, before its due: the clock stopped, within.
    facts("L", vn(3, 26), vn(3, 29, 17), paused_since=vn(3, 28, 10)),
    facts("M", vn(2, 26), vn(3, 4, 17)),  # carried over and still open: overdue
]


def test_summary_of_a_handmade_month_gives_exact_numbers() -> None:
    summary = summarize(HANDMADE, "U", *MARCH, AFTER_MARCH)

    assert summary.to_dict() == {
        "received": 8,  # A B C D E F K L
        "carried_over": 2,  # G M
        "processed": 10,
        "finished": {"early": 1, "on_time": 2, "late": 2},  # A | B G | C D
        "open": {"within": 2, "overdue": 3},  # E L | F K M
        "counted_late_qd766": 1,
        "on_time_rate": 0.5,  # (1 + 2 + 2) / 10
        "on_time_rate_percent": 50.0,
        "early_rate": 0.2,  # 1 / 5 finished
        "early_rate_percent": 20.0,
    }


def test_the_dossiers_behind_each_figure_are_listed_by_the_same_rules() -> None:
    listed = {
        facts.code: (bucket, received)
        for facts, bucket, received in classify_period(HANDMADE, "U", *MARCH, AFTER_MARCH)
    }

    assert listed == {
        "A": ("early", True),
        "B": ("on_time", True),
        "C": ("late", True),
        "D": ("late", True),  # two supplementations: late for QĐ 766
        "E": ("within", True),
        "F": ("overdue", True),
        "G": ("on_time", False),  # carried over
        "K": ("overdue", True),
        "L": ("within", True),
        "M": ("overdue", False),
    }


def test_a_commune_month_of_43_early_4_on_time_3_within_is_100_percent() -> None:
    cases = []
    for n in range(50):
        accepted = vn(3, 1 + n % 25, 8)
        due = accepted + timedelta(days=3)
        if n < 43:
            cases.append(facts(f"E{n}", accepted, due, accepted + timedelta(days=1), EARLY))
        elif n < 47:
            cases.append(facts(f"O{n}", accepted, due, due - timedelta(hours=1), ON_TIME))
        else:
            cases.append(facts(f"W{n}", vn(3, 29, 8), vn(4, 3, 17)))

    summary = summarize(cases, {"U"}, *MARCH, AFTER_MARCH).to_dict()

    assert summary["received"] == 50
    assert summary["finished"] == {"early": 43, "on_time": 4, "late": 0}
    assert summary["open"] == {"within": 3, "overdue": 0}
    assert summary["on_time_rate"] == 1.0
    assert summary["on_time_rate_percent"] == 100.0


def test_two_supplementations_make_an_open_dossier_overdue_too() -> None:
    case = facts("S", vn(3, 28), vn(4, 5, 17), supplements=2)
    summary = summarize([case], None, *MARCH, AFTER_MARCH)
    assert (summary.within, summary.overdue) == (0, 1)


def test_no_dossier_gives_no_rate_rather_than_zero() -> None:
    summary = summarize([], "U", *MARCH, AFTER_MARCH).to_dict()
    assert summary["on_time_rate"] is None
    assert summary["on_time_rate_percent"] is None
    assert summary["early_rate"] is None


def test_rates_keep_the_exact_ratio_and_round_half_up_for_display() -> None:
    assert rate_percent(Fraction(2, 3)) == 66.67
    assert rate_percent(Fraction(1, 20000)) == 0.01  # 0.005 % rounds up, not to even
    assert rate_percent(None) is None
    summary = summarize(HANDMADE[:3], "U", *MARCH, AFTER_MARCH)
    assert summary.on_time_ratio == Fraction(2, 3)
    assert summary.to_dict()["on_time_rate_percent"] == 66.67


def test_a_report_taken_mid_period_sees_nothing_after_its_instant() -> None:
    mid_march = vn(3, 6, 12)
    summary = summarize(HANDMADE, "U", *MARCH, mid_march)
    # A finished 06/03 10:00 (early); B and C open and within at 06/03 12:00; D open but
    # supplemented twice (overdue); G carried over and finished; M carried over, overdue.
    assert summary.to_dict()["finished"] == {"early": 1, "on_time": 1, "late": 0}
    assert summary.to_dict()["open"] == {"within": 2, "overdue": 2}
    assert summary.received == 4


def test_a_date_period_end_includes_the_whole_last_day() -> None:
    late_evening = facts("Z", vn(3, 31, 23, 30), vn(4, 3, 17))
    assert summarize([late_evening], "U", *MARCH, AFTER_MARCH).received == 1


def test_average_processing_time_is_per_procedure_over_resolved_dossiers() -> None:
    cases = [
        facts("P1a", vn(3, 4), vn(3, 7), vn(3, 5), EARLY, procedure="P1", hours=8.0),
        facts("P1b", vn(3, 4), vn(3, 7), vn(3, 6), EARLY, procedure="P1", hours=12.0),
        facts(
            "P1c",
            vn(3, 4),
            vn(3, 7),
            vn(3, 5),
            EARLY,
            procedure="P1",
            hours=2.0,
            status=CaseStatus.STOPPED,
        ),
        facts("P1d", vn(3, 4), vn(3, 7), procedure="P1"),
        facts(
            "P2a",
            vn(3, 4),
            vn(3, 7),
            vn(3, 4, 13),
            EARLY,
            procedure="P2",
            hours=4.0,
            status=CaseStatus.RESOLVED,
        ),
    ]

    result = average_processing_time(cases)

    assert list(result) == ["P1", "P2"]
    assert (result["P1"].count, result["P1"].average_hours, result["P1"].average_days) == (
        2,
        10.0,
        1.25,
    )
    assert result["P2"].to_dict() == {
        "procedure_code": "P2",
        "count": 1,
        "average_working_hours": 4.0,
        "average_working_days": 0.5,
    }


def test_non_geographic_report_counts_by_receiving_and_competent_pair() -> None:
    cases = [
        facts("N1", vn(3, 4), vn(3, 7, 17), vn(3, 5), EARLY, unit="U", receiving_unit="R1"),
        facts("N2", vn(3, 5), vn(3, 8, 17), vn(3, 11), LATE, unit="U", receiving_unit="R1"),
        facts("N3", vn(3, 6), vn(3, 9, 17), unit="U", receiving_unit="R2"),
        facts("N4", vn(3, 6), vn(3, 9, 17), vn(3, 7), EARLY, unit="U"),  # same unit: not listed
    ]

    rows = non_geographic_intake(cases, *MARCH, AFTER_MARCH, unit_scope="R1")

    (row,) = rows
    assert (row.receiving_unit, row.unit) == ("R1", "U")
    assert row.to_dict()["received"] == 2
    assert row.to_dict()["finished"] == {"early": 1, "on_time": 0, "late": 1}
    all_rows = non_geographic_intake(cases, *MARCH, AFTER_MARCH)
    assert [(r.receiving_unit, r.summary.open) for r in all_rows] == [("R1", 0), ("R2", 1)]


def test_facts_of_a_case_use_the_original_due_and_the_open_pause(
    make_case: Callable[..., Case],
) -> None:
    case = make_case()
    case.extend("Chờ xác minh", vn(5, 8, 17), vn(5, 2, 16))
    case.request_supplement("Thiếu tờ khai", vn(5, 2, 16, 30))

    snapshot = CaseFacts.from_case(case)

    assert snapshot.due_at == vn(5, 3, 9)
    assert snapshot.paused_since == vn(5, 2, 16, 30)
    assert snapshot.status is CaseStatus.SUPPLEMENT_REQUESTED


@pytest.mark.parametrize("scope", ["U", ["U"], {"U", "X"}])
def test_unit_scope_may_be_one_code_or_several(scope: object) -> None:
    summary = summarize(HANDMADE, scope, *MARCH, AFTER_MARCH)  # type: ignore[arg-type]
    assert summary.processed == 10


def test_online_share_by_procedure_and_month_counts_receipts_in_the_period() -> None:
    due = vn(3, 20)
    birth, marriage = "1.001193", "1.000894"
    cases = [
        replace(facts("a", vn(2, 29, 16), due, procedure=birth), channel=Channel.ONLINE),
        replace(facts("b", vn(3, 1, 8), due, procedure=birth), channel=Channel.ONLINE),
        replace(facts("c", vn(3, 4), due, procedure=birth), channel=Channel.COUNTER),
        replace(facts("d", vn(3, 4), due, procedure=birth), channel=Channel.POSTAL),
        replace(facts("e", vn(3, 31, 23, 59), due, procedure=birth), channel=Channel.ONLINE),
        replace(facts("f", vn(3, 5), due, procedure=marriage), channel=Channel.COUNTER),
        facts("g", vn(3, 6), due, procedure=marriage),  # an old row: channel unknown
        replace(facts("h", vn(4, 1, 0, 0), due, procedure=marriage), channel=Channel.ONLINE),
    ]
    rows = {row.procedure_code: row.to_dict() for row in received_by_channel(cases, *MARCH)}
    assert list(rows) == sorted(rows) == [marriage, birth]
    assert rows[birth]["received"] == 4
    assert (rows[birth]["online"], rows[birth]["counter"], rows[birth]["postal"]) == (2, 1, 1)
    assert rows[birth]["online_share"] == 50.0
    assert [m["month"] for m in rows[birth]["months"]] == ["2024-03"]
    assert rows[marriage]["received"] == 1 and rows[marriage]["online_share"] == 0.0


def test_online_share_trend_has_one_entry_per_month_with_receipts() -> None:
    due = vn(5, 20)
    cases = [
        replace(facts("a", vn(1, 10), due), channel=Channel.COUNTER),
        replace(facts("b", vn(1, 11), due), channel=Channel.COUNTER),
        replace(facts("c", vn(3, 12), due), channel=Channel.ONLINE),
        replace(facts("d", vn(3, 13), due), channel=Channel.COUNTER),
        replace(facts("e", vn(4, 2), due), channel=Channel.ONLINE),
    ]
    (row,) = received_by_channel(cases, date(2024, 1, 1), date(2024, 4, 30))
    months = [(m["month"], m["received"], m["online_share"]) for m in row.to_dict()["months"]]
    assert months == [("2024-01", 2, 0.0), ("2024-03", 2, 50.0), ("2024-04", 1, 100.0)]
    assert row.to_dict()["online_share"] == 40.0
