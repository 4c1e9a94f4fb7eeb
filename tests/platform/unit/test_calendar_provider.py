"""One calendar per unit: statutory days, then the province's and the unit's overrides, read
from configuration and reloaded when the file changes."""

from __future__ import annotations

import json
import os
from datetime import date, datetime
from pathlib import Path

import pytest

from motcua_platform.calendar import VN_TZ, CalendarProvider
from motcua_platform.settings import PlatformSettings


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
    settings = PlatformSettings(
        calendar_overrides_file=str(file), calendar_days_off="2027-03-01, 2027-03-02"
    )
    calendars = CalendarProvider.from_settings(settings)

    other = calendars.for_unit("H16.01")
    province = calendars.for_unit("H15.01")
    commune = calendars.for_unit("H15.50.05.13")

    assert not other.is_working_day(date(2027, 2, 3)) and not other.is_working_day(date(2027, 3, 1))
    assert province.is_working_day(date(2027, 2, 20))  # a Saturday the province works
    assert not commune.is_working_day(date(2027, 2, 20))  # …but this commune does not
    assert commune.is_working_day(date(2027, 2, 3))
    assert calendars.for_unit("H15.01") is province  # built once


def test_the_province_day_off_moves_a_three_working_day_due_past_tet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Golden: MOTCUA_CALENDAR_DAYS_OFF=2027-02-03; procedure 1.004873 (3 working days = 24 h)
    accepted Mon 01/02/2027 09:00. Tue 02/02 counts, Wed 03/02 is off by the override, Tết runs
    04–10/02 (Sat/Sun 06–07 in it), so the second and third days are Thu 11 and Fri 12/02."""
    monkeypatch.setenv("MOTCUA_CALENDAR_DAYS_OFF", "2027-02-03")
    calendars = CalendarProvider.from_settings(PlatformSettings())
    accepted = datetime(2027, 2, 1, 9, tzinfo=VN_TZ)

    assert calendars.for_unit("H15.01.36").due_at(accepted, 24) == datetime(
        2027, 2, 12, 9, tzinfo=VN_TZ
    )
    assert CalendarProvider().for_unit("H15.01.36").due_at(accepted, 24) == datetime(
        2027, 2, 11, 9, tzinfo=VN_TZ
    )


def test_a_changed_file_is_read_again_without_a_restart(tmp_path: Path) -> None:
    file = tmp_path / "calendar.json"
    file.write_text(json.dumps({"days_off": []}))
    calendars = CalendarProvider(file=file)
    assert calendars.for_unit("H15.01").is_working_day(date(2027, 3, 1))

    file.write_text(json.dumps({"units": {"H15": {"days_off": ["2027-03-01"]}}}))
    os.utime(file, ns=(1, 1))  # a different stamp whatever the file system's resolution

    assert not calendars.for_unit("H15.01").is_working_day(date(2027, 3, 1))
    assert calendars.for_unit("H16").is_working_day(date(2027, 3, 1))


def test_a_broken_file_keeps_the_last_good_overrides(tmp_path: Path) -> None:
    file = tmp_path / "calendar.json"
    file.write_text(json.dumps({"days_off": ["2027-03-01"]}))
    calendars = CalendarProvider(file=file)

    file.write_text('{"days_off": ["2027-13-01"]}')
    os.utime(file, ns=(2, 2))

    assert not calendars.for_unit("H15").is_working_day(date(2027, 3, 1))
