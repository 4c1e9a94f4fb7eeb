"""Who performs a command: an official identified by the token's subject, unit and roles, with
the display name it gives (recorded with the step, so that screens and forms show a name)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    """An official (cán bộ) acting on a case.

    ``roles`` are the token's roles (``receiver``, ``specialist``, ``leader``, …); the domain only
    needs to know whether the person leads a unit, because a leader may act on a step assigned to
    someone else in that unit (phân công lại, ký thay).
    """

    id: str
    unit: str
    roles: frozenset[str] = field(default_factory=frozenset)
    name: str | None = None  # the display name the identity provider gives, if any

    def has_role(self, role: str) -> bool:
        """Whether the token grants ``role``."""
        return role in self.roles

    def leads(self, unit: str) -> bool:
        """Whether this person is a leader (lãnh đạo) of ``unit``."""
        return self.unit == unit and self.has_role("leader")
