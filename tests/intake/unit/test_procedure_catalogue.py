"""The versioned procedure catalogue (danh mục TTHC) and the shipped data file."""

from __future__ import annotations

import json
import unicodedata
from datetime import date, timedelta
from importlib import resources

import pytest
from pydantic import ValidationError

from motcua_intake.domain.errors import ProcedureNotInForce, UnknownProcedure
from motcua_intake.domain.fees import Fee, assess_fees
from motcua_intake.domain.procedures import Catalogue, ProcedureVersion
from motcua_platform.contracts.events import Channel

# The 17 rows of domain.md §6; row 8 (giám hộ / chấm dứt giám hộ) is two national procedures.
COMMUNE_PROCEDURES = {
    "1.001193": (8, True),  # Đăng ký khai sinh — ngay
    "1.000894": (8, True),  # Đăng ký kết hôn — ngay
    "1.000656": (8, True),  # Đăng ký khai tử — ngay
    "1.004873": (24, False),  # Xác nhận tình trạng hôn nhân — 03 ngày
    "1.004845": (24, False),  # Nhận cha, mẹ, con — 03 ngày
    "1.004837": (8, True),  # Khai sinh kết hợp nhận cha, mẹ, con — trong ngày
    "1.004859": (24, False),  # Thay đổi, cải chính, bổ sung hộ tịch — 03 ngày
    "1.004829": (24, False),  # Đăng ký giám hộ — 03 ngày
    "1.004832": (16, False),  # Chấm dứt giám hộ — 02 ngày
    "1.004746": (40, False),  # Đăng ký lại khai sinh — 05 ngày
    "2.000635": (8, True),  # Bản sao trích lục hộ tịch — trong ngày
    "2.000815": (8, True),  # Chứng thực bản sao từ bản chính — trong ngày
    "2.000884": (8, True),  # Chứng thực chữ ký — trong ngày
    "2.001035": (16, False),  # Chứng thực hợp đồng, giao dịch — 02 ngày
    "2.000908": (8, True),  # Bản sao từ sổ gốc — trong ngày
    "1.004222": (56, False),  # Đăng ký thường trú — 07 ngày
    "1.004194": (24, False),  # Đăng ký tạm trú — 03 ngày
    "2.000720": (24, False),  # Đăng ký hộ kinh doanh — 03 ngày
}


def test_catalogue_has_all_commune_procedures_of_the_domain_table(catalogue: Catalogue) -> None:
    commune = {p.code for p in catalogue.list() if p.competent_level == "commune"}
    assert set(COMMUNE_PROCEDURES) <= commune


@pytest.mark.parametrize(("code", "expected"), sorted(COMMUNE_PROCEDURES.items()))
def test_commune_procedure_has_its_legal_time(
    catalogue: Catalogue, code: str, expected: tuple[float, bool]
) -> None:
    hours, same_day = expected
    current = catalogue.get(code).current
    assert (current.legal_hours, current.same_day) == (hours, same_day)


def test_every_version_shares_its_legal_time_among_its_steps(catalogue: Catalogue) -> None:
    for procedure in catalogue.list():
        for version in procedure.versions:
            assert sum(s.hours for s in version.steps) == pytest.approx(version.legal_hours), (
                procedure.code
            )


def test_same_day_birth_registration_allocates_2_3_2_1_hours(catalogue: Catalogue) -> None:
    steps = catalogue.get("1.001193").current.steps
    assert [(s.role, s.hours) for s in steps] == [
        ("receiver", 2),
        ("specialist", 3),
        ("leader", 2),
        ("receiver", 1),
    ]


def test_catalogue_offers_provincial_procedures(catalogue: Catalogue) -> None:
    provincial = {p.code: p for p in catalogue.list() if p.competent_level == "province"}
    assert len(provincial) >= 4
    assert provincial["2.000505"].current.legal_days == 10  # Phiếu lý lịch tư pháp
    assert provincial["2.001610"].current.legal_days == 3  # Đăng ký doanh nghiệp


def test_version_at_picks_the_version_in_force_on_the_day(catalogue: Catalogue) -> None:
    assert catalogue.version_at("1.001193", date(2025, 6, 30)).version == "2016-01-01"
    assert catalogue.version_at("1.001193", date(2025, 7, 1)).version == "2025-07-01"
    assert catalogue.version_at("1.001193", date(2026, 10, 8)).version == "2025-07-01"


def test_newer_birth_registration_version_does_not_ask_for_residence_papers(
    catalogue: Catalogue,
) -> None:
    old = catalogue.version_at("1.001193", date(2020, 1, 1))
    new = catalogue.version_at("1.001193", date(2026, 1, 1))
    assert old.component("giay_to_cu_tru") is not None
    assert new.component("giay_to_cu_tru") is None


def test_version_before_the_first_effective_date_is_refused(catalogue: Catalogue) -> None:
    with pytest.raises(ProcedureNotInForce):
        catalogue.version_at("1.001193", date(2015, 12, 31))


def test_unknown_procedure_code_is_a_not_found_error(catalogue: Catalogue) -> None:
    with pytest.raises(UnknownProcedure) as caught:
        catalogue.get("9.999999")
    assert caught.value.kind == "not_found"
    assert caught.value.field == "procedure_code"


def _version(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "version": "v1",
        "effective_from": "2025-07-01",
        "legal_hours": 24,
        "steps": [
            {"name": "Tiếp nhận", "role": "receiver", "hours": 2, "unit": "receiving"},
            {"name": "Thẩm định", "role": "specialist", "hours": 22},
        ],
    }
    data.update(changes)
    return data


