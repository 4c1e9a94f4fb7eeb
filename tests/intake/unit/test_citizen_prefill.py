"""Công dân không viết: prefill from the registry and earlier dossiers."""

from __future__ import annotations

from datetime import date

import pytest

from motcua_intake.domain.citizens import (
    APPLICANT_FIELDS,
    CitizenRecord,
    load_demo_citizens,
    prefill,
)
from motcua_intake.domain.errors import ApplicantIncomplete, InvalidApplicant
from motcua_platform.personal_id import InvalidPersonalId, parse_personal_id

NEWCOMER = "066190004321"  # a valid number that is not in the demo registry


@pytest.fixture(scope="module")
def record() -> CitizenRecord:
    return load_demo_citizens()["079203001234"]


def test_registry_fills_every_missing_field_and_records_it(record: CitizenRecord) -> None:
    applicant, prefilled = prefill({"personal_id": "079203001234"}, record)
    assert applicant["full_name"] == "Nguyễn Văn An"
    assert applicant["date_of_birth"] == "2003-03-14"
    assert applicant["residence_unit"] == "H15.01.36"
    assert prefilled == [f for f in APPLICANT_FIELDS if f in applicant]


def test_typed_fields_are_kept_and_not_counted_as_prefilled(record: CitizenRecord) -> None:
    applicant, prefilled = prefill(
        {"personal_id": "079203001234", "phone": " 0912345678 ", "email": ""}, record
    )
    assert applicant["phone"] == "0912345678"
    assert "phone" not in prefilled
    assert applicant["email"] == record.email and "email" in prefilled  # blank counts as missing


def test_earlier_dossier_fills_what_the_registry_lacks(record: CitizenRecord) -> None:
    without_phone = record.model_copy(update={"phone": None})
    earlier = [{"phone": "0988000111"}, {"phone": "0977000222"}]  # most recent first
    applicant, prefilled = prefill({"personal_id": record.personal_id}, without_phone, earlier)
    assert applicant["phone"] == "0988000111"
    assert "phone" in prefilled


def test_citizen_missing_from_registry_is_filled_from_earlier_dossiers() -> None:
    earlier = [
        {
            "full_name": "Phạm Thị Hồng",
            "date_of_birth": "1990-05-02",
            "gender": "female",
            "address": "Thôn 3, Xã Ea Kar, Tỉnh Đắk Lắk",
        }
    ]
    applicant, prefilled = prefill({"personal_id": NEWCOMER}, None, earlier)
    assert applicant["full_name"] == "Phạm Thị Hồng"
    assert set(prefilled) == {"full_name", "date_of_birth", "gender", "address"}


def test_citizen_missing_from_registry_must_be_typed_in_full() -> None:
    with pytest.raises(ApplicantIncomplete) as caught:
        prefill({"personal_id": NEWCOMER, "full_name": "Phạm Thị Hồng"}, None, [])
    assert caught.value.missing == ["date_of_birth", "gender", "address"]
    assert "date_of_birth" in caught.value.message
    assert caught.value.field == "applicant"


def test_citizen_typed_in_full_needs_no_registry() -> None:
    typed = {
        "personal_id": NEWCOMER,
        "full_name": "Phạm Thị Hồng",
        "date_of_birth": date(1990, 5, 2),
        "gender": "female",
        "address": "Thôn 3, Xã Ea Kar, Tỉnh Đắk Lắk",
    }
    applicant, prefilled = prefill(typed, None)
    assert prefilled == []
    assert applicant["date_of_birth"] == "1990-05-02"


def test_gender_that_contradicts_the_id_number_is_rejected(record: CitizenRecord) -> None:
    with pytest.raises(InvalidApplicant) as caught:
        prefill({"personal_id": "079203001234", "gender": "female"}, record)
    assert caught.value.field == "applicant.gender"


def test_birth_year_that_contradicts_the_id_number_is_rejected(record: CitizenRecord) -> None:
    with pytest.raises(InvalidApplicant):
        prefill({"personal_id": "079203001234", "date_of_birth": "2004-03-14"}, record)


def test_invalid_id_number_is_rejected_before_lookup() -> None:
    with pytest.raises(InvalidPersonalId) as caught:
        prefill({"personal_id": "12345"}, None)
    assert caught.value.field == "applicant.personal_id"


def test_unknown_applicant_field_is_rejected(record: CitizenRecord) -> None:
    with pytest.raises(InvalidApplicant, match="religion"):
        prefill({"personal_id": "079203001234", "religion": "x"}, record)


def test_demo_registry_has_about_forty_valid_citizens() -> None:
    citizens = load_demo_citizens()
    assert len(citizens) >= 40
    for personal_id, citizen in citizens.items():
        decoded = parse_personal_id(personal_id, today=date(2026, 1, 1))
        assert decoded.gender == citizen.gender
        assert decoded.birth_year == citizen.date_of_birth.year
    assert sum(1 for pid in citizens if pid.startswith("066")) >= 10  # born in Đắk Lắk


def test_registry_record_that_contradicts_its_id_is_refused() -> None:
    with pytest.raises(ValueError):
        CitizenRecord(
            personal_id="079203001234",
            full_name="X",
            date_of_birth=date(1980, 1, 1),
            gender="male",
            address="x",
        )
