"""Danh mục thủ tục hành chính: the versioned procedure catalogue.

A procedure (thủ tục hành chính, TTHC) is identified by its national code in the CSDL quốc gia về
TTHC (e.g. ``1.001193`` Đăng ký khai sinh). What it requires changes with each Quyết định công bố
TTHC, so the rules live in versions with an effective date, and a dossier keeps the version in
force on the day it was received (domain §0): editing the catalogue never changes a dossier in
flight.
"""

from __future__ import annotations

import builtins
import functools
import json
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from motcua_intake.data import load_json
from motcua_intake.domain.errors import ProcedureNotInForce, UnknownProcedure
from motcua_intake.domain.fees import Fee
from motcua_platform.contracts.events import Channel, StepPlan, SupplementPolicy
from motcua_platform.timeliness import HOURS_PER_WORKING_DAY

# Legal times are stored in working hours, so half days work.

Role = Literal["receiver", "specialist", "leader"]
DocumentForm = Literal["original", "certified_copy", "photocopy", "electronic"]
CompetentLevel = Literal["commune", "province"]
OnlineLevel = Literal["toan_trinh", "mot_phan"]
# How sure the catalogue is that a version states the law as it then stood (domain reference
# marks): H seen in the legal text, M one secondary source, L unverified.
Confidence = Literal["H", "M", "L"]
# Where a step runs. Not "commune"/"province": with non-geographic intake a commune-level
# dossier may be received at one commune and decided at another, so what matters is whether
# the step belongs to the unit that received the dossier or to the one competent to decide.
StepUnit = Literal["receiving", "competent"]


class Step(BaseModel):
    """One step of the quy trình nội bộ, with the hours allotted to it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    role: Role
    hours: float = Field(gt=0)
    unit: StepUnit = "competent"

    def plan(self, *, receiving_unit: str, competent_unit: str) -> StepPlan:
        """The step as published on acceptance, with the unit resolved to its agency code."""
        unit = receiving_unit if self.unit == "receiving" else competent_unit
        return StepPlan(name=self.name, role=self.role, hours=self.hours, unit=unit)


class Component(BaseModel):
    """Thành phần hồ sơ: one paper (or its data) the dossier must contain."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(min_length=1)
    name: str
    required: bool = True
    accepted_forms: tuple[DocumentForm, ...] = Field(min_length=1)
    # Not asked again when the data can be exploited electronically (CSDL quốc gia về dân cư,
    # CSDL hộ tịch, kho dữ liệu của công dân): NĐ 45/2020, NĐ 118/2025.
    reusable_from_registry: bool = False
    copies: int = Field(default=1, ge=1, description="Số lượng: copies expected")
    note: str | None = None


