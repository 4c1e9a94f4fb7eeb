"""The Dossier aggregate: channels, intake decisions, deadlines and storage."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from intake_helpers import dossier_at_counter, vn

from motcua_intake.domain.documents import Document
from motcua_intake.domain.dossier import Dossier
from motcua_intake.domain.errors import (
    ChannelNotOffered,
    DomainError,
    IncompleteDossier,
    InvalidDossierCode,
    InvalidStatus,
    OnTheSpotNotAllowed,
    ReasonRequired,
    UnknownComponent,
    UnknownExemption,
    WithdrawalNotAllowed,
)
from motcua_intake.domain.status import DossierStatus
from motcua_intake.dossier_document import dossier_from_document, dossier_to_document
from motcua_platform.calendar import WorkingCalendar
from motcua_platform.contracts.envelope import Envelope
from motcua_platform.contracts.events import (
    Channel,
    DossierAccepted,
    DossierRefused,
    DossierSubmitted,
    DossierSupplementRequestedAtIntake,
    DossierSupplementSubmitted,
    DossierWithdrawalRequested,
    EventData,
)
from motcua_platform.instants import InvalidTime

Submission = Callable[..., dict[str, Any]]
ONLINE_BIRTH = [Document("to_khai", "electronic"), Document("giay_chung_sinh", "electronic")]


def event_types(dossier: Dossier) -> list[type[EventData]]:
    return [type(event) for event in dossier.pending_events]


# ------------------------------------------------------------------------------ counter


def test_counter_submit_and_accept_emits_submitted_then_accepted(
    submission: Submission, calendar: WorkingCalendar, birth_documents: list[Document]
) -> None:
    dossier = dossier_at_counter(
        submission, calendar, "1.001193", birth_documents, vn(2026, 10, 5, 9, 0)
    )
    assert event_types(dossier) == [DossierSubmitted, DossierAccepted]
    assert dossier.status is DossierStatus.ACCEPTED
    assert dossier.seq == 2
    accepted = dossier.pending_events[1]
    assert isinstance(accepted, DossierAccepted)
    assert accepted.channel is Channel.COUNTER
    assert accepted.allotted_hours == 8 and accepted.same_day
    assert accepted.prefilled_fields == dossier.prefilled_fields
    assert [s.unit for s in accepted.steps] == ["H15.01.36"] * 4
    assert accepted.applicant.full_name == "Nguyễn Văn An"


def test_events_carry_the_pseudonymous_key_never_the_id_number(
    submission: Submission, calendar: WorkingCalendar, birth_documents: list[Document]
) -> None:
    dossier = dossier_at_counter(
        submission, calendar, "1.001193", birth_documents, vn(2026, 10, 5, 9, 0)
    )
    for event in dossier.pending_events:
        assert "079203001234" not in event.model_dump_json()
        assert "2003-03-14" not in event.model_dump_json()  # nor other registry data


@pytest.mark.parametrize(
    ("accepted_at", "due_at"),
    [
        (vn(2026, 10, 5, 14, 50), vn(2026, 10, 5, 17, 0)),  # before 15:00: today
        (vn(2026, 10, 5, 15, 0), vn(2026, 10, 5, 17, 0)),  # at 15:00: still today
        (vn(2026, 10, 5, 15, 20), vn(2026, 10, 6, 17, 0)),  # after 15:00: next working day
        (vn(2026, 10, 9, 15, 30), vn(2026, 10, 12, 17, 0)),  # Friday after 15:00: Monday
    ],
)
def test_same_day_birth_registration_follows_the_15h_cutoff(
    submission: Submission,
    calendar: WorkingCalendar,
    birth_documents: list[Document],
    accepted_at: datetime,
    due_at: datetime,
) -> None:
    dossier = dossier_at_counter(submission, calendar, "1.001193", birth_documents, accepted_at)
    assert dossier.due_at == due_at
    assert dossier.pending_events[1].due_at == due_at  # type: ignore[attr-defined]


def test_three_day_procedure_accepted_before_tet_2026_is_due_after_it(
    submission: Submission, calendar: WorkingCalendar
) -> None:
    # Fri 13/02 10:00 → 5.5 h that day; Tết 16–20/02 is off; Mon 23 and Tue 24 give 16 h;
    # the last 2.5 h end at 10:00 on Wed 25/02/2026.
    documents = [Document("to_khai")]
    dossier = dossier_at_counter(
        submission, calendar, "1.004873", documents, vn(2026, 2, 13, 10, 0)
    )
    assert dossier.due_at == vn(2026, 2, 25, 10, 0)
    assert dossier.allotted_hours == 24


def test_on_the_spot_resolution_is_recorded_for_same_day_procedures(
    submission: Submission, calendar: WorkingCalendar, birth_documents: list[Document]
) -> None:
    dossier = dossier_at_counter(
        submission,
        calendar,
        "1.001193",
        birth_documents,
        vn(2026, 10, 5, 9, 0),
        resolve_on_the_spot=True,
    )
    assert dossier.on_the_spot
    assert dossier.pending_events[1].on_the_spot  # type: ignore[attr-defined]


def test_on_the_spot_is_refused_for_a_three_day_procedure(
    submission: Submission, calendar: WorkingCalendar
) -> None:
    dossier = Dossier.submit(**submission("1.004873", documents=[Document("to_khai")]))
    with pytest.raises(OnTheSpotNotAllowed) as caught:
        dossier.accept(at=vn(2026, 10, 5, 9, 5), calendar=calendar, resolve_on_the_spot=True)
    assert caught.value.field == "resolve_on_the_spot"
    assert dossier.status is DossierStatus.SUBMITTED


def test_fee_exemption_is_applied_and_unknown_exemption_refused(
    submission: Submission, calendar: WorkingCalendar, birth_documents: list[Document]
) -> None:
    late = dossier_at_counter(submission, calendar, "1.001193", birth_documents, vn(2026, 10, 5, 9))
    assert late.acceptance is not None and late.acceptance.fee_total == 8_000
    on_time = dossier_at_counter(
        submission,
        calendar,
        "1.001193",
        birth_documents,
        vn(2026, 10, 5, 9),
        fee_exemptions=["dung_han"],
    )
    assert on_time.acceptance is not None and on_time.acceptance.fee_total == 0
    with pytest.raises(UnknownExemption):
        dossier_at_counter(
            submission,
            calendar,
            "1.001193",
            birth_documents,
            vn(2026, 10, 5, 9),
            fee_exemptions=["sinh_vien"],
        )


def test_registry_data_counts_as_reused_documents(
    submission: Submission, calendar: WorkingCalendar, birth_documents: list[Document]
) -> None:
    dossier = dossier_at_counter(
        submission, calendar, "1.001193", birth_documents, vn(2026, 10, 5, 9)
    )
    reused = [d for d in dossier.documents if d.reused]
    assert [d.component for d in reused] == ["giay_to_tuy_than"]
    assert dossier.citizen_wrote_nothing


# ------------------------------------------------------------------------------ completeness


def test_accepting_an_incomplete_dossier_is_refused_with_the_missing_list(
    submission: Submission, calendar: WorkingCalendar
) -> None:
    dossier = Dossier.submit(
        **submission(documents=[Document("to_khai")], applicant_in_registry=False)
    )
    with pytest.raises(IncompleteDossier) as caught:
        dossier.accept(at=vn(2026, 10, 5, 9, 5), calendar=calendar)
    assert caught.value.missing_components == ["giay_chung_sinh", "giay_to_tuy_than"]
    assert caught.value.field == "documents"
    assert caught.value.details["missing"][0]["problem"] == "missing"
    assert dossier.pending_events and event_types(dossier) == [DossierSubmitted]


def test_photocopy_where_an_original_is_needed_is_incomplete(
    submission: Submission, calendar: WorkingCalendar
) -> None:
    documents = [Document("to_khai"), Document("giay_chung_sinh", "photocopy")]
    dossier = Dossier.submit(**submission(documents=documents))
    with pytest.raises(IncompleteDossier) as caught:
        dossier.accept(at=vn(2026, 10, 5, 9, 5), calendar=calendar)
    (problem,) = caught.value.missing
    assert (problem.component, problem.problem) == ("giay_chung_sinh", "form_not_accepted")
    assert "bản chính" in problem.reason


def test_unknown_component_is_refused_at_submission(submission: Submission) -> None:
    with pytest.raises(UnknownComponent):
        Dossier.submit(**submission(documents=[Document("so_ho_khau")]))


# ------------------------------------------------------------------------------ online


def test_online_submission_waits_in_status_1_without_a_clock(submission: Submission) -> None:
    dossier = Dossier.submit(**submission(channel="online", documents=ONLINE_BIRTH))
    assert dossier.status is DossierStatus.SUBMITTED
    assert event_types(dossier) == [DossierSubmitted]
    assert dossier.due_at is None and dossier.result_delivery == "online"


def test_online_dossier_is_accepted_by_an_official_later(
    submission: Submission, calendar: WorkingCalendar
) -> None:
    dossier = Dossier.submit(
        **submission(channel="online", at=vn(2026, 10, 3, 22, 0), documents=ONLINE_BIRTH)
    )
    dossier.accept(at=vn(2026, 10, 5, 8, 0), calendar=calendar)
    assert dossier.status is DossierStatus.ACCEPTED
    assert dossier.submitted_at == vn(2026, 10, 3, 22, 0)
    assert dossier.accepted_at == vn(2026, 10, 5, 8, 0)
    assert dossier.due_at == vn(2026, 10, 5, 17, 0)


def test_online_dossier_cannot_be_accepted_on_submission(
    submission: Submission, calendar: WorkingCalendar
) -> None:
    with pytest.raises(DomainError) as caught:
        Dossier.submit_and_accept(
            calendar=calendar, **submission(channel="online", documents=ONLINE_BIRTH)
        )
    assert caught.value.code == "accept_on_submission_not_allowed"


def test_supplement_request_lists_missing_components_and_then_accepts(
    submission: Submission, calendar: WorkingCalendar
) -> None:
    dossier = Dossier.submit(
        **submission(channel="online", documents=[Document("to_khai", "electronic")])
    )
    dossier.request_supplement(at=vn(2026, 10, 5, 9, 30))
    request = dossier.pending_events[-1]
    assert isinstance(request, DossierSupplementRequestedAtIntake)
    assert request.missing_components == ["giay_chung_sinh"]
    assert request.reasons and "Giấy chứng sinh" in request.reasons[0]
    assert dossier.status is DossierStatus.SUPPLEMENT_REQUESTED
    assert dossier.due_at is None  # Mẫu 02 starts no clock

    dossier.submit_supplement(
        at=vn(2026, 10, 6, 10, 0), documents=[Document("giay_chung_sinh", "electronic")]
    )
    assert isinstance(dossier.pending_events[-1], DossierSupplementSubmitted)
    assert dossier.status is DossierStatus.SUBMITTED
    assert dossier.supplement_requests[0].answered_at == vn(2026, 10, 6, 10, 0)

    dossier.accept(at=vn(2026, 10, 6, 10, 30), calendar=calendar)
    assert dossier.status is DossierStatus.ACCEPTED
    assert dossier.due_at == vn(2026, 10, 6, 17, 0)  # counted from acceptance


def test_supplement_request_with_typed_reasons_keeps_them(submission: Submission) -> None:
    dossier = Dossier.submit(**submission(channel="online", documents=ONLINE_BIRTH))
    dossier.request_supplement(
        at=vn(2026, 10, 5, 9, 30),
        reasons=["Ảnh Giấy chứng sinh bị mờ, không đọc được số"],
        missing_components=["giay_chung_sinh"],
    )
    assert dossier.supplement_requests[-1].reasons == (
        "Ảnh Giấy chứng sinh bị mờ, không đọc được số",
    )


def test_supplement_request_for_a_complete_dossier_needs_a_reason(
    submission: Submission,
) -> None:
    dossier = Dossier.submit(**submission(channel="online", documents=ONLINE_BIRTH))
    with pytest.raises(ReasonRequired):
        dossier.request_supplement(at=vn(2026, 10, 5, 9, 30))


def test_refusal_records_reasons_and_ends_the_dossier(submission: Submission) -> None:
    dossier = Dossier.submit(**submission(channel="online", documents=ONLINE_BIRTH))
    dossier.refuse(at=vn(2026, 10, 5, 9, 30), reasons=["Không thuộc thẩm quyền", " "])
    refused = dossier.pending_events[-1]
    assert isinstance(refused, DossierRefused)
    assert refused.reasons == ["Không thuộc thẩm quyền"]
    assert dossier.status is DossierStatus.REFUSED
    with pytest.raises(InvalidStatus):
        dossier.accept(at=vn(2026, 10, 5, 10, 0), calendar=WorkingCalendar())


@pytest.mark.parametrize("reasons", [[], [""], ["   "]])
def test_refusal_without_a_reason_is_rejected(submission: Submission, reasons: list[str]) -> None:
    dossier = Dossier.submit(**submission(channel="online", documents=ONLINE_BIRTH))
    with pytest.raises(ReasonRequired) as caught:
        dossier.refuse(at=vn(2026, 10, 5, 9, 30), reasons=reasons)
    assert caught.value.field == "reasons"
    assert dossier.status is DossierStatus.SUBMITTED


def test_accepted_dossier_can_no_longer_be_refused(
    submission: Submission, calendar: WorkingCalendar, birth_documents: list[Document]
) -> None:
    dossier = dossier_at_counter(
        submission, calendar, "1.001193", birth_documents, vn(2026, 10, 5, 9)
    )
    with pytest.raises(InvalidStatus) as caught:
        dossier.refuse(at=vn(2026, 10, 5, 9, 30), reasons=["x"])
    assert caught.value.kind == "conflict"


def test_procedure_without_online_service_refuses_the_online_channel(
    submission: Submission,
) -> None:
    with pytest.raises(ChannelNotOffered):
        Dossier.submit(**submission("2.000884", channel="online"))  # chứng thực chữ ký


# ------------------------------------------------------------------------------ postal


def test_postal_dossier_records_arrival_and_starts_the_clock_at_acceptance(
    submission: Submission, calendar: WorkingCalendar
) -> None:
    dossier = Dossier.submit(
        **submission(
            "1.004222",
            channel="postal",
            at=vn(2026, 10, 12, 8, 0),
            received_at=vn(2026, 10, 9, 16, 50),
            documents=[Document("ct01")],
        )
    )
    submitted = dossier.pending_events[0]
    assert submitted.received_at == vn(2026, 10, 9, 16, 50)  # type: ignore[attr-defined]
    assert dossier.received_at == vn(2026, 10, 9, 16, 50)
    dossier.accept(at=vn(2026, 10, 12, 9, 0), calendar=calendar)
    # 7 working days = 56 h from Mon 12/10 09:00, not from the Friday arrival.
    assert dossier.due_at == vn(2026, 10, 21, 9, 0)
    assert dossier.result_delivery == "postal"


def test_postal_photocopy_is_not_an_acceptable_form(
    submission: Submission, calendar: WorkingCalendar
) -> None:
    documents = [Document("ct01"), Document("giay_to_cho_o_hop_phap", "photocopy")]
    dossier = Dossier.submit(
        **submission("1.004222", channel="postal", documents=documents, applicant_in_registry=False)
    )
    with pytest.raises(IncompleteDossier) as caught:
        dossier.accept(at=vn(2026, 10, 5, 9, 5), calendar=calendar)
    assert "bưu chính" in caught.value.missing[0].reason


def test_arrival_time_is_only_for_the_postal_channel(submission: Submission) -> None:
    with pytest.raises(InvalidTime):
        Dossier.submit(**submission(received_at=vn(2026, 10, 5, 8, 0)))


# ------------------------------------------------------------------------------ later steps


def test_withdrawal_during_processing_is_recorded(
    submission: Submission, calendar: WorkingCalendar, birth_documents: list[Document]
) -> None:
    dossier = dossier_at_counter(
        submission, calendar, "1.001193", birth_documents, vn(2026, 10, 5, 9)
    )
    dossier.observe_workflow_status(4)
    dossier.withdraw(at=vn(2026, 10, 5, 11, 0), reason="Công dân đổi ý")
    event = dossier.pending_events[-1]
    assert isinstance(event, DossierWithdrawalRequested)
    assert dossier.status is DossierStatus.WITHDRAWAL_REQUESTED
    assert dossier.withdrawal is not None
    assert dossier.withdrawal.status_before is DossierStatus.PROCESSING


@pytest.mark.parametrize("status", [9, 10])
def test_withdrawal_after_the_result_is_refused(
    submission: Submission,
    calendar: WorkingCalendar,
    birth_documents: list[Document],
    status: int,
) -> None:
    dossier = dossier_at_counter(
        submission, calendar, "1.001193", birth_documents, vn(2026, 10, 5, 9)
    )
    dossier.observe_workflow_status(status)
    with pytest.raises(WithdrawalNotAllowed) as caught:
        dossier.withdraw(at=vn(2026, 10, 5, 16, 0), reason="Không cần nữa")
    assert caught.value.kind == "conflict"


def test_withdrawal_needs_a_reason(submission: Submission) -> None:
    dossier = Dossier.submit(**submission(channel="online", documents=ONLINE_BIRTH))
    with pytest.raises(ReasonRequired):
        dossier.withdraw(at=vn(2026, 10, 5, 9, 30), reason="  ")


def test_supplement_handed_in_during_processing_is_recorded(
    submission: Submission, calendar: WorkingCalendar
) -> None:
    dossier = dossier_at_counter(
        submission, calendar, "1.004873", [Document("to_khai")], vn(2026, 10, 5, 9)
    )
    dossier.observe_workflow_status(5, at=vn(2026, 10, 6, 9, 0))
    assert dossier.supplement_stage == "processing"
    dossier.submit_supplement(
        at=vn(2026, 10, 7, 9, 0), documents=[Document("giay_to_hon_nhan_truoc", "certified_copy")]
    )
    event = dossier.pending_events[-1]
    assert isinstance(event, DossierSupplementSubmitted)
    assert event.stage == "processing"
    assert dossier.status is DossierStatus.SUPPLEMENT_REQUESTED  # the workflow resumes it
    dossier.observe_workflow_status(4, due_at=vn(2026, 10, 12, 9, 0))
    assert dossier.status is DossierStatus.PROCESSING
    assert dossier.due_at == vn(2026, 10, 12, 9, 0)
    assert dossier.acceptance is not None
    assert dossier.acceptance.original_due_at == vn(2026, 10, 8, 9, 0)


def test_supplement_without_a_request_is_refused(
    submission: Submission, calendar: WorkingCalendar, birth_documents: list[Document]
) -> None:
    dossier = dossier_at_counter(
        submission, calendar, "1.001193", birth_documents, vn(2026, 10, 5, 9)
    )
    with pytest.raises(InvalidStatus):
        dossier.submit_supplement(at=vn(2026, 10, 5, 10), documents=[Document("to_khai")])


def test_late_workflow_status_never_reopens_a_finished_dossier(
    submission: Submission, calendar: WorkingCalendar, birth_documents: list[Document]
) -> None:
    dossier = dossier_at_counter(
        submission, calendar, "1.001193", birth_documents, vn(2026, 10, 5, 9)
    )
    assert dossier.observe_workflow_status(10)
    assert not dossier.observe_workflow_status(4)
    assert dossier.status is DossierStatus.RETURNED


def test_command_time_must_not_go_backwards(
    submission: Submission, calendar: WorkingCalendar
) -> None:
    dossier = Dossier.submit(**submission(documents=[Document("to_khai")]))
    with pytest.raises(InvalidTime):
        dossier.refuse(at=vn(2026, 10, 5, 8, 0), reasons=["x"])
    with pytest.raises(InvalidTime):
        dossier.refuse(at=datetime(2026, 10, 5, 10, 0), reasons=["x"])  # naive


def test_dossier_code_must_carry_the_receiving_units_agency_code(
    submission: Submission,
) -> None:
    with pytest.raises(InvalidDossierCode):
        Dossier.submit(**submission(code="H15.01.38-261005-0001"))


def test_lookup_secret_comes_from_the_injected_random_source(submission: Submission) -> None:
    dossier = Dossier.submit(**submission())
    assert dossier.lookup_secret == "23456789"  # bytes 0..7 map to the first symbols
    given = Dossier.submit(**submission(lookup_secret="ABCDEFGH"))
    assert given.lookup_secret == "ABCDEFGH"


def test_public_view_shows_no_personal_data(
    submission: Submission, calendar: WorkingCalendar, birth_documents: list[Document]
) -> None:
    dossier = dossier_at_counter(
        submission, calendar, "1.001193", birth_documents, vn(2026, 10, 5, 9)
    )
    view = dossier.public_view()
    assert view["status_name"] == "accepted" and view["due_at"] == vn(2026, 10, 5, 17)
    assert "Nguyễn" not in repr(view) and "079203001234" not in repr(view)


# ------------------------------------------------------------------------------ storage


def _full_life(submission: Submission, calendar: WorkingCalendar) -> Dossier:
    dossier = Dossier.submit(
        **submission("1.004873", channel="online", documents=[Document("to_khai", "electronic")])
    )
    dossier.request_supplement(at=vn(2026, 10, 5, 9, 30), reasons=["Thiếu chữ ký"])
    dossier.submit_supplement(at=vn(2026, 10, 5, 10, 0), documents=[Document("to_khai")])
    dossier.accept(at=vn(2026, 10, 5, 10, 30), calendar=calendar, received_by="cb.tiepnhan")
    dossier.observe_workflow_status(4)
    dossier.withdraw(at=vn(2026, 10, 6, 8, 0), reason="Công dân rút hồ sơ")
    return dossier


def test_to_document_and_from_document_round_trip_equal(
    submission: Submission, calendar: WorkingCalendar
) -> None:
    dossier = _full_life(submission, calendar)
    restored = dossier_from_document(dossier_to_document(dossier))
    assert restored == dossier
    assert dossier_to_document(restored) == dossier_to_document(dossier)
    assert restored.pending_events == []


def test_document_read_back_from_mongodb_as_naive_utc_is_equal(
    submission: Submission, calendar: WorkingCalendar
) -> None:
    dossier = _full_life(submission, calendar)

    def as_stored(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.astimezone(UTC).replace(tzinfo=None)
        if isinstance(value, dict):
            return {k: as_stored(v) for k, v in value.items()}
        if isinstance(value, list):
            return [as_stored(v) for v in value]
        return value

    assert dossier_from_document(as_stored(dossier_to_document(dossier))) == dossier


def test_document_is_bson_friendly(submission: Submission, calendar: WorkingCalendar) -> None:
    def check(value: Any, path: str, inside_list: bool = False) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                assert isinstance(key, str) and "." not in key and not key.startswith("$"), path
                check(item, f"{path}.{key}")
        elif isinstance(value, list):
            assert not inside_list, f"nested array at {path}"
            for item in value:
                check(item, f"{path}[]", inside_list=True)
        elif isinstance(value, datetime):
            assert value.tzinfo is not None, path
        else:
            assert value is None or isinstance(value, str | int | float | bool), path

    check(dossier_to_document(_full_life(submission, calendar)), "dossier")


def test_replaying_published_events_rebuilds_the_same_dossier(
    submission: Submission, calendar: WorkingCalendar
) -> None:
    live = _full_life(submission, calendar)
    # As a consumer sees them: wrapped in the envelope, JSON on the wire, typed on arrival.
    wire = [
        Envelope.from_json(
            Envelope.wrap(
                e, source="intake", subject=live.code, seq=n, time=vn(2026, 10, 6)
            ).to_json()
        ).payload()
        for n, e in enumerate(live.pending_events, start=1)
    ]
    replayed = Dossier.replay(
        wire[:-1],
        code=live.code,
        rules=live.rules,
        applicant=live.applicant,
        lookup_secret=live.lookup_secret,
        applicant_in_registry=live.applicant_in_registry,
    )
    replayed.observe_workflow_status(4)  # workflow state is mirrored, not an intake event
    replayed.apply(wire[-1])
    expected = dossier_to_document(live)
    actual = dossier_to_document(replayed)
    assert actual == expected


def test_intake_events_carry_no_undeclared_field(
    submission: Submission, calendar: WorkingCalendar, birth_documents: list[Document]
) -> None:
    dossier = Dossier.submit_and_accept(
        calendar=calendar,
        fee_quantity=1,
        received_by="can-bo-lan",
        **submission("1.001193", at=vn(2026, 10, 5, 9), documents=birth_documents),
    )
    online = Dossier.submit(
        **submission(channel="online", documents=[Document("to_khai", "electronic")], number=2)
    )
    online.request_supplement(at=vn(2026, 10, 5, 10), guided_by="can-bo-lan")
    online.submit_supplement(
        at=vn(2026, 10, 5, 11), documents=[Document("giay_chung_sinh", "electronic")]
    )
    online.withdraw(reason="Không cần nữa", at=vn(2026, 10, 5, 12))
    refused = Dossier.submit(**submission(number=3, documents=birth_documents))
    refused.refuse(at=vn(2026, 10, 5, 9, 30), reasons=["Không thuộc thẩm quyền"], refused_by="lan")
    events = [
        *dossier.pull_events(),
        *online.pull_events(),
        *refused.pull_events(),
    ]
    assert {event.event_type for event in events} >= {
        "dossier.refused",
        "dossier.submitted",
        "dossier.accepted",
        "dossier.supplement_requested_at_intake",
        "dossier.supplement_submitted",
        "dossier.withdrawal_requested",
    }
    for event in events:
        assert event.model_extra == {}, (event.event_type, event.model_extra)
