"""Everything intake's handlers, queries and subscribers use, built once by ``main``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from motcua_intake.adapters.access_log import AccessLog
from motcua_intake.adapters.applicant_history import ApplicantHistory
from motcua_intake.adapters.citizen_registry import CitizenRegistry
from motcua_intake.adapters.dossier_codes import DossierCodes
from motcua_intake.adapters.lookup_throttle import LookupThrottle
from motcua_intake.domain.demo_province import DemoProvince
from motcua_intake.domain.errors import UnknownProcedure, UnknownUnit
from motcua_intake.domain.procedures import Catalogue
from motcua_intake.domain.units import Unit, UnitRegistry
from motcua_intake.files import DossierFiles
from motcua_intake.metrics import IntakeMetrics
from motcua_intake.store import DossierStore
from motcua_platform.calendar import CalendarProvider, WorkingCalendar


@dataclass
class IntakeContext:
    store: DossierStore
    codes: DossierCodes
    registry: CitizenRegistry
    history: ApplicantHistory
    access_log: AccessLog
    throttle: LookupThrottle
    catalogue: Catalogue
    units: UnitRegistry
    metrics: IntakeMetrics
    pseudonym_secret: bytes
    public_base_url: str
    demo_province: DemoProvince | None = None
    files: DossierFiles | None = None
    calendars: CalendarProvider = field(default_factory=CalendarProvider)

    def calendar_for(self, unit: str) -> WorkingCalendar:
        """The working calendar of ``unit``, with the province's and the unit's overrides."""
        return self.calendars.for_unit(unit)

    def unit(self, code: str, field: str) -> Unit:
        """A unit by agency code; the error names the request field that referred to it."""
        try:
            return self.units.get(code)
        except UnknownUnit:
            raise UnknownUnit(code, field=field) from None

    def return_counter(self, unit: str, procedure_code: str) -> str | None:
        """The counter of the unit's one-stop centre that serves the procedure's sector, where
        the centre is configured (the rating kiosk is found by it)."""
        centre = self.demo_province.centre(unit) if self.demo_province else None
        if centre is None:
            return None
        try:
            sector = self.catalogue.get(procedure_code).field
        except UnknownProcedure:
            return None
        return centre.counter_for(sector).code

    def unit_name(self, unit: str, day: date) -> str:
        """The name printed at the top of the forms of a dossier dated ``day``: the one-stop
        centre, else the Bộ phận Một cửa of the unit under the name it had that day."""
        centre = self.demo_province.centre(unit) if self.demo_province else None
        if centre is not None:
            return centre.name
        name = self.units.name_on(unit, day) if unit in self.units else unit
        return f"Bộ phận Một cửa {name}"

    def dated_name(self, unit: str, day: date) -> str:
        """The unit's own name on ``day`` (what the events carry for the other services)."""
        return self.units.name_on(unit, day) if unit in self.units else unit

    def place(self, unit: str, day: date) -> str | None:
        """The place name before the date on forms: the province as named on ``day``, without
        its prefix."""
        if unit not in self.units:
            return None
        province = self.units.name_on(self.units.get(unit).province_code, day)
        for prefix in ("Thành phố ", "Tỉnh "):
            province = province.removeprefix(prefix)
        return province
