"""What users feel: full dossier lifecycles driven through the public APIs at stepped offered
rates (open loop), next to the raw limits of the same database and broker, and the work queue and
report latency as stored dossiers grow.

The three services run as processes (as in the end-to-end tests) against a private FerretDB over
PostgreSQL started like ``make run`` starts it; Kafka is the shared broker. Settings:
``MOTCUA_BENCH_RATES`` (lifecycles/s, default ``0.5,1,2``), ``MOTCUA_BENCH_SECONDS`` per rate
(default 30), ``MOTCUA_BENCH_STORED`` (finished dossiers of earlier years, imported from a tracking
book, to read at; default ``1000,10000,100000``), ``MOTCUA_BENCH_OPEN`` (the commune's open
dossiers the work queue shows, default 300).

After the timed phases, one more phase at the highest rate is profiled (``benchmarks.profiles``:
py-spy samples each service, Go's profiler samples FerretDB), and so is each stored size while
``GET /reports/summary`` is called back to back; the report ends with where each core went.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from pymongo import MongoClient

from benchmarks import profiles
from motcua_platform.calendar import VN_TZ, WorkingCalendar
from motcua_platform.provision import create_topics
from support.ferretdb import STATISTICS_DELAY_SECONDS, free_port, private_infra, rows_written
from support.lifecycle import (
    COMMUNE,
    OFFICIALS,
    at_kiosk,
    counter_intake,
    documents_for,
    idem,
)
from support.stack import Stack, auth, kiosk_device, opened_case

KAFKA = os.environ.get("MOTCUA_KAFKA_BOOTSTRAP", "127.0.0.1:9092")
RATES = [float(r) for r in os.environ.get("MOTCUA_BENCH_RATES", "0.5,1,2").split(",")]
SECONDS = float(os.environ.get("MOTCUA_BENCH_SECONDS", "30"))
STORED = [int(n) for n in os.environ.get("MOTCUA_BENCH_STORED", "1000,10000,100000").split(",")]
OPEN = int(os.environ.get("MOTCUA_BENCH_OPEN", "300"))
FIRST_DAY = date(2024, 3, 4)  # a Monday; each lifecycle gets its own working day


def progress(label: str, done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r  {label:<34} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    sys.stderr.flush()
    if done >= total:
        sys.stderr.write("\n")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def working_day(i: int) -> str:
    day, n = FIRST_DAY, i
    while True:
        if day.weekday() < 5:
            if n == 0:
                return day.isoformat()
            n -= 1
        day += timedelta(days=1)


class Recorder:
    def __init__(self) -> None:
        self.calls: dict[str, list[float]] = defaultdict(list)

    async def timed(self, name: str, call: Awaitable[httpx.Response]) -> httpx.Response:
        start = time.perf_counter()
        r = await call
        self.calls[name].append(time.perf_counter() - start)
        return r


async def until(
    check: Callable[[], Awaitable[bool]], timeout: float = 60, interval: float = 0.05
) -> float:
    """Seconds until ``check`` holds, polled every ``interval`` seconds."""
    start = time.perf_counter()
    while not await check():
        if time.perf_counter() - start > timeout:
            raise TimeoutError
        await asyncio.sleep(interval)
    return time.perf_counter() - start


async def lifecycle(
    http: httpx.AsyncClient, stack: Stack, rec: Recorder, day: str, counter: str
) -> None:
    """One dossier from intake to rating; returned at its own ``counter``, whose kiosk shows one
    dossier at a time."""
    intake, workflow, feedback = (stack.url(s) for s in ("intake", "workflow", "feedback"))
    body = counter_intake(await documents_for(http, intake, day), f"{day}T08:15:00+07:00")
    headers = {**auth("receiver", COMMUNE), **idem()}
    r = await rec.timed(
        "POST /dossiers", http.post(f"{intake}/dossiers", json=body, headers=headers)
    )
    r.raise_for_status()
    code = r.json()["code"]
    official = auth(OFFICIALS, COMMUNE, subject="can-bo-1")
    leader = auth("leader", COMMUNE)

    opened: dict[str, Any] = {}

    async def visible() -> bool:
        opened["case"] = await opened_case(http, workflow, code, official)
        return opened["case"] is not None

    rec.calls["accept → visible in workflow"].append(await until(visible))
    case = opened["case"]
    for _ in case["steps"]:
        r = await rec.timed(
            "POST complete-step",
            http.post(
                f"{workflow}/cases/{code}/complete-step",
                json={"at": f"{day}T10:00:00+07:00"},
                headers={**official, **idem()},
            ),
        )
        r.raise_for_status()
    r = await rec.timed(
        "POST resolve",
        http.post(
            f"{workflow}/cases/{code}/resolve",
            json={"outcome": "approved", "at": f"{day}T14:00:00+07:00"},
            headers={**official, **idem()},
        ),
    )
    r.raise_for_status()

    async def counted_in_report() -> bool:
        # Each lifecycle has a working day of its own: the day's summary counts only this dossier.
        period = {"unit": COMMUNE, "from": day, "to": day}
        r = await http.get(f"{workflow}/reports/summary", params=period, headers=leader)
        return r.status_code == 200 and sum(r.json()["finished"].values()) >= 1

    freshness = asyncio.create_task(until(counted_in_report, interval=0.2))
    r = await rec.timed(
        "POST return",
        http.post(
            f"{workflow}/cases/{code}/return",
            json={"channel": "counter", "counter": counter, "at": f"{day}T15:00:00+07:00"},
            headers={**official, **idem()},
        ),
    )
    r.raise_for_status()
    device = await kiosk_device(http, feedback, counter)
    session: dict[str, str] = {}

    async def rating_requested() -> bool:
        if (current := await at_kiosk(http, feedback, device, counter, code)) is not None:
            session["id"] = current["session"]
        return bool(session)

    rec.calls["return → rating request at kiosk"].append(await until(rating_requested))
    rating = {
        "dossier_code": code,
        "overall": "very_satisfied",
        "channel": "kiosk",
        "kiosk_session": session["id"],
    }
    r = await rec.timed(
        "POST /ratings", http.post(f"{feedback}/ratings", json=rating, headers=idem())
    )
    r.raise_for_status()
    rec.calls["resolve → counted in the unit's report"].append(await freshness)


def cpu_seconds(pids: dict[str, list[int]]) -> dict[str, float]:
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for name, group in pids.items():
        total = 0.0
        for pid in group:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
            except (FileNotFoundError, ProcessLookupError):
                pass
        out[name] = total
    return out


def process_groups(stack: Stack, run: Path) -> dict[str, list[int]]:
    groups = {name: [svc.proc.pid] for name, svc in stack.services.items() if svc.proc}
    groups["ferretdb"] = [int((run / "ferretdb.pid").read_text())]
    postmaster = int((run / "postgres" / "data" / "postmaster.pid").read_text().split()[0])
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == postmaster:
                children.append(int(stat.parent.name))
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            pass
    groups["postgresql"] = [postmaster, *children]
    # The broker and this load generator share the machine: at saturation their share tells
    # whether the services ran out of CPU or the machine did.
    groups["kafka"] = [
        int(cmdline.parent.name)
        for cmdline in Path("/proc").glob("[0-9]*/cmdline")
        if _reads(cmdline).find(b"kafka.Kafka") >= 0
    ]
    groups["load generator"] = [os.getpid()]
    return groups


def _reads(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return b""


def writes_so_far(run: Path, *, leases: bool = True) -> int:
    """Rows inserted, updated and deleted in the service databases, from PostgreSQL's statistics;
    without the relays' leases (renewed on a timer, not by the dossiers) when ``leases`` is off."""
    rows = rows_written(run)
    return sum(v for k, v in rows.items() if leases or not k.endswith(".outbox_leases"))


