"""The series a province-sized scenario creates stay within the budget of docs/monitoring.md.

The real metric classes of the three services and the platform count a year's worth of variety for
one province: every unit of Đắk Lắk (the province and its communes) receives through every channel
dossiers of many procedures, finishes them early, on time and late, collects every rating level and
open complaints in both states; a 2,000-procedure catalogue is decided at least once each; every
event type is published and consumed with every outcome on 12 partitions. The domain objects the
metric classes read are stand-ins carrying only the fields they read (the classes are what is under
test, not the domain). The series are counted in the text exposition Prometheus scrapes.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from types import SimpleNamespace

from prometheus_client import CollectorRegistry, generate_latest

from motcua_feedback.metrics import FeedbackMetrics
from motcua_intake.domain.units import UnitRegistry
from motcua_intake.metrics import IntakeMetrics
from motcua_platform.contracts import ALL_TOPICS, EVENT_TYPES
from motcua_platform.contracts.events import (
    DossierAccepted,
    DossierRefused,
    DossierSubmitted,
    DossierSupplementRequestedAtIntake,
)
from motcua_platform.metrics import PlatformMetrics
from motcua_workflow.metrics import WorkflowMetrics

PROVINCE = "H15"
PROCEDURES = 2_000  # a province's catalogue (provincial and commune procedures)
PROCEDURES_PER_UNIT = 40  # a commune handles tens of procedures a year
CHANNELS = ("counter", "online", "postal")
PARTITIONS = 12
OUTCOMES = ("applied", "duplicate", "retried", "dead_lettered")

# Per replica of each service; docs/monitoring.md#cardinality-budget states the same figures.
BUDGET = {"intake": 8_000, "workflow": 15_000, "feedback": 2_000}
# Business series of one unit: received, accepted, refused × 3 channels, prefilled, on the spot,
# finished × 3, open × 2, due soon, supplements × 2 stages.
PER_UNIT = 19


def series(registry: CollectorRegistry) -> list[str]:
    text = generate_latest(registry).decode()
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def pipeline(service: str, registry: CollectorRegistry) -> None:
    metrics = PlatformMetrics(service, registry)
    for event_type in EVENT_TYPES:
        for topic in ALL_TOPICS:
            metrics.published(topic, event_type)
        for outcome in OUTCOMES:
            metrics.consumed(event_type, outcome)
        metrics.event_delay.labels(service, event_type).observe(0.2)
    for topic, partition in itertools.product(ALL_TOPICS, range(PARTITIONS)):
        metrics.consumer_lag.labels(service, f"motcua-{service}", topic, str(partition)).set(0)
    metrics.outbox_pending.labels(service).set(0)


def province_units() -> list:
    registry = UnitRegistry.load_default()
    return [registry.get(PROVINCE), *registry.children(PROVINCE)]


def procedure_codes() -> list[str]:
    return [f"1.{n:06d}" for n in range(1, PROCEDURES + 1)]


def test_a_province_stays_within_the_series_budget() -> None:
    units = province_units()
    codes = procedure_codes()
    assert len(units) > 90  # Đắk Lắk after the 2025 merger: the province and ~100 communes

    intake_registry = CollectorRegistry()
    catalogue = [SimpleNamespace(code=c, name=f"Thủ tục {c}") for c in codes]
    intake = IntakeMetrics(intake_registry, UnitRegistry.load_default().all(), catalogue)  # type: ignore[arg-type]
    events = [
        DossierSubmitted.model_construct(),
        DossierAccepted.model_construct(on_the_spot=True),
        DossierRefused.model_construct(),
        DossierSupplementRequestedAtIntake.model_construct(),
    ]
    for n, (unit, channel) in enumerate(itertools.product(units, CHANNELS)):
        for k in range(PROCEDURES_PER_UNIT):
            dossier = SimpleNamespace(
                receiving_unit=unit.code,
                procedure_code=codes[(n * PROCEDURES_PER_UNIT + k) % PROCEDURES],
                channel=SimpleNamespace(value=channel),
                citizen_wrote_nothing=True,
            )
            intake.count(dossier, events)  # type: ignore[arg-type]
    pipeline("intake", intake_registry)

    workflow_registry = CollectorRegistry()
    workflow = WorkflowMetrics(workflow_registry)
    moment = datetime(2026, 11, 30, 3, tzinfo=UTC)
    decided = SimpleNamespace(
        finished_at=moment,
        original_due_at=moment,
        resolved_at=moment,
        processing_hours=12.0,
        supplement_count=0,
    )
    for n, (unit, timeliness) in enumerate(itertools.product(units, ("early", "on_time", "late"))):
        for k in range(PROCEDURES_PER_UNIT):
            case = SimpleNamespace(
                **vars(decided),
                unit=unit.code,
                procedure_code=codes[(n * PROCEDURES_PER_UNIT + k) % PROCEDURES],
                timeliness=timeliness,
            )
            workflow.case_changed(case, [], was_finished=False)  # type: ignore[arg-type]
    for code in codes:  # every procedure of the catalogue decided somewhere
        case = SimpleNamespace(
            **vars(decided),
            unit=PROVINCE,
            procedure_code=code,
            timeliness="early",
        )
        workflow.case_changed(case, [], was_finished=False)  # type: ignore[arg-type]
    for unit in units:
        for state in ("within", "overdue"):
            workflow.open.labels(unit.code, state).set(1)
        workflow.due_soon.labels(unit.code).set(1)
        workflow.supplements.labels(unit.code, "processing").inc()
    pipeline("workflow", workflow_registry)

    feedback_registry = CollectorRegistry()
    feedback = FeedbackMetrics(feedback_registry)
    for unit, level in itertools.product(units, ("very_satisfied", "satisfied", "dissatisfied")):
        feedback.rated(SimpleNamespace(unit=unit.code, overall=level))  # type: ignore[arg-type]
    feedback.set_complaints_open({(u.code, s): 1 for u in units for s in ("within", "overdue")})
    pipeline("feedback", feedback_registry)

    counted = {
        "intake": series(intake_registry),
        "workflow": series(workflow_registry),
        "feedback": series(feedback_registry),
    }
    sizes = {service: len(lines) for service, lines in counted.items()}
    print(f"series per replica for {len(units)} units and {PROCEDURES} procedures: {sizes}")
    for service, size in sizes.items():
        assert size <= BUDGET[service], f"{service}: {size} series, budget {BUDGET[service]}"
    everything = [line for lines in counted.values() for line in lines]
    # No `_created` twin series, and no procedure on a per-unit series.
    assert not any("_created" in line for line in everything)
    per_unit_and_procedure = [
        line for line in everything if "unit=" in line and "procedure=" in line
    ]
    assert not per_unit_and_procedure, per_unit_and_procedure[:3]
    # The business series the old labels multiplied now grow with units, not procedures.
    business = [
        line
        for line in everything
        if line.startswith(("motcua_dossiers_", "motcua_supplements_")) and "_info" not in line
    ]
    assert len(business) <= PER_UNIT * len(units)
