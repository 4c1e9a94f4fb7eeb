"""Giấy tờ handed in with a dossier, and how the form of a paper ranks."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from motcua_intake.domain.procedures import DocumentForm
from motcua_platform.contracts.events import DocumentRef

FORM_LABELS: dict[str, str] = {
    "original": "bản chính",
    "certified_copy": "bản sao có chứng thực",
    "photocopy": "bản photo",
    "electronic": "bản điện tử",
}

# A stronger paper always does where a weaker one is accepted: whoever accepts a photocopy
# accepts the original. Electronic copies are a separate matter (see completeness).
PAPER_RANK: dict[str, int] = {"photocopy": 0, "certified_copy": 1, "original": 2}


@dataclass(frozen=True)
class Document:
    """One component as handed in: its form, whether it was scanned (số hóa) at intake, whether
    it was reused from data already held (766 indicator 4.3), and how many copies."""

    component: str
    form: DocumentForm = "original"
    digitized: bool = False
    reused: bool = False
    copies: int = 1

    def __post_init__(self) -> None:
        if self.form not in FORM_LABELS:
            raise ValueError(f"unknown document form {self.form!r}")
        if self.copies < 1:
            raise ValueError("a document has at least one copy")

    def to_ref(self) -> DocumentRef:
        """The contract shape (``dossier.*`` events)."""
        return DocumentRef(
            component=self.component,
            form=self.form,
            digitized=self.digitized,
            reused=self.reused,
            copies=self.copies,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_data(cls, data: DocumentRef | dict[str, Any]) -> Document:
        """From a contract model, a stored document or a request body."""
        if isinstance(data, DocumentRef):
            data = data.model_dump()
        return cls(
            component=str(data["component"]),
            form=data.get("form", "original"),
            digitized=bool(data.get("digitized", False)),
            reused=bool(data.get("reused", False)),
            copies=int(data.get("copies", 1)),
        )