async def load_phase(
    http: httpx.AsyncClient,
    stack: Stack,
    rate: float,
    first: int,
    groups: dict[str, list[int]],
    run: Path,
    *,
    seconds: float = SECONDS,
    profile: Callable[[float], Awaitable[list[profiles.Profile]]] | None = None,
) -> dict[str, Any]:
    """Lifecycles offered at ``rate`` per second for ``seconds``; with ``profile``, the processes
    are profiled over the middle half of the phase (its figures then include the profilers' own
    cost)."""
    rec = Recorder()
    offered = max(1, round(rate * seconds))
    done = 0
    failed = 0
    await asyncio.sleep(1)  # let the previous phase's stragglers' statistics settle
    writes_before = writes_so_far(run)
    cpu_before = cpu_seconds(groups)
    start = time.perf_counter()

    async def one(i: int) -> None:
        nonlocal done, failed
        try:
            counter = f"{COMMUNE}-B{first + i:05d}"
            await lifecycle(http, stack, rec, working_day(first + i), counter)
            done += 1
        except (httpx.HTTPError, TimeoutError, KeyError):
            failed += 1
        progress(f"lifecycles at {rate:g}/s offered", done + failed, offered)

    async def profiled() -> list[profiles.Profile]:
        assert profile is not None
        await asyncio.sleep(seconds / 4)
        return await profile(seconds / 2)

    profiling = asyncio.create_task(profiled()) if profile else None
    tasks = []
    for i in range(offered):
        tasks.append(asyncio.create_task(one(i)))
        await asyncio.sleep(max(0.0, start + (i + 1) / rate - time.perf_counter()))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    await asyncio.sleep(1.5)  # PostgreSQL publishes its statistics within a second
    cpu_after = cpu_seconds(groups)
    writes = writes_so_far(run) - writes_before
    return {
        "rate": rate,
        "offered": offered,
        "completed": done,
        "failed": failed,
        "elapsed": elapsed,
        "calls": rec.calls,
        "cpu": {k: (cpu_after[k] - cpu_before[k]) / elapsed for k in cpu_after},
        "writes_per_lifecycle": writes / done if done else float("nan"),
        "profile": await profiling if profiling else [],
    }


