"""p95 of the console's two busiest pages, counter intake and the work queue, at the demo volume:
the three services and the console run as processes on the real broker and database, an official
signs in through the local Keycloak realm, and each page is fetched many times."""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from html import unescape
from pathlib import Path

import httpx

from motcua_platform.auth import mint_token
from motcua_platform.provision import create_topics

KAFKA = os.environ.get("MOTCUA_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
MONGO = os.environ.get("MOTCUA_MONGO_URL", "mongodb://127.0.0.1:27017")
ISSUER = f"http://127.0.0.1:{os.environ.get('MOTCUA_KEYCLOAK_PORT', '8180')}/realms/officials"
DOSSIERS = int(os.environ.get("MOTCUA_BENCH_CONSOLE_DOSSIERS", "150"))
REQUESTS = int(os.environ.get("MOTCUA_BENCH_CONSOLE_REQUESTS", "200"))
UNIT = "H15.01.36"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _start(
    run_id: str, logs: Path, name: str, extra: dict[str, str]
) -> tuple[subprocess.Popen[bytes], str]:
    port = _port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_")}
    env.update(
        MOTCUA_KAFKA_BOOTSTRAP=KAFKA,
        MOTCUA_MONGO_URL=MONGO,
        MOTCUA_HTTP_PORT=str(port),
        MOTCUA_DB_NAME=f"bench_{run_id}_{name}",
        MOTCUA_TOPIC_NAMESPACE=f"bench{run_id}.",
        MOTCUA_CONSUMER_GROUP=f"bench-{run_id}-{name}",
        MOTCUA_JWT_SECRET=extra.pop("secret"),
        MOTCUA_PSEUDONYM_KEY="bench-pseudonym-key",
        MOTCUA_KIOSK_KEY="bench-kiosk-key-of-enough-length",
        MOTCUA_OIDC_ISSUER=ISSUER,
        MOTCUA_OIDC_JWKS_URL=f"{ISSUER}/protocol/openid-connect/certs",
        MOTCUA_OIDC_AUDIENCE="motcua-api",
        MOTCUA_LOG_LEVEL="WARNING",
        **extra,
    )
    log = (logs / f"{name}.log").open("ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", f"motcua_{name}"], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    return proc, f"http://127.0.0.1:{port}"


def _wait(urls: list[str], procs: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + 300
    for url in urls:
        while not _ready(url):
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise RuntimeError(f"{url} did not become ready")
            time.sleep(0.3)


def _sign_in(console: str, username: str) -> httpx.Client:
    """The authorization-code flow as a browser does it: the console sends us to Keycloak's login
    form, we post the credentials, Keycloak sends us back with the code."""
    client = httpx.Client(follow_redirects=True, timeout=30)

    def loopback_is_secure(_: httpx.Response) -> None:
        # Browsers treat 127.0.0.1 as a secure context and send Keycloak's Secure cookies there
        # over plain HTTP; Python's cookie jar does not, unless the flag is lifted (loopback only).
        for cookie in client.cookies.jar:
            cookie.secure = False

    client.event_hooks["response"] = [loopback_is_secure]
    form = client.get(f"{console}/login")
    action = unescape(re.search(r'action="([^"]+)"', form.text).group(1))  # type: ignore[union-attr]
    done = client.post(action, data={"username": username, "password": "motcua-demo"})
    if "official-name" not in done.text:
        raise RuntimeError(f"sign-in as {username} failed ({done.status_code})")
    return client


def _seed(intake: str, secret: str) -> None:
    token = mint_token(secret, subject="bench", unit=UNIT, roles=["receiver"])
    headers = {"Authorization": f"Bearer {token}"}
    detail = httpx.get(f"{intake}/procedures/1.001193", timeout=30).json()["current"]
    documents = [
        {"component": c["code"], "form": c["forms"][0]}
        for c in detail["components"]
        if c.get("required")
    ]
    with httpx.Client(timeout=60) as http:
        for _ in range(DOSSIERS):
            r = http.post(
                f"{intake}/dossiers",
                headers={**headers, "Idempotency-Key": uuid.uuid4().hex},
                json={
                    "procedure_code": "1.001193",
                    "channel": "counter",
                    "receiving_unit": UNIT,
                    "applicant": {"personal_id": "079203001234"},
                    "documents": documents,
                    "accept": True,
                },
            )
            r.raise_for_status()


def _p95(client: httpx.Client, url: str) -> tuple[float, float]:
    client.get(url).raise_for_status()  # warm
    times = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        client.get(url).raise_for_status()
        times.append(time.perf_counter() - start)
    return statistics.quantiles(times, n=20)[18] * 1000, statistics.median(times) * 1000


def bench_console() -> None:
    try:
        httpx.get(f"{ISSUER}/.well-known/openid-configuration", timeout=5).raise_for_status()
    except httpx.HTTPError:
        print("console pages: skipped, Keycloak's officials realm is not answering (make keycloak)")
        return
    run_id = uuid.uuid4().hex[:6]
    secret = secrets.token_urlsafe(32)
    logs = Path(tempfile.mkdtemp(prefix="motcua-bench-console-"))
    asyncio.run(create_topics(KAFKA, partitions=3, replication=1, namespace=f"bench{run_id}."))
    procs: list[subprocess.Popen[bytes]] = []
    urls: dict[str, str] = {}
    try:
        for name in ("intake", "workflow", "feedback"):
            proc, urls[name] = _start(run_id, logs, name, {"secret": secret})
            procs.append(proc)
        _wait(list(urls.values()), procs)
        proc, console = _start(
            run_id,
            logs,
            "console",
            {
                "secret": secret,
                "MOTCUA_INTAKE_URL": urls["intake"],
                "MOTCUA_WORKFLOW_URL": urls["workflow"],
                "MOTCUA_FEEDBACK_URL": urls["feedback"],
                "MOTCUA_OIDC_CLIENT_SECRET": "motcua-console-local-secret",
                "MOTCUA_SESSION_SECRET": secrets.token_urlsafe(32),
            },
        )
        procs.append(proc)
        _wait([console], procs)
        _seed(urls["intake"], secret)
        time.sleep(3)  # let workflow consume the acceptances: the queue shows them
        receiver = _sign_in(console, "tiepnhan.bmt")
        for label, path in (
            ("counter intake page", "/intake"),
            ("work queue page", "/queue?role=all"),
        ):
            p95, median = _p95(receiver, console + path)
            print(
                f"console {label:<36} {REQUESTS:>5} GETs, {DOSSIERS} dossiers: "
                f"p95 {p95:6.1f} ms, median {median:6.1f} ms"
            )
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
