"""The services' HTTP APIs as the portal calls them, always with the signed-in citizen's token
(the catalogue is public). Errors come back as the services' own ``{"error": …}`` bodies."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass
class ServiceError(Exception):
    status: int
    code: str
    message: str
    details: Any = None


def _raise_for(r: httpx.Response) -> None:
    if r.status_code < 400:
        return
    try:
        error = r.json()["error"]
    except (ValueError, KeyError, TypeError):
        error = {"code": "service_error", "message": r.text[:200]}
    raise ServiceError(
        r.status_code, error.get("code", ""), error.get("message", ""), error.get("details")
    )


class Intake:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    @staticmethod
    def _auth(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    async def _get(self, path: str, token: str | None = None, **params: Any) -> Any:
        r = await self.http.get(
            path, params=params or None, headers=self._auth(token) if token else {}
        )
        _raise_for(r)
        return r.json()

    async def procedures(self) -> list[dict[str, Any]]:
        return list((await self._get("/procedures"))["items"])

    async def procedure(self, code: str) -> dict[str, Any]:
        return dict(await self._get(f"/procedures/{code}"))

    async def communes(self, province: str) -> list[dict[str, Any]]:
        page = await self._get("/units", parent=province, level="commune", limit=1000)
        return list(page["items"])

    async def me(self, token: str) -> dict[str, Any]:
        return dict(await self._get("/me", token))

    async def my_documents(self, token: str) -> list[dict[str, Any]]:
        return list((await self._get("/me/documents", token))["items"])

    async def my_dossiers(self, token: str) -> list[dict[str, Any]]:
        return list((await self._get("/me/dossiers", token))["items"])

    async def my_dossier(self, token: str, code: str) -> dict[str, Any]:
        return dict(await self._get(f"/me/dossiers/{code}", token))

    async def upload(self, token: str, name: str, data: bytes, media_type: str) -> dict[str, Any]:
        r = await self.http.post(
            "/me/uploads", files={"file": (name, data, media_type)}, headers=self._auth(token)
        )
        _raise_for(r)
        return dict(r.json())

    async def submit(
        self, token: str, body: dict[str, Any], idempotency_key: str
    ) -> dict[str, Any]:
        r = await self.http.post(
            "/me/dossiers",
            json=body,
            headers={**self._auth(token), "Idempotency-Key": idempotency_key},
        )
        _raise_for(r)
        return dict(r.json())

    async def supplement(self, token: str, code: str, body: dict[str, Any]) -> dict[str, Any]:
        r = await self.http.post(
            f"/me/dossiers/{code}/supplement",
            json=body,
            headers={**self._auth(token), "Idempotency-Key": uuid.uuid4().hex},
        )
        _raise_for(r)
        return dict(r.json())

    async def download(self, token: str, code: str, key: str) -> httpx.Response:
        link = await self._get(f"/me/dossiers/{code}/files/{key}/link", token)
        # Follow the intake's short-lived link from here: the browser sees only the portal.
        r = await self.http.get(httpx.URL(link["url"]).path)
        _raise_for(r)
        return r


class Feedback:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def rating_request(self, token: str, code: str) -> dict[str, Any]:
        r = await self.http.get(f"/me/ratings/{code}", headers=Intake._auth(token))
        _raise_for(r)
        return dict(r.json())

    async def rate(self, body: dict[str, Any]) -> dict[str, Any]:
        r = await self.http.post(
            "/ratings", json=body, headers={"Idempotency-Key": uuid.uuid4().hex}
        )
        _raise_for(r)
        return dict(r.json())

    async def file_complaint(self, body: dict[str, Any]) -> dict[str, Any]:
        r = await self.http.post(
            "/complaints", json=body, headers={"Idempotency-Key": uuid.uuid4().hex}
        )
        _raise_for(r)
        return dict(r.json())

    async def complaint(self, complaint_id: str, secret: str) -> dict[str, Any]:
        r = await self.http.get(f"/complaints/{complaint_id}", params={"secret": secret})
        _raise_for(r)
        return dict(r.json())
