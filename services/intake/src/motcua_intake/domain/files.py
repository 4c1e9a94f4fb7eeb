"""Scanned documents and electronic results as files: which files are accepted and how a stored
file is named.

A file is judged by its content, never by its name or the type the browser claims: a renamed
executable is refused even when it is called ``giay_khai_sinh.pdf``. Keys are random, so no
personal data reaches object storage names, links or logs.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import PurePath

import filetype  # type: ignore[import-untyped]

from motcua_intake.domain.errors import DomainError
from motcua_platform.contracts.events import FileRef

# PDF for scanned papers and signed results; JPEG and PNG for photos taken with a phone.
ACCEPTED_MEDIA_TYPES: dict[str, frozenset[str]] = {
    "application/pdf": frozenset({".pdf"}),
    "image/jpeg": frozenset({".jpg", ".jpeg"}),
    "image/png": frozenset({".png"}),
}
ACCEPTED_LABEL = "PDF, JPEG hoặc PNG"
# What the browser may claim for a file without knowing better; it is then not a contradiction.
_UNKNOWN_DECLARED = frozenset({"", "application/octet-stream"})


class FileRefused(DomainError):
    """An upload the counter does not store. ``reason`` says why, for the HTTP status."""

    def __init__(self, reason: str, code: str, message: str, details: dict[str, object]) -> None:
        super().__init__(code, message, field="file", details=details)
        self.reason = reason


class FileTooLarge(FileRefused):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(
            "too_large",
            "file_too_large",
            f"Tệp quá lớn: {size} byte, tối đa {limit} byte.",
            {"size": size, "limit": limit},
        )


class EmptyFile(FileRefused):
    def __init__(self) -> None:
        super().__init__("invalid", "file_empty", "Tệp rỗng.", {})


class FileTypeNotAccepted(FileRefused):
    def __init__(self, detected: str | None) -> None:
        super().__init__(
            "unsupported",
            "file_type_not_accepted",
            f"Chỉ nhận tệp {ACCEPTED_LABEL}; nội dung tệp không phải các loại này.",
            {"detected": detected, "accepted": sorted(ACCEPTED_MEDIA_TYPES)},
        )


class FileNotWhatItsNameSays(FileRefused):
    def __init__(self, detected: str, claimed: str) -> None:
        super().__init__(
            "unsupported",
            "file_type_mismatch",
            f"Nội dung tệp ({detected}) không khớp với tên hoặc loại tệp ({claimed}).",
            {"detected": detected, "claimed": claimed},
        )


@dataclass(frozen=True)
class Inspected:
    """What the content of an accepted upload is."""

    media_type: str
    sha256: str
    size: int


def inspect_upload(
    data: bytes, *, filename: str | None, declared_type: str | None, max_bytes: int
) -> Inspected:
    """Accept ``data`` as a PDF, JPEG or PNG within ``max_bytes``, judged by its content; the
    name's extension and the declared type must not say otherwise."""
    if len(data) > max_bytes:
        raise FileTooLarge(len(data), max_bytes)
    if not data:
        raise EmptyFile()
    detected = filetype.guess_mime(data[:8192])
    if detected not in ACCEPTED_MEDIA_TYPES:
        raise FileTypeNotAccepted(detected)
    suffix = PurePath(filename or "").suffix.lower()
    if suffix and suffix not in ACCEPTED_MEDIA_TYPES[detected]:
        raise FileNotWhatItsNameSays(detected, suffix)
    declared = (declared_type or "").split(";")[0].strip().lower()
    if declared not in _UNKNOWN_DECLARED and declared != detected:
        raise FileNotWhatItsNameSays(detected, declared)
    return Inspected(media_type=detected, sha256=hashlib.sha256(data).hexdigest(), size=len(data))


def new_file_key(day_folder: str, random: uuid.UUID | None = None) -> str:
    """``files/<yyyy-mm>/<random>``: the month keeps listings manageable, the rest is random."""
    return f"files/{day_folder}/{(random or uuid.uuid4()).hex}"


def file_ref(key: str, inspected: Inspected, component: str | None = None) -> FileRef:
    return FileRef(
        key=key,
        sha256=inspected.sha256,
        size=inspected.size,
        media_type=inspected.media_type,
        component=component,
    )
