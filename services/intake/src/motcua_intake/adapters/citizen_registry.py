"""The population registry (CSDL quốc gia về dân cư) as intake sees it: one question, "who has
this personal ID number?".

Production answers it through the national database's integration gateway; local runs and demos
use :class:`DemoCitizenRegistry`, a MongoDB collection seeded from ``data/demo_citizens.json``.
The protocol stays this narrow so the national adapter has nothing else to implement.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError

from motcua_intake.domain.citizens import CitizenRecord, load_demo_citizens

log = logging.getLogger(__name__)

COLLECTION = "citizen_registry"


class CitizenRegistry(Protocol):
    async def find(self, personal_id: str) -> CitizenRecord | None:
        """The registry's record of a structurally valid personal ID number, if any."""
        ...


class DemoCitizenRegistry:
    """A stand-in for the national registry, keyed by personal ID number (``_id``)."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self.collection = collection

    async def find(self, personal_id: str) -> CitizenRecord | None:
        doc = await self.collection.find_one({"_id": personal_id})
        if doc is None:
            return None
        doc.pop("_id")
        return CitizenRecord.model_validate({"personal_id": personal_id, **doc})

    async def seed_if_empty(self) -> int:
        """Load the demo citizens once; replicas starting together may race, so duplicates are
        expected and ignored."""
        if await self.collection.estimated_document_count() > 0:
            return 0
        docs = [
            {
                "_id": pid,
                **record.model_dump(mode="json", exclude={"personal_id"}, exclude_none=True),
            }
            for pid, record in load_demo_citizens().items()
        ]
        try:
            result = await self.collection.insert_many(docs, ordered=False)
            inserted = len(result.inserted_ids)
        except BulkWriteError as exc:
            inserted = exc.details.get("nInserted", 0)
        log.info("demo citizen registry seeded with %d records", inserted)
        return inserted
