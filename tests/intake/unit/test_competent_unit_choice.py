"""Which unit decides a new dossier: the one the official names (checked) or the routed one."""

from __future__ import annotations

import pytest

from motcua_intake.domain.errors import RoutingFailed, UnknownUnit
from motcua_intake.domain.procedures import Catalogue
from motcua_intake.domain.units import UnitRegistry, choose_competent_unit

BIRTH = "1.001193"  # commune level
JUDICIAL_RECORD = "2.000505"  # province level


@pytest.fixture(scope="module")
def units() -> UnitRegistry:
    return UnitRegistry.load_default()


def test_routed_to_the_commune_of_residence(units: UnitRegistry, catalogue: Catalogue) -> None:
    receiving = units.get("H15.01.38")
    chosen = choose_competent_unit(units, catalogue.get(BIRTH), receiving, None, "H15.01.36")
    assert chosen == "H15.01.36"


def test_routed_to_the_receiving_commune_without_residence(
    units: UnitRegistry, catalogue: Catalogue
) -> None:
    receiving = units.get("H15.01.38")
    assert choose_competent_unit(units, catalogue.get(BIRTH), receiving, None, None) == "H15.01.38"


def test_provincial_procedure_goes_to_the_province(
    units: UnitRegistry, catalogue: Catalogue
) -> None:
    receiving = units.get("H15.01.38")
    chosen = choose_competent_unit(units, catalogue.get(JUDICIAL_RECORD), receiving, None, None)
    assert chosen == "H15"


def test_named_unit_is_kept_when_it_fits(units: UnitRegistry, catalogue: Catalogue) -> None:
    receiving = units.get("H15.01.38")
    chosen = choose_competent_unit(units, catalogue.get(BIRTH), receiving, "H15.01.40", None)
    assert chosen == "H15.01.40"


def test_named_unit_at_the_wrong_level_or_province_is_refused(
    units: UnitRegistry, catalogue: Catalogue
) -> None:
    receiving = units.get("H15.01.38")
    with pytest.raises(RoutingFailed):
        choose_competent_unit(units, catalogue.get(BIRTH), receiving, "H15", None)
    elsewhere = next(u for u in units.communes() if u.parent != "H15")
    with pytest.raises(RoutingFailed) as caught:
        choose_competent_unit(units, catalogue.get(BIRTH), receiving, elsewhere.code, None)
    assert caught.value.field == "competent_unit"


def test_unknown_units_name_their_field(units: UnitRegistry, catalogue: Catalogue) -> None:
    receiving = units.get("H15.01.38")
    with pytest.raises(UnknownUnit) as caught:
        choose_competent_unit(units, catalogue.get(BIRTH), receiving, "H15.99.99", None)
    assert caught.value.field == "competent_unit"
    with pytest.raises(UnknownUnit) as caught:
        choose_competent_unit(units, catalogue.get(BIRTH), receiving, None, "H15.99.99")
    assert caught.value.field == "applicant.residence_unit"
