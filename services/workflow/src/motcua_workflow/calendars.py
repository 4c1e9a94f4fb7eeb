"""The working calendar of each unit: the statutory calendar plus the province's overrides.

Overrides come from settings (a JSON file and/or environment lists), so a late-announced day off
or swapped Saturday needs no release. A unit inherits the overrides of the units above it
(``H15`` → ``H15.01`` → ``H15.01.36``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from motcua_platform.calendar import CalendarOverrides, WorkingCalendar
from motcua_workflow.settings import WorkflowSettings


def _dates(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


class Calendars:
    """One :class:`WorkingCalendar` per unit, built once and cached (it caches its own days)."""

    def __init__(self, default: Mapping[str, Any], units: Mapping[str, Mapping[str, Any]]) -> None:
        self._default = default
        self._units = units
        self._cache: dict[str, WorkingCalendar] = {}

    @classmethod
    def from_settings(cls, settings: WorkflowSettings) -> Calendars:
        data: dict[str, Any] = {}
        if settings.calendar_overrides_file:
            data = json.loads(Path(settings.calendar_overrides_file).read_text(encoding="utf-8"))
        default = {
            "days_off": [*data.get("days_off", []), *_dates(settings.calendar_days_off)],
            "working_days": [
                *data.get("working_days", []),
                *_dates(settings.calendar_working_days),
            ],
        }
        return cls(default, data.get("units", {}))

    def for_unit(self, unit: str) -> WorkingCalendar:
        calendar = self._cache.get(unit)
        if calendar is None:
            calendar = WorkingCalendar(overrides=self._overrides(unit))
            self._cache[unit] = calendar
        return calendar

    def _overrides(self, unit: str) -> CalendarOverrides:
        days_off = set(self._default.get("days_off", []))
        working = set(self._default.get("working_days", []))
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
