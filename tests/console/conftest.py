"""The console against real services, the real broker and database, and the local Keycloak
started by `make test` (deploy/local/keycloak.sh)."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest

from support.console import ISSUER, oidc_env
from support.stack import Stack


@pytest.fixture(scope="session")
def keycloak() -> str:
    try:
        ok = httpx.get(f"{ISSUER}/.well-known/openid-configuration", timeout=5).status_code == 200
    except httpx.HTTPError:
        ok = False
    if not ok:
        pytest.fail(f"Keycloak's officials realm is not answering at {ISSUER} (make keycloak)")
    return ISSUER


@pytest.fixture(scope="module")
async def console_stack(stack_factory: Any, keycloak: str) -> Stack:
    """intake, workflow and feedback accepting the realm's tokens, and the console over them,
    all in simulated time."""
    stack: Stack = await stack_factory()
    for name in ("intake", "workflow", "feedback"):
        stack.start(name, **oidc_env())
    for name in ("intake", "workflow", "feedback"):
        stack.services[name].wait_ready(timeout=240)
    stack.start(
        "console",
        **oidc_env(),
        MOTCUA_INTAKE_URL=stack.url("intake"),
        MOTCUA_WORKFLOW_URL=stack.url("workflow"),
        MOTCUA_FEEDBACK_URL=stack.url("feedback"),
        MOTCUA_OIDC_CLIENT_SECRET="motcua-console-local-secret",
        MOTCUA_SESSION_SECRET=secrets.token_urlsafe(32),
    )
    stack.services["console"].wait_ready(timeout=120)
    return stack
