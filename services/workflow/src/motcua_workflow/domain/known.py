"""A dossier workflow knows of before (or without) acceptance.

An online or postal dossier is "Mới đăng ký" (status 1) until the one-stop counter accepts it:
no deadline runs yet (domain §1.10: the clock starts at acceptance of a complete dossier), but the
citizen and the officials can already see it. Intake may refuse it (status 3, "Không được tiếp
nhận" — an end of processing for QĐ 766) or the citizen may withdraw it, which stops it at once
at the intake stage (status 8). Once accepted, the :class:`~.case.Case` takes over.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from motcua_platform.contracts.events import (
    CaseEventData,
    CaseStopped,
    Channel,
    DossierRefused,
    DossierSubmitted,
)
from motcua_platform.instants import at_rest as instant
from motcua_workflow.domain import codec
from motcua_workflow.domain.errors import InvalidTransition
from motcua_workflow.domain.status import CaseStatus

INTAKE_STAGE = "intake"


@dataclass(kw_only=True)
class KnownDossier:
    """Status 1 (submitted), 3 (refused) or 8 (withdrawn before acceptance)."""

    code: str
    unit: str
    receiving_unit: str
    procedure_code: str
    procedure_name: str = ""
    channel: Channel
    submitted_at: datetime
    status: CaseStatus = CaseStatus.SUBMITTED
    closed_at: datetime | None = None
    reasons: list[str] = field(default_factory=list)
    pending_events: list[CaseEventData] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def submitted(cls, data: DossierSubmitted, code: str) -> KnownDossier:
        return cls(
            code=code,
            unit=data.competent_unit,
            receiving_unit=data.receiving_unit,
            procedure_code=data.procedure_code,
            procedure_name=data.procedure_name,
            channel=data.channel,
            submitted_at=instant(data.submitted_at),
        )

    @classmethod
    def refused_outright(cls, data: DossierRefused, code: str) -> KnownDossier:
        """Refused at the counter without an earlier submission event."""
        dossier = cls(
            code=code,
            unit=data.competent_unit,
            receiving_unit=data.receiving_unit,
            procedure_code=data.procedure_code,
            channel=data.channel,
            submitted_at=instant(data.at),
        )
        dossier.refuse(data)
        return dossier

    def refuse(self, data: DossierRefused) -> None:
        """Không được tiếp nhận (Mẫu 03)."""
        self._require_submitted("refuse")
        self.status = CaseStatus.REFUSED
        self.closed_at = instant(data.at)
        self.reasons = list(data.reasons)

    def withdraw(self, reason: str, at: datetime) -> list[CaseEventData]:
        """The citizen withdraws before acceptance: nothing to process, so it stops at once."""
        self._require_submitted("withdraw")
        at = instant(at)
        event = CaseStopped(
            unit=self.unit,
            procedure_code=self.procedure_code,
            at=at,
            reason=reason,
            stage=INTAKE_STAGE,
            withdrawal=True,
            status=CaseStatus.STOPPED,
        )
        self.status = CaseStatus.STOPPED
        self.closed_at = at
        self.reasons = [reason]
        self.pending_events.append(event)
        return [event]

    def _require_submitted(self, action: str) -> None:
        if self.status is not CaseStatus.SUBMITTED:
            raise InvalidTransition(
                f"cannot {action} dossier {self.code}: it is '{self.status.label}'"
            )

    def pull_events(self) -> list[CaseEventData]:
        events, self.pending_events = self.pending_events, []
        return events

    def to_document(self) -> dict[str, Any]:
        document = codec.encode(self)
        document["status_name"] = self.status.label
        return document

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> KnownDossier:
        return codec.decode_record(cls, document)
