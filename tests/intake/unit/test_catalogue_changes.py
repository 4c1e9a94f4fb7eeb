"""Updating the catalogue from the national procedure database's export: the differences are
shown first; a changed legal time becomes a dated version, never an edit of the old one."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from motcua_intake.domain.catalogue_changes import (
    ExportFormatError,
    apply,
    compare,
    legal_time,
    read_export,
)
from motcua_intake.domain.procedures import Catalogue

HEADER = [
    "STT",
    "Mã thủ tục",
    "Tên thủ tục",
    "Lĩnh vực",
    "Cấp thực hiện",
    "Cơ quan thực hiện",
    "Thời hạn giải quyết",
    "Quyết định công bố",
]
EFFECTIVE = date(2027, 1, 1)
MARITAL = "1.004873"  # 03 ngày làm việc in the shipped catalogue


def export(*lines: list[object]) -> list[list[object]]:
    return [HEADER, *lines]


def marital(time: str = "03 ngày làm việc", decision: str = "") -> list[object]:
    return [
        1,
        MARITAL,
        "Cấp Giấy xác nhận tình trạng hôn nhân",
        "Hộ tịch",
        "Cấp Xã",
        "UBND cấp xã",
        time,
        decision,
    ]


@pytest.mark.parametrize(
    ("wording", "expected"),
    [
        ("03 ngày làm việc", (24.0, False)),
        ("Trong ngày", (8.0, True)),
        ("Giải quyết ngay trong ngày làm việc", (8.0, True)),
        ("10 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ", (80.0, False)),
        ("0,5 ngày làm việc", (4.0, False)),
    ],
)
def test_the_legal_time_is_read_from_the_exports_wording(
    wording: str, expected: tuple[float, bool]
) -> None:
    assert legal_time(wording) == expected


def test_a_shorter_legal_time_becomes_a_version_from_the_effective_day() -> None:
    catalogue = Catalogue.load_default()
    exported, unreadable = read_export(export(marital("02 ngày làm việc", "QĐ 99/QĐ-UBND")))
    changes = compare(catalogue, exported, EFFECTIVE)
    (change,) = [c for c in changes.changes if c.kind == "new_version"]
    assert change.describe().startswith(f"~ {MARITAL}: version 2027-01-01: 3 → 2 working days")
    assert changes.count("not_listed") == len(catalogue) - 1 and not unreadable
    updated = apply(catalogue, changes)
    procedure = updated.get(MARITAL)
    assert procedure.version_at(date(2026, 12, 31)).legal_days == 3  # the past is kept
    new = procedure.version_at(EFFECTIVE)
    assert (new.legal_days, new.decision, new.confidence) == (2, "QĐ 99/QĐ-UBND", "M")
    assert sum(step.hours for step in new.steps) == 16
    assert len(updated) == len(catalogue)  # procedures missing from the export are kept


def test_an_unchanged_procedure_and_a_new_one() -> None:
    catalogue = Catalogue.load_default()
    current = catalogue.get(MARITAL).current
    rows = export(
        marital(decision=current.decision or ""),
        [2, "1.999999", "Thủ tục mới", "Hộ tịch", "Cấp Xã", "UBND cấp xã", "Trong ngày", ""],
    )
    exported, _ = read_export(rows)
    changes = compare(catalogue, exported, EFFECTIVE)
    assert changes.unchanged == 1
    (new,) = [c for c in changes.changes if c.kind == "new"]
    assert new.describe() == "+ 1.999999: Thủ tục mới (trong ngày, commune)"
    added = apply(catalogue, changes).get("1.999999")
    assert added.version_at(EFFECTIVE).same_day and added.competent_level == "commune"


def test_unreadable_lines_are_reported_with_their_reason() -> None:
    rows = export(
        marital(),
        [2, "1.000001", "Thủ tục cấp bộ", "Khác", "Cấp Bộ", "Bộ", "05 ngày làm việc", ""],
        [3, "1.000002", "Thủ tục lạ", "Khác", "Cấp Xã", "UBND", "tùy trường hợp", ""],
    )
    exported, unreadable = read_export(rows)
    assert [e.code for e in exported] == [MARITAL]
    assert [line for line, _ in unreadable] == [3, 4]
    assert "neither province nor commune" in unreadable[0][1]
    assert "no known wording" in unreadable[1][1]


def test_an_export_without_the_code_column_is_refused() -> None:
    with pytest.raises(ExportFormatError, match="code"):
        read_export([["Tên thủ tục", "Cấp thực hiện", "Thời hạn giải quyết"]])


def test_the_admin_command_writes_the_catalogue_only_with_apply(tmp_path: Path) -> None:
    listed = tmp_path / "export.csv"
    rows = export(marital("02 ngày làm việc"))
    listed.write_text("\n".join(",".join(map(str, row)) for row in rows), encoding="utf-8")
    out = tmp_path / "procedures.json"
    command = [sys.executable, "-m", "motcua_intake", "catalogue-import", str(listed)]
    command += ["--effective", "2027-01-01", "--out", str(out)]
    shown = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr
    assert f"~ {MARITAL}: version 2027-01-01: 3 → 2 working days" in shown.stdout
    assert not out.exists()
    applied = subprocess.run([*command, "--apply"], capture_output=True, text=True, timeout=120)
    assert applied.returncode == 0, applied.stderr
    written = Catalogue.from_data(json.loads(out.read_text(encoding="utf-8")))
    assert written.version_at(MARITAL, EFFECTIVE).legal_days == 2
