"""Shared builders for the intake domain tests (pure: no broker, no database)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from intake_helpers import DEMO_ID, RECEIVING_UNIT, SECRET, vn

from motcua_intake.domain.citizens import load_demo_citizens, prefill
from motcua_intake.domain.documents import Document
from motcua_intake.domain.procedures import Catalogue
from motcua_platform.calendar import WorkingCalendar
from motcua_platform.personal_id import pseudonymous_key


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return Catalogue.load_default()


@pytest.fixture(scope="session")
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


@pytest.fixture
def submission(catalogue: Catalogue) -> Callable[..., dict[str, Any]]:
    """Arguments of ``Dossier.submit`` for a demo citizen found in the registry."""

    def build(
        procedure_code: str = "1.001193",
        *,
        at: datetime | None = None,
        channel: str = "counter",
        documents: list[Document] | None = None,
        number: int = 1,
        **overrides: Any,
    ) -> dict[str, Any]:
        at = at or vn(2026, 10, 5, 9, 0)
        procedure = catalogue.get(procedure_code)
        applicant, prefilled = prefill({"personal_id": DEMO_ID}, load_demo_citizens()[DEMO_ID])
        args: dict[str, Any] = {
            "code": f"{RECEIVING_UNIT}-{at:%y%m%d}-{number:04d}",
            "procedure": procedure,
            "version": procedure.version_at(at.date()),
            "channel": channel,
            "receiving_unit": RECEIVING_UNIT,
            "competent_unit": RECEIVING_UNIT,
            "applicant": applicant,
            "applicant_key": pseudonymous_key(DEMO_ID, SECRET),
            "at": at,
            "prefilled_fields": prefilled,
            "applicant_in_registry": True,
            "documents": documents if documents is not None else [],
            "random_bytes": lambda n: bytes(range(n)),
        }
        args.update(overrides)
        return args

    return build


@pytest.fixture
def birth_documents() -> list[Document]:
    """A complete birth registration at the counter (the ID card comes from the registry)."""
    return [Document("to_khai"), Document("giay_chung_sinh", digitized=True)]
