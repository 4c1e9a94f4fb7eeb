"""Intake's business metrics (architecture §7), on the service's registry. Labels carry the
receiving unit and the channel — never a dossier code, a personal ID or a name.

Why no procedure label on the counters: unit × procedure × channel is about 10⁵ series for a
province (docs/monitoring.md, cardinality budget). The per-procedure figures are the reports'
(exact, from the read models); the metrics stay per unit.

Two info metrics name the codes for the dashboards (joined in the query, value always 1):
``motcua_unit_info{unit, name, parent}`` for every unit of the registry (parent empty for a
province) and
``motcua_procedure_info{procedure, name}`` for every procedure of the catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Gauge

from motcua_intake.domain.dossier import Dossier
from motcua_intake.domain.procedures import Procedure
from motcua_intake.domain.units import Unit
from motcua_platform.contracts import EventData
from motcua_platform.contracts.events import (
    DossierAccepted,
    DossierRefused,
    DossierSubmitted,
    DossierSupplementRequestedAtIntake,
)

CHANNEL_LABELS = ["unit", "channel"]


class IntakeMetrics:
    def __init__(
        self,
        registry: CollectorRegistry,
        units: Iterable[Unit] = (),
        procedures: Iterable[Procedure] = (),
    ) -> None:
        self.unit_info = Gauge(
            "motcua_unit_info",
            "Names of the units (value 1): join on unit to show a name instead of a code",
            ["unit", "name", "parent"],
            registry=registry,
        )
        for unit in units:
            self.unit_info.labels(unit.code, unit.name, unit.parent or "").set(1)
        self.procedure_info = Gauge(
            "motcua_procedure_info",
            "Names of the procedures (value 1): join on procedure to show a name",
            ["procedure", "name"],
            registry=registry,
        )
        for procedure in procedures:
            self.procedure_info.labels(procedure.code, procedure.name).set(1)
        self.received = Counter(
            "motcua_dossiers_received_total",
            "Dossiers received, by receiving unit and channel",
            CHANNEL_LABELS,
            registry=registry,
        )
        self.accepted = Counter(
            "motcua_dossiers_accepted_total",
            "Dossiers accepted (the legal clock started)",
            CHANNEL_LABELS,
            registry=registry,
        )
        self.refused = Counter(
            "motcua_dossiers_refused_total",
            "Dossiers refused at intake (Mẫu 03)",
            CHANNEL_LABELS,
            registry=registry,
        )
        self.prefilled = Counter(
            "motcua_dossiers_prefilled_total",
            "Dossiers where the citizen wrote nothing (công dân không viết)",
            ["unit"],
            registry=registry,
        )
        self.on_the_spot = Counter(
            "motcua_dossiers_on_the_spot_total",
            "Dossiers resolved on the spot, without an appointment (cán bộ không hẹn)",
            ["unit"],
            registry=registry,
        )
        self.supplements_requested = Counter(
            "motcua_supplements_requested_total",
            "Supplement requests (Mẫu 02 at intake)",
            ["unit", "stage"],
            registry=registry,
        )

    def count(self, dossier: Dossier, events: list[EventData]) -> None:
        """Count what the events a command just saved say happened."""
        unit = dossier.receiving_unit
        by_channel = (unit, dossier.channel.value)
        for event in events:
            match event:
                case DossierAccepted():
                    self.accepted.labels(*by_channel).inc()
                    if event.on_the_spot:
                        self.on_the_spot.labels(unit).inc()
                case DossierSubmitted():
                    self.received.labels(*by_channel).inc()
                    if dossier.citizen_wrote_nothing:
                        self.prefilled.labels(unit).inc()
                case DossierRefused():
                    self.refused.labels(*by_channel).inc()
                case DossierSupplementRequestedAtIntake():
                    self.supplements_requested.labels(unit, "intake").inc()
