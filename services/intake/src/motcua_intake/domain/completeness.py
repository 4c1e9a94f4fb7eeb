"""Hồ sơ đầy đủ, hợp lệ: is every required component there, in a form the procedure accepts?

The officer checks this before accepting (tiếp nhận); what is missing goes on Mẫu 02 with a
reason for each item, so reasons are written in Vietnamese for the citizen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from motcua_intake.domain.documents import FORM_LABELS, PAPER_RANK, Document
from motcua_intake.domain.errors import UnknownComponent
from motcua_intake.domain.procedures import Component, ProcedureVersion
from motcua_platform.contracts.events import Channel

Problem = Literal["missing", "form_not_accepted"]


@dataclass(frozen=True)
class MissingComponent:
    """A required component that is absent or handed in a form the procedure does not accept."""

    component: str
    name: str
    problem: Problem
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "component": self.component,
            "name": self.name,
            "problem": self.problem,
            "reason": self.reason,
        }


def validate_documents(
    version: ProcedureVersion, documents: Iterable[Document], procedure_code: str
) -> None:
    """Refuse documents for components the procedure version does not have."""
    for index, document in enumerate(documents):
        if version.component(document.component) is None:
            raise UnknownComponent(document.component, procedure_code, field=f"documents[{index}]")


def check_completeness(
    version: ProcedureVersion,
    documents: Sequence[Document],
    *,
    channel: Channel,
    registry_data_available: bool = False,
) -> list[MissingComponent]:
    """Every problem that keeps the dossier from being accepted; empty when complete.

    ``registry_data_available`` says the applicant was found in the population registry, so
    components flagged ``reusable_from_registry`` need no paper: citizens are not asked again for
    what the State already holds electronically (NĐ 45/2020, NĐ 118/2025).
    """
    problems: list[MissingComponent] = []
    for component in version.components:
        if not component.required:
            continue
        handed_in = [d for d in documents if d.component == component.code]
        acceptable = [d for d in handed_in if form_acceptable(component, d, channel)]
        if sum(d.copies for d in acceptable) >= component.copies:
            continue
        if not handed_in and component.reusable_from_registry and registry_data_available:
            continue
        if not handed_in:
            problems.append(
                MissingComponent(component.code, component.name, "missing", "Chưa nộp.")
            )
            continue
        problems.append(
            MissingComponent(
                component.code,
                component.name,
                "form_not_accepted",
                _form_reason(component, handed_in, channel),
            )
        )
    return problems


def form_acceptable(component: Component, document: Document, channel: Channel) -> bool:
    """Whether ``document`` is in a form the component accepts when filed through ``channel``."""
    if document.form == "electronic":
        # Online filings are electronic by nature (NĐ 45/2020); at the counter an electronic
        # copy does only where the procedure says so or the data is reused from the registry.
        return (
            channel is Channel.ONLINE
            or "electronic" in component.accepted_forms
            or (document.reused and component.reusable_from_registry)
        )
    if channel is Channel.POSTAL and document.form == "photocopy":
        # A photocopy is only valid when compared with the original at the counter; by post the
        # copy must be certified (Luật Hộ tịch Điều 9 khoản 2).
        return False
    paper = [PAPER_RANK[form] for form in component.accepted_forms if form in PAPER_RANK]
    return bool(paper) and PAPER_RANK[document.form] >= min(paper)


def registry_documents(
    version: ProcedureVersion, documents: Sequence[Document], registry_data_available: bool
) -> list[Document]:
    """The required components satisfied from the registry rather than on paper.

    They are recorded on the dossier as reused electronic documents, which is what QĐ 766
    indicator 4.3 (khai thác, sử dụng lại dữ liệu số hóa) counts.
    """
    if not registry_data_available:
        return []
    present = {d.component for d in documents}
    return [
        Document(component=c.code, form="electronic", digitized=True, reused=True)
        for c in version.components
        if c.required and c.reusable_from_registry and c.code not in present
    ]


def _form_reason(component: Component, handed_in: Sequence[Document], channel: Channel) -> str:
    given = ", ".join(sorted({FORM_LABELS[d.form] for d in handed_in}))
    wanted = " hoặc ".join(
        FORM_LABELS[f]
        for f in component.accepted_forms
        if channel is Channel.ONLINE or f in PAPER_RANK
    )
    if channel is Channel.POSTAL and any(d.form == "photocopy" for d in handed_in):
        return f"Đã nộp {given}; nộp qua bưu chính phải là bản sao có chứng thực hoặc bản chính."
    return f"Đã nộp {given}; cần {wanted}."
