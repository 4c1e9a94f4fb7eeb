"""Số định danh cá nhân (the 12-digit personal ID number printed on the CCCD).

Layout (Nghị định 137/2015/NĐ-CP, Thông tư 59/2021/TT-BCA): digits 1–3 the province or city
where the birth was registered; digit 4 century of birth and gender; digits 5–6 the last two
digits of the year of birth; digits 7–12 a random serial. There is no check digit, so a
well-formed number can still belong to nobody: only the registry can say that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from motcua_intake.domain.errors import InvalidPersonalId

Gender = Literal["male", "female"]

# Mã tỉnh nơi đăng ký khai sinh (TT 59/2021/TT-BCA, Phụ lục I). These are the 63 pre-2025
# province codes; IDs already issued keep them after the 2025 merger, and the 34 merged
# provinces reuse codes from this list, so no code outside it can appear.
BIRTH_PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

# Digit 4: (first year of the century, gender). Even digits are male, odd digits female.
_CENTURY_GENDER: dict[str, tuple[int, Gender]] = {
    "0": (1900, "male"),
    "1": (1900, "female"),
    "2": (2000, "male"),
    "3": (2000, "female"),
    "4": (2100, "male"),
    "5": (2100, "female"),
    "6": (2200, "male"),
    "7": (2200, "female"),
    "8": (1800, "male"),
    "9": (1800, "female"),
}


@dataclass(frozen=True)
class PersonalId:
    """A structurally valid số định danh cá nhân and what its digits say."""

    value: str
    birth_province_code: str
    birth_province: str
    gender: Gender
    birth_year: int

    def __str__(self) -> str:
        return self.value

    @property
    def masked(self) -> str:
        return mask(self.value)


def parse_personal_id(
    value: object, *, today: date | None = None, field: str = "personal_id"
) -> PersonalId:
    """Check the structure of a personal ID number and decode it.

    ``today`` enables the check that the birth year is not in the future (pass the command's
    date; the domain never reads the clock). Raises :class:`InvalidPersonalId` naming the part
    that is wrong: ``length``, ``non_digit``, ``province_code``, ``century_digit`` or
    ``birth_year``.
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
    province_code = digits[:3]
    province = BIRTH_PROVINCE_CODES.get(province_code)
    if province is None:
        raise InvalidPersonalId(
            field,
            f"digits 1–3 ({province_code}) are not a province code of birth registration",
            problem="province_code",
        )
    century, gender = _CENTURY_GENDER[digits[3]]
    birth_year = century + int(digits[4:6])
    if today is not None and birth_year > today.year:
        raise InvalidPersonalId(
            field,
            f"digits 4–6 ({digits[3:6]}) give birth year {birth_year}, which is in the future",
            problem="birth_year" if century <= today.year else "century_digit",
        )
    return PersonalId(
        value=digits,
        birth_province_code=province_code,
        birth_province=province,
        gender=gender,
        birth_year=birth_year,
    )


def mask(personal_id: str) -> str:
    """The number as shown on screens and printouts: ``079203001234`` → ``0792******34``."""
    value = personal_id.strip()
    if len(value) <= 6:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 6) + value[-2:]
