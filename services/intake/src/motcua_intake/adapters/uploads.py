"""The ``uploads`` collection: who uploaded each stored file, so that only its owner may put it
on a dossier. One document per file, ``_id`` = its object key."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pymongo.asynchronous.collection import AsyncCollection

from motcua_platform.contracts.events import FileRef
from motcua_platform.mongo import IndexSpec

COLLECTION = "uploads"
INDEXES = [IndexSpec(COLLECTION, (("owner", 1), ("uploaded_at", -1)), name="by_owner")]
OwnerKind = Literal["citizen", "unit"]


class Uploads:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self.collection = collection

    async def record(
        self, ref: FileRef, *, owner_kind: OwnerKind, owner: str, at: datetime
    ) -> None:
        """``owner`` is the citizen's pseudonymous key or the official's unit code."""
        await self.collection.insert_one(
            {
                "_id": ref.key,
                "sha256": ref.sha256,
                "size": ref.size,
                "media_type": ref.media_type,
                "owner_kind": owner_kind,
                "owner": owner,
                "uploaded_at": at,
            }
        )

    async def get(self, key: str) -> dict[str, Any] | None:
        return await self.collection.find_one({"_id": key})
