"""Writing the checked lines of a tracking book as historical dossiers (see
:mod:`motcua_intake.domain.history_import`). Each dossier is stored with its events in one insert,
as a live one is (sent a chunk at a time); the service's outbox relay then publishes them, so
the workflow records the cases through the same events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from motcua_intake.context import IntakeContext
from motcua_intake.domain.dossier import Dossier
from motcua_intake.domain.dossier_code import parse_dossier_code
from motcua_intake.domain.history_import import HistoricalDossier, Rejection
from motcua_intake.dossier_document import dossier_to_document
from motcua_platform.calendar import VN_TZ
from motcua_platform.contracts.events import ImportedFinish
from motcua_platform.mongo import Save
from motcua_platform.personal_id import pseudonymous_key


@dataclass
class Imported:
    written: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)


CHUNK = 200  # dossiers written with one bulk write


async def import_dossiers(
    intake: IntakeContext,
    lines: list[HistoricalDossier],
    *,
    source: str,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> Imported:
    """Store each line as a dossier; a code already in the system is rejected, not replaced.
    Lines are written ``CHUNK`` at a time, each dossier still one insert of its own (a chunk
    cut short by a crash leaves whole dossiers: running the import again rejects those as
    duplicates and writes the rest)."""
    result = Imported()
    for first in range(0, len(lines), CHUNK):
        chunk = lines[first : first + CHUNK]
        dossiers = [_dossier(intake, line, source) for line in chunk]
        saves = [
            Save(
                d.code,
                0,
                dossier_to_document(d),
                intake.store.aggregates.envelopes(d.code, 0, d.pull_events(), line.received_at),
            )
            for d, line in zip(dossiers, chunk, strict=True)
        ]
        written = await intake.store.aggregates.save_many(saves)
        taken: dict[tuple[str, date], int] = {}
        counted: set[str] = set()  # a code twice in one chunk: its second line was not written
        for line in chunk:
            if line.code not in written or line.code in counted:
                result.rejected.append(
                    Rejection(
                        line.line, line.code, "duplicate code: already in the system", line.code
                    )
                )
                continue
            code = parse_dossier_code(line.code)
            day_key = (code.agency_code, code.day)
            taken[day_key] = max(taken.get(day_key, 0), code.number)
            counted.add(line.code)
            result.written.append(line.code)
        for (unit, day), number in taken.items():
            await intake.codes.taken(unit, day, number)
        intake.store.notify()
        progress(first + len(chunk), len(lines))
    return result


def _dossier(intake: IntakeContext, line: HistoricalDossier, source: str) -> Dossier:
    day = line.received_at.astimezone(VN_TZ).date()
    finish = (
        ImportedFinish(finished_at=line.finished_at, outcome=line.outcome or "approved")
        if line.finished_at is not None
        else None
    )
    return Dossier.import_history(
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
