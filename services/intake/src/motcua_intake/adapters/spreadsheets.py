"""Reading the spreadsheets administrators bring (XLSX or CSV) as rows of cells."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook


def read_table(path: str | Path) -> list[list[object]]:
    """The first sheet of an XLSX file, or a CSV file (UTF-8, with or without BOM), as rows."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        book = load_workbook(io.BytesIO(path.read_bytes()), read_only=True, data_only=True)
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    text = path.read_text(encoding="utf-8-sig")
    return [list(row) for row in csv.reader(io.StringIO(text))]
