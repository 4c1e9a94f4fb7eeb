"""Runs Motcua services as real processes against the real broker and database, each test
session in its own topic namespace and databases, in simulated time.

The simulated clocks start at a pinned instant, never at the machine's now: ``MOTCUA_TEST_NOW``
(default a Wednesday morning) — ``make test`` runs the time-sensitive tests again at other
instants (an afternoon after the 15:00 cut-off, a Sunday, the eve of Tết) to show that no outcome
depends on when the suite runs.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from motcua_platform.auth import mint_token
from motcua_platform.auth.citizen import mint_citizen_token
from motcua_platform.calendar import VN_TZ, WorkingCalendar

SECRET = "e2e-signing-key-" + "x" * 24
SERVICES = ("intake", "workflow", "feedback")
DEFAULT_NOW = "2026-03-04T10:30:00+07:00"


def pinned_now() -> datetime:
    """The instant every simulated clock of this test run starts from."""
    at = datetime.fromisoformat(os.environ.get("MOTCUA_TEST_NOW", DEFAULT_NOW))
    if at.tzinfo is None:
        raise ValueError("MOTCUA_TEST_NOW must carry a UTC offset")
    return at


def answers_ok(url: str, timeout: float = 2.0) -> bool:
    """Whether ``url`` answers 200 now; a refused or timed-out connection is just "not yet"."""
    try:
        return httpx.get(url, timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ServiceProcess:
    name: str
    port: int
    env: dict[str, str]
    log_path: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", f"motcua_{self.name}"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 180.0) -> None:
        # Generous: on a loaded machine a service's start-up (topics, indexes, consumer group)
        # takes a minute or more; a healthy start is still over in seconds.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.tail()}")
            if answers_ok(f"{self.url}/readyz"):
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready in {timeout}s:\n{self.tail()}")

    def kill(self) -> None:
        """SIGKILL: no graceful shutdown, as a crash would do."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return ""


