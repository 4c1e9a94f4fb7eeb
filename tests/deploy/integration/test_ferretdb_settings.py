"""The local FerretDB runs with the garbage-collector settings that ``infra.sh`` gives it (its
collector took most of its CPU with Go's defaults), and an operator can change them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support.ferretdb import private_infra

pytestmark = pytest.mark.integration


def environment_of(run: Path) -> dict[str, str]:
    pid = int((run / "ferretdb.pid").read_text())
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(entry.split("=", 1) for entry in raw.decode().split("\0") if "=" in entry)


def test_ferretdb_collects_garbage_less_often_within_a_memory_limit() -> None:
    with private_infra("postgresql") as (_url, run):
        env = environment_of(run)
    assert env["GOGC"] == "800"
    assert env["GOMEMLIMIT"] == "512MiB"


def test_an_operator_sets_the_collector_and_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(os.environ, "MOTCUA_FERRETDB_GOGC", "200")
    monkeypatch.setitem(os.environ, "MOTCUA_FERRETDB_MEMORY", "1GiB")
    with private_infra("postgresql") as (_url, run):
        env = environment_of(run)
    assert (env["GOGC"], env["GOMEMLIMIT"]) == ("200", "1GiB")