async def raw_limits(mongo_url: str, namespace: str) -> dict[str, float]:
    out: dict[str, float] = {}
    client: MongoClient[dict[str, Any]] = MongoClient(mongo_url)
    coll = client["raw_bench"]["docs"]
    n = 500
    start = time.perf_counter()
    for i in range(n):
        coll.insert_one({"_id": i, "pad": "x" * 1000})
    out["raw single writes/s (insert_one, 1 KB)"] = n / (time.perf_counter() - start)
    start = time.perf_counter()
    for b in range(10):
        coll.insert_many([{"_id": f"{b}-{i}", "pad": "x" * 1000} for i in range(500)])
    out["raw bulk writes/s (insert_many of 500, 1 KB)"] = 5000 / (time.perf_counter() - start)
    client.drop_database("raw_bench")
    client.close()

    topic = f"{namespace}motcua.intake.v1"  # a fresh namespace: nothing else uses it
    await create_topics(KAFKA, partitions=3, replication=1, namespace=namespace)
    producer = AIOKafkaProducer(bootstrap_servers=KAFKA, acks="all", enable_idempotence=True)
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=KAFKA, auto_offset_reset="earliest", group_id=f"raw-{namespace}"
    )
    await producer.start()
    await consumer.start()
    m = 5000
    try:
        start = time.perf_counter()
        futures = [await producer.send(topic, b"x" * 1000, key=str(i).encode()) for i in range(m)]
        await asyncio.gather(*futures)
        received = 0
        while received < m:
            batch = await consumer.getmany(timeout_ms=1000)
            received += sum(len(v) for v in batch.values())
        out["raw aiokafka produce+consume events/s (1 KB)"] = m / (time.perf_counter() - start)
    finally:
        await producer.stop()
        await consumer.stop()
    return out


