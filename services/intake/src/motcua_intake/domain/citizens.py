"""Công dân không viết: the applicant's data comes from what the State already holds.

The official types the personal ID number; everything else is taken from the population registry
(CSDL quốc gia về dân cư, through an adapter) and, failing that, from the citizen's most recent
earlier dossier. What was filled this way is recorded per dossier, so the share of dossiers where
the citizen wrote nothing is measurable (architecture §1).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from motcua_intake.data import load_json
from motcua_intake.domain.errors import ApplicantIncomplete, InvalidApplicant
from motcua_platform.personal_id import Gender, parse_personal_id

MaritalStatus = Literal["single", "married", "divorced", "widowed"]

# The applicant fields a dossier holds besides ``personal_id``, in display order.
APPLICANT_FIELDS: tuple[str, ...] = (
    "full_name",
    "date_of_birth",
    "gender",
    "address",
    "residence_unit",
    "phone",
    "email",
    "marital_status",
)
# Without these the forms cannot be printed nor the applicant identified.
REQUIRED_APPLICANT_FIELDS: tuple[str, ...] = ("full_name", "date_of_birth", "gender", "address")

GENDER_LABELS: dict[str, str] = {"male": "Nam", "female": "Nữ"}
MARITAL_STATUS_LABELS: dict[str, str] = {
    "single": "Chưa kết hôn",
    "married": "Đã kết hôn",
    "divorced": "Đã ly hôn",
    "widowed": "Góa",
}


class CitizenRecord(BaseModel):
    """A citizen as the population registry returns it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    personal_id: str
    full_name: str = Field(min_length=1)
    date_of_birth: date
    gender: Gender
    address: str = Field(min_length=1)
    residence_unit: str | None = Field(default=None, description="Agency code of the commune")
    phone: str | None = None
    email: str | None = None
    marital_status: MaritalStatus | None = None

    @model_validator(mode="after")
    def _agrees_with_personal_id(self) -> CitizenRecord:
        decoded = parse_personal_id(self.personal_id, today=None)
        if decoded.gender != self.gender or decoded.birth_year != self.date_of_birth.year:
            raise ValueError(f"record {decoded.masked} disagrees with its personal ID number")
        return self

    def to_applicant(self) -> dict[str, Any]:
        """The record in the applicant shape of a dossier (ISO date, no empty fields)."""
        data = self.model_dump(mode="json", exclude_none=True)
        return {key: value for key, value in data.items() if value != ""}


def prefill(
    requested_applicant: Mapping[str, Any],
    registry_record: CitizenRecord | None,
    earlier: Sequence[Mapping[str, Any]] = (),
    *,
    today: date | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Complete the applicant of a new dossier; return it and the fields that were filled.

    Every field missing (absent, ``None`` or blank) in ``requested_applicant`` is taken from the
    registry record, else from ``earlier`` — the applicant data of the citizen's earlier
    dossiers, **most recent first**. Fields the official typed are kept as typed. A citizen
    missing from the registry must be typed in full: :class:`ApplicantIncomplete` names every
    required field still missing. The result is checked against what the personal ID number
    encodes (gender, year of birth).
    """
    unknown = sorted(set(requested_applicant) - {"personal_id", *APPLICANT_FIELDS})
    if unknown:
        raise InvalidApplicant(
            f"unknown applicant fields: {', '.join(unknown)}", field=f"applicant.{unknown[0]}"
        )
    personal_id = parse_personal_id(
        requested_applicant.get("personal_id"), today=today, field="applicant.personal_id"
    )
    sources: list[Mapping[str, Any]] = []
    if registry_record is not None:
        sources.append(registry_record.to_applicant())
    sources.extend(earlier)

    applicant: dict[str, Any] = {"personal_id": personal_id.value}
    prefilled: list[str] = []
    for name in APPLICANT_FIELDS:
        typed = requested_applicant.get(name)
        if _present(typed):
            applicant[name] = _clean(typed)
            continue
        for source in sources:
            if _present(source.get(name)):
                applicant[name] = _clean(source[name])
                prefilled.append(name)
                break

    missing = [name for name in REQUIRED_APPLICANT_FIELDS if name not in applicant]
    if missing:
        raise ApplicantIncomplete(missing)
    _check_against_personal_id(applicant, personal_id.gender, personal_id.birth_year)
    return applicant, prefilled


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _clean(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value.strip() if isinstance(value, str) else value


def _check_against_personal_id(applicant: dict[str, Any], gender: str, birth_year: int) -> None:
    # Only the shape is checked here; the registry is the authority on the values themselves.
    try:
        born = date.fromisoformat(str(applicant["date_of_birth"]))
    except ValueError:
        raise InvalidApplicant(
            "date_of_birth must be an ISO date (YYYY-MM-DD)", field="applicant.date_of_birth"
        ) from None
    applicant["date_of_birth"] = born.isoformat()
    if applicant["gender"] not in GENDER_LABELS:
        raise InvalidApplicant("gender must be 'male' or 'female'", field="applicant.gender")
    if applicant["gender"] != gender:
        raise InvalidApplicant(
            "gender disagrees with digit 4 of the personal ID number", field="applicant.gender"
        )
    if born.year != birth_year:
        raise InvalidApplicant(
            f"year of birth {born.year} disagrees with the personal ID number ({birth_year})",
            field="applicant.date_of_birth",
        )
    status = applicant.get("marital_status")
    if status is not None and status not in MARITAL_STATUS_LABELS:
        raise InvalidApplicant(
            f"marital_status must be one of {', '.join(MARITAL_STATUS_LABELS)}",
            field="applicant.marital_status",
        )


def load_demo_citizens() -> dict[str, CitizenRecord]:
    """The seeded demo registry (``data/demo_citizens.json``) by personal ID number."""
    return dict(_demo_citizens())


@functools.cache
def _demo_citizens() -> tuple[tuple[str, CitizenRecord], ...]:
    try:
        records = [
            CitizenRecord.model_validate(item)
            for item in load_json("demo_citizens.json")["citizens"]
        ]
    except ValidationError as exc:  # a broken seed file should say which record, at start-up
        raise ValueError(f"data/demo_citizens.json is invalid: {exc}") from exc
    return tuple((record.personal_id, record) for record in records)
