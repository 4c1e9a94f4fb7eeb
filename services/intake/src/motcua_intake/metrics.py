"""Intake's business metrics (architecture §7), on the service's registry. Labels carry the
receiving unit, the procedure and the channel — never a dossier code, a personal ID or a name."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter

from motcua_intake.domain.dossier import Dossier
from motcua_platform.contracts import EventData
from motcua_platform.contracts.events import (
    DossierAccepted,
    DossierRefused,
    DossierSubmitted,
    DossierSupplementRequestedAtIntake,
)

CHANNEL_LABELS = ["unit", "procedure", "channel"]


class IntakeMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.received = Counter(
            "motcua_dossiers_received_total",
            "Dossiers received, by receiving unit, procedure and channel",
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
            ["unit", "procedure"],
            registry=registry,
        )
        self.on_the_spot = Counter(
            "motcua_dossiers_on_the_spot_total",
            "Dossiers resolved on the spot, without an appointment (cán bộ không hẹn)",
            ["unit", "procedure"],
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
        unit, procedure = dossier.receiving_unit, dossier.procedure_code
        by_channel = (unit, procedure, dossier.channel.value)
        for event in events:
            match event:
                case DossierAccepted():
                    self.accepted.labels(*by_channel).inc()
                    if event.on_the_spot:
                        self.on_the_spot.labels(unit, procedure).inc()
                case DossierSubmitted():
                    self.received.labels(*by_channel).inc()
                    if dossier.citizen_wrote_nothing:
                        self.prefilled.labels(unit, procedure).inc()
                case DossierRefused():
                    self.refused.labels(*by_channel).inc()
                case DossierSupplementRequestedAtIntake():
                    self.supplements_requested.labels(unit, "intake").inc()
