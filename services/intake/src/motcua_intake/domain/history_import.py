"""Importing a unit's past from its tracking book (Sổ theo dõi hồ sơ, Mẫu 07).

A province moving from its earlier system — or a commune that kept the book on paper and in a
spreadsheet — brings the dossiers it received before go-live, so that reports cover those
periods. Each line of the book (code, procedure, applicant, received, due, finished, result)
becomes a historical dossier that goes through the same events as a live one: submitted and
accepted at the time of receipt, and, when the book records the finish, decided and returned
then. The events say ``imported``.

Every line is checked before anything is written, and a line that does not hold together is
rejected with its line number and the reason, never half-imported:

- the code must be a dossier code of the importing unit, dated the day of receipt, and appear
  once (a code on two lines rejects both: neither can be trusted over the other);
- the procedure (national code or exact name) must be in the catalogue and in force on the day
  of receipt — the version of that day gives the legal time;
- the due date in the book must be the legal due date computed from the receipt with the
  working-day calendar, so the timeliness reported is the law's, not the old system's;
- a finish needs a result (approved / denied) and cannot precede the receipt.

A time missing from a date is read as the start of that day, never before the receipt.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from motcua_intake.domain.dossier_code import parse_dossier_code
from motcua_intake.domain.errors import DomainError, ProcedureNotInForce, UnknownUnit
from motcua_intake.domain.procedures import Catalogue, Procedure, ProcedureVersion
from motcua_intake.domain.sheet_columns import cell_text, match_columns, plain
from motcua_intake.domain.units import Unit, UnitRegistry, route_competent_unit
from motcua_platform.calendar import VN_TZ, WorkingCalendar

Outcome = Literal["approved", "denied"]

# Column → accepted headers, compared without case, accents or punctuation. The Mẫu 07 book's
# own headings come first; the short names are what hand-made sheets use.
COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("ma ho so", "ma so ho so", "code"),
    "procedure": (
        "ma thu tuc",
        "ma tthc",
        "thu tuc",
        "ten thu tuc hanh chinh",
        "thu tuc hanh chinh",
        "procedure",
    ),
    "applicant": ("ten ca nhan to chuc", "nguoi nop ho so", "chu ho so", "applicant"),
    "received": ("ngay gio nhan ho so", "ngay nhan ho so", "ngay nhan", "received"),
    "due": ("ngay gio hen tra ket qua", "ngay hen tra ket qua", "ngay hen tra", "due"),
    "finished": (
        "ngay gio tra ket qua cho ca nhan to chuc",
        "ngay tra ket qua",
        "ngay hoan thanh",
        "finished",
    ),
    "result": ("ket qua", "ket qua giai quyet", "result"),
}
REQUIRED = ("code", "procedure", "applicant", "received", "due")
_APPROVED = {"approved", "dong y", "chap thuan", "giai quyet", "da giai quyet", "co ket qua"}
_DENIED = {"denied", "tu choi", "khong giai quyet", "khong chap thuan", "khong dong y"}
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T]+(\d{1,2})[:h](\d{2}))?$")


class BookFormatError(ValueError):
    """The file is not a tracking book we can read (its header lacks a needed column)."""


@dataclass(frozen=True)
class Rejection:
    line: int
    code: str
    reason: str
    value: str = ""

    def describe(self) -> str:
        shown = f" ({self.value})" if self.value else ""
        return f"line {self.line}: {self.reason}{shown}"


@dataclass(frozen=True)
class HistoricalDossier:
    """One line of the book, checked: what the import records."""

    line: int
    code: str
    procedure: Procedure
    version: ProcedureVersion
    receiving_unit: Unit
    competent_unit: str
    applicant_name: str
    received_at: datetime
    due_at: datetime
    finished_at: datetime | None
    outcome: Outcome | None


@dataclass(frozen=True)
class CheckedBook:
    accepted: tuple[HistoricalDossier, ...]
    rejected: tuple[Rejection, ...]


def check_book(
    rows: Sequence[Sequence[object]],
    *,
    unit: str,
    catalogue: Catalogue,
    units: UnitRegistry,
    calendar: WorkingCalendar,
) -> CheckedBook:
    """Read and check every line of the book for the importing ``unit`` (its agency code)."""
    if not rows:
        raise BookFormatError("the file is empty")
    columns = _columns(rows[0])
    units.get(unit)  # an unknown importing unit is the administrator's error, not a line's
    cells_of = {
        line: [cell_text(value) for value in row]
        for line, row in enumerate(rows[1:], start=2)
        if any(cell_text(value) for value in row)
    }

    def cell(cells: list[str], name: str) -> str:
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    counts = Counter(cell(cells, "code") for cells in cells_of.values())
    accepted: list[HistoricalDossier] = []
    rejected: list[Rejection] = []
    for line, cells in cells_of.items():
        code = cell(cells, "code")
        if code and counts[code] > 1:
            others = [str(n) for n, c in cells_of.items() if n != line and cell(c, "code") == code]
            rejected.append(
                Rejection(line, code, f"duplicate code: also on line {', '.join(others)}", code)
            )
            continue
        try:
            accepted.append(
                _check_line(
                    line,
                    {name: cell(cells, name) for name in COLUMNS},
                    unit=unit,
                    catalogue=catalogue,
                    units=units,
                    calendar=calendar,
                )
            )
        except _Rejected as exc:
            rejected.append(Rejection(line, code, exc.reason, exc.value))
    return CheckedBook(tuple(accepted), tuple(sorted(rejected, key=lambda r: r.line)))


class _Rejected(Exception):
    def __init__(self, reason: str, value: str = "") -> None:
        super().__init__(reason)
        self.reason, self.value = reason, value


def _check_line(
    line: int,
    values: dict[str, str],
    *,
    unit: str,
    catalogue: Catalogue,
    units: UnitRegistry,
    calendar: WorkingCalendar,
) -> HistoricalDossier:
    for name in REQUIRED:
        if not values[name]:
            raise _Rejected(f"{name} is empty")
    received_at = _instant(values["received"], "received")
    day = received_at.astimezone(VN_TZ).date()
    try:
        receiving = units.on(unit, day)
    except UnknownUnit:
        raise _Rejected(f"unit {unit} did not exist on {day:%d/%m/%Y}") from None
    code = values["code"]
    try:
        parsed = parse_dossier_code(code)
    except DomainError as exc:
        raise _Rejected(f"invalid code: {exc.message}", code) from None
    if parsed.agency_code != unit:
        raise _Rejected(f"the code does not belong to unit {unit}", code)
    if parsed.day != day:
        raise _Rejected(f"the code is dated {parsed.day:%d/%m/%Y}, received {day:%d/%m/%Y}", code)
    procedure = _procedure(catalogue, values["procedure"])
    try:
        version = procedure.version_at(day)
    except ProcedureNotInForce:
        first = procedure.versions[0].effective_from
        raise _Rejected(
            f"procedure {procedure.code} was not in force on {day:%d/%m/%Y} "
            f"(in force from {first:%d/%m/%Y})",
            values["procedure"],
        ) from None
    due_at = calendar.due_at(received_at, version.legal_hours, same_day=version.same_day)
    legal_due = due_at.astimezone(VN_TZ).date()
    book_due = _instant(values["due"], "due", after=received_at).astimezone(VN_TZ).date()
    if book_due != legal_due:
        raise _Rejected(
            f"due date {book_due:%d/%m/%Y} differs from the legal due date {legal_due:%d/%m/%Y} "
            f"({version.legal_days:g} working days from receipt under version {version.version})",
            values["due"],
        )
    finished_at, outcome = _finish(values, received_at)
    try:
        competent = route_competent_unit(procedure, receiving, None)
    except DomainError as exc:
        raise _Rejected(exc.message) from None
    return HistoricalDossier(
        line=line,
        code=code,
        procedure=procedure,
        version=version,
        receiving_unit=receiving,
        competent_unit=competent,
        applicant_name=unicodedata.normalize("NFC", values["applicant"]),
        received_at=received_at,
        due_at=due_at,
        finished_at=finished_at,
        outcome=outcome,
    )


def _procedure(catalogue: Catalogue, value: str) -> Procedure:
    if value in catalogue:
        return catalogue.get(value)
    wanted = unicodedata.normalize("NFC", value).casefold()
    named = [p for p in catalogue.list() if p.name.casefold() == wanted]
    if len(named) == 1:
        return named[0]
    raise _Rejected("unknown procedure", value)


def _finish(
    values: dict[str, str], received_at: datetime
) -> tuple[datetime | None, Outcome | None]:
    raw_result = plain(values["result"])
    if not values["finished"]:
        if raw_result:
            raise _Rejected("a result without a finish date", values["result"])
        return None, None
    finished_at = _instant(values["finished"], "finished", after=received_at)
    if finished_at < received_at:
        raise _Rejected("finished before it was received", values["finished"])
    if raw_result in _APPROVED:
        return finished_at, "approved"
    if raw_result in _DENIED:
        return finished_at, "denied"
    if not raw_result:
        raise _Rejected("finished without a result (approved or denied)")
    raise _Rejected("unknown result", values["result"])


def _instant(value: str, name: str, *, after: datetime | None = None) -> datetime:
    """dd/mm/yyyy [hh:mm] (or ISO) in Vietnam time; a bare date is the start of that day, but
    never before ``after``."""
    match = _DATE.match(value)
    try:
        if match:
            d, m, y, hh, mm = match.groups()
            moment = datetime(int(y), int(m), int(d), int(hh or 0), int(mm or 0), tzinfo=VN_TZ)
            bare = hh is None
        else:
            parsed = datetime.fromisoformat(value)
            bare = "T" not in value and " " not in value and ":" not in value
            moment = parsed if parsed.tzinfo else parsed.replace(tzinfo=VN_TZ)
    except ValueError:
        raise _Rejected(f"{name}: not a date (dd/mm/yyyy hh:mm)", value) from None
    if bare and after is not None and moment.date() == after.astimezone(VN_TZ).date():
        return max(moment, after)
    return moment


def _columns(header: Sequence[object]) -> dict[str, int]:
    found = match_columns(header, COLUMNS)
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        raise BookFormatError(
            f"the header lacks the column(s) {', '.join(missing)} "
            "(Mẫu 07: Mã hồ sơ, Tên thủ tục hành chính, Tên cá nhân, tổ chức, "
            "Ngày, giờ nhận hồ sơ, Ngày, giờ hẹn trả kết quả)"
        )
    return found
