"""Số định danh cá nhân — the 12-digit personal ID number printed on the căn cước card.

Layout (Luật Căn cước 2023 Điều 12; Nghị định 137/2015/NĐ-CP; Thông tư 59/2021/TT-BCA Điều 7):
digits 1–3 the province where the birth was registered (Phụ lục I), or the country for a citizen
whose birth was registered abroad (Phụ lục II); digit 4 the century of birth and the gender;
digits 5–6 the last two digits of the year of birth; digits 7–12 a random serial. There is no
check digit, so a well-formed number can still belong to nobody: only the registry can say that.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Literal

from motcua_platform.errors import Refusal

__all__ = [
    "BIRTH_COUNTRY_CODES",
    "BIRTH_PROVINCE_CODES",
    "MAX_AGE_YEARS",
    "Gender",
    "InvalidPersonalId",
    "PersonalId",
    "mask",
    "parse_personal_id",
    "pseudonymous_key",
]

Gender = Literal["male", "female"]


def _load_codes() -> tuple[dict[str, str], dict[str, str]]:
    text = resources.files("motcua_platform.data").joinpath("birth_registration_codes.json")
    data = json.loads(text.read_text(encoding="utf-8"))
    return dict(data["provinces"]), dict(data["countries"])


# Mã tỉnh nơi đăng ký khai sinh (Phụ lục I): the 63 pre-2025 province codes. IDs already issued
# keep them after the 2025 merger, and the 34 merged provinces reuse codes from this list.
# Mã quốc gia nơi đăng ký khai sinh (Phụ lục II): 101–295, for births registered abroad.
BIRTH_PROVINCE_CODES, BIRTH_COUNTRY_CODES = _load_codes()

# Digit 4 (TT 59/2021/TT-BCA Điều 7): the century (thế kỷ) and gender, even digits male, odd
# female — 0/1 the 1900s (thế kỷ 20), 2/3 the 2000s, 4/5 the 2100s, 6/7 the 2200s, 8/9 the 2300s.
_FIRST_CENTURY = 1900

# Older than anyone ever verified (122 years): such a birth year cannot be a living applicant.
MAX_AGE_YEARS = 125


class InvalidPersonalId(Refusal):
    """A số định danh cá nhân that cannot exist. ``problem`` says which part is wrong:
    ``type``, ``length``, ``non_digit``, ``province_code``, ``century_digit`` or ``birth_year``."""

    def __init__(self, field: str, reason: str, *, problem: str = "format") -> None:
        super().__init__("invalid_personal_id", reason, field=field, details={"problem": problem})
        self.reason = reason
        self.problem = problem


@dataclass(frozen=True)
class PersonalId:
    """A structurally valid số định danh cá nhân and what its digits say."""

    value: str
    birth_province_code: str
    birth_province: str  # the province, or the country for a birth registered abroad
    registered_abroad: bool
    gender: Gender
    birth_year: int

    def __str__(self) -> str:
        return self.value

    @property
    def masked(self) -> str:
        return mask(self.value)


def parse_personal_id(
    value: object, *, today: date | None, field: str = "personal_id"
) -> PersonalId:
    """Check the structure of a personal ID number and decode it.

    ``today`` (the command's date from the service clock; the rule never reads the clock) checks
    that the birth year can be a living person: not in the future, not more than
    :data:`MAX_AGE_YEARS` ago. ``None`` skips that check, for records that are not applicants.
    Raises :class:`InvalidPersonalId` naming the field and the part that is wrong.
    """
    if not isinstance(value, str):
        raise InvalidPersonalId(field, "the personal ID number must be a string", problem="type")
    digits = value.strip()
    if not digits.isascii() or not digits.isdigit():
        raise InvalidPersonalId(
            field,
            "the personal ID number (số định danh cá nhân) may contain digits only",
            problem="non_digit",
        )
    if len(digits) != 12:
        raise InvalidPersonalId(
            field,
            f"the personal ID number (số định danh cá nhân) has 12 digits, got {len(digits)}",
            problem="length",
        )
    code = digits[:3]
    place = BIRTH_PROVINCE_CODES.get(code) or BIRTH_COUNTRY_CODES.get(code)
    if place is None:
        raise InvalidPersonalId(
            field,
            f"digits 1–3 ({code}) are neither a province code nor a country code of birth "
            "registration (TT 59/2021/TT-BCA, Phụ lục I and II)",
            problem="province_code",
        )
    century_digit = int(digits[3])
    birth_year = _FIRST_CENTURY + 100 * (century_digit // 2) + int(digits[4:6])
    if today is not None:
        _check_living(birth_year, digits[3:6], today, field)
    return PersonalId(
        value=digits,
        birth_province_code=code,
        birth_province=place,
        registered_abroad=code in BIRTH_COUNTRY_CODES,
        gender="female" if century_digit % 2 else "male",
        birth_year=birth_year,
    )


def _check_living(birth_year: int, encoded: str, today: date, field: str) -> None:
    if birth_year > today.year:
        # A century beyond today's is a wrong century digit; this century, a wrong year.
        problem = "century_digit" if birth_year // 100 > today.year // 100 else "birth_year"
        raise InvalidPersonalId(
            field,
            f"digits 4–6 ({encoded}) give birth year {birth_year}, which is in the future",
            problem=problem,
        )
    if today.year - birth_year > MAX_AGE_YEARS:
        raise InvalidPersonalId(
            field,
            f"digits 4–6 ({encoded}) give birth year {birth_year}: more than {MAX_AGE_YEARS} "
            "years ago, not a living person",
            problem="birth_year",
        )


def pseudonymous_key(personal_id: str, secret: bytes) -> str:
    """Keyed hash of a personal ID number: what events carry instead of the number itself.

    HMAC-SHA256 (not a bare hash: 12-digit numbers are few enough to enumerate), truncated to
    128 bits, which is plenty to tell citizens apart.
    """
    if not secret:
        raise ValueError("the pseudonymisation secret must not be empty")
    digest = hmac.new(secret, personal_id.strip().encode("ascii"), hashlib.sha256)
    return digest.hexdigest()[:32]


def mask(personal_id: str) -> str:
    """The number as shown on screens and printouts: ``079203001234`` → ``0792******34``."""
    value = personal_id.strip()
    if len(value) <= 6:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 6) + value[-2:]
