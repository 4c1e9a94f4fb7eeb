"""Citizens' tokens: the personal ID number comes from a claim, officials' tokens never pass as
citizens' and vice versa."""

from __future__ import annotations

import time

import jwt
import pytest

from motcua_platform.auth import TokenVerifier, mint_token
from motcua_platform.auth.citizen import CitizenVerifier, mint_citizen_token
from motcua_platform.auth.tokens import Unauthenticated
from motcua_platform.personal_id import pseudonymous_key

SECRET = "unit-test-signing-key-" + "x" * 16
CITIZEN = "079203001234"


def test_citizen_token_gives_the_personal_id_and_its_pseudonym() -> None:
    citizen = CitizenVerifier(secret=SECRET).verify(
        mint_citizen_token(SECRET, personal_id=CITIZEN, name="Nguyễn Văn An")
    )
    assert citizen.personal_id == CITIZEN and citizen.name == "Nguyễn Văn An"
    assert CITIZEN not in citizen.subject and CITIZEN not in repr(citizen)
    assert citizen.applicant_key(b"k") == pseudonymous_key(CITIZEN, b"k")


def test_an_officials_token_is_not_a_citizens_token() -> None:
    official = mint_token(SECRET, subject="can-bo", unit="H15.01.36", roles=["receiver"])
    with pytest.raises(Unauthenticated):
        CitizenVerifier(secret=SECRET).verify(official)


def test_a_citizens_token_is_not_an_officials_token() -> None:
    with pytest.raises(Unauthenticated):
        TokenVerifier(secret=SECRET).verify(mint_citizen_token(SECRET, personal_id=CITIZEN))


def test_a_token_without_the_personal_id_claim_is_refused() -> None:
    now = int(time.time())
    token = jwt.encode(
        {"sub": "x", "iss": "motcua-local-citizens", "iat": now, "exp": now + 60},
        SECRET,
        algorithm="HS256",
    )
    with pytest.raises(Unauthenticated, match="personal_id"):
        CitizenVerifier(secret=SECRET).verify(token)


def test_expired_and_forged_tokens_are_refused() -> None:
    expired = mint_citizen_token(SECRET, personal_id=CITIZEN, now=time.time() - 7200)
    with pytest.raises(Unauthenticated, match="expired"):
        CitizenVerifier(secret=SECRET).verify(expired)
    forged = mint_citizen_token("another-key-" + "y" * 20, personal_id=CITIZEN)
    with pytest.raises(Unauthenticated):
        CitizenVerifier(secret=SECRET).verify(forged)
