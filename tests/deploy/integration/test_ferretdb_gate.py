"""The local FerretDB's write gate (deploy/local/ferretdb/gate.go): a client killed in the middle of
a write holds no other writer, a writer that cannot get its collection's gate in time fails with a
clear error instead of hanging, and writes to other collections never wait.

Each test runs its own FerretDB on a free port: killing clients mid-write on the shared server
would disturb everybody using it.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pymongo import MongoClient
from pymongo.errors import ExecutionTimeout

from support.ferretdb import private_ferretdb

WRITE_TIMEOUT = "2s"
ROWS = 16_000  # an update of every row takes FerretDB on SQLite several seconds

# A client that starts a long write (an update of every row) and then waits for it; the test kills
# it with SIGKILL while FerretDB is still applying the write.
LONG_WRITER = """
import sys
from pymongo import MongoClient
client = MongoClient(sys.argv[1])
client.admin.command("ping")
print("writing", flush=True)
client.gate.cases.update_many({}, {"$set": {"touched": True}})
print("written", flush=True)
"""

# A client that sends the first half of an insert and is killed before sending the rest.
HALF_WRITER = """
import socket, struct, sys, time
import bson
body = bson.encode({"insert": "cases", "documents": [{"_id": "half", "pad": "x" * 100000}],
                    "$db": "gate"})
message = struct.pack("<iiiiI", 16 + 4 + 1 + len(body), 1, 0, 2013, 0) + b"\\0" + body
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(message[: len(message) // 2])
print("writing", flush=True)
time.sleep(3600)
"""


def _start(script: str, arg: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-c", script, arg], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    assert proc.stdout.readline() == b"writing\n"
    return proc


def _kill(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def _seed(client: MongoClient) -> None:
    for start in range(0, ROWS, 500):  # small writes, each well within the gate's timeout
        client.gate.cases.insert_many(
            [{"_id": i, "pad": "x" * 1000} for i in range(start, start + 500)]
        )


def _wait_until_applied(client: MongoClient, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while client.gate.cases.count_documents({"touched": True}) < ROWS:
        assert time.monotonic() < deadline, "the killed client's update was never applied"
        time.sleep(0.5)


def test_a_client_killed_mid_write_holds_no_other_writer(tmp_path: Path) -> None:
    with private_ferretdb(tmp_path, ["-write-timeout", WRITE_TIMEOUT]) as url:
        # A hung write fails the test instead of hanging it.
        client = MongoClient(url, socketTimeoutMS=60_000)
        _seed(client)
        writer = _start(LONG_WRITER, url)
        time.sleep(0.5)  # let the update reach FerretDB
        _kill(writer)

        # Another collection's writes go through while the dead client's write is still applied.
        client.gate.tasks.insert_one({"_id": "other collection"})
        assert client.gate.cases.count_documents({"touched": True}) < ROWS

        # A write to the same collection cannot overtake that write (it would race it): it fails
        # with a clear timeout error instead of hanging.
        with pytest.raises(ExecutionTimeout, match="write gate"):
            client.gate.cases.insert_one({"_id": "same collection"})
        assert client.gate.cases.find_one({"_id": "same collection"}) is None

        # Once FerretDB has applied it, nothing of the dead client is left holding the collection.
        _wait_until_applied(client)
        client.gate.cases.insert_one({"_id": "same collection"})
        assert client.gate.cases.find_one({"_id": "same collection"}) is not None


def test_a_client_killed_halfway_through_sending_a_write_holds_nothing(tmp_path: Path) -> None:
    with private_ferretdb(tmp_path, ["-write-timeout", WRITE_TIMEOUT]) as url:
        client = MongoClient(url, socketTimeoutMS=60_000)
        port = url.rsplit(":", 1)[1]
        writer = _start(HALF_WRITER, port)
        # While the half-sent write waits for its second half, other writes to its collection pass.
        client.gate.cases.insert_one({"_id": "while half sent"})
        _kill(writer)
        client.gate.cases.insert_one({"_id": "after the kill"})
        assert client.gate.cases.count_documents({}) == 2


def test_a_write_ferretdb_does_not_answer_in_time_fails_clearly_and_keeps_the_gate(
    tmp_path: Path,
) -> None:
    with private_ferretdb(tmp_path, ["-write-timeout", WRITE_TIMEOUT]) as url:
        client = MongoClient(url, socketTimeoutMS=60_000)
        _seed(client)
        with pytest.raises(ExecutionTimeout, match="did not answer"):
            client.gate.cases.update_many({}, {"$set": {"touched": True}})
        # The write goes on in FerretDB, and until it is done the collection stays gated.
        with pytest.raises(ExecutionTimeout, match="write gate"):
            client.gate.cases.update_one({"_id": 0}, {"$set": {"touched": False}})
        _wait_until_applied(client)
        client.gate.cases.update_one({"_id": 0}, {"$set": {"late": True}})
        assert client.gate.cases.find_one({"_id": 0}) == {
            "_id": 0,
            "pad": "x" * 1000,
            "touched": True,
            "late": True,
        }
