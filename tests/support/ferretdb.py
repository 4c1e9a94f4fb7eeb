"""A private MongoDB-wire server (the local FerretDB build behind its write gate) for tests and
benchmarks that must restart, stall or measure the server, which the shared one must never be."""

from __future__ import annotations

import glob
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
INFRA = REPO / "deploy" / "local" / "infra.sh"


def ferretdb_binary() -> str:
    """The local FerretDB build for this checkout's sources, built if missing."""
    out = subprocess.run([str(INFRA), "ferretdb-bin"], check=True, capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def private_ferretdb(workdir: Path, args: Sequence[str] = ()) -> Iterator[str]:
    """Run the local FerretDB on a free port with ``args`` (SQLite in ``workdir`` by default);
    yields its URL and stops it afterwards."""
    port = free_port()
    log = (workdir / f"ferretdb-{port}.log").open("ab")
    extra = list(args)
    if "-backend" not in extra:
        extra += ["-data", str(workdir / f"ferretdb-{port}")]
    proc = subprocess.Popen(
        [ferretdb_binary(), "-listen", f"127.0.0.1:{port}", *extra],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not _port_open(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"FerretDB did not start; see {log.name}")
            time.sleep(0.1)
        yield f"mongodb://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@contextmanager
def private_infra(
    backend: str = "postgresql", postgres_options: str = "", profile_port: int | None = None
) -> Iterator[tuple[str, Path]]:
    """The local MongoDB-wire server as ``make run`` starts it (``deploy/local/infra.sh``), over
    ``backend``, on free ports and in a run folder of its own; yields its URL and that folder and
    stops it afterwards. Kafka is the shared one. With ``profile_port``, FerretDB serves Go's
    profiler (``/debug/pprof/``) on that local port."""
    with tempfile.TemporaryDirectory(prefix=f"motcua-{backend}-") as run:
        os.chmod(run, 0o755)  # PostgreSQL runs as an unprivileged account and must enter it
        mongo_port = free_port()
        env = {
            **os.environ,
            "MOTCUA_RUN": run,
            "MOTCUA_MONGO_BACKEND": backend,
            "MOTCUA_MONGO_PORT": str(mongo_port),
            "MOTCUA_POSTGRES_PORT": str(free_port()),
            "MOTCUA_POSTGRES_OPTIONS": postgres_options,
            "MOTCUA_FERRETDB_PROFILE_PORT": str(profile_port or ""),
            "PYTHON": sys.executable,
        }
        try:
            started = subprocess.run([str(INFRA), "start"], env=env, capture_output=True, text=True)
            if started.returncode:
                raise RuntimeError(f"{backend} server did not start:\n{started.stderr}")
            yield f"mongodb://127.0.0.1:{mongo_port}", Path(run)
        finally:
            subprocess.run([str(INFRA), "stop"], env=env, check=False, capture_output=True)


# PostgreSQL 15's PGSTAT_IDLE_INTERVAL (10 s) and a margin.
STATISTICS_DELAY_SECONDS = 11.0


def psql(run: Path, query: str) -> str:
    """Run ``query`` in the PostgreSQL of the private server in ``run``; its unaligned output."""
    pg_port = (run / "postgres" / "data" / "postmaster.pid").read_text().splitlines()[3]
    binary = sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))[-1]
    cmd = [binary, "-h", "127.0.0.1", "-p", pg_port, "-U", "motcua", "-d", "ferretdb"]
    cmd += ["-tAc", query]
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def rows_written(run: Path, schema_prefix: str = "e2e") -> dict[str, int]:
    """Rows inserted, updated and deleted so far per collection (``database.collection``) of
    the private server in ``run``, from PostgreSQL's statistics: what the database really wrote,
    whichever client sent it. A connection's counts reach the view when it reports them: at the
    end of a transaction, at most once a second, and a connection that then goes idle reports
    what is left only after PostgreSQL's idle interval (10 s): readings that agree must be at
    least ``STATISTICS_DELAY_SECONDS`` apart."""
    out = psql(
        run,
        "SELECT schemaname, relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables "
        f"WHERE schemaname LIKE '{schema_prefix}%' AND relname NOT LIKE '\\_ferretdb%'",
    )
    rows: dict[str, int] = {}
    for line in out.strip().splitlines():
        schema, table, count = line.split("|")
        # FerretDB names a collection's table ``<collection>_<hash>``.
        rows[f"{schema}.{table.rsplit('_', 1)[0]}"] = int(count)
    return rows
