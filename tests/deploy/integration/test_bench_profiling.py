"""The benchmark's profiles come from the running processes: Go's profiler in the local FerretDB
(served only when asked for) and py-spy attached to a Python process."""

from __future__ import annotations

import asyncio
import sys
import threading

import pytest
from pymongo import MongoClient

from benchmarks import profiles
from support.ferretdb import free_port, private_infra

pytestmark = pytest.mark.integration

BUSY = """
import time

def spin_for_the_profile():
    total = 0
    for i in range(100_000):
        total += i

deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    spin_for_the_profile()
"""


async def test_ferretdb_time_is_split_by_wire_command_and_a_python_process_by_package() -> None:
    port = free_port()
    busy = await asyncio.create_subprocess_exec(sys.executable, "-c", BUSY)
    with private_infra("postgresql", profile_port=port) as (url, _run):
        client: MongoClient[dict[str, object]] = MongoClient(url)
        coll = client["profiled"]["docs"]
        coll.insert_many([{"_id": i, "flag": i % 2 == 0, "pad": "x" * 500} for i in range(300)])
        stop = threading.Event()

        def finds() -> None:
            while not stop.is_set():
                coll.find_one({"pad": {"$regex": "^y"}})  # not pushed down: decodes them all

        reader = threading.Thread(target=finds)
        reader.start()
        try:
            ferretdb, python = sorted(
                await profiles.capture({"spinner": busy.pid}, port, seconds=3),
                key=lambda p: p.process,
            )
        finally:
            stop.set()
            await asyncio.to_thread(reader.join)
            busy.kill()
            await busy.wait()
            client.close()
    assert not ferretdb.error and not python.error
    assert ferretdb.commands.most_common(1)[0][0] == "find"
    assert ferretdb.cores > 0.1
    # The spinner keeps one core busy, all of it in its own (unnamed) module.
    assert python.functions.most_common(1)[0][0].endswith(":spin_for_the_profile")
    assert python.cores > 0.5
