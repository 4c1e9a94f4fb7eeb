"""Calls to intake, workflow and feedback with the signed-in official's token. The services decide
and check everything (roles, unit scope, the law); the console only shows their answers."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from motcua_platform.clock import TimeSource
from motcua_platform.errors import ApiError

log = logging.getLogger(__name__)


class ServiceError(ApiError):
    """A service refused or failed; its message is shown to the official."""


@dataclass
class Backend:
    urls: dict[str, str]
    http: httpx.AsyncClient
    time: TimeSource

    def now(self) -> datetime:
        return self.time.now()

    def at(self) -> str | None:
        """The instant to send with a command or read: the console's simulated clock when the
        system runs in simulation, nothing in production (each service uses its own clock)."""
        return self.time.now().isoformat() if self.time.simulation else None

    async def request(
        self,
        token: str,
        service: str,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"}
        if method != "GET":
            headers["Idempotency-Key"] = idempotency_key or uuid.uuid4().hex
        clean = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        try:
            response = await self.http.request(
                method, f"{self.urls[service]}{path}", params=clean, json=body, headers=headers
            )
        except httpx.HTTPError as exc:
            log.warning("%s unreachable: %s", service, type(exc).__name__)
            message = f"dịch vụ {service} không trả lời"
            raise ServiceError(503, "dependency_unavailable", message) from exc
        if response.status_code >= 400:
            raise _error_of(service, response)
        return response

    async def get(self, token: str, service: str, path: str, **params: Any) -> Any:
        return (await self.request(token, service, "GET", path, params=params)).json()

    async def post(
        self, token: str, service: str, path: str, body: dict[str, Any], key: str | None = None
    ) -> Any:
        if self.time.simulation and "at" not in body:
            body = {**body, "at": self.at()}
        return (
            await self.request(token, service, "POST", path, body=body, idempotency_key=key)
        ).json()


def _error_of(service: str, response: httpx.Response) -> ServiceError:
    try:
        error = response.json()["error"]
        code, message, details = error["code"], error["message"], error.get("details")
    except (ValueError, KeyError, TypeError):
        code, message, details = "http_error", f"{service}: HTTP {response.status_code}", None
    return ServiceError(response.status_code, code, message, details)
