"""Đơn vị hành chính as dated data: names, types and parents that follow the law over time.

Since 01/07/2025 local government has two levels (NQ 202/2025/QH15, NĐ 118/2025): provinces
(tỉnh, thành phố trực thuộc trung ương) and communes (xã, phường, đặc khu). Units keep changing
after that — renamed, reclassified (a xã becomes a phường), merged, split — so a unit is a list
of rows, each valid for a period (``valid_from`` … ``valid_to``, both inclusive); a change is a
new row, never an edit, and a form prints the row valid on the dossier's date.

Two identifiers per unit: the national statistics code (mã đơn vị hành chính of the Cục Thống
kê, what the official list publishes) and the agency code printed in dossier numbers (mã định
danh đơn vị, TT 10/2016/TT-BTTTT shape). The agency code is assigned once and frozen in the
shipped table (``data/units.csv``): a new version of the official list never renumbers a unit,
and a code once used is never given to another unit (see
:mod:`motcua_intake.domain.unit_changes`).
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from motcua_intake.data import read_text
from motcua_intake.domain.errors import RoutingFailed, UnknownUnit
from motcua_intake.domain.procedures import Procedure
from motcua_platform.agency import above, within

UnitLevel = Literal["province", "commune"]
# Loại đơn vị: tỉnh / thành phố (trực thuộc trung ương); xã / phường / đặc khu.
PROVINCE_TYPES = ("tỉnh", "thành phố")
COMMUNE_TYPES = ("xã", "phường", "đặc khu")
TABLE_COLUMNS = (
    "agency_code",
    "level",
    "nso_code",
    "name",
    "type",
    "parent",
    "valid_from",
    "valid_to",
    "basis",
    "confidence",
)


@dataclass(frozen=True)
class Unit:
    """An administrative unit as it stood during one period, and the one-stop centre it runs
    (TTPVHCC cấp tỉnh / cấp xã). ``valid_to`` is ``None`` while the row is current."""

    code: str
    name: str
    level: UnitLevel
    parent: str | None
    nso_code: str
    division_type: str
    valid_from: date
    valid_to: date | None = None
    basis: str = ""  # the legal text that made this row (nghị quyết), as published
    confidence: str = "H"  # H / M / L, as in the domain reference

    def __post_init__(self) -> None:
        allowed = PROVINCE_TYPES if self.level == "province" else COMMUNE_TYPES
        if self.division_type not in allowed:
            raise ValueError(f"unit {self.code}: a {self.level} cannot be a {self.division_type!r}")
        if (self.level == "province") != (self.parent is None):
            raise ValueError(f"unit {self.code}: only communes have a parent")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(f"unit {self.code}: valid_to {self.valid_to} before valid_from")

    @property
    def province_code(self) -> str:
        """The agency code of the province the unit belongs to (itself for a province)."""
        return self.code if self.parent is None else self.parent

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "level": self.level,
            "parent": self.parent,
            "nso_code": self.nso_code,
            "division_type": self.division_type,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "confidence": self.confidence,
        }

    def to_row(self) -> dict[str, str]:
        """The row of the units table (``data/units.csv``)."""
        return {
            "agency_code": self.code,
            "level": self.level,
            "nso_code": self.nso_code,
            "name": self.name,
            "type": self.division_type,
            "parent": self.parent or "",
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else "",
            "basis": self.basis,
            "confidence": self.confidence,
        }

    @classmethod
    def from_row(cls, row: Mapping[str, str]) -> Unit:
        level = row["level"]
        if level not in ("province", "commune"):
            raise ValueError(f"unit {row.get('agency_code')}: unknown level {level!r}")
        return cls(
            code=row["agency_code"],
            name=row["name"],
            level=level,  # type: ignore[arg-type]  # checked just above
            parent=row["parent"] or None,
            nso_code=str(int(row["nso_code"])),
            division_type=row["type"],
            valid_from=date.fromisoformat(row["valid_from"]),
            valid_to=date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
            basis=row.get("basis") or "",
            confidence=row.get("confidence") or "H",
        )


def supervises(parent_code: str, child_code: str) -> bool:
    """Whether ``parent_code`` is a strict ancestor of ``child_code`` (``H15`` supervises
    ``H15.01.36``; a unit does not supervise itself: :func:`within_scope` is "itself or below")."""
    return above(parent_code, child_code)


def within_scope(scope_code: str, unit_code: str) -> bool:
    """Whether an official of ``scope_code`` may see ``unit_code``: the unit itself or below."""
    return within(scope_code, unit_code)


class UnitRegistry:
    """Every unit by agency code, with its dated rows and the parent/child relation.

    Without a date, a lookup answers with the unit's latest row; :meth:`on` and
    :meth:`name_on` answer for a given day.
    """

    def __init__(self, rows: Iterable[Unit]) -> None:
        history: dict[str, list[Unit]] = {}
        for row in rows:
            history.setdefault(row.code, []).append(row)
        self._history = {
            code: sorted(rows, key=lambda r: r.valid_from) for code, rows in history.items()
        }
        self._units: dict[str, Unit] = {}
        self._by_nso: dict[str, list[Unit]] = {}
        self._children: dict[str, list[Unit]] = {}
        for code, unit_rows in self._history.items():
            _check_history(code, unit_rows)
            latest = unit_rows[-1]
            self._units[code] = latest
            for row in unit_rows:
                self._by_nso.setdefault(f"{row.level}:{row.nso_code}", []).append(row)
            if latest.parent is not None and latest.valid_to is None:
                self._children.setdefault(latest.parent, []).append(latest)
        for code, unit_rows in self._history.items():
            for row in unit_rows:
                if row.parent is not None and row.parent not in self._units:
                    raise ValueError(f"unit {code} has an unknown parent {row.parent}")

    def get(self, code: str) -> Unit:
        """The latest row of a unit (the current one unless the unit was dissolved)."""
        try:
            return self._units[code]
        except KeyError:
            raise UnknownUnit(code) from None

    def history(self, code: str) -> list[Unit]:
        """Every row of a unit, oldest first."""
        self.get(code)
        return list(self._history[code])

    def on(self, code: str, day: date) -> Unit:
        """The unit as it stood on ``day``.

        Before the unit's first row the first row answers: the units that existed before the
        July-2025 reorganisation are not in the table, and dossiers of that time are recorded
        under their successor (domain §5.1). After a dissolved unit's last day there is none.
        """
        rows = self.history(code)
        for row in rows:
            if row.valid_on(day):
                return row
        if day < rows[0].valid_from:
            return rows[0]
        raise UnknownUnit(f"{code} on {day.isoformat()}")

    def name_on(self, code: str, day: date) -> str:
        """The name to print for a dossier dated ``day``."""
        return self.on(code, day).name

    def __contains__(self, code: object) -> bool:
        return code in self._units

    def __len__(self) -> int:
        return len(self._units)

    def children(self, code: str) -> list[Unit]:
        """The current communes of a province (empty for a commune)."""
        self.get(code)
        return list(self._children.get(code, ()))

    def all(self) -> list[Unit]:
        """The latest row of every unit."""
        return list(self._units.values())

    def rows(self) -> list[Unit]:
        """Every row of the table, unit by unit."""
        return [row for rows in self._history.values() for row in rows]

    def provinces(self) -> list[Unit]:
        return [u for u in self._units.values() if u.level == "province" and u.valid_to is None]

    def communes(self) -> list[Unit]:
        return [u for u in self._units.values() if u.level == "commune" and u.valid_to is None]

    def by_nso_code(self, level: UnitLevel, nso_code: str | int, day: date | None = None) -> Unit:
        """A unit by its statistics code (Cục Thống kê), e.g. ``("commune", 24133)``: the row
        valid on ``day``, or the latest one."""
        rows = self._by_nso.get(f"{level}:{int(nso_code)}", [])
        if day is not None:
            rows = [row for row in rows if row.valid_on(day)]
        if not rows:
            raise UnknownUnit(f"NSO {level} {nso_code}")
        return max(rows, key=lambda r: r.valid_from)

    def supervises(self, parent_code: str, child_code: str) -> bool:
        return supervises(parent_code, child_code)

    def to_csv(self) -> str:
        """The table in the shipped CSV shape."""
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=TABLE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(row.to_row() for row in self.rows())
        return buffer.getvalue()

    @classmethod
    def from_csv(cls, text: str) -> UnitRegistry:
        return cls(Unit.from_row(row) for row in csv.DictReader(io.StringIO(text)))

    @classmethod
    def load(cls, path: str | Path) -> UnitRegistry:
        """A province's own units table (same shape as ``data/units.csv``)."""
        return cls.from_csv(Path(path).read_text(encoding="utf-8"))

    @classmethod
    def load_default(cls) -> UnitRegistry:
        """The units table shipped with the service (``data/units.csv``)."""
        return _default_registry()


