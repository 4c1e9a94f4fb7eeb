"""Bringing a province's catalogue up to date from the national procedure database's export
(Cơ sở dữ liệu quốc gia về thủ tục hành chính): what changes is shown before it is applied.

The export lists, per procedure, its national code, name, sector, level, agency, legal time
("03 ngày làm việc", "Trong ngày") and the decision that published it (quyết định công bố).
Compared with the catalogue, from the day the export takes effect:

- **new** — a code the catalogue lacks: added with one version, one processing step holding the
  whole legal time and no components (the export does not list them; the province completes
  them before offering the procedure);
- **new version** — a known procedure whose legal time or decision differs from the version in
  force that day: a version from that day, copying the components, fees and steps of the one
  before (step hours scaled to the new legal time);
- **renamed** — only the name or sector differs;
- **not listed** — a catalogue procedure missing from the export: shown, never removed (an
  export may cover some sectors only).

Lines that cannot be read (no code, a legal time in no known wording, a level other than
province or commune) are reported with their line and reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from motcua_intake.domain.errors import ProcedureNotInForce
from motcua_intake.domain.procedures import (
    HOURS_PER_WORKING_DAY,
    Catalogue,
    CompetentLevel,
    Confidence,
    Procedure,
    ProcedureVersion,
    Step,
)
from motcua_intake.domain.sheet_columns import cell_text, match_columns, plain

ChangeKind = Literal["new", "new_version", "renamed", "not_listed"]
COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("ma thu tuc", "ma tthc", "ma so"),
    "name": ("ten thu tuc", "ten thu tuc hanh chinh", "ten tthc"),
    "field": ("linh vuc",),
    "level": ("cap thuc hien",),
    "agency": ("co quan thuc hien",),
    "time": ("thoi han giai quyet", "thoi gian giai quyet"),
    "decision": ("quyet dinh cong bo", "so quyet dinh cong bo"),
}
REQUIRED = ("code", "name", "level", "time")
# Decimal separators survive as "p" ("0,5 ngày" → "0p5 ngay"): plain() drops punctuation.
_DECIMAL = re.compile(r"(\d)[.,](\d)")
_DAYS = re.compile(r"(\d+(?:p\d+)?)\s*ngay")
_HOURS = re.compile(r"(\d+(?:p\d+)?)\s*gio")


class ExportFormatError(ValueError):
    """The file lacks a column the comparison needs."""


@dataclass(frozen=True)
class ExportedProcedure:
    line: int
    code: str
    name: str
    field: str
    level: CompetentLevel
    agency: str
    legal_hours: float
    same_day: bool
    decision: str


@dataclass(frozen=True)
class CatalogueChange:
    kind: ChangeKind
    code: str
    detail: str
    procedure: Procedure | None = None  # the procedure as it will be (not for "not listed")

    def describe(self) -> str:
        mark = {"new": "+", "new_version": "~", "renamed": "~", "not_listed": "?"}[self.kind]
        return f"{mark} {self.code}: {self.detail}"


@dataclass(frozen=True)
class CatalogueChanges:
    effective: date
    changes: tuple[CatalogueChange, ...]
    unchanged: int
    unreadable: tuple[tuple[int, str], ...]

    def count(self, kind: ChangeKind) -> int:
        return sum(1 for change in self.changes if change.kind == kind)

    def summary(self) -> str:
        return (
            f"{self.count('new')} new, {self.count('new_version')} with a new version, "
            f"{self.count('renamed')} renamed, {self.unchanged} unchanged, "
            f"{self.count('not_listed')} not in the export (kept), "
            f"{len(self.unreadable)} lines unreadable (from {self.effective:%d/%m/%Y})"
        )


def read_export(
    rows: Sequence[Sequence[object]],
) -> tuple[list[ExportedProcedure], list[tuple[int, str]]]:
    """The procedures of the export and the lines that could not be read."""
    if not rows:
        raise ExportFormatError("the file is empty")
    columns = match_columns(rows[0], COLUMNS)
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise ExportFormatError(
            f"the header lacks {', '.join(missing)} (Mã thủ tục, Tên thủ tục, Cấp thực hiện, "
            "Thời hạn giải quyết)"
        )
    read: list[ExportedProcedure] = []
    unreadable: list[tuple[int, str]] = []
    for line, raw in enumerate(rows[1:], start=2):
        cells = [cell_text(value) for value in raw]
        if not any(cells):
            continue
        values = {
            name: cells[index] if index < len(cells) else "" for name, index in columns.items()
        }
        try:
            read.append(_procedure_line(line, values))
        except ValueError as exc:
            unreadable.append((line, str(exc)))
    return read, unreadable


def compare(
    catalogue: Catalogue,
    exported: Sequence[ExportedProcedure],
    effective: date,
    *,
    confidence: Confidence = "M",
    unreadable: Sequence[tuple[int, str]] = (),
) -> CatalogueChanges:
    """What applying the export from ``effective`` would change in ``catalogue``."""
    changes: list[CatalogueChange] = []
    unchanged = 0
    listed: set[str] = set()
    for item in exported:
        listed.add(item.code)
        if item.code not in catalogue:
            changes.append(
                CatalogueChange(
                    "new",
                    item.code,
                    f"{item.name} ({_days(item)}, {item.level})",
                    _new_procedure(item, effective, confidence),
                )
            )
            continue
        procedure = catalogue.get(item.code)
        try:
            in_force: ProcedureVersion | None = procedure.version_at(effective)
        except ProcedureNotInForce:
            in_force = None
        renamed = (procedure.name, procedure.field) != (item.name, item.field or procedure.field)
        if in_force is None or (in_force.legal_hours, in_force.same_day, in_force.decision) != (
            item.legal_hours,
            item.same_day,
            item.decision or in_force.decision,
        ):
            base = in_force or procedure.versions[0]
            version = _next_version(base, item, effective, confidence)
            detail = (
                f"version {version.version}: {base.legal_days:g} → {version.legal_days:g} "
                f"working days; decision {item.decision or base.decision or '—'}"
            )
            updated = _with_version(procedure, version, item)
            changes.append(CatalogueChange("new_version", item.code, detail, updated))
        elif renamed:
            changes.append(
                CatalogueChange(
                    "renamed",
                    item.code,
                    f"{procedure.name} → {item.name}",
                    procedure.model_copy(
                        update={"name": item.name, "field": item.field or procedure.field}
                    ),
                )
            )
        else:
            unchanged += 1
    for procedure in catalogue.list():
        if procedure.code not in listed:
            changes.append(
                CatalogueChange("not_listed", procedure.code, f"{procedure.name} (kept)")
            )
    return CatalogueChanges(effective, tuple(changes), unchanged, tuple(unreadable))


def apply(catalogue: Catalogue, changes: CatalogueChanges) -> Catalogue:
    """The catalogue with the changes applied, in its order, new procedures at the end."""
    replaced = {c.code: c.procedure for c in changes.changes if c.procedure is not None}
    kept = [replaced.pop(p.code) if p.code in replaced else p for p in catalogue.list()]
    return Catalogue([*kept, *replaced.values()])


def catalogue_data(catalogue: Catalogue, note: str) -> dict[str, Any]:
    """The catalogue in the shape of ``data/procedures.json``."""
    return {
        "note": note,
        "procedures": [p.model_dump(mode="json", exclude_none=True) for p in catalogue.list()],
    }


def _procedure_line(line: int, values: dict[str, str]) -> ExportedProcedure:
    code = values["code"]
    if not code:
        raise ValueError("no procedure code")
    level = plain(values.get("level", ""))
    if "xa" in level.split():
        competent: CompetentLevel = "commune"
    elif "tinh" in level.split():
        competent = "province"
    else:
        raise ValueError(f"level {values.get('level')!r} is neither province nor commune")
    hours, same_day = legal_time(values["time"])
    return ExportedProcedure(
        line=line,
        code=code,
        name=values["name"],
        field=values.get("field", ""),
        level=competent,
        agency=values.get("agency", ""),
        legal_hours=hours,
        same_day=same_day,
        decision=values.get("decision", ""),
    )


def legal_time(text: str) -> tuple[float, bool]:
    """Working hours and the same-day flag from the export's wording of the legal time: "03
    ngày làm việc", "Trong ngày", "Giải quyết ngay", "4 giờ làm việc"."""
    wording = plain(_DECIMAL.sub(r"\1p\2", text))
    if wording.startswith(("trong ngay", "ngay trong ngay", "giai quyet ngay", "ngay")) and not (
        _DAYS.search(wording)
    ):
        return HOURS_PER_WORKING_DAY, True
    if match := _DAYS.search(wording):
        days = float(match.group(1).replace("p", "."))
        if days > 0:
            return days * HOURS_PER_WORKING_DAY, False
    if match := _HOURS.search(wording):
        hours = float(match.group(1).replace("p", "."))
        if 0 < hours <= HOURS_PER_WORKING_DAY:
            return HOURS_PER_WORKING_DAY, True
    raise ValueError(f"legal time {text!r} is in no known wording")


