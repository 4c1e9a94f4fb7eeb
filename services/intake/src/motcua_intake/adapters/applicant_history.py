"""What the citizen's earlier dossiers said about them, for prefill ("công dân không viết").

One document per citizen, keyed by the pseudonymous applicant key, holds the latest value of each
applicant field any of their dossiers carried. Prefill then costs one ``_id`` read instead of a
query over every dossier (which FerretDB would answer with a collection scan); newer dossiers
overwrite older values field by field, which is what "most recent dossier first" means.
The profile is derived data: if writing it fails, the dossier stands and only a later prefill
knows less.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError, PyMongoError

from motcua_intake.domain.citizens import APPLICANT_FIELDS

log = logging.getLogger(__name__)

COLLECTION = "applicant_history"


class ApplicantHistory:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self.collection = collection

    async def latest(self, applicant_key: str) -> list[dict[str, Any]]:
        """The applicant data of earlier dossiers, most recent first (empty if none)."""
        doc = await self.collection.find_one({"_id": applicant_key}, {"applicant": 1})
        return [dict(doc["applicant"])] if doc and doc.get("applicant") else []

    async def remember(
        self, applicant_key: str, applicant: Mapping[str, Any], dossier_code: str, at: datetime
    ) -> None:
        fields = {
            f"applicant.{name}": applicant[name]
            for name in APPLICANT_FIELDS
            if applicant.get(name) not in (None, "")
        }
        update = {"$set": {**fields, "last_dossier": dossier_code, "updated_at": at}}
        try:
            await self.collection.update_one({"_id": applicant_key}, update, upsert=True)
        except DuplicateKeyError:  # two first dossiers of one citizen at once
            await self.collection.update_one({"_id": applicant_key}, update)
        except PyMongoError:
            log.warning("applicant history not updated for dossier %s", dossier_code)
