"""Đơn vị hành chính and their agency codes, after the 2025 reorganisation.

Since 01/07/2025 local government has two levels (NQ 202/2025/QH15, NĐ 118/2025): 34 provinces
(tỉnh, thành phố trực thuộc trung ương) and 3,321 communes (xã, phường, đặc khu). Names and NSO
codes come from the ``vietnam_provinces`` package; the agency code printed in dossier numbers
(mã định danh đơn vị, TT 10/2016/TT-BTTTT) is a different identifier, so it is built by a
documented rule that ``data/agency_codes.json`` overrides (see that file's note).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from vietnam_provinces import Province, VietNamDivisionType, Ward

from motcua_intake.data import load_json
from motcua_intake.domain.errors import RoutingFailed, UnknownUnit
from motcua_intake.domain.procedures import Procedure
from motcua_platform.agency import above, within

UnitLevel = Literal["province", "commune"]

_PROVINCE_CODE = re.compile(r"^H\d{2}$")
_COMMUNE_CODE = re.compile(r"^H\d{2}(?:\.\d{2,3}){1,3}$")
# Communes are numbered 01–99 inside two-digit groups, so a 168-commune province uses 01 and 02.
_GROUP_SIZE = 99


@dataclass(frozen=True)
class Unit:
    """An administrative unit and the one-stop centre it runs (TTPVHCC cấp tỉnh / cấp xã)."""

    code: str
    name: str
    level: UnitLevel
    parent: str | None
    nso_code: str
    division_type: str

    @property
    def province_code(self) -> str:
        """The agency code of the province the unit belongs to (itself for a province)."""
        return self.code if self.parent is None else self.parent

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "level": self.level,
            "parent": self.parent,
            "nso_code": self.nso_code,
            "division_type": self.division_type,
        }


def supervises(parent_code: str, child_code: str) -> bool:
    """Whether ``parent_code`` is a strict ancestor of ``child_code`` (``H15`` supervises
    ``H15.01.36``; a unit does not supervise itself: :func:`within_scope` is "itself or below")."""
    return above(parent_code, child_code)


def within_scope(scope_code: str, unit_code: str) -> bool:
    """Whether an official of ``scope_code`` may see ``unit_code``: the unit itself or below."""
    return within(scope_code, unit_code)


class UnitRegistry:
    """Every unit by agency code, with the parent/child relation."""

    def __init__(self, units: Iterable[Unit]) -> None:
        self._units: dict[str, Unit] = {}
        self._by_nso: dict[str, Unit] = {}
        self._children: dict[str, list[Unit]] = {}
        for unit in units:
            if unit.code in self._units:
                raise ValueError(f"agency code {unit.code} is used twice")
            self._units[unit.code] = unit
            self._by_nso[f"{unit.level}:{unit.nso_code}"] = unit
            if unit.parent is not None:
                self._children.setdefault(unit.parent, []).append(unit)
        for unit in self._units.values():
            if unit.parent is not None and unit.parent not in self._units:
                raise ValueError(f"unit {unit.code} has an unknown parent {unit.parent}")

    def get(self, code: str) -> Unit:
        try:
            return self._units[code]
        except KeyError:
            raise UnknownUnit(code) from None

    def __contains__(self, code: object) -> bool:
        return code in self._units

    def __len__(self) -> int:
        return len(self._units)

    def children(self, code: str) -> list[Unit]:
        """The communes of a province (empty for a commune)."""
        self.get(code)
        return list(self._children.get(code, ()))

    def all(self) -> list[Unit]:
        return list(self._units.values())

    def provinces(self) -> list[Unit]:
        return [unit for unit in self._units.values() if unit.level == "province"]

    def communes(self) -> list[Unit]:
        return [unit for unit in self._units.values() if unit.level == "commune"]

    def by_nso_code(self, level: UnitLevel, nso_code: str | int) -> Unit:
        """A unit by its NSO (Cục Thống kê) code, e.g. ``("commune", 24133)``."""
        key = f"{level}:{int(nso_code)}"
        try:
            return self._by_nso[key]
        except KeyError:
            raise UnknownUnit(f"NSO {level} {nso_code}") from None

    def supervises(self, parent_code: str, child_code: str) -> bool:
        return supervises(parent_code, child_code)

    @classmethod
    def from_divisions(cls, overrides: Mapping[str, Any] | None = None) -> UnitRegistry:
        """Build the registry from ``vietnam_provinces`` with agency-code ``overrides``."""
        return cls(_build_units(overrides or {}))

    @classmethod
    def load_default(cls) -> UnitRegistry:
        """All units with the shipped ``data/agency_codes.json`` overrides."""
        return _default_registry()


@functools.cache
def _default_registry() -> UnitRegistry:
    return UnitRegistry.from_divisions(load_json("agency_codes.json"))


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


# ------------------------------------------------------------------------- agency code rule


def _build_units(overrides: Mapping[str, Any]) -> list[Unit]:
    province_overrides = {int(k): v for k, v in (overrides.get("provinces") or {}).items()}
    commune_overrides = {int(k): v for k, v in (overrides.get("communes") or {}).items()}
    for code in province_overrides.values():
        if not _PROVINCE_CODE.match(code):
            raise ValueError(f"province agency code {code!r} must look like H15")

    provinces = sorted(Province.iter_all(), key=lambda p: int(p.code))
    taken = set(province_overrides.values())
    free_numbers = (n for n in range(1, 100) if f"H{n:02d}" not in taken)
    units: list[Unit] = []
    for province in provinces:
        nso = int(province.code)
        code = province_overrides.get(nso) or f"H{next(free_numbers):02d}"
        units.append(
            Unit(
                code=code,
                name=_province_name(province),
                level="province",
                parent=None,
                nso_code=str(nso),
                division_type=province.division_type.value,
            )
        )
        units.extend(_communes_of(province, code, commune_overrides))
    return units


def _communes_of(
    province: Province, province_code: str, overrides: Mapping[int, str]
) -> list[Unit]:
    wards = sorted(Ward.iter_by_province(province.code), key=lambda w: int(w.code))
    listed = {overrides[int(w.code)] for w in wards if int(w.code) in overrides}
    for code in listed:
        if not _COMMUNE_CODE.match(code) or not code.startswith(province_code + "."):
            raise ValueError(f"commune agency code {code!r} must extend {province_code}")
    slots = (
        code
        for index in range(_GROUP_SIZE * 99)
        if (code := f"{province_code}.{index // _GROUP_SIZE + 1:02d}.{index % _GROUP_SIZE + 1:02d}")
        not in listed
    )
    return [
        Unit(
            code=overrides.get(int(ward.code)) or next(slots),
            name=" ".join(ward.name.split()),  # the source data has doubled spaces
            level="commune",
            parent=province_code,
            nso_code=str(int(ward.code)),
            division_type=ward.division_type.value,
        )
        for ward in wards
    ]


def _province_name(province: Province) -> str:
    name = " ".join(province.name.split())
    if province.division_type is VietNamDivisionType.TINH and not name.startswith("Tỉnh"):
        return f"Tỉnh {name}"
    return name
