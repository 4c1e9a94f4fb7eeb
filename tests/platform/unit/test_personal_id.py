"""Số định danh cá nhân (TT 59/2021/TT-BCA): structure, decoding, the living-person check,
pseudonymisation and masking — golden values of the one personal-ID rule."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua_platform.personal_id import (
    BIRTH_COUNTRY_CODES,
    BIRTH_PROVINCE_CODES,
    InvalidPersonalId,
    mask,
    parse_personal_id,
    pseudonymous_key,
)

TODAY = date(2026, 10, 8)


def test_valid_id_decodes_province_gender_and_birth_year() -> None:
    decoded = parse_personal_id("079203001234", today=TODAY)
    assert decoded.birth_province == "Hồ Chí Minh"
    assert (decoded.gender, decoded.birth_year) == ("male", 2003)


@pytest.mark.parametrize(
    ("value", "gender", "year"),
    [
        ("066185001234", "female", 1985),  # 1 = 1900s, female
        ("066085001234", "male", 1985),  # 0 = 1900s, male
        ("066324001234", "female", 2024),  # 3 = 2000s, female
        ("001426001234", "male", 2126),  # 4 = 2100s, male
        ("001527001234", "female", 2127),  # 5 = 2100s, female
        ("001600001234", "male", 2200),  # 6 = 2200s, male
        ("001799001234", "female", 2299),  # 7 = 2200s, female
        ("001891001234", "male", 2391),  # 8 = 2300s, male
        ("001999001234", "female", 2399),  # 9 = 2300s, female
    ],
)
def test_century_digit_gives_century_and_gender(value: str, gender: str, year: int) -> None:
    decoded = parse_personal_id(value, today=None)
    assert (decoded.gender, decoded.birth_year) == (gender, year)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("07920300123", "length"),
        ("0792030012345", "length"),
        ("07920300123A", "non_digit"),
        ("079 03001234", "non_digit"),
        ("０７９２０３００１２３４", "non_digit"),  # full-width digits are not ASCII digits
        ("003203001234", "province_code"),  # 003 was never a province code
        ("097203001234", "province_code"),
        ("000203001234", "province_code"),
        ("066227001234", "birth_year"),  # born 2027, after today
        ("066426001234", "century_digit"),  # 4 = 2100s
        ("079891001234", "century_digit"),  # 8 = 2300s, not a man born in 1891
        ("079901001234", "century_digit"),  # 9 = 2300s
        ("296203001234", "province_code"),  # after the last country code (295)
        ("100203001234", "province_code"),  # before the first country code (101)
    ],
)
def test_invalid_id_is_rejected_with_the_reason(value: str, problem: str) -> None:
    with pytest.raises(InvalidPersonalId) as caught:
        parse_personal_id(value, today=TODAY)
    assert caught.value.problem == problem
    assert caught.value.code == "invalid_personal_id"
    assert caught.value.field == "personal_id"
    assert caught.value.reason


def test_non_string_id_is_rejected() -> None:
    with pytest.raises(InvalidPersonalId):
        parse_personal_id(79203001234, today=TODAY)


def test_error_names_the_request_field() -> None:
    with pytest.raises(InvalidPersonalId) as caught:
        parse_personal_id("123", today=TODAY, field="applicant.personal_id")
    assert caught.value.field == "applicant.personal_id"


def test_province_list_has_the_63_codes_between_001_and_096() -> None:
    assert len(BIRTH_PROVINCE_CODES) == 63
    assert min(BIRTH_PROVINCE_CODES) == "001" and max(BIRTH_PROVINCE_CODES) == "096"
    assert BIRTH_PROVINCE_CODES["066"] == "Đắk Lắk"


def test_pseudonymous_key_is_a_keyed_hash_that_hides_the_number() -> None:
    key = pseudonymous_key("079203001234", b"secret-1")
    assert len(key) == 32 and int(key, 16) >= 0
    assert key == pseudonymous_key("079203001234", b"secret-1")
    assert key != pseudonymous_key("079203001234", b"secret-2")
    assert key != pseudonymous_key("079203001235", b"secret-1")
    assert "079203001234" not in key


def test_pseudonymous_key_refuses_an_empty_secret() -> None:
    with pytest.raises(ValueError):
        pseudonymous_key("079203001234", b"")


def test_mask_keeps_the_first_four_and_last_two_digits() -> None:
    assert mask("079203001234") == "0792******34"
    assert parse_personal_id("079203001234", today=TODAY).masked == "0792******34"


@given(
    province=st.sampled_from(sorted(BIRTH_PROVINCE_CODES)),
    born=st.integers(min_value=1900, max_value=2399),
    female=st.booleans(),
    serial=st.integers(min_value=0, max_value=999_999),
)
def test_any_well_formed_id_decodes_to_what_it_encodes(
    province: str, born: int, female: bool, serial: int
) -> None:
    century_digit = (born // 100 - 19) * 2 + int(female)
    value = f"{province}{century_digit}{born % 100:02d}{serial:06d}"
    decoded = parse_personal_id(value, today=None)
    assert decoded.birth_year == born
    assert decoded.gender == ("female" if female else "male")
    assert mask(value) == value[:4] + "******" + value[-2:]


def test_a_birth_registered_abroad_carries_the_country_code() -> None:
    # Phụ lục II: 286 is Ukraina; 175 Hoa Kỳ.
    decoded = parse_personal_id("286200000002", today=TODAY)
    assert decoded.registered_abroad and decoded.birth_province.startswith("Ukraina")
    assert (decoded.gender, decoded.birth_year) == ("male", 2000)
    assert not parse_personal_id("079203001234", today=TODAY).registered_abroad


def test_country_list_has_the_codes_101_to_295_and_no_province_code() -> None:
    assert len(BIRTH_COUNTRY_CODES) == 195
    assert min(BIRTH_COUNTRY_CODES) == "101" and max(BIRTH_COUNTRY_CODES) == "295"
    assert BIRTH_COUNTRY_CODES["175"].startswith("Hoa Kỳ")
    assert not set(BIRTH_COUNTRY_CODES) & set(BIRTH_PROVINCE_CODES)


def test_the_birth_year_is_checked_against_the_given_day_not_the_wall_clock() -> None:
    born_2027 = "066227001234"
    with pytest.raises(InvalidPersonalId):
        parse_personal_id(born_2027, today=date(2026, 12, 31))
    assert parse_personal_id(born_2027, today=date(2027, 1, 1)).birth_year == 2027


def test_a_birth_year_no_living_person_can_have_is_refused() -> None:
    # Born 1900: 126 years old in 2026.
    with pytest.raises(InvalidPersonalId) as caught:
        parse_personal_id("001000001234", today=TODAY)
    assert caught.value.problem == "birth_year"
    assert parse_personal_id("001001001234", today=TODAY).birth_year == 1901
