"""Feedback metrics (architecture §7), on the service's registry. Labels carry the unit code and a
level or state, never a dossier code, a complaint id or a name."""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge

from motcua_feedback.domain import Rating
from motcua_platform.instants import stored_instant
from motcua_platform.timeliness import OpenTimeliness, classify_open

STATES = ("within", "overdue")


class FeedbackMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.ratings = Counter(
            "motcua_ratings_total",
            "Ratings of returned dossiers (phiếu đánh giá), by overall level",
            ["unit", "level"],
            registry=registry,
        )
        self.complaints_open = Gauge(
            "motcua_complaints_open",
            "Unanswered complaints and suggestions (PAKN), within or past the 15-working-day "
            "deadline; every replica exports the same value, aggregate with max",
            ["unit", "state"],
            registry=registry,
        )
        self._units: set[str] = set()

    def rated(self, rating: Rating) -> None:
        self.ratings.labels(rating.unit, rating.overall).inc()

    def set_complaints_open(self, counts: Mapping[tuple[str, str], int]) -> None:
        """Publish a fresh count; a unit whose complaints were all answered drops to 0 rather than
        keeping its last value."""
        self._units.update(unit for unit, _ in counts)
        for unit in self._units:
            for state in STATES:
                self.complaints_open.labels(unit, state).set(counts.get((unit, state), 0))


def open_complaint_counts(
    open_complaints: Iterable[Mapping[str, Any]], now: datetime
) -> dict[tuple[str, str], int]:
    """(unit, within|overdue) → number of open PAKN, judged at ``now`` as ``Complaint.state``
    does: overdue strictly after the due time."""
    tally: Tally[tuple[str, str]] = Tally()
    for doc in open_complaints:
        due = stored_instant(doc.get("due_at"))
        state = OpenTimeliness.WITHIN if due is None else classify_open(due, now)
        tally[(doc.get("unit") or "", state.value)] += 1
    return dict(tally)
