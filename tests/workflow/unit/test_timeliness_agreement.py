"""The work queue, the case view, the summary report and the open-dossier gauge judge a dossier's
timeliness by the one platform rule — including QĐ 766's "asked to supplement twice is late"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import SimpleNamespace

from motcua_platform.calendar import VN_TZ, CalendarProvider
from motcua_workflow.domain import Case
from motcua_workflow.domain.reports import CaseFacts, summarize
from motcua_workflow.metrics import _open_state
from motcua_workflow.store import CaseStore
from motcua_workflow.views import case_view, task_item

MakeCase = Callable[..., Case]


def vn(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2024, month, day, hour, tzinfo=VN_TZ)


def twice_supplemented(make_case: MakeCase) -> Case:
    """Accepted Thu 25/04/2024 09:00, due Fri 03/05 09:00; asked to supplement twice, both
    supplements back within the hour."""
    case = make_case()
    case.request_supplement("Thiếu tờ khai", vn(4, 25, 10))
    case.resume(vn(4, 25, 11))
    case.request_supplement("Thiếu bản sao giấy khai sinh", vn(4, 26, 10))
    case.resume(vn(4, 26, 11))
    return case


def test_a_twice_supplemented_dossier_is_overdue_in_the_queue_the_view_the_report_and_gauge(
    make_case: MakeCase,
) -> None:
    case = twice_supplemented(make_case)
    at = vn(4, 26, 14)  # long before the due time
    store = CaseStore(SimpleNamespace(collection=None), CalendarProvider(), 8.0)  # type: ignore[arg-type]

    summary = summarize([CaseFacts.from_case(case)], case.unit, vn(4, 1), vn(4, 30), at)

    assert (summary.within, summary.overdue) == (0, 1)
    assert _open_state(store.document(case), at) == "overdue"
    assert task_item(case, at)["state"] == "overdue"
    assert case_view(case, at)["state"] == "overdue"


def test_a_once_supplemented_dossier_stays_within_everywhere(make_case: MakeCase) -> None:
    case = make_case()
    case.request_supplement("Thiếu tờ khai", vn(4, 25, 10))
    case.resume(vn(4, 25, 11))
    at = vn(4, 26, 14)
    store = CaseStore(SimpleNamespace(collection=None), CalendarProvider(), 8.0)  # type: ignore[arg-type]

    summary = summarize([CaseFacts.from_case(case)], case.unit, vn(4, 1), vn(4, 30), at)

    assert (summary.within, summary.overdue) == (1, 0)
    assert _open_state(store.document(case), at) == "within"
    assert task_item(case, at)["state"] == "within"
    assert case_view(case, at)["state"] == "within"