async def store_open_dossiers(http: httpx.AsyncClient, stack: Stack, count: int) -> None:
    """The commune's backlog: counter dossiers accepted through intake's API (so workflow opens
    their cases through its own consumer) and left open, 8 in flight."""
    intake = stack.url("intake")
    docs = await documents_for(http, intake, FIRST_DAY.isoformat())
    sem = asyncio.Semaphore(8)
    done = 0

    async def one(i: int) -> None:
        nonlocal done
        body = counter_intake(docs, f"{working_day(i % 200)}T09:00:00+07:00")
        async with sem:
            r = await http.post(
                f"{intake}/dossiers", json=body, headers={**auth("receiver", COMMUNE), **idem()}
            )
            r.raise_for_status()
        done += 1
        progress(f"{count} open dossiers", done, count)

    await asyncio.gather(*(one(i) for i in range(count)))


# Finished dossiers of earlier years, as a commune's tracking book (Mẫu 07) records them.
BOOK_HEADER = (
    'STT,Mã hồ sơ,Tên thủ tục hành chính,"Tên cá nhân, tổ chức","Ngày, giờ nhận hồ sơ",'
    '"Ngày, giờ hẹn trả kết quả","Ngày, giờ trả kết quả cho cá nhân, tổ chức",Kết quả\n'
)
BOOK_PROCEDURE = "Cấp Giấy xác nhận tình trạng hôn nhân"  # 3 working days
BOOK_FIRST_DAY = date(2022, 1, 4)
BOOK_PER_DAY = 200


