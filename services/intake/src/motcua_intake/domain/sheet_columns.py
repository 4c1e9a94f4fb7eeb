"""Finding columns in spreadsheets people made: headings compared without case, accents or
punctuation, so "Ngày, giờ nhận hồ sơ", "NGAY GIO NHAN HO SO" and "Ngày giờ nhận hồ sơ" match."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time


def plain(text: str) -> str:
    """Lower case without accents or punctuation: 'Tỉnh / Thành Phố' → 'tinh thanh pho'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", stripped).split())


def cell_text(value: object) -> str:
    """A cell as text: whole numbers without ``.0``, spreadsheet dates as dd/mm/yyyy [hh:mm]
    (Vietnamese wall-clock time, as spreadsheets hold it), spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    return " ".join(str(value).split())


def match_columns(header: Sequence[object], wanted: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """The index of each wanted column whose heading is one of its (plain) candidates; a
    heading serves one column only."""
    headings = [plain(cell_text(value)) for value in header]
    found: dict[str, int] = {}
    for name, candidates in wanted.items():
        for candidate in candidates:
            if candidate in headings and headings.index(candidate) not in found.values():
                found[name] = headings.index(candidate)
                break
    return found
