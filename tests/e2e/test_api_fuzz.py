"""Property-based fuzzing of the three OpenAPI documents (schemathesis) against the real services:
no generated request may get a 5xx answer, and every answer must match the schema its document
declares for that status. The caller holds every role at the demo commune, so the generated
requests get past the role and scope checks to the handlers.

/readyz is left out: its 503 is its purpose (a dependency not answering), not a server error.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from support.stack import SERVICES, auth

pytestmark = pytest.mark.e2e

ROLES = ["receiver", "specialist", "leader", "admin", "auditor"]
EXAMPLES = "5"  # per operation and phase; the run's seed is fixed, so it is repeatable


def schemathesis() -> str:
    found = Path(sys.executable).parent / "st"
    return str(found) if found.exists() else shutil.which("st") or "st"


async def test_fuzzing_finds_no_5xx_and_no_answer_outside_its_schema(stack_factory: Any) -> None:
    stack = await stack_factory()
    stack.start_all()
    header = auth(ROLES, "H15.01.36")["Authorization"]
    failures = []
    for name in SERVICES:
        done = await asyncio.to_thread(
            subprocess.run,
            [
                schemathesis(),
                "run",
                f"{stack.url(name)}/openapi.json",
                "--header",
                f"Authorization: {header}",
                "--checks",
                "not_a_server_error,response_schema_conformance",
                "--max-examples",
                EXAMPLES,
                "--seed",
                "20261130",
                "--request-timeout",
                "60",
                "--exclude-path",
                "/readyz",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=1200,
        )
        if done.returncode != 0:
            failures.append(f"--- {name}\n{done.stdout[-6000:]}\n{done.stderr[-2000:]}")
    assert not failures, "\n".join(failures)
