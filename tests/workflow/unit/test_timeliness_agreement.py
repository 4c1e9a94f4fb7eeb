"""The work queue, the case view, the summary report and the open-dossier gauge judge a dossier's
timeliness by the one platform rule — including QĐ 766's "asked to supplement twice is late"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import SimpleNamespace

import pytest

from motcua_platform.calendar import VN_TZ, CalendarProvider
from motcua_workflow.domain import Case
from motcua_workflow.domain.reports import CaseFacts, summarize
from motcua_workflow.metrics import _open_state
from motcua_workflow.store import CaseStore
from motcua_workflow.views import case_view, task_item

MakeCase = Callable[..., Case]


def vn(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2024, month, day, hour, tzinfo=VN_TZ)


def supplemented(make_case: MakeCase, times: int) -> Case:
    """Accepted Thu 25/04/2024 09:00, due Fri 03/05 09:00; asked to supplement ``times`` times,
    each supplement back within the hour."""
    case = make_case()
    for day in range(25, 25 + times):
        case.request_supplement("Thiếu tờ khai", vn(4, day, 10))
        case.resume(vn(4, day, 11))
    return case


@pytest.mark.parametrize(("times", "state"), [(1, "within"), (2, "overdue"), (3, "overdue")])
def test_the_queue_the_view_the_report_and_the_gauge_agree_on_the_supplement_rule(
    make_case: MakeCase, times: int, state: str
) -> None:
    """Asked to supplement twice is overdue everywhere (QĐ 766), long before the due time."""
    case = supplemented(make_case, times)
    at = vn(4, 29, 14)
    store = CaseStore(SimpleNamespace(collection=None), CalendarProvider(), 8.0)  # type: ignore[arg-type]

    summary = summarize([CaseFacts.from_case(case)], case.unit, vn(4, 1), vn(4, 30), at)

    assert (summary.within, summary.overdue) == ((1, 0) if state == "within" else (0, 1))
    assert _open_state(store.document(case), at) == state
    assert task_item(case, at)["state"] == state
    assert case_view(case, at)["state"] == state
