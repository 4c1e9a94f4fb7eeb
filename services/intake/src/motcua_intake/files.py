"""Files on dossiers: storing an upload, putting stored files on a dossier, and short-lived
download links checked against the caller's rights when issued.

The dossier and its events hold ``{key, sha256, size, media_type, component}`` references; the
bytes live only in object storage.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from motcua_intake.adapters.object_store import ObjectMissing, ObjectStore
from motcua_intake.adapters.uploads import OwnerKind, Uploads
from motcua_intake.domain.documents import Document
from motcua_intake.domain.errors import DomainError, NotFound
from motcua_intake.domain.file_links import FileLink, open_link, sign_link
from motcua_intake.domain.files import file_ref, inspect_upload, new_file_key
from motcua_platform.calendar import VN_TZ
from motcua_platform.contracts.events import FileRef


class FileNotYours(DomainError):
    """A file named on a dossier that the caller did not upload (or that does not exist: the
    answer is the same, so keys cannot be probed)."""

    def __init__(self, key: str, field: str) -> None:
        super().__init__(
            "file_not_yours",
            "Tệp này không thuộc về bạn hoặc không tồn tại.",
            field=field,
            details={"key": key},
        )
        self.reason = "forbidden"


class FileNotOnDossier(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__(
            "file_not_on_dossier", "Hồ sơ không có tệp này.", field="key", details={"key": key}
        )


class DossierFiles:
    def __init__(
        self,
        store: ObjectStore,
        uploads: Uploads,
        *,
        link_secret: bytes,
        link_ttl: timedelta,
        max_bytes: int,
    ) -> None:
        self.store = store
        self.uploads = uploads
        self.link_secret = link_secret
        self.link_ttl = link_ttl
        self.max_bytes = max_bytes

    async def upload(
        self,
        data: bytes,
        *,
        filename: str | None,
        declared_type: str | None,
        owner_kind: OwnerKind,
        owner: str,
        at: datetime,
    ) -> FileRef:
        inspected = inspect_upload(
            data, filename=filename, declared_type=declared_type, max_bytes=self.max_bytes
        )
        key = new_file_key(at.astimezone(VN_TZ).strftime("%Y-%m"))
        ref = file_ref(key, inspected)
        # Bytes first: a record never points at a file that was not stored.
        await self.store.put(key, data, inspected.media_type, inspected.sha256)
        await self.uploads.record(ref, owner_kind=owner_kind, owner=owner, at=at)
        return ref

    async def attach(
        self,
        documents: Sequence[Document],
        file_keys: Sequence[str | None],
        *,
        owners: Iterable[tuple[OwnerKind, str]],
        earlier_files: Iterable[str] = (),
    ) -> list[Document]:
        """The documents with the files they name, each checked to be the caller's own upload.
        A file already on an earlier dossier counts as reused (QĐ 766 indicator 4.3)."""
        allowed = set(owners)
        earlier = set(earlier_files)
        attached: list[Document] = []
        for index, (document, key) in enumerate(zip(documents, file_keys, strict=True)):
            if key is None:
                attached.append(document)
                continue
            field = f"documents[{index}].file_key"
            record = await self.uploads.get(key)
            if record is None or (record["owner_kind"], record["owner"]) not in allowed:
                raise FileNotYours(key, field)
            ref = FileRef(
                key=key,
                sha256=record["sha256"],
                size=record["size"],
                media_type=record["media_type"],
                component=document.component,
            )
            attached.append(
                replace(
                    document,
                    file=ref,
                    form="electronic",
                    digitized=True,
                    reused=document.reused or key in earlier,
                )
            )
        return attached

    def link(
        self, dossier_code: str, key: str, files: Iterable[FileRef], now: datetime
    ) -> dict[str, Any]:
        """A download link for ``key`` if the dossier holds it; the caller's rights on the
        dossier were checked before."""
        ref = next((f for f in files if f.key == key), None)
        if ref is None:
            raise FileNotOnDossier(key)
        token, expires_at = sign_link(self.link_secret, key, dossier_code, now, self.link_ttl)
        return {
            "token": token,
            "expires_at": expires_at.astimezone(VN_TZ).isoformat(),
            "media_type": ref.media_type,
            "size": ref.size,
            "sha256": ref.sha256,
        }

    def open(self, token: str, now: datetime) -> FileLink:
        return open_link(self.link_secret, token, now)

    async def read(self, link: FileLink, expected: FileRef) -> bytes:
        try:
            data = await self.store.get(link.key)
        except ObjectMissing:
            raise FileNotOnDossier(link.key) from None
        if hashlib.sha256(data).hexdigest() != expected.sha256:
            raise DomainError(
                "file_corrupted", "Tệp lưu trữ không khớp mã băm SHA-256.", field="key"
            )
        return data


def dossier_files(
    state: dict[str, Any], documents: Iterable[Document], supplements: Iterable[Iterable[Document]]
) -> list[FileRef]:
    """Every file a dossier holds: its documents, supplements and the electronic result."""
    refs = [d.file for d in documents if d.file]
    for handed_in in supplements:
        refs.extend(d.file for d in handed_in if d.file)
    if state.get("result_file"):
        refs.append(FileRef.model_validate(state["result_file"]))
    return refs
