"""Stored documents survive a restart of every process: the object server (the one the Makefile
builds, here a private one on its own data file) and intake are killed and started again."""

from __future__ import annotations

import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from intake_service import BIRTH, CITIZEN, COMMUNE

from support.stack import answers_ok, citizen_auth, free_port

INFRA = Path(__file__).resolve().parents[3] / "deploy" / "local" / "infra.sh"
PDF = b"%PDF-1.4\n% giay chung sinh\n%%EOF\n"


class ObjectServer:
    def __init__(self, data: Path) -> None:
        self.port = free_port()
        self.data = data
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [object_server_binary(), "-listen", f"127.0.0.1:{self.port}", "-db", str(self.data)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while not answers_ok(self.url + "/"):
            assert time.monotonic() < deadline, "object server did not start"
            time.sleep(0.1)

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)


def object_server_binary() -> str:
    """The binary the Makefile builds (built now if missing)."""
    done = subprocess.run(
        [str(INFRA), "objectstore-bin"], check=True, capture_output=True, text=True
    )
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture
def object_server(tmp_path: Path) -> Iterator[ObjectServer]:
    server = ObjectServer(tmp_path / "objects.db")
    server.start()
    yield server
    server.kill()


async def test_uploaded_file_survives_restart_of_intake_and_object_server(
    stack_factory: Any, object_server: ObjectServer
) -> None:
    stack = await stack_factory()
    intake = stack.start("intake", MOTCUA_S3_ENDPOINT=object_server.url)
    intake.wait_ready()
    citizen = citizen_auth(CITIZEN)
    async with httpx.AsyncClient(base_url=intake.url, timeout=30) as http:
        r = await http.post(
            "/me/uploads", files={"file": ("to_khai.pdf", PDF, "application/pdf")}, headers=citizen
        )
        assert r.status_code == 201, r.text
        key = r.json()["key"]
        r = await http.post(
            "/me/dossiers",
            json={
                "procedure_code": BIRTH,
                "receiving_unit": COMMUNE,
                "documents": [{"component": "to_khai", "file_key": key}],
                "at": "2026-03-02T09:00:00+07:00",
            },
            headers={**citizen, "Idempotency-Key": uuid.uuid4().hex},
        )
        assert r.status_code == 201, r.text
        code = r.json()["code"]

    object_server.kill()
    object_server.start()
    intake = stack.restart("intake")

    async with httpx.AsyncClient(base_url=intake.url, timeout=30) as http:
        r = await http.get(f"/me/dossiers/{code}/files/{key}/link", headers=citizen)
        assert r.status_code == 200, r.text
        r = await http.get(httpx.URL(r.json()["url"]).path)
        assert r.status_code == 200, r.text
        assert r.content == PDF
