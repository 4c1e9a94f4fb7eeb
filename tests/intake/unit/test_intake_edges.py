"""The pure parts around the domain: error mapping, metrics, locks, throttle windows, the demo's
choice of forms and the service's unit helpers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from intake_helpers import dossier_at_counter, vn
from prometheus_client import CollectorRegistry

from motcua_intake.adapters.lookup_throttle import LookupThrottle
from motcua_intake.commands import RefuseDossier, SubmitDossier
from motcua_intake.context import IntakeContext
from motcua_intake.demo import DOSSIERS, documents
from motcua_intake.domain.completeness import MissingComponent
from motcua_intake.domain.demo_province import load_demo_province
from motcua_intake.domain.documents import Document
from motcua_intake.domain.dossier import Dossier
from motcua_intake.domain.errors import IncompleteDossier, UnknownProcedure
from motcua_intake.domain.procedures import Catalogue
from motcua_intake.domain.units import UnitRegistry
from motcua_intake.locks import KeyedLocks
from motcua_intake.metrics import IntakeMetrics
from motcua_platform.calendar import WorkingCalendar
from motcua_platform.errors import refusal_error as api_error
from motcua_platform.personal_id import InvalidPersonalId

Submission = Callable[..., dict[str, Any]]


# ------------------------------------------------------------------------------ errors


def test_domain_errors_answer_with_field_and_reason() -> None:
    error = api_error(InvalidPersonalId("applicant.personal_id", "has 12 digits", problem="length"))
    assert error.status == 422
    assert error.details == {
        "field": "applicant.personal_id",
        "reason": "has 12 digits",
        "problem": "length",
    }
    assert api_error(UnknownProcedure("9.9")).status == 404


def test_missing_components_are_listed_in_the_details() -> None:
    missing = [MissingComponent("giay_chung_sinh", "Giấy chứng sinh", "missing", "Chưa nộp.")]
    error = api_error(IncompleteDossier(missing))
    assert error.details["field"] == "documents"
    assert error.details["missing"][0]["component"] == "giay_chung_sinh"


def test_refusal_takes_a_list_or_a_single_reason() -> None:
    assert RefuseDossier(reason="A", reasons=["B"]).all_reasons() == ["B", "A"]
    assert RefuseDossier().all_reasons() == []


def test_submission_body_follows_architecture_11() -> None:
    body = SubmitDossier.model_validate(
        {
            "procedure_code": "1.001193",
            "channel": "counter",
            "receiving_unit": "H15.01.36",
            "applicant": {"personal_id": "079203001234"},
            "documents": [{"component": "to_khai", "form": "original", "digitized": True}],
            "accept": True,
            "resolve_on_the_spot": False,
            "at": "2024-03-04T08:15:00+07:00",
        }
    )
    assert body.applicant.typed() == {"personal_id": "079203001234"}
    assert body.documents[0].to_document() == Document("to_khai", digitized=True)


# ------------------------------------------------------------------------------ metrics


def sample(registry: CollectorRegistry, name: str, labels: dict[str, str]) -> float:
    return registry.get_sample_value(name, labels) or 0.0


def test_counter_submission_counts_received_accepted_prefilled_and_on_the_spot(
    submission: Submission, calendar: WorkingCalendar, birth_documents: list[Document]
) -> None:
    registry = CollectorRegistry()
    metrics = IntakeMetrics(registry)
    dossier = dossier_at_counter(
        submission,
        calendar,
        "1.001193",
        birth_documents,
        vn(2026, 10, 5, 9),
        resolve_on_the_spot=True,
    )
    metrics.count(dossier, dossier.pull_events())
    by_channel = {"unit": "H15.01.36", "channel": "counter"}
    per_unit = {"unit": "H15.01.36"}
    assert sample(registry, "motcua_dossiers_received_total", by_channel) == 1
    assert sample(registry, "motcua_dossiers_accepted_total", by_channel) == 1
    assert sample(registry, "motcua_dossiers_prefilled_total", per_unit) == 1
    assert sample(registry, "motcua_dossiers_on_the_spot_total", per_unit) == 1


def test_supplement_request_and_refusal_are_counted(submission: Submission) -> None:
    registry = CollectorRegistry()
    metrics = IntakeMetrics(registry)
    dossier = Dossier.submit(**submission(channel="online", documents=[]))
    dossier.pull_events()
    dossier.request_supplement(at=vn(2026, 10, 5, 10))
    dossier.refuse(at=vn(2026, 10, 5, 11), reasons=["Không đủ điều kiện"])
    metrics.count(dossier, dossier.pull_events())
    labels = {"unit": "H15.01.36", "stage": "intake"}
    assert sample(registry, "motcua_supplements_requested_total", labels) == 1
    refused = {"unit": "H15.01.36", "channel": "online"}
    assert sample(registry, "motcua_dossiers_refused_total", refused) == 1


# ------------------------------------------------------------------------------ locks


async def test_keyed_locks_serialise_one_key_and_forget_it_afterwards() -> None:
    locks = KeyedLocks()
    order: list[str] = []

    async def worker(name: str, key: str) -> None:
        async with locks.hold(key):
            order.append(f"{name}+")
            await asyncio.sleep(0.01)
            order.append(f"{name}-")

    await asyncio.gather(worker("a", "k"), worker("b", "k"), worker("c", "other"))
    assert order.index("a-") < order.index("b+") or order.index("b-") < order.index("a+")
    assert len(locks) == 0


# ------------------------------------------------------------------------------ throttle


def test_throttle_windows_and_keys_reveal_no_client_address() -> None:
    now = [1_000_000.0]
    throttle = LookupThrottle(
        None,  # type: ignore[arg-type]  # only the pure parts are used here
        window_seconds=900,
        per_code=5,
        per_client=20,
        clock=lambda: now[0],
    )
    window, retry_after = throttle._window()
    assert window == 1111 and retry_after == 800  # 100 s into a 900 s window
    limits = throttle.limits("H15.01.36-260105-0001", "203.0.113.7")
    assert [limit.failures for limit in limits] == [5, 20]
    assert "203.0.113.7" not in limits[1].key


# ------------------------------------------------------------------------------ demo


def test_demo_picks_forms_each_channel_accepts(catalogue: Catalogue) -> None:
    def detail(code: str) -> dict[str, Any]:
        version = catalogue.get(code).current
        return {"current": {"components": [c.model_dump() for c in version.components]}}

    online = documents(detail("1.001193"), "online")
    assert {d["form"] for d in online} == {"electronic"}
    postal = documents(detail("1.000656"), "postal")
    assert "photocopy" not in {d["form"] for d in postal}
    assert len({(d.unit, d.procedure) for d in DOSSIERS}) == len(DOSSIERS)
    assert any(d.on_the_spot for d in DOSSIERS)
    assert {d.channel for d in DOSSIERS} == {"counter", "online", "postal"}


# ------------------------------------------------------------------------------ service


@pytest.fixture(scope="module")
def service(catalogue: Catalogue) -> IntakeContext:
    units = UnitRegistry.load_default()
    return IntakeContext(
        store=None,  # type: ignore[arg-type]
        codes=None,  # type: ignore[arg-type]
        registry=None,  # type: ignore[arg-type]
        history=None,  # type: ignore[arg-type]
        access_log=None,  # type: ignore[arg-type]
        throttle=None,  # type: ignore[arg-type]
        catalogue=catalogue,
        units=units,
        metrics=None,  # type: ignore[arg-type]
        pseudonym_secret=b"k",
        public_base_url="https://dichvucong.daklak.example",
        demo_province=load_demo_province(units),
    )


def test_forms_are_headed_by_the_centre_and_dated_in_the_province(service: IntakeContext) -> None:
    day = date(2026, 5, 4)
    assert (
        service.unit_name("H15.01.36", day)
        == "Trung tâm Phục vụ hành chính công phường Buôn Ma Thuột"
    )
    assert service.unit_name("H15.01.02", day).startswith("Bộ phận Một cửa ")
    assert service.place("H15.01.36", day) == "Đắk Lắk"


def test_forms_name_the_unit_and_province_as_they_were_on_the_dossiers_day(
    service: IntakeContext,
) -> None:
    loc_ninh = service.units.by_nso_code("commune", 25270).code
    assert service.unit_name(loc_ninh, date(2026, 3, 2)) == "Bộ phận Một cửa Xã Lộc Ninh"
    assert service.unit_name(loc_ninh, date(2026, 5, 4)) == "Bộ phận Một cửa Phường Lộc Ninh"
    assert service.place(loc_ninh, date(2026, 3, 2)) == "Đồng Nai"


def test_result_is_returned_at_the_counter_of_the_procedures_sector(
    service: IntakeContext,
) -> None:
    assert service.return_counter("H15.01.36", "1.001193") == "H15.01.36-Q01"  # Hộ tịch
    assert service.return_counter("H15.01.02", "1.001193") is None  # no centre configured
