"""The pure parts of the service around the domain: derived rating tokens, what the public kiosk
endpoint shows, error mapping, stored copies used by indexes, the complaints gauge count."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from motcua_feedback.api.deps import period_bound
from motcua_feedback.api.kiosk import masked_name
from motcua_feedback.domain import (
    AlreadyRated,
    DerivedTokens,
    DossierRecord,
    InvalidKioskDevice,
    InvalidToken,
    KioskDeviceRequired,
    KioskNotAllowed,
    NotRateable,
    ScoreOutOfRange,
    TokenAlreadyUsed,
    hash_token,
    rating_token,
)
from motcua_feedback.metrics import open_complaint_counts
from motcua_feedback.settings import FeedbackSettings
from motcua_feedback.store import dossier_state, record_of
from motcua_platform.agency import unit_path
from motcua_platform.calendar import VN_TZ
from motcua_platform.errors import ApiError, refusal_error

KEY = b"k" * 32
CODE = "H15.01.36-261130-0001"
AT = datetime(2026, 11, 30, 9, tzinfo=VN_TZ)


def returned(code: str = CODE) -> DossierRecord:
    record = DossierRecord(code)
    record.apply_workflow(
        "case.returned",
        {
            "unit": "H15.01.36",
            "procedure_code": "1.001193",
            "at": AT.isoformat(),
            "returned_at": AT.isoformat(),
            "channel": "counter",
            "timeliness": "on_time",
            "due_at": AT.isoformat(),
            "counter": "Q01",
        },
        tokens=DerivedTokens(KEY, code),
    )
    return record


def test_the_printed_token_is_the_one_the_returned_dossier_stores() -> None:
    record = returned()

    token = rating_token(KEY, CODE)

    assert record.token_hash == hash_token(token)
    assert rating_token(KEY, "H15.01.36-261130-0002") != token
    assert rating_token(b"x" * 32, CODE) != token
    record.rate("satisfied", None, "online", AT, token=token)


def test_kiosk_shows_initials_and_the_given_name_only() -> None:
    assert masked_name("Nguyễn Thị Lan") == "N. T. Lan"
    assert masked_name("Lan") == "Lan"
    assert masked_name("  ") is None
    assert masked_name(None) is None


@pytest.mark.parametrize(
    ("error", "status", "field"),
    [
        (ScoreOutOfRange("7", 3), 422, "indicators.7"),
        (AlreadyRated(CODE), 409, "dossier_code"),
        (NotRateable(CODE, "chưa trả"), 409, "dossier_code"),
        (TokenAlreadyUsed(CODE), 409, "token"),
        (InvalidToken(CODE, "sai"), 403, "token"),
        (KioskNotAllowed(CODE, "Q02"), 403, "kiosk_session"),
        (KioskDeviceRequired("H15.01.36-Q01"), 401, "X-Kiosk-Device"),
        (InvalidKioskDevice("H15.01.36-Q01"), 401, "X-Kiosk-Device"),
    ],
)
def test_domain_refusals_map_to_status_and_field(error: Exception, status: int, field: str) -> None:
    api = refusal_error(error)  # type: ignore[arg-type]

    assert api.status == status
    assert api.body()["error"]["details"] == {"field": field, "reason": api.message}


def test_stored_copies_make_the_hot_queries_one_index_range() -> None:
    record = returned()
    record.rate("satisfied", None, "kiosk", AT, via_kiosk_counter="Q01")

    state = dossier_state(record)

    assert unit_path("H15.01.36") == ["H15", "H15.01", "H15.01.36"]
    assert state["unit_path"] == ["H15", "H15.01", "H15.01.36"]
    assert state["rated_at"] == AT and state["reference_at"] == AT
    assert record_of(state, CODE) == record
    assert record_of({}, CODE) == DossierRecord(CODE)  # only seq bookkeeping stored so far


def test_open_complaints_are_overdue_only_after_their_due_time() -> None:
    docs = [
        {"unit": "H15.01", "due_at": AT},
        {"unit": "H15.01", "due_at": AT - timedelta(seconds=1)},
        {"unit": "H15.02", "due_at": AT + timedelta(days=1)},
    ]

    assert open_complaint_counts(docs, AT) == {
        ("H15.01", "within"): 1,
        ("H15.01", "overdue"): 1,
        ("H15.02", "within"): 1,
    }


def test_period_bounds_take_whole_vietnamese_days() -> None:
    assert period_bound("2026-11-30", "from") == datetime(2026, 11, 30, tzinfo=VN_TZ)
    assert period_bound("2026-11-30", "to", end=True) == datetime(2026, 12, 1, tzinfo=VN_TZ)
    assert period_bound("2026-11-30T09:00:00", "from") == AT
    with pytest.raises(ApiError) as refused:
        period_bound("30/11/2026", "from")
    assert refused.value.status == 422


def test_kiosk_key_falls_back_to_the_jwt_secret_and_must_not_be_short() -> None:
    from_jwt = FeedbackSettings(jwt_secret="j" * 32)
    own = FeedbackSettings(jwt_secret="j" * 32, kiosk_key="k" * 32)

    assert from_jwt.kiosk_session_key != own.kiosk_session_key
    assert own.kiosk_session_key != own.rating_token_key  # one purpose per key
    assert own.kiosk_device_key not in {own.kiosk_session_key, own.rating_token_key}
    assert from_jwt.kiosk_device_key != own.kiosk_device_key
    with pytest.raises(RuntimeError):
        _ = FeedbackSettings(kiosk_key="short").kiosk_session_key


def test_a_period_bound_out_of_range_is_422_naming_the_bound() -> None:
    from motcua_feedback.api.deps import period_bound
    from motcua_platform.errors import ApiError

    for value in ("9999-12-31", "0001-01-01", "9999-12-31T23:59:59+07:00"):
        try:
            period_bound(value, "to", end=True)
        except ApiError as error:
            assert error.status == 422 and error.details["field"] == "to"
        else:
            raise AssertionError(f"{value} was accepted")
    assert period_bound("2026-03-04", "from") is not None
