"""``python -m motcua_intake.demo --intake http://127.0.0.1:8001``: a few dossiers for the demo
province, run by ``make run`` once the services are ready.

Ten dossiers at the demo centres — counter, online and postal; one birth registration resolved on
the spot — submitted by each centre's receiver with a development token. Every submission has a
fixed Idempotency-Key and the token a fixed subject, so running it again returns the same
dossiers instead of new ones.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from motcua_platform.auth import mint_token

KEY_PREFIX = "motcua-demo-v1"


@dataclass(frozen=True)
class DemoDossier:
    unit: str
    procedure: str
    channel: str
    citizen: str
    accept: bool = True
    on_the_spot: bool = False


DOSSIERS = (
    DemoDossier("H15.01.36", "1.001193", "counter", "079203001234", on_the_spot=True),
    DemoDossier("H15.01.36", "2.000815", "counter", "038093591036"),
    DemoDossier("H15.01.38", "1.004873", "online", "066179204778", accept=False),
    DemoDossier("H15.01.38", "1.004194", "counter", "066197183148"),
    DemoDossier("H15.01.40", "1.000656", "postal", "066067316642"),
    DemoDossier("H15.01.70", "2.000720", "counter", "054176903807"),
    DemoDossier("H15.01.86", "1.004222", "online", "064060205281", accept=False),
    DemoDossier("H15.01.01", "2.000908", "counter", "066191966324"),
    DemoDossier("H15", "2.000505", "counter", "066199454954"),
    DemoDossier("H15", "1.002804", "online", "054059204563", accept=False),
)

# The form an applicant would hand in through each channel: by post a plain photocopy is not
# valid (it cannot be compared with the original), online everything is electronic.
PREFERENCE = {
    "counter": ("original", "certified_copy", "photocopy", "electronic"),
    "postal": ("original", "certified_copy", "electronic"),
    "online": ("electronic",),
}


class Intake:
    def __init__(self, base_url: str, secret: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.secret = secret

    def token(self, unit: str) -> str:
        return mint_token(
            self.secret,
            subject=f"demo-receiver@{unit}",
            unit=unit,
            roles=["receiver"],
            name=f"Cán bộ một cửa {unit}",
        )

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base_url + path,
            data=data,
            method=method,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")


def documents(procedure: dict[str, Any], channel: str) -> list[dict[str, Any]]:
    """Every required component, in the first form the channel allows."""
    chosen = []
    for component in procedure["current"]["components"]:
        if not component["required"]:
            continue
        # Whoever accepts a weaker paper accepts the original, and online everything is electronic.
        accepted = component["accepted_forms"]
        form = next((f for f in PREFERENCE[channel] if f in accepted), PREFERENCE[channel][0])
        chosen.append({"component": component["code"], "form": form, "digitized": True})
    return chosen


def submit(intake: Intake, index: int, dossier: DemoDossier) -> dict[str, Any] | None:
    status, procedure = intake.call("GET", f"/procedures/{dossier.procedure}")
    if status != 200:
        print(f"  {dossier.procedure}: not in the catalogue ({status})", file=sys.stderr)
        return None
    body = {
        "procedure_code": dossier.procedure,
        "channel": dossier.channel,
        "receiving_unit": dossier.unit,
        "applicant": {"personal_id": dossier.citizen},
        "documents": documents(procedure, dossier.channel),
        "accept": dossier.accept,
        "resolve_on_the_spot": dossier.on_the_spot,
    }
    headers = {
        "Authorization": f"Bearer {intake.token(dossier.unit)}",
        "Idempotency-Key": f"{KEY_PREFIX}-{index}",
    }
    status, answer = intake.call("POST", "/dossiers", body, headers)
    if status != 201:
        error = answer.get("error", answer)
        print(f"  {dossier.procedure} at {dossier.unit}: {status} {error}", file=sys.stderr)
        return None
    return {**answer, "procedure_name": procedure["name"], "channel": dossier.channel}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Submit the demo province's dossiers")
    parser.add_argument("--intake", default="http://127.0.0.1:8001", help="intake base URL")
    args = parser.parse_args(argv)
    secret = os.environ.get("MOTCUA_JWT_SECRET")
    if not secret:
        print("MOTCUA_JWT_SECRET is not set", file=sys.stderr)
        return 2
    intake = Intake(args.intake, secret)
    print("Demo dossiers (tra cứu: mở đường dẫn, không cần đăng nhập):")
    failed = 0
    for index, dossier in enumerate(DOSSIERS, start=1):
        try:
            answer = submit(intake, index, dossier)
        except urllib.error.URLError as error:
            print(f"intake at {intake.base_url} is not reachable: {error.reason}", file=sys.stderr)
            return 1
        if answer is None:
            failed += 1
            continue
        lookup = (
            f"{intake.base_url}/lookup/{quote(answer['code'], safe='')}"
            f"?secret={answer['lookup_secret']}"
        )
        spot = " (resolved on the spot)" if dossier.on_the_spot else ""
        name = answer["procedure_name"]
        name = name if len(name) <= 60 else name[:59] + "…"
        print(
            f"  {answer['code']}  {answer['status_name']:<9} {answer['channel']:<7} "
            f"{name}{spot}\n      {lookup}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
