import logging
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from pydantic import ValidationError

from motcua_platform.agency import above, unit_path, within
from motcua_platform.auth import Principal, TokenVerifier, mint_token
from motcua_platform.calendar import VN_TZ
from motcua_platform.clock import (
    SimulatedClock,
    SimulationDisabled,
    SystemClock,
    TimeSource,
    clock_for,
)
from motcua_platform.errors import ApiError
from motcua_platform.logs import JsonFormatter, redact
from motcua_platform.messaging.inbox import Outcome, sequence_verdict
from motcua_platform.settings import PlatformSettings

SECRET = "test-secret-of-sufficient-length-123456"


def test_sequence_verdict_applies_next_skips_seen_and_holds_gaps() -> None:
    inbox = {"intake": 2}
    assert sequence_verdict(inbox, "intake", 3) is Outcome.APPLIED
    assert sequence_verdict(inbox, "intake", 2) is Outcome.DUPLICATE
    assert sequence_verdict(inbox, "intake", 1) is Outcome.DUPLICATE
    assert sequence_verdict(inbox, "intake", 5) is Outcome.GAP
    assert sequence_verdict({}, "workflow", 1) is Outcome.APPLIED


def test_token_round_trip_gives_principal_with_unit_and_roles() -> None:
    token = mint_token(SECRET, subject="lan", unit="H15.50.05.13", roles=["receiver"])
    p = TokenVerifier(secret=SECRET).verify(token)
    assert p == Principal("lan", "H15.50.05.13", frozenset({"receiver"}))


def test_token_signed_with_another_key_is_rejected_with_401() -> None:
    token = mint_token("another-secret-another-secret-000", subject="x", unit="H15", roles=[])
    with pytest.raises(ApiError) as err:
        TokenVerifier(secret=SECRET).verify(token)
    assert err.value.status == 401


def test_expired_token_is_rejected() -> None:
    token = jwt.encode({"sub": "x", "unit": "H15", "exp": 1, "iss": "motcua-local"}, SECRET)
    with pytest.raises(ApiError, match="expired"):
        TokenVerifier(secret=SECRET).verify(token)


def test_verifier_refuses_to_exist_without_a_key() -> None:
    with pytest.raises(RuntimeError):
        TokenVerifier()


def test_unknown_roles_cannot_be_minted() -> None:
    with pytest.raises(ValueError):
        mint_token(SECRET, subject="x", unit="H15", roles=["root"])


def test_province_official_sees_its_communes_but_not_another_province() -> None:
    p = Principal("a", "H15", frozenset({"auditor"}))
    assert p.can_access("H15.50.05.13")
    assert p.can_access("H15")
    assert not p.can_access("H151.01")
    assert not p.can_access("H16.01.01")


def test_commune_official_cannot_reach_a_sibling_commune() -> None:
    p = Principal("a", "H15.50.05.13", frozenset({"receiver"}))
    with pytest.raises(ApiError) as err:
        p.require_unit("H15.50.05.14")
    assert err.value.status == 403


def test_personal_id_numbers_are_masked_in_log_lines() -> None:
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "lookup %s", ("079203001234",), None)
    line = JsonFormatter("intake").format(record)
    assert "079203001234" not in line
    assert "079*******34" in line
    assert redact("code H15-240304-0001") == "code H15-240304-0001"
    event_id = "01a22d93-e10f-7eeb-a68a-741343495507"  # last group all decimal: not an ID
    assert redact(f"event {event_id}") == f"event {event_id}"
    assert redact("cccd-079203001234") == "cccd-079*******34"


def test_explicit_time_is_refused_outside_simulation() -> None:
    source = TimeSource(SystemClock(), simulation=False)
    with pytest.raises(SimulationDisabled):
        source.resolve(datetime(2024, 3, 4, tzinfo=UTC))
    with pytest.raises(SimulationDisabled):
        source.tick(datetime(2024, 3, 4, tzinfo=UTC))


def test_simulated_time_moves_forward_only() -> None:
    clock = SimulatedClock(datetime(2024, 3, 4, 8, tzinfo=UTC))
    source = TimeSource(clock, simulation=True)
    source.resolve(datetime(2024, 3, 5, 8, tzinfo=UTC))
    assert clock.now() == datetime(2024, 3, 5, 8, tzinfo=UTC)
    source.tick(datetime(2024, 3, 1, tzinfo=UTC))
    assert clock.now() == datetime(2024, 3, 5, 8, tzinfo=UTC)


def test_running_simulated_time_moves_with_the_machine_between_jumps() -> None:
    machine = [100.0]
    clock = SimulatedClock(
        datetime(2024, 3, 4, 8, tzinfo=UTC), running=True, monotonic=lambda: machine[0]
    )
    machine[0] += 90
    assert clock.now() == datetime(2024, 3, 4, 8, 1, 30, tzinfo=UTC)
    clock.advance_to(datetime(2024, 3, 9, tzinfo=UTC))
    machine[0] += 5
    assert clock.now() == datetime(2024, 3, 9, 0, 0, 5, tzinfo=UTC)
    clock.advance_to(datetime(2024, 3, 5, tzinfo=UTC))
    assert clock.now() == datetime(2024, 3, 9, 0, 0, 5, tzinfo=UTC)


def test_a_pinned_start_is_shared_by_processes_started_later() -> None:
    pinned = datetime(2026, 3, 4, 10, 30, tzinfo=VN_TZ)
    # A process started 12 s after the run pinned its start reads the same simulated time as
    # the first one, not the pinned instant again.
    clock = SimulatedClock(
        pinned, running=True, started_at_epoch=1000.0, monotonic=lambda: 5.0, wall=lambda: 1012.0
    )
    assert clock.now() == pinned + timedelta(seconds=12)
    assert clock_for(True, pinned, None).now() >= pinned
    assert isinstance(clock_for(False, pinned, None), SystemClock)


def test_a_simulated_start_is_refused_outside_simulation() -> None:
    with pytest.raises(ValidationError, match="MOTCUA_SIMULATION"):
        PlatformSettings(simulation=False, simulation_start="2026-03-04T10:30:00+07:00")
    settings = PlatformSettings(simulation=True, simulation_start="2026-03-04T10:30:00+07:00")
    assert settings.simulation_start == datetime(2026, 3, 4, 10, 30, tzinfo=VN_TZ)


def test_agency_codes_nest_by_whole_segments() -> None:
    assert within("H15", "H15") and within("H15", "H15.01.36") and not within("H1", "H15")
    assert above("H15", "H15.01") and not above("H15", "H15") and not above("H15.0", "H15.01")
    assert unit_path("H15.01.36") == ["H15", "H15.01", "H15.01.36"] and unit_path(None) == []
