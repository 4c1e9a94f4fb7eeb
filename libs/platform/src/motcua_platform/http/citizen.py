"""FastAPI dependency for the citizens' own endpoints: the signed-in citizen from a bearer token
of the citizens' realm (``app.state.citizen_verifier``)."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from motcua_platform.auth.citizen import Citizen, CitizenVerifier
from motcua_platform.auth.tokens import Unauthenticated

_bearer = HTTPBearer(auto_error=False)


def signed_in_citizen(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> Citizen:
    if credentials is None:
        raise Unauthenticated("citizen bearer token required")
    verifier: CitizenVerifier = request.app.state.citizen_verifier
    return verifier.verify(credentials.credentials)