@functools.cache
def _default_registry() -> UnitRegistry:
    return UnitRegistry.from_csv(read_text("units.csv"))


def _check_history(code: str, rows: list[Unit]) -> None:
    """One unit's rows: same level and statistics code, periods in order without overlap."""
    for earlier, later in itertools.pairwise(rows):
        if (earlier.level, earlier.nso_code) != (later.level, later.nso_code):
            raise ValueError(f"agency code {code} is used by two different units")
        if earlier.valid_to is None or earlier.valid_to >= later.valid_from:
            raise ValueError(
                f"unit {code}: the rows from {earlier.valid_from} and {later.valid_from} overlap"
            )


def route_competent_unit(
    procedure: Procedure, receiving_unit: Unit, applicant_address_unit: Unit | None
) -> str:
    """Cơ quan có thẩm quyền for a dossier received under non-geographic intake.

    Provincial and commune centres accept dossiers regardless of administrative boundary within
    the province (tiếp nhận không phụ thuộc địa giới hành chính, NĐ 118/2025), so the receiving
    unit need not be the competent one: a commune-level procedure goes to the commune where the
    applicant resides when known, else to the receiving commune; a provincial one goes to the
    province. Returns the competent unit's agency code. Raises :class:`RoutingFailed` when it
    cannot be decided here (the dossier then waits in the dispatch queue for an official).
    """
    province = receiving_unit.province_code
    if procedure.competent_level == "province":
        return province
    if applicant_address_unit is not None:
        if applicant_address_unit.level != "commune":
            raise RoutingFailed(
                "the applicant's residence must be a commune-level unit", field="applicant"
            )
        if applicant_address_unit.province_code != province:
            # Non-geographic intake stops at the province boundary.
            raise RoutingFailed(
                f"the applicant resides in {applicant_address_unit.name}, outside the province "
                "of the receiving unit; the dossier must be filed in that province"
            )
        return applicant_address_unit.code
    if receiving_unit.level == "commune":
        return receiving_unit.code
    raise RoutingFailed(
        f"procedure {procedure.code} is decided by a commune and the applicant's residence is "
        "unknown; choose the competent commune"
    )


def choose_competent_unit(
    units: UnitRegistry,
    procedure: Procedure,
    receiving_unit: Unit,
    requested: str | None,
    residence: str | None,
) -> str:
    """The competent unit of a new dossier: the one the official chose, checked, or else routed
    by :func:`route_competent_unit` from the applicant's residence (``residence_unit``)."""
    if requested:
        try:
            unit = units.get(requested)
        except UnknownUnit:
            raise UnknownUnit(requested, field="competent_unit") from None
        if unit.level != procedure.competent_level:
            raise RoutingFailed(
                f"procedure {procedure.code} is decided at {procedure.competent_level} level; "
                f"{unit.name} is a {unit.level}"
            )
        if unit.province_code != receiving_unit.province_code:
            raise RoutingFailed(
                f"{unit.name} is outside the province of the receiving unit; non-geographic "
                "intake stops at the province boundary"
            )
        return unit.code
    residence_unit = None
    if residence:
        try:
            residence_unit = units.get(residence)
        except UnknownUnit:
            raise UnknownUnit(residence, field="applicant.residence_unit") from None
    return route_competent_unit(procedure, receiving_unit, residence_unit)
