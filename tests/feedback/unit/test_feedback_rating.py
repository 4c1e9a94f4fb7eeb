"""Rating rules of a returned dossier (đánh giá mức độ hài lòng, TT 01/2018 and QĐ 766)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua_feedback.domain import (
    AlreadyRated,
    DossierRecord,
    InvalidKioskDevice,
    InvalidRating,
    InvalidToken,
    KioskDeviceRequired,
    KioskNotAllowed,
    NotRateable,
    ScoreOutOfRange,
    UnknownIndicator,
    counter_unit,
    issue_kiosk_session,
    kiosk_device_token,
    require_kiosk_device,
    verify_kiosk_device,
    verify_kiosk_session,
)
from motcua_platform.calendar import VN_TZ
from motcua_platform.contracts.events import RatingSubmitted

CODE = "H15.50.05.13-260302-0001"
RETURNED_AT = datetime(2026, 3, 2, 9, 15, tzinfo=VN_TZ)
ALL_TWOS = {str(key): 2 for key in range(1, 10)}


class FixedTokens:
    """A token source that hands out known tokens, in order."""

    def __init__(self, *tokens: str) -> None:
        self._tokens = list(tokens)
        self.requested: list[int | None] = []

    def token_urlsafe(self, nbytes: int | None = None) -> str:
        self.requested.append(nbytes)
        return self._tokens.pop(0)


def returned_payload(**overrides: Any) -> dict[str, Any]:
    """A ``case.returned`` payload as it arrives from Kafka (JSON, times as ISO strings)."""
    payload: dict[str, Any] = {
        "unit": "H15.50.05.13",
        "procedure_code": "1.001193",
        "procedure_name": "Đăng ký khai sinh",
        "at": RETURNED_AT.isoformat(),
        "returned_at": RETURNED_AT.isoformat(),
        "channel": "counter",
        "timeliness": "early",
        "due_at": (RETURNED_AT + timedelta(days=1)).isoformat(),
        "applicant_name": "Nguyễn Thị Lan",
        "counter": "Q01",
    }
    payload.update(overrides)
    return payload


def returned_record(code: str = CODE, token: str = "token-1", **overrides: Any) -> DossierRecord:
    record = DossierRecord(code)
    record.apply_workflow("case.returned", returned_payload(**overrides), tokens=FixedTokens(token))
    return record


def rate_at_kiosk(record: DossierRecord, overall: str = "satisfied", **kwargs: Any) -> Any:
    kwargs.setdefault("at", RETURNED_AT + timedelta(minutes=1))
    return record.rate(
        overall, kwargs.pop("indicators", None), "kiosk", via_kiosk_counter="Q01", **kwargs
    )


# ------------------------------------------------------------------ rating request


def test_returned_dossier_opens_a_rating_request_with_a_one_time_token() -> None:
    record = DossierRecord(CODE)
    tokens = FixedTokens("s3cret-token")

    token = record.apply_workflow("case.returned", returned_payload(), tokens=tokens)

    assert token == "s3cret-token"
    assert tokens.requested == [32]
    assert record.awaits_rating
    assert record.token_hash == hashlib.sha256(b"s3cret-token").hexdigest()
    assert "s3cret-token" not in repr(record.to_document())
    assert record.counter == "Q01"
    assert record.unit == "H15.50.05.13"
    assert record.procedure_code == "1.001193"
    assert record.pending_events == []  # workflow's events are not feedback's to publish


def test_repeated_case_returned_opens_nothing_new() -> None:
    record = returned_record(token="first")
    before = record.to_document()

    again = record.apply_workflow("case.returned", returned_payload(), tokens=FixedTokens("x"))

    assert again is None
    assert record.to_document() == before


def test_kiosk_card_shows_the_dossier_just_returned_at_its_counter() -> None:
    record = returned_record()

    assert record.awaits_kiosk_rating("Q01")
    assert not record.awaits_kiosk_rating("Q02")
    assert record.kiosk_card() == {
        "dossier_code": CODE,
        "procedure_name": "Đăng ký khai sinh",
        "applicant_name": "Nguyễn Thị Lan",
    }
    rate_at_kiosk(record)
    assert not record.awaits_kiosk_rating("Q01")


@pytest.mark.parametrize("event_type", ["dossier.accepted", "case.resolved", "case.from_future"])
def test_events_feedback_does_not_need_are_ignored(event_type: str) -> None:
    record = DossierRecord(CODE)
    payload = {
        "unit": "H15",
        "procedure_code": "1.001193",
        "at": RETURNED_AT.isoformat(),
        "outcome": "approved",
    }

    assert record.apply_workflow(event_type, payload) is None
    assert not record.is_returned


# ------------------------------------------------------------------------ refusals


def test_unknown_dossier_is_not_rateable() -> None:
    with pytest.raises(NotRateable) as refused:
        DossierRecord(CODE).rate("satisfied", None, "kiosk", RETURNED_AT, via_kiosk_counter="Q01")
    assert refused.value.code == "not_rateable"


def test_dossier_not_yet_returned_is_not_rateable() -> None:
    record = DossierRecord(CODE)
    record.apply_workflow(
        "case.step_started",
        {
            "unit": "H15.50.05.13",
            "procedure_code": "1.001193",
            "at": RETURNED_AT.isoformat(),
            "step": 1,
            "name": "Thẩm định",
            "step_unit": "H15.50.05.13",
            "assignee": "cb-07",
            "allotted_hours": 8,
            "due_at": (RETURNED_AT + timedelta(days=1)).isoformat(),
        },
    )

    with pytest.raises(NotRateable, match="chưa trả kết quả"):
        record.rate("satisfied", None, "paper", RETURNED_AT, entered_by="cb-01")


def test_stopped_dossier_is_not_rateable() -> None:
    record = DossierRecord(CODE)
    record.apply_workflow(
        "case.stopped",
        {
            "unit": "H15",
            "procedure_code": "1.001193",
            "at": RETURNED_AT.isoformat(),
            "reason": "Công dân rút hồ sơ",
            "stage": "processing",
        },
    )

    with pytest.raises(NotRateable):
        record.rate("satisfied", None, "paper", RETURNED_AT, entered_by="cb-01")


def test_second_rating_is_refused() -> None:
    record = returned_record()
    rate_at_kiosk(record, "very_satisfied")

    with pytest.raises(AlreadyRated):
        rate_at_kiosk(record, "dissatisfied")
    with pytest.raises(AlreadyRated):
        record.rate("satisfied", None, "paper", RETURNED_AT, entered_by="cb-01")
    assert len(record.pending_events) == 1
    assert record.rating is not None and record.rating.overall == "very_satisfied"


def test_online_rating_needs_the_token() -> None:
    record = returned_record(token="right")

    with pytest.raises(InvalidToken, match="thiếu"):
        record.rate("satisfied", None, "online", RETURNED_AT)
    with pytest.raises(InvalidToken, match="không đúng"):
        record.rate("satisfied", None, "online", RETURNED_AT, token="wrong")

    event = record.rate("satisfied", None, "online", RETURNED_AT, token="right")
    assert event.channel == "online"


def test_reused_token_is_refused() -> None:
    record = returned_record(token="once")
    record.rate("satisfied", None, "online", RETURNED_AT, token="once")

    with pytest.raises(InvalidToken, match="đã được sử dụng"):
        record.rate("very_satisfied", None, "online", RETURNED_AT, token="once")


def test_valid_token_after_a_kiosk_rating_says_already_rated() -> None:
    record = returned_record(token="unused")
    rate_at_kiosk(record)

    with pytest.raises(AlreadyRated):
        record.rate("satisfied", None, "online", RETURNED_AT, token="unused")


def test_kiosk_of_another_counter_is_refused() -> None:
    record = returned_record()

    with pytest.raises(KioskNotAllowed):
        record.rate("satisfied", None, "kiosk", RETURNED_AT, via_kiosk_counter="Q02")
    with pytest.raises(KioskNotAllowed):
        record.rate("satisfied", None, "kiosk", RETURNED_AT)


def test_kiosk_cannot_rate_a_result_returned_by_post() -> None:
    record = returned_record(channel="postal", counter=None)

    with pytest.raises(KioskNotAllowed):
        record.rate("satisfied", None, "kiosk", RETURNED_AT, via_kiosk_counter="Q01")


@pytest.mark.parametrize("entered_by", [None, "", "   "])
def test_paper_rating_needs_the_receiver_who_enters_it(entered_by: str | None) -> None:
    record = returned_record()

    with pytest.raises(InvalidRating, match="entered_by"):
        record.rate("satisfied", None, "paper", RETURNED_AT, entered_by=entered_by)


@pytest.mark.parametrize(
    ("indicators", "indicator"),
    [({"7": 3}, "7"), ({"1": -1}, "1"), ({"3": True}, "3"), ({"2": 1.5}, "2"), ({"9": "2"}, "9")],
)
def test_score_out_of_range_is_refused_naming_the_indicator(
    indicators: dict[str, object], indicator: str
) -> None:
    record = returned_record()

    with pytest.raises(ScoreOutOfRange) as refused:
        rate_at_kiosk(record, indicators=indicators)

    assert refused.value.indicator == indicator
    assert f"Chỉ số {indicator}" in refused.value.message
    assert record.rating is None and record.pending_events == []


@pytest.mark.parametrize("key", ["0", "10", "a"])
def test_unknown_indicator_is_refused(key: str) -> None:
    with pytest.raises(UnknownIndicator):
        rate_at_kiosk(returned_record(), indicators={key: 1})


def test_unknown_level_or_channel_is_refused() -> None:
    record = returned_record()

    with pytest.raises(InvalidRating):
        rate_at_kiosk(record, "quite_happy")
    with pytest.raises(InvalidRating):
        record.rate("satisfied", None, "sms", RETURNED_AT)


def test_naive_instant_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        rate_at_kiosk(returned_record(), at=datetime(2026, 3, 2, 9, 30))


# ------------------------------------------------------------------ recorded event


def test_kiosk_rating_records_the_contract_event() -> None:
    record = returned_record()

    event = rate_at_kiosk(record, "very_satisfied", indicators={"7": 2, "1": 1})

    assert isinstance(event, RatingSubmitted)
    assert record.pending_events == [event]
    assert event.unit == "H15.50.05.13"
    assert event.procedure_code == "1.001193"
    assert event.overall == "very_satisfied"
    assert list(event.indicators.items()) == [("1", 1), ("7", 2)]  # kept in indicator order
    assert event.model_dump(mode="json")["dossier_code"] == CODE
    assert event.model_dump(mode="json")["counter"] == "Q01"


def test_paper_rating_records_who_entered_it() -> None:
    record = returned_record()

    event = record.rate("dissatisfied", ALL_TWOS, "paper", RETURNED_AT, entered_by="cb-01")

    assert event.model_dump()["entered_by"] == "cb-01"
    assert record.rating is not None and record.rating.score == 18


@given(
    st.dictionaries(
        st.sampled_from([str(key) for key in range(1, 10)]), st.integers(0, 2), max_size=9
    )
)
def test_any_subset_of_valid_indicators_is_accepted(indicators: dict[str, int]) -> None:
    record = returned_record()

    event = rate_at_kiosk(record, indicators=indicators)

    assert dict(event.indicators) == indicators


@given(
    st.sampled_from([str(key) for key in range(1, 10)]),
    st.integers().filter(lambda score: not 0 <= score <= 2),
)
def test_any_integer_outside_zero_to_two_is_refused(indicator: str, score: int) -> None:
    with pytest.raises(ScoreOutOfRange) as refused:
        rate_at_kiosk(returned_record(), indicators={indicator: score})
    assert refused.value.indicator == indicator


# ----------------------------------------------------------------------- overdue


def test_overdue_event_marks_the_dossier_overdue() -> None:
    due = datetime(2026, 3, 2, 17, 0, tzinfo=VN_TZ)
    record = DossierRecord(CODE)

    record.apply_workflow(
        "case.overdue",
        {
            "unit": "H15",
            "procedure_code": "1.001193",
            "at": (due + timedelta(seconds=1)).isoformat(),
            "due_at": due.isoformat(),
        },
    )

    assert record.is_overdue
    assert record.overdue_since == due


def test_late_return_marks_the_dossier_overdue() -> None:
    assert returned_record(timeliness="late").is_overdue
    assert not returned_record(timeliness="on_time").is_overdue


def test_late_stop_marks_the_dossier_overdue() -> None:
    record = DossierRecord(CODE)
    record.apply_workflow(
        "case.stopped",
        {
            "unit": "H15",
            "procedure_code": "1.001193",
            "at": RETURNED_AT.isoformat(),
            "reason": "Không đủ điều kiện",
            "stage": "processing",
            "timeliness": "late",
        },
    )

    assert record.is_overdue
    assert record.finished_at == RETURNED_AT


def test_second_supplement_request_counts_as_overdue_for_qd_766() -> None:
    record = DossierRecord(CODE)
    base = {
        "unit": "H15",
        "procedure_code": "1.001193",
        "reason": "Thiếu giấy chứng sinh",
        "policy": "pause",
    }

    record.apply_workflow(
        "case.supplement_requested", {**base, "count": 1, "at": RETURNED_AT.isoformat()}
    )
    assert not record.is_overdue
    record.apply_workflow(
        "case.supplement_requested", {**base, "count": 2, "at": RETURNED_AT.isoformat()}
    )
    assert record.is_overdue


def test_step_assignees_and_the_returning_official_are_the_dossiers_officials() -> None:
    record = DossierRecord(CODE)
    for step, assignee in ((1, "cb-07"), (2, "cb-09"), (3, "cb-07")):
        record.apply_workflow(
            "case.step_completed",
            {
                "unit": "H15",
                "procedure_code": "1.001193",
                "at": RETURNED_AT.isoformat(),
                "step": step,
                "name": "Bước",
                "step_unit": "H15",
                "assignee": assignee,
                "allotted_hours": 4,
                "timeliness": "early",
            },
        )
    record.apply_workflow(
        "case.returned", returned_payload(returned_by="cb-01"), tokens=FixedTokens("t")
    )

    assert record.officials == ["cb-07", "cb-09", "cb-01"]
    rate_at_kiosk(record)
    assert record.rating is not None and record.rating.officials == ("cb-07", "cb-09", "cb-01")


# --------------------------------------------------------------------- documents


def assert_bson_friendly(value: Any, path: str = "") -> None:
    """No '.'/'$' keys, no nested arrays, only aware datetimes."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str) and "." not in key and not key.startswith("$"), path
            assert_bson_friendly(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            assert not isinstance(item, list | tuple), f"nested array at {path}"
            assert_bson_friendly(item, path)
    elif isinstance(value, datetime):
        assert value.tzinfo is not None, f"naive datetime at {path}"
    else:
        assert value is None or isinstance(value, str | int | float | bool), (path, value)


def test_unrated_record_round_trips_through_its_document() -> None:
    record = returned_record(timeliness="late", returned_by="cb-01")

    document = record.to_document()

    assert_bson_friendly(document)
    assert DossierRecord.from_document(document) == record


def test_rated_record_round_trips_through_its_document() -> None:
    record = returned_record()
    record.rate("dissatisfied", {"1": 0, "7": 1}, "paper", RETURNED_AT, entered_by="cb-01")

    document = record.to_document()

    assert_bson_friendly(document)
    assert DossierRecord.from_document(document) == record


def test_document_read_back_as_naive_utc_loads_the_same_record() -> None:
    # PyMongo without tz_aware=True returns naive UTC datetimes, at millisecond precision.
    record = returned_record()
    rate_at_kiosk(record, at=datetime(2026, 3, 2, 9, 16, 0, 123_456, tzinfo=VN_TZ))

    def naive_utc(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.astimezone(UTC).replace(tzinfo=None)
        if isinstance(value, dict):
            return {key: naive_utc(item) for key, item in value.items()}
        return value

    loaded = DossierRecord.from_document({"_id": "x", **naive_utc(record.to_document())})

    assert loaded == record
    assert loaded.rating is not None and loaded.rating.at.microsecond == 123_000


def test_replaying_the_events_rebuilds_the_same_record() -> None:
    live = returned_record(token="t")
    event = rate_at_kiosk(live, "very_satisfied", indicators=ALL_TWOS)

    replayed = DossierRecord(CODE)
    replayed.apply_workflow("case.returned", returned_payload(), tokens=FixedTokens("t"))
    # As it comes back from the topic: JSON, extras included.
    replayed.apply(RatingSubmitted.model_validate(event.model_dump(mode="json")))

    assert replayed == live


# ------------------------------------------------------------------ kiosk session

KEY = b"k" * 32


def test_kiosk_session_proves_the_counter_and_the_dossier() -> None:
    session = issue_kiosk_session(KEY, "Q01", CODE)

    assert verify_kiosk_session(KEY, session, "Q01", CODE)
    assert not verify_kiosk_session(KEY, session, "Q02", CODE)
    assert not verify_kiosk_session(KEY, session, "Q01", "H15.50.05.13-260302-0002")
    assert not verify_kiosk_session(b"x" * 32, session, "Q01", CODE)
    assert not verify_kiosk_session(KEY, None, "Q01", CODE)
    assert not verify_kiosk_session(KEY, session, None, CODE)


def test_kiosk_session_key_must_not_be_short() -> None:
    with pytest.raises(ValueError):
        issue_kiosk_session(b"short", "Q01", CODE)


def test_a_session_that_is_not_ascii_is_wrong_not_an_error() -> None:
    assert not verify_kiosk_session(KEY, "ê" * 43, "Q01", CODE)


# ------------------------------------------------------------------ kiosk device

COUNTER = "H15.01.36-Q01"


def test_device_token_is_a_keyed_hash_of_the_counter_with_its_own_prefix() -> None:
    expected = hmac.new(KEY, b"kiosk-device:" + COUNTER.encode(), hashlib.sha256).digest()

    token = kiosk_device_token(KEY, COUNTER)

    assert token == base64.urlsafe_b64encode(expected).decode().rstrip("=")
    assert "=" not in token and len(token) == 43
    assert kiosk_device_token(KEY, COUNTER) == token  # derived: nothing to store
    assert kiosk_device_token(b"x" * 32, COUNTER) != token
    assert kiosk_device_token(KEY, "H15.01.36-Q02") != token


def test_device_token_opens_its_own_counter_only() -> None:
    token = kiosk_device_token(KEY, COUNTER)

    assert verify_kiosk_device(KEY, token, COUNTER)
    assert not verify_kiosk_device(KEY, token, "H15.01.36-Q02")
    assert not verify_kiosk_device(b"x" * 32, token, COUNTER)
    assert not verify_kiosk_device(KEY, token[:-1], COUNTER)
    assert not verify_kiosk_device(KEY, "ê" * 43, COUNTER)
    assert not verify_kiosk_device(KEY, None, COUNTER)
    assert not verify_kiosk_device(KEY, "", COUNTER)


def test_kiosk_without_its_device_token_is_refused_with_a_clear_code() -> None:
    require_kiosk_device(KEY, kiosk_device_token(KEY, COUNTER), COUNTER)

    with pytest.raises(KioskDeviceRequired) as missing:
        require_kiosk_device(KEY, None, COUNTER)
    with pytest.raises(InvalidKioskDevice) as wrong:
        require_kiosk_device(KEY, kiosk_device_token(KEY, "H15.01.36-Q02"), COUNTER)

    assert missing.value.code == "kiosk_device_required"
    assert wrong.value.code == "invalid_kiosk_device"
    assert not isinstance(wrong.value, KioskDeviceRequired)
    assert COUNTER in wrong.value.message


def test_device_key_must_not_be_short() -> None:
    with pytest.raises(ValueError):
        kiosk_device_token(b"short", COUNTER)


@pytest.mark.parametrize(
    ("counter", "unit"),
    [
        ("H15.01.36-Q01", "H15.01.36"),
        ("H15-Q1", "H15"),
        ("H15.01.36-Q-01", "H15.01.36"),
        ("Q01", None),
        ("-Q01", None),
        ("H15.01.36-", None),
    ],
)
def test_a_counter_belongs_to_the_unit_its_code_starts_with(counter: str, unit: str | None) -> None:
    assert counter_unit(counter) == unit
