"""Mã số hồ sơ: <agency code>-<YYMMDD>-<NNNN>."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua_intake.domain.dossier_code import (
    DossierCode,
    format_dossier_code,
    parse_dossier_code,
)
from motcua_intake.domain.errors import InvalidDossierCode


def test_code_has_agency_date_and_four_digit_number() -> None:
    assert format_dossier_code("H15.50.05.13", date(2026, 10, 8), 975) == (
        "H15.50.05.13-261008-0975"
    )


def test_number_above_9999_widens_the_code() -> None:
    assert format_dossier_code("H15", date(2026, 1, 2), 12345) == "H15-260102-12345"


def test_parse_reads_back_the_parts() -> None:
    parsed = parse_dossier_code("H15.50.05.13-261008-0975")
    assert parsed == DossierCode("H15.50.05.13", date(2026, 10, 8), 975)
    assert str(parsed) == "H15.50.05.13-261008-0975"


def test_ministry_synced_codes_with_long_suffixes_parse() -> None:
    assert parse_dossier_code("G09.20-260301-0912345").number == 912345


@pytest.mark.parametrize(
    "value",
    [
        "H15.50.05.13-261008-975",  # fewer than 4 digits
        "H15.50.05.13-261308-0975",  # month 13
        "H15.50.05.13-260230-0975",  # 30 February
        "h15-261008-0975",
        "H15-261008-0000",
        "H15/261008/0975",
        "",
    ],
)
def test_malformed_codes_are_rejected(value: str) -> None:
    with pytest.raises(InvalidDossierCode):
        parse_dossier_code(value)


def test_format_refuses_a_number_below_one_and_a_bad_agency() -> None:
    with pytest.raises(InvalidDossierCode):
        format_dossier_code("H15", date(2026, 1, 2), 0)
    with pytest.raises(InvalidDossierCode):
        format_dossier_code("Đắk Lắk", date(2026, 1, 2), 1)


@given(
    agency=st.from_regex(r"H\d{2}(\.\d{2}){0,3}", fullmatch=True),
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    number=st.integers(min_value=1, max_value=10_000_000),
)
def test_any_formatted_code_parses_back_to_its_parts(agency: str, day: date, number: int) -> None:
    code = format_dossier_code(agency, day, number)
    assert parse_dossier_code(code) == DossierCode(agency, day, number)
