"""The read-model row rebuilt from the recorded events equals the row written live — the
guarantee behind ``python -m motcua_workflow replay``."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from motcua_platform.calendar import VN_TZ, WorkingCalendar
from motcua_platform.contracts import Envelope
from motcua_platform.contracts.events import (
    DossierAccepted,
    DossierRefused,
    DossierSubmitted,
    DossierWithdrawalRequested,
    EventData,
)
from motcua_workflow.domain import Actor, Case
from motcua_workflow.domain.known import KnownDossier
from motcua_workflow.replay import History, rebuild_rows
from motcua_workflow.reports import case_row, refused_row
from motcua_workflow.views import case_view


def vn(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=VN_TZ)


class Topics:
    """Intake and workflow events as they would sit on the topics (JSON round trip)."""

    def __init__(self) -> None:
        self.intake: History = {}
        self.workflow: History = {}

    def put(self, history: History, source: str, code: str, data: EventData, at: Any) -> None:
        events = history.setdefault(code, {})
        seq = len(events) + 1
        envelope = Envelope.wrap(data, source=source, subject=code, seq=seq, time=at)
        events[seq] = Envelope.from_json(envelope.to_json())

    def record(self, case: Case | KnownDossier, at: Any) -> None:
        for event in case.pull_events():
            self.put(self.workflow, "workflow", case.code, event, at)


def submitted(data: DossierAccepted) -> DossierSubmitted:
    return DossierSubmitted.model_validate(
        {name: getattr(data, name) for name in DossierSubmitted.model_fields}
    )


def test_rebuilt_rows_equal_the_live_rows(
    make_accepted: Callable[..., DossierAccepted],
    cal: WorkingCalendar,
    receiver: Actor,
    leader: Actor,
) -> None:
    topics = Topics()
    live: list[dict[str, Any]] = []

    # A dossier submitted online, accepted, supplemented twice, extended, resolved, returned.
    data = make_accepted(channel="online", competent_unit_name="UBND xã")
    code = "H15.50.05-240425-0001"
    topics.put(topics.intake, "intake", code, submitted(data), vn(4, 25, 8))
    topics.put(topics.intake, "intake", code, data, vn(4, 25, 9))
    case = Case.open(data, code, cal)
    topics.record(case, vn(4, 25, 9))
    for step, at in ((receiver, vn(4, 25, 10)), (leader, vn(4, 25, 11))):
        case.complete_step(step, at)
        topics.record(case, at)
    for asked, back in ((vn(4, 26, 9), vn(4, 26, 10)), (vn(4, 26, 11), vn(5, 2, 8))):
        case.request_supplement("Thiếu", asked)
        case.resume(back)
    case.extend("Chờ xác minh", vn(5, 8, 17), vn(5, 2, 9))
    case.scan(vn(5, 3, 9))
    case.resolve("approved", vn(5, 6, 10), result_reference="12/QĐ", electronic=True)
    case.return_result("counter", vn(5, 6, 11))
    topics.record(case, vn(5, 6, 11))
    live.append(case_row(case))

    # On the spot: resolved and returned at acceptance.
    spot = make_accepted(on_the_spot=True)
    spot_code = "H15.50.05-240425-0002"
    topics.put(topics.intake, "intake", spot_code, spot, vn(4, 25, 9))
    spot_case = Case.open(spot, spot_code, cal)
    topics.record(spot_case, vn(4, 25, 9))
    live.append(case_row(spot_case))

    # Refused at intake; and withdrawn before acceptance (no row).
    refused_code, withdrawn_code = "H15.50.05-240425-0003", "H15.50.05-240425-0004"
    refusal = DossierRefused(
        procedure_code="1.004873",
        receiving_unit="H15.50.05",
        competent_unit="H15.50.05",
        channel="online",
        reasons=["Không đủ điều kiện"],
        at=vn(4, 25, 14),
    )
    topics.put(topics.intake, "intake", refused_code, submitted(data), vn(4, 25, 8))
    topics.put(topics.intake, "intake", refused_code, refusal, vn(4, 25, 14))
    known = KnownDossier.submitted(submitted(data), refused_code)
    known.refuse(refusal)
    live.append(refused_row(known))  # type: ignore[arg-type]
    withdrawal = DossierWithdrawalRequested(reason="Không cần", at=vn(4, 25, 15))
    topics.put(topics.intake, "intake", withdrawn_code, submitted(data), vn(4, 25, 8))
    topics.put(topics.intake, "intake", withdrawn_code, withdrawal, vn(4, 25, 15))

    rebuilt = rebuild_rows(topics.intake, topics.workflow)

    assert sorted(rebuilt, key=lambda r: r["_id"]) == live
    assert live[0]["supplement_count"] == 2 and live[0]["status"] == 10

    # The fold takes events as they come: late, early or twice, each is applied once in order.
    shuffled = rebuild_rows(out_of_order(topics.intake), out_of_order(topics.workflow))
    assert sorted(shuffled, key=lambda r: r["_id"]) == live


def out_of_order(history: History) -> History:
    """Each subject's events newest first, the first one delivered again at the end."""
    return {
        code: {**{seq: events[seq] for seq in sorted(events, reverse=True)}, 0: events[1]}
        for code, events in history.items()
    }


def test_the_case_view_is_plain_json(make_case: Callable[..., Case], receiver: Actor) -> None:
    case = make_case()
    case.complete_step(receiver, vn(4, 25, 10))
    view = case_view(case, vn(4, 26, 9))
    assert json.loads(json.dumps(view)) == view
    assert view["status"] == 4 and view["state"] == "within"
    assert view["current_step"]["name"] == "Thẩm định"
    assert view["due_at"] == "2024-05-03T09:00:00+07:00"