class ProcedureVersion(BaseModel):
    """The rules of a procedure from ``effective_from`` until the next version."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = Field(min_length=1, description="Identifier carried by dossier events")
    effective_from: date
    decision: str | None = Field(default=None, description="Quyết định công bố TTHC")
    legal_hours: float = Field(gt=0, description="Thời hạn giải quyết in working hours")
    same_day: bool = False
    on_the_spot_allowed: bool = False
    steps: tuple[Step, ...] = Field(min_length=1)
    components: tuple[Component, ...] = ()
    fees: tuple[Fee, ...] = ()
    online_level: OnlineLevel | None = None
    postal_allowed: bool = True
    supplement_policy: SupplementPolicy = SupplementPolicy.RESTART
    confidence: Confidence = "L"
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ProcedureVersion:
        # The internal steps share out the legal time (domain §1.8): a plan that does not add up
        # would make every dossier look early or late at step level.
        total = sum(step.hours for step in self.steps)
        if abs(total - self.legal_hours) > 1e-9:
            raise ValueError(
                f"version {self.version}: step hours add up to {total}, "
                f"not the legal time {self.legal_hours}"
            )
        if self.same_day and self.legal_hours != HOURS_PER_WORKING_DAY:
            raise ValueError(f"version {self.version}: a same-day procedure has 8 working hours")
        codes = [component.code for component in self.components]
        if len(codes) != len(set(codes)):
            raise ValueError(f"version {self.version}: component codes must be distinct")
        return self

    @property
    def legal_days(self) -> float:
        """Thời hạn in ngày làm việc (what the receipt prints)."""
        return self.legal_hours / HOURS_PER_WORKING_DAY

    def component(self, code: str) -> Component | None:
        return next((c for c in self.components if c.code == code), None)

    def accepts_channel(self, channel: Channel) -> bool:
        """Online needs an online service (toàn trình or một phần); post may be ruled out."""
        if channel is Channel.ONLINE:
            return self.online_level is not None
        if channel is Channel.POSTAL:
            return self.postal_allowed
        return True

    def fees_for(self, channel: Channel) -> builtins.list[Fee]:
        return [fee for fee in self.fees if channel in fee.channels]


class Procedure(BaseModel):
    """A thủ tục hành chính with all its versions, oldest first."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(min_length=1, description="Mã TTHC in the national database")
    name: str
    field: str = Field(description="Lĩnh vực (sector), e.g. Hộ tịch, Chứng thực")
    competent_level: CompetentLevel
    agency: str = Field(description="Cơ quan thực hiện as published")
    versions: tuple[ProcedureVersion, ...] = Field(min_length=1)
    note: str | None = None

    @model_validator(mode="after")
    def _versions_in_order(self) -> Procedure:
        days = [v.effective_from for v in self.versions]
        if days != sorted(set(days)):
            raise ValueError(f"{self.code}: versions must have increasing, distinct dates")
        ids = [v.version for v in self.versions]
        if len(ids) != len(set(ids)):
            raise ValueError(f"{self.code}: version identifiers must be distinct")
        return self

    def version_at(self, day: date) -> ProcedureVersion:
        """The version in force on ``day`` (the last one effective on or before it)."""
        in_force = [v for v in self.versions if v.effective_from <= day]
        if not in_force:
            first = self.versions[0].effective_from
            raise ProcedureNotInForce(
                self.code, f"procedure {self.code} is not in force on {day} (from {first})"
            )
        return in_force[-1]

    def effective_until(self, version: ProcedureVersion) -> date | None:
        """The last day ``version`` was in force (the day before the next one); ``None`` for
        the current version."""
        index = self.versions.index(version)
        if index + 1 == len(self.versions):
            return None
        return self.versions[index + 1].effective_from - timedelta(days=1)

    def version(self, version: str) -> ProcedureVersion:
        """A version by its identifier (to replay a dossier received under it)."""
        for candidate in self.versions:
            if candidate.version == version:
                return candidate
        raise ProcedureNotInForce(self.code, f"procedure {self.code} has no version {version!r}")

    @property
    def current(self) -> ProcedureVersion:
        return self.versions[-1]


class Catalogue:
    """All procedures a province offers, looked up by national code."""

    def __init__(self, procedures: Iterable[Procedure]) -> None:
        self._procedures: dict[str, Procedure] = {}
        for procedure in procedures:
            if procedure.code in self._procedures:
                raise ValueError(f"procedure {procedure.code} is listed twice")
            self._procedures[procedure.code] = procedure

    def get(self, code: str) -> Procedure:
        try:
            return self._procedures[code]
        except KeyError:
            raise UnknownProcedure(code) from None

    def version_at(self, code: str, day: date) -> ProcedureVersion:
        return self.get(code).version_at(day)

    def list(self) -> builtins.list[Procedure]:
        """Every procedure, in catalogue order."""
        return builtins.list(self._procedures.values())

    def __len__(self) -> int:
        return len(self._procedures)

    def __contains__(self, code: object) -> bool:
        return code in self._procedures

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Catalogue:
        """Build from the JSON shape ``{"procedures": [...]}`` (other keys are notes)."""
        return cls(Procedure.model_validate(item) for item in data["procedures"])

    @classmethod
    def load(cls, path: str | Path) -> Catalogue:
        """Load a province's own catalogue file."""
        return cls.from_data(json.loads(Path(path).read_text(encoding="utf-8")))

    @classmethod
    def load_default(cls) -> Catalogue:
        """The catalogue shipped with the service (``data/procedures.json``)."""
        return _default_catalogue()


@functools.cache
def _default_catalogue() -> Catalogue:
    # Immutable models, so one shared instance is safe; parsing the file once saves start-up time.
    return Catalogue.from_data(load_json("procedures.json"))
