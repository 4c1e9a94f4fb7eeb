"""The demo province that ``make run`` configures: one provincial and six commune centres.

Kept as data (``data/demo_province.json``) so a real province can be described the same way:
which units run a one-stop centre (Trung tâm Phục vụ hành chính công) and which counters (quầy)
each has. A counter with no ``fields`` takes every sector (lĩnh vực).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from motcua_intake.data import load_json
from motcua_intake.domain.units import UnitRegistry


class Counter(BaseModel):
    """Quầy tiếp nhận và trả kết quả; its code is what the rating kiosk URL carries."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"^H\d{2}(?:\.\d{2,3}){0,3}-Q\d{2}$")
    name: str
    fields: tuple[str, ...] = ()

    def serves(self, field: str) -> bool:
        return not self.fields or field in self.fields


class Centre(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    unit: str
    nso_code: str
    name: str
    address: str
    counters: tuple[Counter, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _counters_belong_here(self) -> Centre:
        for counter in self.counters:
            if not counter.code.startswith(self.unit + "-"):
                raise ValueError(f"counter {counter.code} does not belong to {self.unit}")
        return self

    def counter_for(self, field: str) -> Counter:
        """The first counter serving ``field`` (every centre has a catch-all or a match)."""
        return next((c for c in self.counters if c.serves(field)), self.counters[0])


class DemoProvince(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    province: str
    centres: tuple[Centre, ...] = Field(min_length=1)

    def centre(self, unit: str) -> Centre | None:
        return next((c for c in self.centres if c.unit == unit), None)

    def check_against(self, registry: UnitRegistry) -> None:
        """Fail loudly if the configuration names units that do not exist or do not match."""
        for centre in self.centres:
            unit = registry.get(centre.unit)
            if unit.nso_code != str(int(centre.nso_code)):
                raise ValueError(
                    f"centre {centre.unit}: NSO code {centre.nso_code} does not match the unit "
                    f"{unit.name} ({unit.nso_code}); check the units table (data/units.csv)"
                )
            if unit.province_code != self.province:
                raise ValueError(f"centre {centre.unit} is outside province {self.province}")


def load_demo_province(registry: UnitRegistry | None = None) -> DemoProvince:
    """Load ``data/demo_province.json`` and check it against the unit registry."""
    demo = DemoProvince.model_validate(load_json("demo_province.json"))
    demo.check_against(registry or UnitRegistry.load_default())
    return demo