def test_steps_that_do_not_add_up_to_the_legal_time_are_rejected() -> None:
    with pytest.raises(ValidationError, match="add up"):
        ProcedureVersion.model_validate(_version(legal_hours=16))


def test_same_day_version_must_have_eight_hours() -> None:
    with pytest.raises(ValidationError, match="same-day"):
        ProcedureVersion.model_validate(_version(same_day=True))


def test_catalogue_loads_from_a_province_file(tmp_path: pytest.TempPathFactory) -> None:
    procedure = {
        "code": "1.000001",
        "name": "Thủ tục thử",
        "field": "Thử nghiệm",
        "competent_level": "commune",
        "agency": "UBND cấp xã",
        "versions": [_version(), _version(version="v2", effective_from="2026-01-01")],
    }
    path = tmp_path / "catalogue.json"  # type: ignore[operator]
    path.write_text(json.dumps({"procedures": [procedure]}), encoding="utf-8")
    loaded = Catalogue.load(path)
    assert [p.code for p in loaded.list()] == ["1.000001"]
    assert loaded.version_at("1.000001", date(2025, 12, 31)).version == "v1"
    assert loaded.version_at("1.000001", date(2026, 1, 1)).version == "v2"


def test_versions_out_of_date_order_are_rejected() -> None:
    from motcua_intake.domain.procedures import Procedure

    with pytest.raises(ValidationError, match="increasing"):
        Procedure.model_validate(
            {
                "code": "1.000001",
                "name": "x",
                "field": "x",
                "competent_level": "commune",
                "agency": "x",
                "versions": [_version(effective_from="2026-01-01"), _version(version="v0")],
            }
        )


def test_copy_certification_fee_is_tiered_per_page_and_capped_per_copy(
    catalogue: Catalogue,
) -> None:
    fee = catalogue.get("2.000815").current.fees[0]
    assert fee.amount_for(1) == 2_000
    assert fee.amount_for(2) == 4_000
    assert fee.amount_for(5) == 7_000  # 2 × 2.000 + 3 × 1.000
    assert fee.amount_for(1_000) == 200_000


def test_permanent_residence_fee_differs_by_channel(catalogue: Catalogue) -> None:
    version = catalogue.get("1.004222").current
    counter = assess_fees(version.fees, Channel.COUNTER)
    online = assess_fees(version.fees, Channel.ONLINE)
    assert [line.amount for line in counter] == [20_000]
    assert [line.amount for line in online] == [10_000]


def test_exemption_reduces_a_fee_to_its_reduced_amount(catalogue: Catalogue) -> None:
    version = catalogue.get("2.000505").current  # Phiếu lý lịch tư pháp
    (full,) = assess_fees(version.fees, Channel.COUNTER)
    (student,) = assess_fees(version.fees, Channel.COUNTER, exemptions=["sinh_vien"])
    assert (full.amount, student.amount, student.exemption) == (200_000, 100_000, "sinh_vien")


def test_fee_tiers_must_start_at_the_first_unit() -> None:
    with pytest.raises(ValidationError):
        Fee.model_validate({"name": "x", "amount": 1, "tiers": [{"from_unit": 2, "amount": 1}]})


def test_hdnd_set_fees_say_their_value_is_typical(catalogue: Catalogue) -> None:
    for procedure in catalogue.list():
        for fee in procedure.current.fees:
            if "HĐND" in (fee.note or ""):
                assert "điển hình" in (fee.note or ""), procedure.code


def test_catalogue_text_is_unicode_nfc() -> None:
    # Decomposed diacritics look identical but break search and comparison.
    raw = resources.files("motcua_intake.data").joinpath("procedures.json").read_text("utf-8")
    assert unicodedata.normalize("NFC", raw) == raw


# Not handled at commune or province level before these days, so no earlier version is shipped.
NOT_BEFORE = {
    "2.000720": date(2025, 7, 1),  # hộ kinh doanh: district level until the 2025 reorganisation
    "1.012783": date(2024, 8, 1),  # cấp đổi GCN: only the Luật Đất đai 2024 version is shipped
}


def test_every_shipped_procedure_has_a_version_in_force_since_2024(catalogue: Catalogue) -> None:
    for procedure in catalogue.list():
        first_day = NOT_BEFORE.get(procedure.code, date(2024, 1, 1))
        version = procedure.version_at(first_day)
        assert version.effective_from <= first_day, procedure.code
        if procedure.code in NOT_BEFORE:
            with pytest.raises(ProcedureNotInForce):
                procedure.version_at(first_day.replace(day=1) - timedelta(days=1))


def test_earlier_versions_keep_the_legal_time_of_the_law_then_in_force(
    catalogue: Catalogue,
) -> None:
    march_2024 = date(2024, 3, 4)
    assert catalogue.version_at("1.004873", march_2024).legal_days == 3
    assert catalogue.version_at("1.004222", march_2024).legal_days == 7
    assert catalogue.version_at("1.004746", date(2025, 4, 25)).legal_days == 5
    old = catalogue.version_at("2.000815", march_2024)
    assert old.same_day and old.decision and "23/2015" in old.decision


def test_each_version_states_its_confidence_and_period(catalogue: Catalogue) -> None:
    marriage = catalogue.get("1.004873")
    old, new = marriage.versions
    assert (old.confidence, new.confidence) == ("M", "L")
    assert marriage.effective_until(old) == date(2025, 6, 30)
    assert marriage.effective_until(new) is None
    for procedure in catalogue.list():
        for version in procedure.versions:
            assert version.confidence in ("H", "M", "L")
