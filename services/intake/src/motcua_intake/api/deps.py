"""What the routes share: the service, the runtime, role checks and the idempotent write."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from motcua_intake.context import IntakeContext
from motcua_intake.domain.dossier import Dossier
from motcua_intake.dossier_document import dossier_from_document
from motcua_platform.auth import Principal
from motcua_platform.http import roles as http_roles
from motcua_platform.runtime import ServiceRuntime

# Intake commands are the one-stop counter's (the national portal's integration account holds
# the receiver role too); any official may read within their scope.
receiver = http_roles.receivers
official = http_roles.readers

IDEMPOTENCY_KEY_DOC = (
    "Repeating a request with the same key and body applies it once and answers again "
    "(Idempotent-Replay: true) with the dossier as it is then; another body is a 409"
)


def intake_of(request: Request) -> IntakeContext:
    return request.app.state.intake


def runtime_of(request: Request) -> ServiceRuntime:
    return request.app.state.runtime


async def idempotent(
    request: Request,
    principal: Principal,
    route: str,
    body: dict[str, Any],
    command: Callable[[], Awaitable[tuple[int, dict[str, Any]]]],
    render: Callable[[Dossier], tuple[int, dict[str, Any]]],
    *,
    claim: bool = True,
) -> JSONResponse:
    """Run a write once per ``Idempotency-Key``; the same key with another body is a 409.
    ``render`` answers a retry from the dossier the request changed (the dossier's write is the
    key's record)."""
    intake = intake_of(request)

    async def recover(request_id: str) -> tuple[int, dict[str, Any]] | None:
        loaded = await intake.store.aggregates.find_by_request(request_id)
        return None if loaded is None else render(dossier_from_document(loaded.state))

    return await runtime_of(request).idempotency.run(
        key=request.headers.get("Idempotency-Key"),
        scope=f"{principal.subject}:{route}",
        body=body,
        command=command,
        recover=recover,
        claim=claim,
        answer_in_effect=True,  # ``render`` gives the whole answer back from the dossier
    )
