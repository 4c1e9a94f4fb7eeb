"""Applying the statistics office's list to the dated units table: the differences shown first,
renames as new rows under the same agency code, new units under codes never used before."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from motcua_intake.adapters.official_units import (
    OfficialListError,
    parse_official_rows,
    read_official_list,
)
from motcua_intake.domain.errors import UnknownUnit
from motcua_intake.domain.unit_changes import apply, compare
from motcua_intake.domain.units import Unit, UnitRegistry

HEADER = ["Tỉnh / Thành phố", "Mã TP", "Phường / Xã", "Mã PX", "Cấp"]
EFFECTIVE = date(2027, 1, 1)


def table() -> UnitRegistry:
    day = date(2025, 7, 1)
    return UnitRegistry(
        [
            Unit("H27", "Tỉnh Đồng Nai", "province", None, "75", "tỉnh", day),
            Unit("H27.01.01", "Xã A", "commune", "H27", "100", "xã", day),
            Unit("H27.01.02", "Xã B", "commune", "H27", "103", "xã", day),
            Unit("H27.01.03", "Xã C", "commune", "H27", "106", "xã", day),
        ]
    )


def official(*communes: tuple[str, str, str]) -> list[list[object]]:
    lines = [["Thành phố Đồng Nai", "75", name, code, kind] for code, name, kind in communes]
    return [HEADER, *lines]


def test_the_differences_are_listed_before_anything_changes() -> None:
    before = table()
    rows = official(("100", "Phường A", "Phường"), ("106", "Xã C", "Xã"), ("109", "Xã D", "Xã"))
    changes = compare(before, parse_official_rows(rows), EFFECTIVE)
    lines = sorted(change.describe() for change in changes.changes)
    assert lines == [
        "+ H27.01.04 Xã D (xã, NSO 109) from 01/01/2027",
        "- H27.01.02 Xã B (NSO 103)",
        "~ H27.01.01: name Xã A → Phường A, type xã → phường",
        "~ H27: name Tỉnh Đồng Nai → Thành phố Đồng Nai, type tỉnh → thành phố",
    ]
    assert changes.unchanged == 1
    assert before.rows() == table().rows()  # comparing changed nothing


def test_applying_closes_rows_the_day_before_and_keeps_agency_codes() -> None:
    rows = official(("100", "Phường A", "Phường"), ("106", "Xã C", "Xã"), ("109", "Xã D", "Xã"))
    after = apply(table(), compare(table(), parse_official_rows(rows), EFFECTIVE))
    assert after.name_on("H27.01.01", date(2026, 12, 31)) == "Xã A"
    assert after.name_on("H27.01.01", EFFECTIVE) == "Phường A"
    assert after.on("H27.01.02", date(2026, 12, 31)).name == "Xã B"
    with pytest.raises(UnknownUnit):
        after.on("H27.01.02", EFFECTIVE)  # dissolved
    assert after.by_nso_code("commune", 109).code == "H27.01.04"
    assert {c.code for c in after.children("H27")} == {"H27.01.01", "H27.01.03", "H27.01.04"}
    # The same list again changes nothing.
    again = compare(after, parse_official_rows(rows), EFFECTIVE)
    assert again.changes == () and again.unchanged == 4


def test_a_dissolved_units_code_is_never_given_to_a_new_unit() -> None:
    rows = official(("100", "Xã A", "Xã"), ("106", "Xã C", "Xã"))
    after = apply(table(), compare(table(), parse_official_rows(rows), EFFECTIVE))
    later = official(("100", "Xã A", "Xã"), ("106", "Xã C", "Xã"), ("112", "Xã E", "Xã"))
    changes = compare(after, parse_official_rows(later), date(2028, 1, 1))
    (new,) = changes.changes
    assert new.after is not None and new.after.code == "H27.01.04"  # not H27.01.02


def test_an_older_list_after_a_newer_one_is_refused() -> None:
    rows = official(("100", "Phường A", "Phường"), ("103", "Xã B", "Xã"), ("106", "Xã C", "Xã"))
    after = apply(table(), compare(table(), parse_official_rows(rows), EFFECTIVE))
    older = official(("100", "Xã A2", "Xã"), ("103", "Xã B", "Xã"), ("106", "Xã C", "Xã"))
    with pytest.raises(ValueError, match="date order"):
        apply(after, compare(after, parse_official_rows(older), date(2026, 6, 1)))


def test_the_xlsx_export_reads_like_the_csv(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in official(("100", "Phường A", "Phường")):
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    path = tmp_path / "danh-muc.xlsx"
    path.write_bytes(output.getvalue())
    (province, commune) = read_official_list(path)
    assert (province.name, province.division_type) == ("Thành phố Đồng Nai", "thành phố")
    assert (commune.nso_code, commune.division_type, commune.province_nso_code) == (
        "100",
        "phường",
        "75",
    )


def test_a_file_without_the_code_columns_is_refused() -> None:
    with pytest.raises(OfficialListError, match="missing"):
        parse_official_rows([["Tên", "Cấp"], ["Xã A", "Xã"]])


def test_the_admin_command_shows_the_differences_and_writes_only_with_apply(
    tmp_path: Path,
) -> None:
    current = tmp_path / "units.csv"
    current.write_text(table().to_csv(), encoding="utf-8")
    listed = tmp_path / "danh-muc.csv"
    rows = official(("100", "Phường A", "Phường"), ("103", "Xã B", "Xã"), ("106", "Xã C", "Xã"))
    listed.write_text("\n".join(",".join(map(str, row)) for row in rows), encoding="utf-8")
    command = [sys.executable, "-m", "motcua_intake", "units-import", str(listed)]
    command += ["--effective", "2027-01-01", "--table", str(current)]

    shown = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert "~ H27.01.01: name Xã A → Phường A, type xã → phường" in shown.stdout
    assert "2 changed, 0 new, 0 dissolved, 2 unchanged" in shown.stdout
    assert UnitRegistry.load(current).rows() == table().rows()

    applied = subprocess.run([*command, "--apply"], capture_output=True, text=True, timeout=60)
    assert applied.returncode == 0, applied.stderr
    assert UnitRegistry.load(current).name_on("H27.01.01", EFFECTIVE) == "Phường A"
