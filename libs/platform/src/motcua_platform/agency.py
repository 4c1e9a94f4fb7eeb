"""Agency codes (mã định danh cơ quan): dotted and hierarchical, so ``H15`` (the province)
supervises ``H15.01`` and ``H15.01.36`` below it. Whole segments only: ``H1`` is not above
``H15``."""

from __future__ import annotations


def within(scope: str, code: str) -> bool:
    """Whether ``code`` is the unit ``scope`` itself or a unit below it."""
    return code == scope or code.startswith(scope + ".")


def above(parent: str, child: str) -> bool:
    """Whether ``parent`` is a strict ancestor of ``child``."""
    return child.startswith(parent + ".")


def unit_path(code: str | None) -> list[str]:
    """``H15.01.36`` → ``["H15", "H15.01", "H15.01.36"]``: stored with a record, one equality
    match on this array finds the records of a unit and of every unit below it (an index, no
    regular expression). No code, no path."""
    if not code:
        return []
    parts = code.split(".")
    return [".".join(parts[:depth]) for depth in range(1, len(parts) + 1)]
