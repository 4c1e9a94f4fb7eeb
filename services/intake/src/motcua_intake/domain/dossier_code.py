"""Mã số hồ sơ: ``<agency code>-<YYMMDD>-<NNNN>`` (TT 01/2018/TT-VPCP, kept by TT 03/2025).

The agency code is the receiving unit's mã định danh (TT 10/2016/TT-BTTTT shape, e.g.
``H15.50.05.13``), the date is the day of receipt and the number is the dossier's sequence among
those received by that unit that day. Allocating the number uniquely under concurrency is the
store's job; this module only builds and reads the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from motcua_intake.domain.errors import InvalidDossierCode

# Provinces ``Hnn``, ministries ``Gnn``, then up to four dotted levels below.
AGENCY_CODE_PATTERN = r"[A-Z]\d{2}(?:\.\d{2,3}){0,4}"
_AGENCY = re.compile(rf"^{AGENCY_CODE_PATTERN}$")
# Four digits for dossiers of the provincial system; wider numbers are legal too (a unit with
# more than 9,999 dossiers a day, or the 6–7 digit suffixes of dossiers synced from ministries).
_CODE = re.compile(rf"^(?P<agency>{AGENCY_CODE_PATTERN})-(?P<day>\d{{6}})-(?P<number>\d{{4,}})$")


@dataclass(frozen=True)
class DossierCode:
    agency_code: str
    day: date
    number: int

    def __str__(self) -> str:
        return format_dossier_code(self.agency_code, self.day, self.number)


def is_agency_code(value: str) -> bool:
    return bool(_AGENCY.match(value))


def format_dossier_code(agency_code: str, day: date, number: int) -> str:
    """The dossier code text.

    ``format_dossier_code("H15.50.05.13", date(2026, 10, 8), 975)`` gives
    ``H15.50.05.13-261008-0975``.
    """
    if not _AGENCY.match(agency_code):
        raise InvalidDossierCode(agency_code, "not an agency code (mã định danh đơn vị)")
    if not 2000 <= day.year <= 2099:
        # YYMMDD cannot tell centuries apart; codes are read back as 20YY.
        raise InvalidDossierCode(day.isoformat(), "the date of receipt must be in 2000–2099")
    if number < 1:
        raise InvalidDossierCode(str(number), "the sequence number starts at 1")
    return f"{agency_code}-{day:%y%m%d}-{number:04d}"


def parse_dossier_code(value: str) -> DossierCode:
    """Read a dossier code back into its parts; raises :class:`InvalidDossierCode`."""
    match = _CODE.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise InvalidDossierCode(str(value), "expected <agency code>-<YYMMDD>-<NNNN>")
    raw_day = match["day"]
    try:
        day = date(2000 + int(raw_day[:2]), int(raw_day[2:4]), int(raw_day[4:]))
    except ValueError as exc:
        raise InvalidDossierCode(value, f"{raw_day} is not a date") from exc
    number = int(match["number"])
    if number < 1:
        raise InvalidDossierCode(value, "the sequence number starts at 1")
    return DossierCode(agency_code=match["agency"], day=day, number=number)
