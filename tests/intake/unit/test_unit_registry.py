"""Administrative units as dated rows, agency codes and competence routing."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest

from motcua_intake.domain.citizens import load_demo_citizens
from motcua_intake.domain.demo_province import load_demo_province
from motcua_intake.domain.errors import RoutingFailed, UnknownUnit
from motcua_intake.domain.procedures import Catalogue
from motcua_intake.domain.units import (
    Unit,
    UnitRegistry,
    route_competent_unit,
    supervises,
    within_scope,
)


@pytest.fixture(scope="module")
def registry() -> UnitRegistry:
    return UnitRegistry.load_default()


def test_registry_has_34_provinces_and_3321_communes(registry: UnitRegistry) -> None:
    assert len(registry.provinces()) == 34
    assert len(registry.communes()) == 3321
    assert len(registry) == 34 + 3321


def test_every_commune_belongs_to_a_province_and_extends_its_code(
    registry: UnitRegistry,
) -> None:
    for commune in registry.communes():
        province = registry.get(commune.parent or "")
        assert province.level == "province"
        assert re.fullmatch(r"H\d{2}\.\d{2}\.\d{2}", commune.code)
        assert commune.code.startswith(province.code + ".")


def test_dak_lak_keeps_agency_code_h15_with_its_102_communes(registry: UnitRegistry) -> None:
    dak_lak = registry.get("H15")
    assert dak_lak.name == "Tỉnh Đắk Lắk"
    assert dak_lak.nso_code == "66"
    assert len(registry.children("H15")) == 102


def test_commune_names_are_cleaned_of_doubled_spaces(registry: UnitRegistry) -> None:
    assert registry.by_nso_code("commune", 24133).name == "Phường Buôn Ma Thuột"


def test_unknown_unit_is_a_not_found_error(registry: UnitRegistry) -> None:
    with pytest.raises(UnknownUnit):
        registry.get("H99.99.99")


def test_province_supervises_its_communes_by_dotted_prefix() -> None:
    assert supervises("H15", "H15.50.05.13")
    assert supervises("H15.50", "H15.50.05.13")
    assert not supervises("H1", "H15.50.05.13")  # whole segments only
    assert not supervises("H16", "H15.50.05")
    assert not supervises("H15", "H15")
    assert within_scope("H15", "H15") and within_scope("H15", "H15.01.36")


def test_registry_supervises_uses_the_same_rule(registry: UnitRegistry) -> None:
    assert registry.supervises("H15", "H15.01.36")
    assert not registry.supervises("H15.01.36", "H15")


def test_commune_25270_became_phuong_loc_ninh_on_30_april_2026_keeping_its_agency_code(
    registry: UnitRegistry,
) -> None:
    code = registry.by_nso_code("commune", 25270).code
    before, after = registry.on(code, date(2026, 3, 2)), registry.on(code, date(2026, 5, 4))
    assert (before.name, before.division_type) == ("Xã Lộc Ninh", "xã")
    assert (after.name, after.division_type) == ("Phường Lộc Ninh", "phường")
    assert before.code == after.code == code
    assert before.valid_to == date(2026, 4, 29) and after.valid_from == date(2026, 4, 30)
    assert registry.name_on(code, date(2026, 4, 29)) == "Xã Lộc Ninh"
    assert registry.name_on(code, date(2026, 4, 30)) == "Phường Lộc Ninh"


def test_province_75_is_thanh_pho_dong_nai_from_30_april_2026(registry: UnitRegistry) -> None:
    code = registry.by_nso_code("province", 75).code
    assert registry.name_on(code, date(2026, 4, 29)) == "Tỉnh Đồng Nai"
    assert registry.on(code, date(2026, 4, 30)).division_type == "thành phố"
    assert registry.get(code).name == "Thành phố Đồng Nai"
    assert registry.by_nso_code("province", 75, date(2025, 8, 1)).name == "Tỉnh Đồng Nai"


def test_a_day_before_the_reorganisation_names_the_successor_unit(registry: UnitRegistry) -> None:
    assert registry.name_on("H15.01.36", date(2024, 3, 4)) == "Phường Buôn Ma Thuột"


def test_the_table_round_trips_through_its_csv_shape(registry: UnitRegistry) -> None:
    again = UnitRegistry.from_csv(registry.to_csv())
    assert again.rows() == registry.rows()


def test_one_agency_code_for_two_units_is_refused() -> None:
    province, commune = registry_rows()
    closed = replace(commune, valid_to=date(2026, 12, 31))
    other = replace(commune, nso_code="99999", name="Xã B", valid_from=date(2027, 1, 1))
    with pytest.raises(ValueError, match="two different units"):
        UnitRegistry([province, closed, other])


def test_overlapping_periods_are_refused() -> None:
    first = registry_rows()[0]
    with pytest.raises(ValueError, match="overlap"):
        UnitRegistry([first, replace(first, valid_from=date(2026, 1, 1), name="Tỉnh Mới")])


def registry_rows() -> list[Unit]:
    return [
        Unit("H15", "Tỉnh Đắk Lắk", "province", None, "66", "tỉnh", date(2025, 7, 1)),
        Unit("H15.01.01", "Xã A", "commune", "H15", "24100", "xã", date(2025, 7, 1)),
    ]


def test_commune_procedure_is_routed_to_the_applicants_commune(
    registry: UnitRegistry, catalogue: Catalogue
) -> None:
    birth = catalogue.get("1.001193")
    receiving = registry.get("H15.01.36")
    residence = registry.get("H15.01.70")
    assert route_competent_unit(birth, receiving, residence) == "H15.01.70"


def test_commune_procedure_without_known_residence_stays_at_the_receiving_commune(
    registry: UnitRegistry, catalogue: Catalogue
) -> None:
    birth = catalogue.get("1.001193")
    assert route_competent_unit(birth, registry.get("H15.01.36"), None) == "H15.01.36"


def test_provincial_procedure_is_routed_to_the_province(
    registry: UnitRegistry, catalogue: Catalogue
) -> None:
    criminal_record = catalogue.get("2.000505")
    assert route_competent_unit(criminal_record, registry.get("H15.01.36"), None) == "H15"
    assert route_competent_unit(criminal_record, registry.get("H15"), None) == "H15"


def test_commune_procedure_at_the_provincial_centre_needs_the_residence(
    registry: UnitRegistry, catalogue: Catalogue
) -> None:
    birth = catalogue.get("1.001193")
    with pytest.raises(RoutingFailed):
        route_competent_unit(birth, registry.get("H15"), None)
    assert route_competent_unit(birth, registry.get("H15"), registry.get("H15.01.01")) == (
        "H15.01.01"
    )


def test_non_geographic_intake_stops_at_the_province_boundary(
    registry: UnitRegistry, catalogue: Catalogue
) -> None:
    birth = catalogue.get("1.001193")
    hanoi_ward = registry.children(registry.by_nso_code("province", 1).code)[0]
    with pytest.raises(RoutingFailed, match="outside the province"):
        route_competent_unit(birth, registry.get("H15.01.36"), hanoi_ward)


def test_demo_province_is_dak_lak_with_a_provincial_centre_and_six_communes(
    registry: UnitRegistry,
) -> None:
    demo = load_demo_province(registry)
    units = [centre.unit for centre in demo.centres]
    assert demo.province == "H15" and "H15" in units
    communes = [registry.get(u) for u in units if u != "H15"]
    assert len(communes) == 6
    assert {c.division_type for c in communes} == {"xã", "phường"}
    assert all(centre.counters for centre in demo.centres)


def test_demo_citizens_live_in_the_demo_communes(registry: UnitRegistry) -> None:
    demo_units = {centre.unit for centre in load_demo_province(registry).centres}
    for citizen in load_demo_citizens().values():
        assert citizen.residence_unit in demo_units
        assert registry.get(citizen.residence_unit or "").name in citizen.address
