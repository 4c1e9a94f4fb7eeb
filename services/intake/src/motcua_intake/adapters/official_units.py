"""Reading the official list of administrative units as the statistics office publishes it
(danh mục đơn vị hành chính, Cục Thống kê), CSV or XLSX.

The export has one line per commune with its province: columns named like "Tỉnh / Thành phố",
"Mã TP", "Phường / Xã" (or "Tên"), "Mã PX" (or "Mã") and "Cấp". Headers are matched without
case, accents or punctuation, and the older exports' names ("Tỉnh Thành Phố", "Phường Xã") work
too. A province's type is read from its name ("Tỉnh …" / "Thành phố …"); a commune's from
"Cấp", else from its name.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

from motcua_intake.adapters.spreadsheets import read_table
from motcua_intake.domain.sheet_columns import cell_text, match_columns, plain
from motcua_intake.domain.unit_changes import OfficialUnit

_HEADERS = {
    "province_name": ("tinh thanh pho", "ten tinh", "tinh"),
    "province_code": ("ma tp", "ma tinh"),
    "commune_name": ("phuong xa", "ten phuong xa", "ten xa", "ten"),
    "commune_code": ("ma px", "ma xa", "ma"),
    "level": ("cap",),
}
_COMMUNE_TYPES = {"xa": "xã", "phuong": "phường", "dac khu": "đặc khu"}


class OfficialListError(ValueError):
    """The file is not an official units list we can read."""


def read_official_list(path: str | Path) -> list[OfficialUnit]:
    """Every province and commune of the file."""
    return parse_official_rows(read_table(path))


def parse_official_rows(rows: Sequence[Sequence[object]]) -> list[OfficialUnit]:
    if not rows:
        raise OfficialListError("the file is empty")
    columns = _columns(rows[0])
    provinces: dict[str, OfficialUnit] = {}
    communes: list[OfficialUnit] = []
    for line, raw in enumerate(rows[1:], start=2):
        cells = [cell_text(value) for value in raw]
        if not any(cells):
            continue

        def cell(name: str, cells: list[str] = cells) -> str:
            index = columns[name]
            return cells[index] if index < len(cells) else ""

        province_code, commune_code = cell("province_code"), cell("commune_code")
        if not province_code.isdigit() or not commune_code.isdigit():
            raise OfficialListError(f"line {line}: the codes must be numbers")
        province_name = _nfc(cell("province_name"))
        provinces.setdefault(
            province_code,
            OfficialUnit(
                level="province",
                nso_code=str(int(province_code)),
                name=province_name,
                division_type="thành phố"
                if plain(province_name).startswith("thanh pho")
                else "tỉnh",
            ),
        )
        name = _nfc(cell("commune_name"))
        communes.append(
            OfficialUnit(
                level="commune",
                nso_code=str(int(commune_code)),
                name=name,
                division_type=_commune_type(
                    cell("level") if "level" in columns else "", name, line
                ),
                province_nso_code=str(int(province_code)),
            )
        )
    return [*provinces.values(), *communes]


def _columns(header: Iterable[object]) -> dict[str, int]:
    found = match_columns(list(header), _HEADERS)
    missing = [
        n
        for n in ("province_name", "province_code", "commune_name", "commune_code")
        if n not in found
    ]
    if missing:
        raise OfficialListError(
            "the header must name the province and commune codes and names "
            f"(e.g. 'Mã TP', 'Tỉnh / Thành phố', 'Mã PX', 'Phường / Xã'); missing {missing}"
        )
    return found


def _commune_type(level: str, name: str, line: int) -> str:
    for source in (level, name):
        text = plain(source)
        for prefix, division_type in _COMMUNE_TYPES.items():
            if text == prefix or text.startswith(prefix + " "):
                return division_type
    raise OfficialListError(f"line {line}: cannot tell whether {name!r} is a xã, phường or đặc khu")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
