"""Applying a new official list of administrative units (danh mục đơn vị hành chính) to the
dated units table.

The statistics office publishes the whole list as it stands from a date; the table keeps every
period. Comparing the two gives three kinds of change, each shown to an administrator before it
is applied:

- **changed** — a unit still in the list with another name, type or province (a xã made a
  phường, a province renamed): its current row ends the day before and a new row starts, under
  the same agency code;
- **new** — a statistics code the table has never had (a unit established, or the result of a
  merger or split): a row with a newly allocated agency code;
- **dissolved** — a unit of the table missing from the list (merged into another): its current
  row ends the day before.

Agency codes never move: an existing unit keeps its code whatever the list's order, and a new
unit takes a code never used before, so a dossier number never points at two units.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from motcua_intake.domain.errors import UnknownUnit
from motcua_intake.domain.units import Unit, UnitLevel, UnitRegistry

ChangeKind = Literal["new", "changed", "dissolved"]
# Communes are numbered 01–99 inside two-digit groups, so a 168-commune province uses 01 and 02.
_GROUP_SIZE = 99


@dataclass(frozen=True)
class OfficialUnit:
    """One unit as the official list gives it."""

    level: UnitLevel
    nso_code: str
    name: str
    division_type: str
    province_nso_code: str | None = None  # communes only


@dataclass(frozen=True)
class UnitChange:
    kind: ChangeKind
    before: Unit | None
    after: Unit | None

    def describe(self) -> str:
        """One line for the administrator: what changes, from when."""
        if self.kind == "new":
            assert self.after is not None
            return (
                f"+ {self.after.code} {self.after.name} ({self.after.division_type}, "
                f"NSO {self.after.nso_code}) from {self.after.valid_from:%d/%m/%Y}"
            )
        assert self.before is not None
        if self.kind == "dissolved":
            return f"- {self.before.code} {self.before.name} (NSO {self.before.nso_code})"
        assert self.after is not None
        parts = []
        if self.before.name != self.after.name:
            parts.append(f"name {self.before.name} → {self.after.name}")
        if self.before.division_type != self.after.division_type:
            parts.append(f"type {self.before.division_type} → {self.after.division_type}")
        if self.before.parent != self.after.parent:
            parts.append(f"province {self.before.parent} → {self.after.parent}")
        return f"~ {self.before.code}: " + ", ".join(parts)


@dataclass(frozen=True)
class UnitChanges:
    effective: date
    changes: tuple[UnitChange, ...]
    unchanged: int

    def count(self, kind: ChangeKind) -> int:
        return sum(1 for change in self.changes if change.kind == kind)

    def summary(self) -> str:
        return (
            f"{self.count('changed')} changed, {self.count('new')} new, "
            f"{self.count('dissolved')} dissolved, {self.unchanged} unchanged "
            f"(from {self.effective:%d/%m/%Y})"
        )


def compare(
    table: UnitRegistry,
    official: Sequence[OfficialUnit],
    effective: date,
    *,
    basis: str = "",
    confidence: str = "H",
) -> UnitChanges:
    """What applying ``official`` from ``effective`` would change in ``table``."""
    _check_unique(official)
    used = {row.code for row in table.rows()}
    province_codes: dict[str, str] = {}
    changes: list[UnitChange] = []
    unchanged = 0
    seen: set[str] = set()
    # Provinces first: a new commune's agency code extends its province's.
    ordered = sorted(official, key=lambda u: (u.level != "province", int(u.nso_code)))
    for unit in ordered:
        parent = None
        if unit.level == "commune":
            if unit.province_nso_code is None:
                raise ValueError(f"commune {unit.nso_code} has no province")
            parent = province_codes.get(str(int(unit.province_nso_code)))
            if parent is None:
                raise ValueError(
                    f"commune {unit.nso_code}: province {unit.province_nso_code} is not in the list"
                )
        current = _current(table, unit.level, unit.nso_code, effective)
        if current is None:
            code = _allocate(unit.level, parent, used)
            used.add(code)
            after = Unit(
                code=code,
                name=unit.name,
                level=unit.level,
                parent=parent,
                nso_code=str(int(unit.nso_code)),
                division_type=unit.division_type,
                valid_from=effective,
                basis=basis,
                confidence=confidence,
            )
            changes.append(UnitChange("new", None, after))
        else:
            after = replace(
                current,
                name=unit.name,
                division_type=unit.division_type,
                parent=parent,
                valid_from=effective,
                valid_to=None,
                basis=basis,
                confidence=confidence,
            )
            if (current.name, current.division_type, current.parent) == (
                after.name,
                after.division_type,
                after.parent,
            ) and current.valid_on(effective):
                unchanged += 1
            else:
                changes.append(UnitChange("changed", current, after))
        if unit.level == "province":
            province_codes[str(int(unit.nso_code))] = after.code
        seen.add(after.code)
    for row in table.all():
        if row.code not in seen and row.valid_on(effective):
            changes.append(UnitChange("dissolved", row, None))
    return UnitChanges(effective, tuple(changes), unchanged)


def apply(table: UnitRegistry, changes: UnitChanges) -> UnitRegistry:
    """The table with ``changes`` applied: rows closed the day before, rows added."""
    last_day = changes.effective - timedelta(days=1)
    closing = {c.before.code for c in changes.changes if c.before is not None}
    rows: list[Unit] = []
    for code in {row.code for row in table.rows()}:
        history = table.history(code)
        for row in history:
            if code in closing and row is history[-1]:
                if row.valid_from >= changes.effective:
                    raise ValueError(
                        f"unit {code} already has a row from {row.valid_from}; "
                        "apply the official lists in date order"
                    )
                if row.valid_to is None or row.valid_to > last_day:
                    row = replace(row, valid_to=last_day)
            rows.append(row)
    rows.extend(c.after for c in changes.changes if c.after is not None)
    return UnitRegistry(sorted(rows, key=_table_order))


def _table_order(row: Unit) -> tuple[str, date]:
    # Provinces and their communes together, in agency-code order.
    return (row.code, row.valid_from)


def _current(table: UnitRegistry, level: UnitLevel, nso_code: str, day: date) -> Unit | None:
    try:
        return table.by_nso_code(level, nso_code, day)
    except UnknownUnit:
        pass
    try:
        # Not valid that day: the latest row, if the unit existed (re-established or renamed
        # ahead of the list).
        return table.by_nso_code(level, nso_code)
    except UnknownUnit:
        return None


def _allocate(level: UnitLevel, parent: str | None, used: set[str]) -> str:
    if level == "province":
        for number in range(1, 100):
            if (code := f"H{number:02d}") not in used:
                return code
        raise ValueError("no free province agency code")
    assert parent is not None
    for index in range(_GROUP_SIZE * 99):
        group, slot = index // _GROUP_SIZE + 1, index % _GROUP_SIZE + 1
        if (code := f"{parent}.{group:02d}.{slot:02d}") not in used:
            return code
    raise ValueError(f"no free commune agency code in {parent}")


def _check_unique(official: Iterable[OfficialUnit]) -> None:
    seen: set[tuple[str, str]] = set()
    for unit in official:
        key = (unit.level, str(int(unit.nso_code)))
        if key in seen:
            raise ValueError(f"the list names {unit.level} {unit.nso_code} twice")
        seen.add(key)
