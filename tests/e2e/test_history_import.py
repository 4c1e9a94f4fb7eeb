"""The seed's month entered as history: a commune's tracking book (Mẫu 07) of March 2024 imported
through intake's admin command, its dossiers going through the same events into the workflow, so
the month's report is the commune's own: 50 received, 43 early, 4 on time, 3 open within their
deadline, on-time rate 1.0. A book with malformed lines imports only its good lines and names
the others with their line and reason."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from support.stack import ServiceProcess, Stack, auth, eventually

DATA = Path(__file__).parent / "data"
MONTH_BOOK = DATA / "so-theo-doi-ho-so_H15.01.36_2024-03.csv"
MONTH_UNIT = "H15.01.36"  # Phường Buôn Ma Thuột
# The figures the commune reported for the month, which the book above records line by line.
MONTH_FIGURES = {
    "received": 50,
    "finished": {"early": 43, "on_time": 4, "late": 0},
    "open": {"within": 3, "overdue": 0},
    "on_time_rate": 1.0,
}
FAULTY_BOOK = DATA / "so-theo-doi-ho-so_H15.01.38_loi.csv"
FAULTY_UNIT = "H15.01.38"  # Phường Tân An
# A fixed reading instant after the month: the report must not depend on the wall clock.
READ_AT = "2026-06-01T09:00:00+07:00"

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
async def stack(stack_factory: Any) -> Stack:
    stack = await stack_factory()
    for name in ("intake", "workflow"):
        stack.start(name)
    for name in ("intake", "workflow"):
        stack.services[name].wait_ready(timeout=180)
    return stack


def history_import(
    intake: ServiceProcess, book: Path, unit: str
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "motcua_intake", "history-import", str(book)]
    return subprocess.run(
        [*command, "--unit", unit, "--apply", "--wait", "60"],
        env=intake.env,
        capture_output=True,
        text=True,
        timeout=300,
    )


async def month_summary(http: httpx.AsyncClient, stack: Stack, unit: str) -> dict[str, Any]:
    r = await http.get(
        f"{stack.url('workflow')}/reports/summary",
        params={"unit": unit, "from": "2024-03-01", "to": "2024-03-31", "at": READ_AT},
        headers=auth("leader", unit),
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


async def settled(http: httpx.AsyncClient, stack: Stack, unit: str, count: int) -> dict[str, Any]:
    """The summary once the workflow has recorded ``count`` dossiers of the month."""
    seen: dict[str, Any] = {}

    async def arrived() -> bool:
        seen.update(await month_summary(http, stack, unit))
        finished = seen["finished"]
        return (
            seen["received"] == count
            and sum(finished.values()) + sum(seen["open"].values()) == count
        )

    await eventually(arrived, timeout=90)
    return seen


async def test_the_seeds_month_imports_and_reports_the_communes_figures(stack: Stack) -> None:
    done = history_import(stack.services["intake"], MONTH_BOOK, MONTH_UNIT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "50 lines: 50 imported, 0 rejected" in done.stdout
    assert "imported 50/50" in done.stdout  # progress is shown
    assert "published 50/50" in done.stdout

    async with httpx.AsyncClient(timeout=30) as http:
        summary = await settled(http, stack, MONTH_UNIT, 50)
        assert {key: summary[key] for key in MONTH_FIGURES} == MONTH_FIGURES
        assert summary["carried_over"] == 0

        # Marked as imported, through the same events: a finished case was decided and returned.
        case = await http.get(
            f"{stack.url('workflow')}/cases/{MONTH_UNIT}-240304-0003",
            headers=auth("leader", MONTH_UNIT),
        )
        assert case.status_code == 200, case.text
        body = case.json()
        assert body["status"] == 10 and body["timeliness"] == "early"
        assert body["imported"] is True
        book = await http.get(
            f"{stack.url('workflow')}/reports/tracking-book",
            params={"unit": MONTH_UNIT, "from": "2024-03-01", "to": "2024-03-31"},
            headers=auth("leader", MONTH_UNIT),
        )
        lines = book.content.decode("utf-8-sig").strip().splitlines()
        assert len(lines) == 51  # the month's 50 dossiers, back in the book they came from
        assert sum("Nhập từ sổ theo dõi trước đây" in line for line in lines) == 50
        dossier = await http.get(
            f"{stack.url('intake')}/dossiers/{MONTH_UNIT}-240329-0002",
            headers=auth("receiver", MONTH_UNIT),
        )
        assert dossier.status_code == 200, dossier.text
        assert dossier.json()["imported"] is True

    again = history_import(stack.services["intake"], MONTH_BOOK, MONTH_UNIT)
    assert again.returncode == 1
    assert "50 lines: 0 imported, 50 rejected" in again.stdout
    assert "line 2: duplicate code: already in the system" in again.stdout


async def test_malformed_lines_are_reported_and_only_the_good_lines_import(stack: Stack) -> None:
    done = history_import(stack.services["intake"], FAULTY_BOOK, FAULTY_UNIT)
    assert done.returncode == 1
    rejected = sorted(line for line in done.stdout.splitlines() if line.startswith("rejected"))
    assert rejected == [
        "rejected line 3: unknown procedure (Cấp giấy phép bay không người lái)",
        "rejected line 5: procedure 2.000720 was not in force on 05/03/2024 "
        "(in force from 01/07/2025) (Đăng ký thành lập hộ kinh doanh)",
        "rejected line 7: duplicate code: also on line 8 (H15.01.38-240307-0001)",
        "rejected line 8: duplicate code: also on line 7 (H15.01.38-240307-0001)",
    ]
    assert "8 lines: 4 imported, 4 rejected" in done.stdout

    async with httpx.AsyncClient(timeout=30) as http:
        summary = await settled(http, stack, FAULTY_UNIT, 4)
        assert summary["finished"] == {"early": 4, "on_time": 0, "late": 0}
        for code in ("H15.01.38-240304-0002", "H15.01.38-240305-0002", "H15.01.38-240307-0001"):
            r = await http.get(
                f"{stack.url('intake')}/dossiers/{code}", headers=auth("receiver", FAULTY_UNIT)
            )
            assert r.status_code == 404, code
