"""The working calendar of each unit: statutory days, then the province's, then the unit's own
overrides (lịch làm việc của từng đơn vị).

Overrides come from configuration — a JSON file and/or comma-separated ISO dates in the
environment — so a late-announced day off or swapped Saturday needs no release. The file is read
again when it changes, so a province can announce a day off to running services. A unit inherits
the overrides of the units above it (``H15`` → ``H15.01`` → ``H15.01.36``); the unit's own entry
has the last word.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from motcua_platform.calendar._config import CalendarOverrides, OfficeHours
from motcua_platform.calendar._working import WorkingCalendar


class CalendarSettings(Protocol):
    """The settings a provider is built from (every service's settings have them)."""

    calendar_overrides_file: str | None
    calendar_days_off: str
    calendar_working_days: str


def _dates(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


class CalendarProvider:
    """One :class:`WorkingCalendar` per unit, built once and cached (it caches its own days).

    ``for_unit`` is the only way a service obtains a calendar, so intake, workflow and feedback
    count the same days for the same unit.
    """

    def __init__(
        self,
        days_off: list[str] | None = None,
        working_days: list[str] | None = None,
        units: Mapping[str, Mapping[str, Any]] | None = None,
        *,
        file: str | Path | None = None,
        office_hours: OfficeHours | None = None,
    ) -> None:
        self._env_days_off = list(days_off or [])
        self._env_working_days = list(working_days or [])
        self._file = Path(file) if file else None
        self._office_hours = office_hours or OfficeHours()
        self._lock = threading.Lock()
        self._file_stamp: tuple[int, int] | None = None
        self._file_data: Mapping[str, Any] = {}
        self._units: Mapping[str, Mapping[str, Any]] = units or {}
        self._cache: dict[str, WorkingCalendar] = {}
        if self._file is not None:
            self.reload()

    @classmethod
    def from_settings(cls, settings: CalendarSettings) -> CalendarProvider:
        """The provider configured by ``MOTCUA_CALENDAR_OVERRIDES_FILE``,
        ``MOTCUA_CALENDAR_DAYS_OFF`` and ``MOTCUA_CALENDAR_WORKING_DAYS``."""
        return cls(
            _dates(settings.calendar_days_off),
            _dates(settings.calendar_working_days),
            file=settings.calendar_overrides_file,
        )

    def for_unit(self, unit: str) -> WorkingCalendar:
        """The calendar of ``unit`` (agency code), with the overrides in force now."""
        self._reload_if_changed()
        calendar = self._cache.get(unit)
        if calendar is None:
            calendar = WorkingCalendar(self._office_hours, self._overrides(unit))
            self._cache[unit] = calendar
        return calendar

    def reload(self) -> None:
        """Read the overrides file again and forget every calendar built from the old one.

        A file that cannot be read or parsed leaves the last good configuration in force, so a
        half-written file never turns every unit back to the statutory calendar.
        """
        if self._file is None:
            return
        stamp = _stamp(self._file)
        data = json.loads(self._file.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError(f"{self._file}: expected a JSON object")
        # Parse every entry now, so a bad date refuses the file before it replaces a good one.
        units = data.get("units", {})
        for entry in (data, *units.values()):
            CalendarOverrides.from_mapping(entry)
        with self._lock:
            self._file_data, self._units, self._file_stamp = data, units, stamp
            self._cache = {}

    def _reload_if_changed(self) -> None:
        if self._file is None:
            return
        try:
            if _stamp(self._file) != self._file_stamp:
                self.reload()
        except (OSError, ValueError, TypeError):
            return  # keep the last good configuration

    def _overrides(self, unit: str) -> CalendarOverrides:
        days_off = {*self._file_data.get("days_off", []), *self._env_days_off}
        working = {*self._file_data.get("working_days", []), *self._env_working_days}
        parts = unit.split(".")
        # Broader units first, so the unit's own entry has the last word.
        for depth in range(1, len(parts) + 1):
            entry = self._units.get(".".join(parts[:depth]), {})
            off, on = set(entry.get("days_off", [])), set(entry.get("working_days", []))
            days_off = (days_off - on) | off
            working = (working - off) | on
        return CalendarOverrides.from_mapping(
            {"days_off": sorted(days_off), "working_days": sorted(working)}
        )


def _stamp(path: Path) -> tuple[int, int]:
    status = os.stat(path)
    return status.st_mtime_ns, status.st_size
