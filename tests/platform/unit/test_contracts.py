from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from motcua_platform.contracts import EVENT_TYPES, Envelope, dlq_topic
from motcua_platform.contracts.events import (
    ApplicantRef,
    Channel,
    DossierAccepted,
    DossierWithdrawalRequested,
)

AT = datetime(2024, 3, 4, 8, 15, tzinfo=UTC)


def test_every_event_type_of_the_architecture_has_a_model() -> None:
    expected = {
        "dossier.submitted",
        "dossier.accepted",
        "dossier.supplement_requested_at_intake",
        "dossier.refused",
        "dossier.supplement_submitted",
        "dossier.withdrawal_requested",
        "case.step_started",
        "case.step_completed",
        "case.supplement_requested",
        "case.resumed",
        "case.extended",
        "case.deadline_warning",
        "case.overdue",
        "case.resolved",
        "case.returned",
        "case.stopped",
        "case.step_assigned",
        "case.payment_requested",
        "case.payment_received",
        "case.withdrawal_requested",
        "rating.submitted",
        "complaint.filed",
        "complaint.answered",
        "complaint.classified",
        "complaint.answer_rated",
    }
    assert set(EVENT_TYPES) == expected


def test_envelope_round_trips_through_json_with_schema_alias() -> None:
    data = DossierWithdrawalRequested(reason="đổi ý", at=AT)
    env = Envelope.wrap(data, source="intake", subject="H15-240304-0001", seq=3, time=AT)
    raw = env.to_json()
    assert b'"schema":1' in raw
    back = Envelope.from_json(raw)
    assert back == env
    assert back.payload() == data


def test_envelope_rejects_seq_below_one_and_naive_time() -> None:
    with pytest.raises(ValidationError):
        Envelope(id="x", type="t", source="s", subject="c", time=AT, seq=0, data={})
    with pytest.raises(ValidationError):
        Envelope(
            id="x", type="t", source="s", subject="c", time=datetime(2024, 1, 1), seq=1, data={}
        )


def test_unknown_event_type_is_a_key_error() -> None:
    env = Envelope(
        id="x", type="dossier.teleported", source="s", subject="c", time=AT, seq=1, data={}
    )
    with pytest.raises(KeyError):
        env.payload()


def test_accepted_event_carries_pseudonymous_key_not_personal_id() -> None:
    fields = DossierAccepted.model_fields
    assert "personal_id" not in fields
    assert "personal_id" not in ApplicantRef.model_fields
    assert "key" in ApplicantRef.model_fields


def test_channel_maps_to_the_national_portal_codes() -> None:
    assert [c.portal_code for c in (Channel.COUNTER, Channel.ONLINE, Channel.POSTAL)] == [1, 2, 3]


def test_dead_letter_topic_name() -> None:
    assert dlq_topic("motcua.intake.v1") == "motcua.intake.v1.dlq"
