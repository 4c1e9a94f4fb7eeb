"""The local FerretDB's write gate (deploy/local/ferretdb/gate.go): a client killed in the middle of
a write holds no other writer, a writer that cannot get its collection's gate in time fails with a
clear error instead of hanging, and writes to other collections never wait.

Each test runs its own FerretDB (over SQLite) on a free port: killing clients mid-write on the
shared server would disturb everybody using it. A write is kept "in FerretDB" for as long as a test
needs by holding SQLite's write lock on the database's file: FerretDB waits for it (its busy
timeout is 10 s), so no outcome depends on how fast the machine applies a write.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from pymongo import MongoClient
from pymongo.errors import ExecutionTimeout

from support.ferretdb import private_ferretdb

# Short, so that every step a test takes while it holds SQLite's lock fits well within FerretDB's
# 10 s busy timeout.
WRITE_TIMEOUT = "1s"
ROWS = 200

# A client that starts a write (an update of every row) and then waits for it; the test kills it
# with SIGKILL while FerretDB is still waiting to apply the write.
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
    client.gate.cases.insert_many([{"_id": i, "pad": "x" * 1000} for i in range(ROWS)])


@contextmanager
def _database_locked(data: Path, database: str) -> Iterator[None]:
    """Hold SQLite's write lock on ``database``'s file: FerretDB's writes to it wait, reads
    go on."""
    connection = sqlite3.connect(data / f"{database}.sqlite", isolation_level=None, timeout=30)
    try:
        connection.execute("BEGIN IMMEDIATE")
        yield
        connection.execute("ROLLBACK")
    finally:
        connection.close()


def _wait_until_applied(client: MongoClient, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while client.gate.cases.count_documents({"touched": True}) < ROWS:
        assert time.monotonic() < deadline, "the stalled update was never applied"
        time.sleep(0.1)


def _data_dir(tmp_path: Path, url: str) -> Path:
    return tmp_path / f"ferretdb-{url.rsplit(':', 1)[1]}"


def test_a_client_killed_mid_write_holds_no_other_writer(tmp_path: Path) -> None:
    with private_ferretdb(tmp_path, ["-write-timeout", WRITE_TIMEOUT]) as url:
        # A hung write fails the test instead of hanging it.
        client = MongoClient(url, socketTimeoutMS=60_000)
        _seed(client)
        with _database_locked(_data_dir(tmp_path, url), "gate"):
            writer = _start(LONG_WRITER, url)
            time.sleep(0.5)  # let the update reach FerretDB, where it waits for the lock
            _kill(writer)

            # Another collection's writes go through while the dead client's write waits.
            client.other.tasks.insert_one({"_id": "other collection"})
            assert client.gate.cases.count_documents({"touched": True}) == 0

            # A write to the same collection cannot overtake that write (it would race it): it
            # fails with a clear timeout error instead of hanging.
            with pytest.raises(ExecutionTimeout, match="write gate"):
                client.gate.cases.insert_one({"_id": "same collection"})

        # Once FerretDB has applied it, nothing of the dead client is left holding the collection.
        _wait_until_applied(client)
        assert client.gate.cases.find_one({"_id": "same collection"}) is None
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
        with _database_locked(_data_dir(tmp_path, url), "gate"):
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
