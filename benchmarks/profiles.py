"""Where a core goes while a benchmark phase runs: py-spy samples each service's Python stacks,
Go's profiler samples FerretDB, and each profile is summed by the package that spent the time
(self time), in % of one core, with the hottest functions and, for FerretDB, the commands.

A profile is a figure like any other: it is taken from the running processes, never estimated.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

SAMPLES_PER_SECOND = 100
SHOWN = 6  # packages and functions printed per process


@dataclass
class Profile:
    """One process's CPU over a window: ``packages`` and ``functions`` map a name to the cores
    it kept busy by itself (0.25 = a quarter of one core); ``commands`` (FerretDB only) to the
    cores spent under each wire command, its callees included; ``collector`` (FerretDB only)
    to the cores of Go's background garbage collection."""

    process: str
    seconds: float
    packages: Counter[str] = field(default_factory=Counter)
    functions: Counter[str] = field(default_factory=Counter)
    commands: Counter[str] = field(default_factory=Counter)
    collector: float = 0.0  # Go only: cores in the garbage collector's background workers
    error: str = ""

    @property
    def cores(self) -> float:
        return sum(self.packages.values())

    def lines(self) -> list[str]:
        if self.error:
            return [f"  {self.process:<10} no profile: {self.error}"]

        def share(counts: Counter[str]) -> str:
            return ", ".join(f"{k} {v * 100:.0f}%" for k, v in counts.most_common(SHOWN))

        out = [
            f"  {self.process:<10} {self.cores * 100:>4.0f}% by package: {share(self.packages)}",
            f"  {'':<16}hottest: {share(self.functions)}",
        ]
        if self.commands:
            out.append(
                f"  {'':<16}by command (with callees): {share(self.commands)}; "
                f"background garbage collection {self.collector * 100:.0f}%"
            )
        return out


_PY_FRAME = re.compile(r"^(?P<func>.*) \((?P<path>.*?)(?::\d+)?\)$")
_STDLIB = re.compile(r"/lib/python3\.\d+/(?P<mod>[^/]+)")


def python_package(path: str) -> str:
    """The distribution or standard-library module a source file belongs to: ``pydantic``,
    ``asyncio``, ``motcua_workflow``."""
    parts = path.split("/")
    for marker in ("site-packages", "dist-packages"):
        if marker in parts:
            return parts[parts.index(marker) + 1].removesuffix(".py")
    for part in reversed(parts[:-1]):
        if part.startswith("motcua_"):
            return part
    if stdlib := _STDLIB.search(path):
        return stdlib["mod"].removesuffix(".py")
    return parts[-1].removesuffix(".py") or "?"


def read_py_spy(process: str, raw: str, seconds: float) -> Profile:
    """A py-spy ``--format raw`` file (``frame;frame;… count`` per line, the leaf last)."""
    profile = Profile(process, seconds)
    per_sample = 1 / (SAMPLES_PER_SECOND * seconds)
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        leaf = _PY_FRAME.match(stack.rsplit(";", 1)[-1])
        if leaf is None:
            continue
        cores = int(count) * per_sample
        package = python_package(leaf["path"])
        profile.packages[package] += cores
        profile.functions[f"{package}:{leaf['func']}"] += cores
    return profile


# "flat flat% sum% cum cum% function", times as 1.20s, 500ms or a bare 0.
_GO_TOP = re.compile(
    r"^\s*(?P<flat>[\d.]+)(?P<fu>[a-zµ]*)\s+[\d.]+%\s+[\d.]+%"
    r"\s+(?P<cum>[\d.]+)(?P<cu>[a-zµ]*)\s+[\d.]+%\s+(?P<func>.+)$"
)
_UNITS = {
    "": 1.0,
    "s": 1.0,
    "ms": 1e-3,
    "us": 1e-6,
    "µs": 1e-6,
    "ns": 1e-9,
    "min": 60.0,
    "hrs": 3600.0,
}
_COMMAND = re.compile(r"\(\*Handler\)\.Msg(?P<command>\w+)$")


