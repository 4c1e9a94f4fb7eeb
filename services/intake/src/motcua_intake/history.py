"""Writing the checked lines of a tracking book as historical dossiers (see
:mod:`motcua_intake.domain.history_import`). Each dossier is stored with its events in one write,
as a live one is; the service's outbox relay then publishes them, so the workflow records the
cases through the same events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from motcua_intake.context import IntakeContext
from motcua_intake.domain.dossier import Dossier
from motcua_intake.domain.dossier_code import parse_dossier_code
from motcua_intake.domain.history_import import HistoricalDossier, Rejection
from motcua_platform.calendar import VN_TZ
from motcua_platform.contracts.events import ImportedFinish
from motcua_platform.errors import ConcurrencyConflict
from motcua_platform.personal_id import pseudonymous_key


@dataclass
class Imported:
    written: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)


async def import_dossiers(
    intake: IntakeContext,
    lines: list[HistoricalDossier],
    *,
    source: str,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> Imported:
    """Store each line as a dossier; a code already in the system is rejected, not replaced."""
    result = Imported()
    for done, line in enumerate(lines, start=1):
        day = line.received_at.astimezone(VN_TZ).date()
        finish = (
            ImportedFinish(finished_at=line.finished_at, outcome=line.outcome or "approved")
            if line.finished_at is not None
            else None
        )
        dossier = Dossier.import_history(
            code=line.code,
            procedure=line.procedure,
            version=line.version,
            receiving_unit=line.receiving_unit.code,
            competent_unit=line.competent_unit,
            applicant_name=line.applicant_name,
            # No personal ID in the book: a key of its own, in a namespace no ID number can take.
            applicant_key=pseudonymous_key(f"imported:{line.code}", intake.pseudonym_secret),
            received_at=line.received_at,
            due_at=line.due_at,
            finish=finish,
            unit_names={
                unit: intake.dated_name(unit, day)
                for unit in (line.receiving_unit.code, line.competent_unit)
            },
            source=f"{source}:{line.line}",
        )
        try:
            await intake.store.create(dossier, line.received_at)
        except ConcurrencyConflict:
            result.rejected.append(
                Rejection(line.line, line.code, "duplicate code: already in the system", line.code)
            )
        else:
            code = parse_dossier_code(line.code)
            await intake.codes.taken(code.agency_code, code.day, code.number)
            result.written.append(line.code)
        progress(done, len(lines))
    return result
