"""What the citizen's earlier dossiers said about them, for prefill ("công dân không viết").

One document per citizen, keyed by the pseudonymous applicant key, holds the latest value of each
applicant field any of their dossiers carried. Prefill then costs one ``_id`` read instead of a
query over every dossier (which FerretDB would answer with a collection scan); newer dossiers
overwrite older values field by field, which is what "most recent dossier first" means.
The profile is derived data, written after the dossier: if writing it fails (or the process
dies first), the dossier stands, and the dossier store's projection flag makes :meth:`catch_up`
write it a few seconds later.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError, PyMongoError

from motcua_intake.domain.citizens import APPLICANT_FIELDS
from motcua_intake.domain.dossier import Dossier

log = logging.getLogger(__name__)

COLLECTION = "applicant_history"


class ApplicantHistory:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self.collection = collection

    async def latest(self, applicant_key: str) -> list[dict[str, Any]]:
        """The applicant data of earlier dossiers, most recent first (empty if none)."""
        doc = await self.collection.find_one({"_id": applicant_key}, {"applicant": 1})
        return [dict(doc["applicant"])] if doc and doc.get("applicant") else []

    async def catch_up(self, dossiers: Sequence[Dossier]) -> int:
        """Remember the applicants of ``dossiers`` that their profiles do not reflect yet: a
        profile last updated before the dossier's submission, or none at all. Returns how many
        were behind."""
        keyed = [d for d in dossiers if d.applicant_key and d.submitted_at is not None]
        keys = sorted({d.applicant_key for d in keyed})
        if not keys:
            return 0
        cursor = self.collection.find({"_id": {"$in": keys}}, {"updated_at": 1})
        updated = {doc["_id"]: doc.get("updated_at") async for doc in cursor}
        behind = 0
        for dossier in sorted(keyed, key=lambda d: d.submitted_at or datetime.min):
            at = dossier.submitted_at
            assert at is not None
            seen = updated.get(dossier.applicant_key)
            if seen is not None and seen >= at:
                continue
            # Errors propagate: the round fails and the flags stay up for the next one.
            await self._write(dossier.applicant_key, dossier.applicant, dossier.code, at)
            updated[dossier.applicant_key] = at
            behind += 1
        return behind

    async def remember(
        self, applicant_key: str, applicant: Mapping[str, Any], dossier_code: str, at: datetime
    ) -> None:
        """After a submission: a failure is only logged, the dossier stands and the catch-up
        writes the profile later."""
        try:
            await self._write(applicant_key, applicant, dossier_code, at)
        except PyMongoError:
            log.warning("applicant history not updated for dossier %s", dossier_code)

    async def _write(
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
