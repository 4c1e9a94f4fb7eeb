"""Calendar overrides per unit, inherited from the units above it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from motcua_workflow.calendars import Calendars
from motcua_workflow.settings import WorkflowSettings


def test_overrides_come_from_the_file_and_the_environment_and_units_inherit(
    tmp_path: Path,
) -> None:
    file = tmp_path / "calendar.json"
    file.write_text(
        json.dumps(
            {
                "days_off": ["2027-02-03"],
                "units": {
                    "H15": {"working_days": ["2027-02-20"]},
                    "H15.50.05": {"days_off": ["2027-02-20"], "working_days": ["2027-02-03"]},
                },
            }
        )
    )
    settings = WorkflowSettings(
        calendar_overrides_file=str(file), calendar_days_off="2027-03-01, 2027-03-02"
    )
    calendars = Calendars.from_settings(settings)

    other = calendars.for_unit("H16.01")
    province = calendars.for_unit("H15.01")
    commune = calendars.for_unit("H15.50.05.13")

    assert not other.is_working_day(date(2027, 2, 3)) and not other.is_working_day(date(2027, 3, 1))
    assert province.is_working_day(date(2027, 2, 20))  # a Saturday the province works
    assert not commune.is_working_day(date(2027, 2, 20))  # …but this commune does not
    assert commune.is_working_day(date(2027, 2, 3))
    assert calendars.for_unit("H15.01") is province  # built once