def _days(item: ExportedProcedure) -> str:
    if item.same_day:
        return "trong ngày"
    return f"{item.legal_hours / HOURS_PER_WORKING_DAY:g} ngày làm việc"


def _new_procedure(item: ExportedProcedure, effective: date, confidence: Confidence) -> Procedure:
    version = ProcedureVersion(
        version=effective.isoformat(),
        effective_from=effective,
        decision=item.decision or None,
        legal_hours=item.legal_hours,
        same_day=item.same_day,
        steps=(Step(name="Giải quyết hồ sơ", role="specialist", hours=item.legal_hours),),
        confidence=confidence,
        note="Nhập từ CSDL quốc gia về TTHC: thành phần hồ sơ, lệ phí và quy trình nội bộ "
        "cần bổ sung.",
    )
    return Procedure(
        code=item.code,
        name=item.name,
        field=item.field or "Khác",
        competent_level=item.level,
        agency=item.agency or ("Ủy ban nhân dân cấp xã" if item.level == "commune" else "—"),
        versions=(version,),
    )


def _next_version(
    base: ProcedureVersion, item: ExportedProcedure, effective: date, confidence: Confidence
) -> ProcedureVersion:
    return base.model_copy(
        update={
            "version": effective.isoformat(),
            "effective_from": effective,
            "decision": item.decision or base.decision,
            "legal_hours": item.legal_hours,
            "same_day": item.same_day,
            "steps": _scaled_steps(base.steps, item.legal_hours),
            "confidence": confidence,
            "note": "Thời hạn và quyết định công bố theo CSDL quốc gia về TTHC; thành phần, "
            "lệ phí và quy trình nội bộ lấy theo phiên bản trước.",
        }
    )


def _scaled_steps(steps: Sequence[Step], total: float) -> tuple[Step, ...]:
    """The steps' share of a new legal time; the last step takes the rounding."""
    old_total = sum(step.hours for step in steps)
    scaled = [round(step.hours * total / old_total, 2) for step in steps[:-1]]
    last = round(total - sum(scaled), 6)
    if last <= 0 or any(hours <= 0 for hours in scaled):
        return (Step(name="Giải quyết hồ sơ", role="specialist", hours=total),)
    hours = [*scaled, last]
    return tuple(step.model_copy(update={"hours": h}) for step, h in zip(steps, hours, strict=True))


def _with_version(
    procedure: Procedure, version: ProcedureVersion, item: ExportedProcedure
) -> Procedure:
    """The procedure with ``version`` added (replacing one of the same day)."""
    versions = [v for v in procedure.versions if v.effective_from != version.effective_from]
    if any(v.effective_from > version.effective_from for v in versions):
        raise ValueError(
            f"{procedure.code} already has a version after {version.effective_from}; "
            "apply exports in date order"
        )
    return Procedure.model_validate(
        {
            **procedure.model_dump(),
            "name": item.name or procedure.name,
            "field": item.field or procedure.field,
            "versions": [*versions, version],
        }
    )
