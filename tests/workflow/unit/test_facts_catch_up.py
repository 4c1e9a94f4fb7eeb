"""The read model's catch-up sends no query for a round without rows: an empty ``$in`` is not
pushed down by the local server, which then reads the whole collection."""

from __future__ import annotations

from typing import Any

from motcua_workflow.reports import FactsReadModel


class RefusesQueries:
    """A collection (and its database) on which any query fails the test."""

    name = "case_facts"

    @property
    def database(self) -> dict[str, Any]:
        return {"read_models": self}

    def find(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"find{args} sent")

    async def find_one(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"find_one{args} sent")


async def test_a_round_of_known_dossiers_without_rows_reads_nothing() -> None:
    facts = FactsReadModel(RefusesQueries())  # type: ignore[arg-type]
    assert await facts.catch_up([]) == 0
