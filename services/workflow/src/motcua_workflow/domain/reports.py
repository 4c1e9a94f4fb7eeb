"""KPI computations over case snapshots: the unit summary, QĐ 766 rules 2.1 and 2.2, and the
non-geographic intake report (tiếp nhận không phụ thuộc địa giới hành chính).

Period semantics (kỳ báo cáo). A period is ``[period_from, period_to)``; a ``date`` bound means the
whole Vietnamese day, so ``period_to=date(2024, 3, 31)`` includes 31 March. The report is taken at
instant ``at`` (e.g. now, for the current month) and looks at the state at
``as_of = min(at, period_to)``: nothing that happens after it is seen.

A dossier *belongs to* the period — it is in the QĐ 766 denominator, "hồ sơ tiếp nhận hoặc xử lý
trong kỳ" — when it was accepted before ``as_of`` and was not finished before ``period_from``:
received in the period, or carried over from an earlier period and finished in it or still open at
its end. Each belonging dossier is counted once, either as finished in the period (early / on time /
late, fixed at the first finish) or as open at ``as_of`` (within / overdue against its due time).
``received`` counts only those accepted inside the period.

A dossier asked to supplement more than once counts as late (finished) or overdue (open), as the
national portal computes rule 2.1. A dossier waiting for the citizen is judged at the time of the
request (the clock is stopped).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from motcua_platform.calendar import VN_TZ
from motcua_platform.contracts.events import Channel, Timeliness
from motcua_platform.timeliness import (
    HOURS_PER_WORKING_DAY,
    counted_late_qd766,
    finish_timeliness,
    open_timeliness,
    period_bounds,
)
from motcua_workflow.domain.case import Case
from motcua_workflow.domain.status import CaseStatus


@dataclass(frozen=True)
class CaseFacts:
    """What a report needs to know of one case (a read-model row, no personal data).

    ``due_at`` is the due time timeliness is measured against (never moved by an extension);
    ``paused_since`` is set while the case waits for the citizen's supplement.
    """

    code: str
    unit: str
    receiving_unit: str
    procedure_code: str
    accepted_at: datetime
    due_at: datetime
    status: CaseStatus
    finished_at: datetime | None = None
    timeliness: Timeliness | None = None
    supplement_count: int = 0
    processing_hours: float | None = None
    paused_since: datetime | None = None
    # Kênh nộp; None in rows written before the field existed (the replay command fills it).
    channel: Channel | None = None

    @classmethod
    def from_case(cls, case: Case) -> CaseFacts:
        """The facts of a live (or rebuilt) case."""
        pause = case.open_pause
        return cls(
            code=case.code,
            unit=case.unit,
            receiving_unit=case.receiving_unit,
            procedure_code=case.procedure_code,
            accepted_at=case.accepted_at,
            due_at=case.original_due_at,
            status=case.status,
            finished_at=case.finished_at,
            timeliness=case.timeliness,
            supplement_count=case.supplement_count,
            processing_hours=case.processing_hours,
            paused_since=pause.started_at if pause is not None else None,
            channel=case.channel,
        )

    @property
    def counted_late_qd766(self) -> bool:
        """More than one supplementation request: late for QĐ 766 whatever the dates say."""
        return counted_late_qd766(self.supplement_count)


def rate_percent(ratio: Fraction | None) -> float | None:
    """A ratio as a percentage rounded half-up to 2 decimals, for display (QĐ 766 rounding)."""
    if ratio is None:
        return None
    exact = Decimal(ratio.numerator) * 100 / Decimal(ratio.denominator)
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _ratio(numerator: int, denominator: int) -> Fraction | None:
    # QĐ 766: a denominator of 0 has no rate ("N/A"), which is not the same as 0 %.
    return Fraction(numerator, denominator) if denominator else None


@dataclass(frozen=True)
class Summary:
    """The numbers of GET /reports/summary for one scope and period."""

    received: int
    carried_over: int
    early: int
    on_time: int
    late: int
    within: int
    overdue: int
    counted_late_qd766: int

    @property
    def finished(self) -> int:
        return self.early + self.on_time + self.late

    @property
    def open(self) -> int:
        return self.within + self.overdue

    @property
    def processed(self) -> int:
        """The QĐ 766 rule 2.1 denominator: dossiers received or processed in the period."""
        return self.finished + self.open

    @property
    def on_time_ratio(self) -> Fraction | None:
        """Rule 2.1, exact: (finished early or on time + open within deadline) / processed."""
        return _ratio(self.early + self.on_time + self.within, self.processed)

    @property
    def early_ratio(self) -> Fraction | None:
        """Trước hạn among the dossiers finished in the period."""
        return _ratio(self.early, self.finished)

    def to_dict(self) -> dict[str, Any]:
        """The JSON body: raw ratios as floats, display percentages rounded to 2 decimals."""
        on_time, early = self.on_time_ratio, self.early_ratio
        return {
            "received": self.received,
            "carried_over": self.carried_over,
            "processed": self.processed,
            "finished": {"early": self.early, "on_time": self.on_time, "late": self.late},
            "open": {"within": self.within, "overdue": self.overdue},
            "counted_late_qd766": self.counted_late_qd766,
            "on_time_rate": None if on_time is None else float(on_time),
            "on_time_rate_percent": rate_percent(on_time),
            "early_rate": None if early is None else float(early),
            "early_rate_percent": rate_percent(early),
        }


def _in_scope(facts: CaseFacts, unit_scope: str | Iterable[str] | None) -> bool:
    if unit_scope is None:
        return True
    if isinstance(unit_scope, str):
        return facts.unit == unit_scope
    return facts.unit in unit_scope


def classify_period(
    cases: Iterable[CaseFacts],
    unit_scope: str | Iterable[str] | None,
    period_from: date | datetime,
    period_to: date | datetime,
    at: datetime,
) -> Iterator[tuple[CaseFacts, str, bool]]:
    """Each dossier that counts in the period for the competent units in ``unit_scope``
    (``None`` = all), with its bucket (early / on_time / late / within / overdue) and whether it
    was received in the period (else carried over): the one place the period rules are applied,
    for the figures and for the dossiers behind them."""
    start, end = period_bounds(period_from, period_to)
    as_of = min(at, end)
    scope = unit_scope if unit_scope is None or isinstance(unit_scope, str) else set(unit_scope)
    for facts in cases:
        if not _in_scope(facts, scope) or facts.accepted_at >= as_of:
            continue
        finished_at = facts.finished_at if facts.finished_at and facts.finished_at < as_of else None
        if finished_at is not None and finished_at < start:
            continue  # finished in an earlier period
        yield facts, _bucket(facts, finished_at is not None, as_of), facts.accepted_at >= start


def summarize(
    cases: Iterable[CaseFacts],
    unit_scope: str | Iterable[str] | None,
    period_from: date | datetime,
    period_to: date | datetime,
    at: datetime,
) -> Summary:
    """Received, finished (early / on time / late), open (within / overdue) and the rates for the
    competent units in ``unit_scope`` (``None`` = all), by the period semantics of this module."""
    counts: dict[str, int] = defaultdict(int)
    for facts, bucket, received in classify_period(cases, unit_scope, period_from, period_to, at):
        counts["received" if received else "carried_over"] += 1
        counts["counted_late_qd766"] += facts.counted_late_qd766
        counts[bucket] += 1
    return Summary(
        **{
            name: counts[name]
            for name in (
                "received",
                "carried_over",
                "early",
                "on_time",
                "late",
                "within",
                "overdue",
                "counted_late_qd766",
            )
        }
    )


def _bucket(facts: CaseFacts, finished: bool, as_of: datetime) -> str:
    """early / on_time / late for a finished dossier, within / overdue for an open one."""
    if finished:
        assert facts.finished_at is not None
        return finish_timeliness(
            facts.finished_at,
            facts.due_at,
            supplement_count=facts.supplement_count,
            decided=facts.timeliness,
        ).value
    return open_timeliness(
        facts.due_at,
        as_of,
        paused_since=facts.paused_since,
        supplement_count=facts.supplement_count,
    ).value


@dataclass(frozen=True)
class ProcessingTime:
    """Thời gian giải quyết trung bình of one procedure (QĐ 766 rule 2.2)."""

    procedure_code: str
    count: int
    total_hours: float
    hours_per_day: float = HOURS_PER_WORKING_DAY

    @property
    def average_hours(self) -> float:
        return self.total_hours / self.count

    @property
    def average_days(self) -> float:
        """In ngày làm việc (8 working hours each by default)."""
        return self.average_hours / self.hours_per_day

    def to_dict(self) -> dict[str, Any]:
        return {
            "procedure_code": self.procedure_code,
            "count": self.count,
            "average_working_hours": round(self.average_hours, 2),
            "average_working_days": round(self.average_days, 2),
        }


def average_processing_time(
    cases: Iterable[CaseFacts], *, hours_per_day: float = HOURS_PER_WORKING_DAY
) -> dict[str, ProcessingTime]:
    """Average processing time per procedure over the finished dossiers given.

    Rule 2.2 averages the processing time of *resolved* dossiers (Σ time / count), shown only per
    procedure because procedures have different legal times; stopped dossiers were not resolved
    and are left out. The caller chooses which cases (unit, period) to pass.
    """
    totals: dict[str, list[float]] = defaultdict(list)
    for facts in cases:
        resolved = facts.status in (CaseStatus.RESOLVED, CaseStatus.RETURNED)
        if resolved and facts.processing_hours is not None:
            totals[facts.procedure_code].append(facts.processing_hours)
    return {
        code: ProcessingTime(code, len(hours), sum(hours), hours_per_day)
        for code, hours in sorted(totals.items())
    }


@dataclass(frozen=True)
class NonGeographicRow:
    """One receiving unit ≠ competent unit pair of the "sổ theo dõi hồ sơ phi địa giới"."""

    receiving_unit: str
    unit: str
    summary: Summary

    def to_dict(self) -> dict[str, Any]:
        return {"receiving_unit": self.receiving_unit, "unit": self.unit, **self.summary.to_dict()}


def non_geographic_intake(
    cases: Iterable[CaseFacts],
    period_from: date | datetime,
    period_to: date | datetime,
    at: datetime,
    *,
    unit_scope: str | Iterable[str] | None = None,
) -> list[NonGeographicRow]:
    """Dossiers received at one unit for another unit's competence, counted per pair with the
    same period semantics as :func:`summarize`. ``unit_scope`` matches either side of the pair,
    so both the receiving commune and the competent unit see the row."""
    scope: set[str] | None = None
    if unit_scope is not None:
        scope = {unit_scope} if isinstance(unit_scope, str) else set(unit_scope)
    pairs: dict[tuple[str, str], list[CaseFacts]] = defaultdict(list)
    for facts in cases:
        if facts.receiving_unit == facts.unit:
            continue
        if scope is not None and not ({facts.receiving_unit, facts.unit} & scope):
            continue
        pairs[(facts.receiving_unit, facts.unit)].append(facts)
    rows = [
        NonGeographicRow(receiving, unit, summarize(group, None, period_from, period_to, at))
        for (receiving, unit), group in sorted(pairs.items())
    ]
    return [row for row in rows if row.summary.processed]


def _channel_figures(counts: Counter[str]) -> dict[str, Any]:
    received = sum(counts.values())
    online = counts[Channel.ONLINE.value]
    return {
        "received": received,
        **{channel.value: counts[channel.value] for channel in Channel},
        "online_share": rate_percent(_ratio(online, received)),
    }


@dataclass(frozen=True)
class ProcedureChannels:
    """The dossiers of one procedure received in a period, by channel, in total and per month
    (Vietnamese calendar month ``YYYY-MM``): the online share of QĐ 766 indicator 3.3 and its
    trend, by procedure."""

    procedure_code: str
    months: dict[str, Counter[str]]

    def to_dict(self) -> dict[str, Any]:
        total: Counter[str] = Counter()
        for counts in self.months.values():
            total.update(counts)
        return {
            "procedure_code": self.procedure_code,
            **_channel_figures(total),
            "months": [
                {"month": month, **_channel_figures(counts)}
                for month, counts in sorted(self.months.items())
            ],
        }


def received_by_channel(
    cases: Iterable[CaseFacts], period_from: date | datetime, period_to: date | datetime
) -> list[ProcedureChannels]:
    """Dossiers received in the period (accepted, or refused at intake) per procedure, month and
    channel. A dossier counts in the month of its receipt; rows without a known channel (written
    before the read model kept it) are left out rather than guessed."""
    start, end = period_bounds(period_from, period_to)
    grouped: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for facts in cases:
        if facts.channel is None or not start <= facts.accepted_at < end:
            continue
        month = f"{facts.accepted_at.astimezone(VN_TZ):%Y-%m}"
        grouped[facts.procedure_code][month][Channel(facts.channel).value] += 1
    return [ProcedureChannels(code, dict(months)) for code, months in sorted(grouped.items())]


__all__ = [
    "CaseFacts",
    "NonGeographicRow",
    "ProcedureChannels",
    "ProcessingTime",
    "Summary",
    "average_processing_time",
    "non_geographic_intake",
    "rate_percent",
    "received_by_channel",
    "summarize",
]
