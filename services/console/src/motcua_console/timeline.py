"""The timeline of a case, from the instants its view carries: acceptance, each step, pauses,
extension, decision, return, stop — oldest first."""

from __future__ import annotations

from typing import Any

from motcua_console.presenting import TIMELINESS_LABELS, parse_instant


def case_timeline(case: dict[str, Any]) -> list[tuple[str, str]]:
    events: list[tuple[str, str]] = []

    def add(at: str | None, text: str) -> None:
        if at:
            events.append((at, text))

    add(case.get("accepted_at"), "Tiếp nhận hồ sơ")
    for step in case.get("steps") or []:
        add(step.get("started_at"), f"Bắt đầu bước {step['index'] + 1}: {step['name']}")
        if step.get("completed_at"):
            judged = TIMELINESS_LABELS.get(step.get("timeliness") or "", "")
            who = step.get("completed_by_name")
            add(
                step["completed_at"],
                f"Hoàn thành bước {step['index'] + 1}: {step['name']}"
                + (f" ({judged.lower()})" if judged else "")
                + (f" — {who}" if who else ""),
            )
    for pause in case.get("pauses") or []:
        add(pause.get("started_at"), f"Tạm dừng: {pause.get('reason', '')}")
        add(pause.get("ended_at"), "Tiếp tục giải quyết")
    add(case.get("extended_at"), f"Gia hạn (Mẫu 04): {case.get('extension_reason') or ''}")
    add(case.get("payment_requested_at"), "Yêu cầu thực hiện nghĩa vụ tài chính")
    add(case.get("resolved_at"), "Đã xử lý xong")
    add(case.get("returned_at"), "Đã trả kết quả")
    add(case.get("stopped_at"), f"Dừng giải quyết (Mẫu 05): {case.get('stop_reason') or ''}")
    events.sort(key=lambda item: parse_instant(item[0]) or 0)  # type: ignore[arg-type,return-value]
    return events


def official_names(case: dict[str, Any]) -> dict[str, str]:
    """The officials' display names the case recorded (each with the step they completed), by
    identifier: a later step assigned to one of them shows the name too."""
    return {
        step["completed_by"]: step["completed_by_name"]
        for step in case.get("steps") or []
        if step.get("completed_by") and step.get("completed_by_name")
    }
