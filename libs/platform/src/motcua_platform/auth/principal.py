"""Who is calling, and what they may touch."""

from __future__ import annotations

from dataclasses import dataclass

from motcua_platform.agency import within
from motcua_platform.errors import ApiError

ROLES = frozenset({"receiver", "specialist", "leader", "admin", "auditor"})


@dataclass(frozen=True)
class Principal:
    subject: str
    unit: str
    roles: frozenset[str]
    name: str | None = None

    def can_access(self, unit: str | None) -> bool:
        return unit is not None and within(self.unit, unit)

    def require_unit(self, unit: str | None, what: str = "resource") -> None:
        """403 for another unit's data (a commune official never sees another commune's
        dossiers)."""
        if not self.can_access(unit):
            raise ApiError(
                403,
                "out_of_scope",
                f"this {what} belongs to a unit outside your scope",
                {"unit": unit, "your_unit": self.unit},
            )

    def has_any(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))