def go_package(func: str) -> str:
    """``github.com/FerretDB/FerretDB/internal/handler/sjson.unmarshal`` → ``handler/sjson``;
    ``runtime.mallocgc`` → ``runtime``."""
    head, _, tail = func.rpartition("/")
    package = f"{head}/{tail.split('.', 1)[0]}" if head else func.split(".", 1)[0]
    for prefix in ("github.com/FerretDB/FerretDB/internal/", "github.com/", "golang.org/x/"):
        package = package.removeprefix(prefix)
    return package


def read_pprof_top(process: str, top: str, seconds: float) -> Profile:
    """The text of ``go tool pprof -top`` (flat and cumulative time per function)."""
    profile = Profile(process, seconds)
    for line in top.splitlines():
        row = _GO_TOP.match(line)
        if row is None:
            continue
        flat = float(row["flat"]) * _UNITS[row["fu"]] / seconds
        cum = float(row["cum"]) * _UNITS[row["cu"]] / seconds
        func = row["func"].removesuffix(" (inline)").strip()
        package = go_package(func)
        profile.packages[package] += flat
        profile.functions[f"{package}:{func.rsplit('.', 1)[-1]}"] += flat
        if command := _COMMAND.search(func):
            profile.commands[command["command"].lower()] += cum
        elif func == "runtime.gcBgMarkWorker":
            profile.collector = cum
    return profile


async def _py_spy(process: str, pid: int, seconds: float, folder: Path) -> Profile:
    py_spy = shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if py_spy is None:
        return Profile(process, seconds, error="py-spy is not installed (make install)")
    out = folder / f"{process}.txt"
    proc = await asyncio.create_subprocess_exec(
        *(py_spy, "record", "--pid", str(pid), "--duration", str(round(seconds))),
        *("--rate", str(SAMPLES_PER_SECOND), "--format", "raw", "--nonblocking"),
        # Only the thread holding the GIL: a loop waiting in epoll or a thread waiting on a lock
        # would otherwise count as busy (py-spy's idle detection misses them when it does not
        # pause the process). Native work that releases the GIL is not seen.
        *("--gil", "--full-filenames"),
        *("--output", str(out)),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await proc.communicate()
    if proc.returncode or not out.exists():
        return Profile(process, seconds, error=err.decode().strip()[-200:] or "py-spy failed")
    return read_py_spy(process, out.read_text(), seconds)


async def _pprof(port: int, seconds: float, folder: Path) -> Profile:
    go = shutil.which("go")
    if go is None:
        return Profile("ferretdb", seconds, error="Go is not installed")
    url = f"http://127.0.0.1:{port}/debug/pprof/profile"
    async with httpx.AsyncClient(timeout=seconds + 30) as http:
        r = await http.get(url, params={"seconds": round(seconds)})
    if r.status_code != 200:
        return Profile("ferretdb", seconds, error=f"profiler answered {r.status_code}")
    data = folder / "ferretdb.pprof"
    data.write_bytes(r.content)
    proc = await asyncio.create_subprocess_exec(
        *(go, "tool", "pprof", "-top", "-nodefraction=0", "-nodecount=100000", str(data)),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    top, err = await proc.communicate()
    if proc.returncode:
        return Profile("ferretdb", seconds, error=err.decode().strip()[-200:])
    return read_pprof_top("ferretdb", top.decode(), seconds)


async def capture(
    services: dict[str, int], ferretdb_profile_port: int | None, seconds: float
) -> list[Profile]:
    """Profile every service (``name → pid``) and FerretDB side by side for ``seconds``."""
    with tempfile.TemporaryDirectory(prefix="motcua-profile-") as tmp:
        folder = Path(tmp)
        jobs = [_py_spy(name, pid, seconds, folder) for name, pid in services.items()]
        if ferretdb_profile_port is not None:
            jobs.append(_pprof(ferretdb_profile_port, seconds, folder))
        return list(await asyncio.gather(*jobs))