@dataclass
class Stack:
    namespace: str
    run_id: str
    log_dir: Path
    kafka: str
    mongo: str
    services: dict[str, ServiceProcess] = field(default_factory=dict)
    # Simulated time reads ``pinned`` at Unix time ``epoch`` in every process of the stack.
    pinned: datetime = field(default_factory=pinned_now)
    epoch: float = field(default_factory=time.time)
    # Every process ever started (replicas, restarts), so that none outlives the run.
    started: list[ServiceProcess] = field(default_factory=list)

    def now(self) -> datetime:
        """The stack's simulated now (before any explicit ``at`` moved a clock further)."""
        return self.pinned + timedelta(seconds=time.time() - self.epoch)

    def working_day_after_start(self) -> date:
        """The first working day after the pinned start: a scenario set on it is in the future
        of every clock of the stack, whatever instant the run was pinned to."""
        return WorkingCalendar().next_working_day(self.pinned.astimezone(VN_TZ).date())

    def env_for(self, name: str, port: int, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
        env.update(
            {
                "MOTCUA_KAFKA_BOOTSTRAP": self.kafka,
                "MOTCUA_MONGO_URL": self.mongo,
                "MOTCUA_HTTP_PORT": str(port),
                "MOTCUA_DB_NAME": f"e2e_{self.run_id}_{name}",
                "MOTCUA_TOPIC_NAMESPACE": self.namespace,
                "MOTCUA_CONSUMER_GROUP": f"e2e-{self.run_id}-{name}",
                "MOTCUA_SIMULATION": "1",
                "MOTCUA_SIMULATION_START": self.pinned.isoformat(),
                "MOTCUA_SIMULATION_START_EPOCH": repr(self.epoch),
                "MOTCUA_JWT_SECRET": SECRET,
                "MOTCUA_PSEUDONYM_KEY": "e2e-pseudonym-key",
                "MOTCUA_RELAY_INTERVAL_SECONDS": "0.05",
                "MOTCUA_LOG_LEVEL": "INFO",
                "MOTCUA_STRICT_ANSWERS": os.environ.get("MOTCUA_STRICT_ANSWERS", "0"),
                # The object server started by the Makefile; one bucket per stack.
                "MOTCUA_S3_ENDPOINT": os.environ.get("MOTCUA_S3_ENDPOINT", "http://127.0.0.1:8333"),
                "MOTCUA_S3_BUCKET": f"test-{self.run_id}",
            }
        )
        env.update(extra)
        if env["MOTCUA_SIMULATION"] != "1":
            # Production refuses a simulated start instant: there the clock is the machine's.
            del env["MOTCUA_SIMULATION_START"], env["MOTCUA_SIMULATION_START_EPOCH"]
        return env

    def start(self, name: str, **extra: str) -> ServiceProcess:
        port = free_port()
        svc = ServiceProcess(
            name, port, self.env_for(name, port, **extra), self.log_dir / f"{name}-{port}.log"
        )
        svc.start()
        self.services[name] = svc
        self.started.append(svc)
        return svc

    def start_all(self, **extra: str) -> None:
        for name in SERVICES:
            self.start(name, **extra)
        for name in SERVICES:
            self.services[name].wait_ready()

    def restart(
        self,
        name: str,
        ready_timeout: float = 60.0,
        *,
        without: Iterable[str] = (),
        **extra: str,
    ) -> ServiceProcess:
        """Kill ``name`` (SIGKILL) and start it again on the same port, database and topics,
        its settings less ``without`` and plus ``extra``."""
        old = self.services[name]
        old.kill()
        env = {k: v for k, v in old.env.items() if k not in set(without)} | extra
        svc = ServiceProcess(name, old.port, env, old.log_path)
        svc.start()
        self.started.append(svc)
        svc.wait_ready(ready_timeout)
        self.services[name] = svc
        return svc

    def url(self, name: str) -> str:
        return self.services[name].url

    def stop_all(self) -> None:
        for svc in self.started:
            svc.stop()


def token(role: str | list[str], unit: str, subject: str | None = None) -> str:
    roles = [role] if isinstance(role, str) else role
    return mint_token(
        SECRET, subject=subject or f"{roles[0]}-{uuid.uuid4().hex[:4]}", unit=unit, roles=roles
    )


def citizen_auth(personal_id: str, name: str | None = None) -> dict[str, str]:
    """The headers of a citizen signed in with ``personal_id`` (a development token)."""
    token = mint_citizen_token(SECRET, personal_id=personal_id, name=name)
    return {"Authorization": f"Bearer {token}"}


def auth(role: str | list[str], unit: str, subject: str | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role, unit, subject)}"}


async def kiosk_link(http: httpx.AsyncClient, feedback_url: str, counter: str) -> str:
    """The device link of ``counter``'s kiosk, as a leader of the counter's unit gets it (a
    counter code is ``<unit>-<counter id>``)."""
    unit = counter.partition("-")[0]
    r = await http.get(f"{feedback_url}/kiosk/{counter}/link", headers=auth("leader", unit))
    assert r.status_code == 200, r.text
    assert r.json()["counter"] == counter
    return str(r.json()["url"])


async def kiosk_device(http: httpx.AsyncClient, feedback_url: str, counter: str) -> dict[str, str]:
    """The headers that make a client ``counter``'s kiosk: the device token of its link."""
    link = await kiosk_link(http, feedback_url, counter)
    [device] = parse_qs(urlsplit(link).query)["device"]
    return {"X-Kiosk-Device": device}


async def opened_case(
    http: httpx.AsyncClient, workflow: str, code: str, headers: dict[str, str]
) -> dict[str, Any] | None:
    """``GET /cases/{code}`` once workflow has opened the dossier's processing case, else None.

    Workflow knows an online dossier, and a counter one for an instant, from its submission
    (status 1, no steps) before its acceptance opens the case: a 200 alone proves nothing."""
    r = await http.get(f"{workflow}/cases/{code}", headers=headers)
    if r.status_code != 200 or not r.json()["steps"]:
        return None
    case: dict[str, Any] = r.json()
    return case


async def eventually(check, timeout: float = 30.0, interval: float = 0.2):  # type: ignore[no-untyped-def]
    """Poll an async ``check`` until it returns a truthy value; returns that value."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"condition not reached within {timeout}s (last: {last!r})")