def tracking_book(path: Path, first: int, count: int) -> None:
    """Lines ``first`` … ``first + count - 1`` of a book of finished dossiers, ``BOOK_PER_DAY``
    a working day from ``BOOK_FIRST_DAY``, each returned the working day after its receipt."""
    calendar = WorkingCalendar()
    days: list[date] = []
    day = BOOK_FIRST_DAY
    while len(days) * BOOK_PER_DAY < first + count + 1:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    with path.open("w", encoding="utf-8") as book:
        book.write(BOOK_HEADER)
        for i in range(first, first + count):
            day, number = days[i // BOOK_PER_DAY], i % BOOK_PER_DAY
            received = datetime.combine(day, dt_time(8), VN_TZ) + timedelta(minutes=2 * number)
            due = calendar.due_at(received, 24)
            finished = calendar.due_at(received, 8)
            book.write(
                f"{i + 1},{COMMUNE}-{day:%y%m%d}-{number + 1:04d},{BOOK_PROCEDURE},"
                f"Công dân {i},{received:%d/%m/%Y %H:%M},{due:%d/%m/%Y %H:%M},"
                f"{finished:%d/%m/%Y %H:%M},Đã giải quyết\n"
            )


async def store_history(http: httpx.AsyncClient, stack: Stack, first: int, count: int) -> None:
    """``count`` finished dossiers entered through intake's tracking-book import (the command a
    province runs at go-live), then recorded by workflow from their events like live ones."""
    book = stack.log_dir / f"book-{first}.csv"
    tracking_book(book, first, count)
    command = [sys.executable, "-m", "motcua_intake", "history-import", str(book), "--apply"]
    proc = await asyncio.create_subprocess_exec(
        *command,
        *("--unit", COMMUNE, "--wait", "3600"),
        env=stack.services["intake"].env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    assert proc.stdout is not None
    tail = []
    async for line in proc.stdout:
        text = line.decode().strip()
        tail = [*tail[-5:], text]
        if text.startswith("imported "):
            done, _ = text.split()[1].split("/")
            progress(f"importing {count} finished", int(done), count)
    if await proc.wait() != 0:
        raise RuntimeError("history import failed: " + " | ".join(tail))
    period = {"unit": COMMUNE, "from": BOOK_FIRST_DAY.isoformat(), "to": "2023-12-31"}
    leader = auth("leader", COMMUNE)
    summary = f"{stack.url('workflow')}/reports/summary"

    async def recorded() -> bool:
        r = await http.get(summary, params=period, headers=leader)
        received = int(r.json()["received"]) if r.status_code == 200 else 0
        progress(f"workflow recording {count}", received - first, count)
        return received >= first + count

    await until(recorded, timeout=3600, interval=5)


async def quiet(run: Path, timeout: float = 1800) -> None:
    """Wait until the services have written everything the stored dossiers cause (events to
    feedback, read models, catch-up): the database's write count stops moving for longer than
    its statistics can lag."""
    start = time.perf_counter()
    before = writes_so_far(run, leases=False)
    while time.perf_counter() - start < timeout:
        await asyncio.sleep(STATISTICS_DELAY_SECONDS)
        now = writes_so_far(run, leases=False)
        if now == before:
            return
        before = now


READ_CALLS = 50


async def read_latency(http: httpx.AsyncClient, stack: Stack) -> dict[str, tuple[float, float]]:
    """p50 and p95 seconds of ``READ_CALLS`` calls of each read, one after the other: a p50 that
    stays while the p95 grows points at other work meeting some calls, not at the read."""
    workflow = stack.url("workflow")
    leader = auth("leader", COMMUNE)
    reads = {
        "GET /tasks": (f"{workflow}/tasks", {"unit": COMMUNE}, auth(OFFICIALS, COMMUNE)),
        "GET /reports/summary": (
            f"{workflow}/reports/summary",
            {"unit": COMMUNE, "from": "2024-03-01", "to": "2024-12-31"},
            leader,
        ),
    }
    out = {}
    for name, (url, params, headers) in reads.items():
        times = []
        for _ in range(READ_CALLS):
            start = time.perf_counter()
            (await http.get(url, params=params, headers=headers)).raise_for_status()
            times.append(time.perf_counter() - start)
        out[name] = (percentile(times, 0.5), percentile(times, 0.95))
    return out


async def profile_summary_reads(
    http: httpx.AsyncClient,
    stack: Stack,
    profile: Callable[[float], Awaitable[list[profiles.Profile]]],
    seconds: float = 10,
) -> tuple[list[profiles.Profile], int]:
    """Workflow's and FerretDB's CPU while ``GET /reports/summary`` is called back to back, and
    how many calls were answered in the window."""
    url = f"{stack.url('workflow')}/reports/summary"
    params = {"unit": COMMUNE, "from": "2024-03-01", "to": "2024-12-31"}
    leader = auth("leader", COMMUNE)
    calls = 0

    async def call_until(deadline: float) -> None:
        nonlocal calls
        while time.perf_counter() < deadline:
            (await http.get(url, params=params, headers=leader)).raise_for_status()
            calls += 1

    caller = asyncio.create_task(call_until(time.perf_counter() + seconds + 1))
    taken = await profile(seconds)
    await caller
    return [p for p in taken if p.process in ("workflow", "ferretdb")], calls


def print_report(
    phases: list[dict[str, Any]],
    raw: dict[str, float],
    reads: dict[int, Any],
    profiled: dict[str, list[profiles.Profile]],
) -> None:
    load = os.getloadavg()
    print(f"\nLifecycle load (machine load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f})")
    for phase in phases:
        print(
            f"\noffered {phase['rate']:g}/s for {SECONDS:g} s: "
            f"{phase['completed']}/{phase['offered']} completed ({phase['failed']} failed), "
            f"{phase['completed'] / phase['elapsed']:.2f} lifecycles/s, "
            f"{phase['writes_per_lifecycle']:.1f} database writes (rows) per lifecycle"
        )
        print(f"  {'call':<36}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'n':>6}")
        for name, values in phase["calls"].items():
            ms = [v * 1000 for v in values]
            print(
                f"  {name:<36}{percentile(ms, 0.5):>10.0f}{percentile(ms, 0.95):>10.0f}"
                f"{percentile(ms, 0.99):>10.0f}{len(ms):>6}"
            )
        cpu = ", ".join(f"{k} {v * 100:.0f}%" for k, v in phase["cpu"].items())
        print(f"  CPU per process (% of one core): {cpu}")
    print("\nRaw limits of the same stack")
    for name, value in raw.items():
        print(f"  {name:<50}{value:>10.0f}")
    best = max((p["completed"] / p["elapsed"] for p in phases), default=0.0)
    single = raw.get("raw single writes/s (insert_one, 1 KB)", 0.0)
    writes = statistics.median(p["writes_per_lifecycle"] for p in phases) if phases else 0.0
    if single and writes:
        print(
            f"  product ÷ raw: {best:.2f} lifecycles/s × {writes:.0f} writes = "
            f"{best * writes:.0f} writes/s, {best * writes / single:.0%} of raw single writes"
        )
    print(
        f"\nReads as stored dossiers grow (p50 / p95 ms of {READ_CALLS} calls; the commune has "
        f"{OPEN} open and "
        "the stored finished ones of earlier years)"
    )
    for stored, figures in reads.items():
        row = ", ".join(
            f"{k} {p50 * 1000:.0f} / {p95 * 1000:.0f}" for k, (p50, p95) in figures.items()
        )
        print(f"  {stored:>7} stored: {row}")
    for title, taken in profiled.items():
        print(f"\nWhere the CPU goes {title} (self time, % of one core)")
        for profile in taken:
            print("\n".join(profile.lines()))


async def main() -> None:
    profile_port = free_port()
    with private_infra("postgresql", profile_port=profile_port) as (mongo_url, run):
        stack_id = f"bench{uuid.uuid4().hex[:6]}"
        namespace = f"test{stack_id}."
        await create_topics(KAFKA, partitions=3, replication=1, namespace=namespace)
        stack = Stack(
            namespace, stack_id, Path(tempfile.mkdtemp(prefix="motcua-bench-")), KAFKA, mongo_url
        )
        try:
            stack.start_all()
            groups = process_groups(stack, run)
            services = {k: v[0] for k, v in groups.items() if k in stack.services}

            async def profile(seconds: float) -> list[profiles.Profile]:
                return await profiles.capture(services, profile_port, seconds)

            phases = []
            profiled: dict[str, list[profiles.Profile]] = {}
            async with httpx.AsyncClient(timeout=60) as http:
                first = 0
                for rate in RATES:
                    phases.append(await load_phase(http, stack, rate, first, groups, run))
                    first += phases[-1]["offered"]
                # Profiled apart, so that the profilers' cost stays out of the figures above.
                top = max(RATES)
                extra = await load_phase(
                    http, stack, top, first, groups, run, seconds=min(SECONDS, 40), profile=profile
                )
                first += extra["offered"]
                profiled[f"at {top:g} lifecycles/s offered"] = extra["profile"]
                raw = await raw_limits(mongo_url, f"raw{stack_id}.")
                reads: dict[int, Any] = {}
                await store_open_dossiers(http, stack, OPEN)
                have = 0
                for target in STORED:
                    started = time.perf_counter()
                    if target > have:
                        await store_history(http, stack, have, target - have)
                        have = target
                    await quiet(run)
                    reads[target] = await read_latency(http, stack)
                    taken, calls = await profile_summary_reads(http, stack, profile)
                    title = f"at {target} stored, GET /reports/summary back to back ({calls} calls)"
                    profiled[title] = taken
                    if time.perf_counter() - started > 1800:
                        print(f"  (stopped after {target} stored: loading took over 30 minutes)")
                        break
        finally:
            stack.stop_all()
    print_report(phases, raw, reads, profiled)


if __name__ == "__main__":
    asyncio.run(main())
