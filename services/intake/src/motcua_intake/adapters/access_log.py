"""Nhật ký truy cập dữ liệu cá nhân: who read whose personal data, what, and when.

Every read of personal data by an official (a registry lookup, a dossier, a printed form) is
written here before the data is returned, so a read without a trace cannot happen. The citizen
is identified by the pseudonymous key, never by the personal ID number: the log itself must not
become a second copy of the data it protects.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pymongo.asynchronous.collection import AsyncCollection

from motcua_platform.auth import Principal
from motcua_platform.contracts import new_event_id
from motcua_platform.mongo import IndexSpec

COLLECTION = "access_log"
INDEXES = [
    IndexSpec(COLLECTION, (("applicant_key", 1), ("at", -1)), name="by_citizen"),
    IndexSpec(COLLECTION, (("who", 1), ("at", -1)), name="by_official"),
]

Purpose = Literal[
    "lookup", "prefill", "dossier", "receipt", "supplement_request", "refusal", "file"
]


class AccessLog:
    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self.collection = collection

    async def record(
        self,
        principal: Principal,
        *,
        purpose: Purpose,
        applicant_key: str,
        dossier_code: str | None = None,
        found: bool = True,
    ) -> None:
        await self.collection.insert_one(
            {
                "_id": new_event_id(),
                "who": principal.subject,
                "who_unit": principal.unit,
                "purpose": purpose,
                "applicant_key": applicant_key,
                "dossier_code": dossier_code,
                "found": found,
                # Wall-clock time, even in simulation: this is an audit of real reads.
                "at": datetime.now(UTC),
            }
        )
