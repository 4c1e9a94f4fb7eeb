"""Pure parts of the console: the chip card's QR text, the commune's sentence, Vietnamese
formatting, the colour of a deadline, the actions a role is offered, and the sign-in redirect."""

from __future__ import annotations

import pytest

from motcua_console.charts import stacked_bars
from motcua_console.chip_card import personal_id_from_input
from motcua_console.presenting import commune_sentence, day, deadline_state, moment, money
from motcua_console.reference import Recent, most_used_first
from motcua_console.routes.auth import _local
from motcua_console.routes.cases import allowed_actions
from motcua_console.session import Official
from motcua_console.timeline import case_timeline, official_names
from motcua_platform.auth import Principal


def official(*roles: str) -> Official:
    return Official(Principal("s", "H15.01.36", frozenset(roles)), "u", "H15.01.36-Q01")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("079203001234", "079203001234"),
        (" 0792 0300 1234 ", "079203001234"),
        (
            "079203001234|241234567|Nguyễn Văn An|14032003|Nam|Số 73 Hùng Vương|01012021",
            "079203001234",
        ),
        ("07920300123", None),
        ("abc|079203001234", None),
        ("", None),
    ],
)
def test_personal_id_is_read_from_the_number_or_the_chip_cards_qr_text(
    typed: str, expected: str | None
) -> None:
    assert personal_id_from_input(typed) == expected


def test_the_commune_sentence_reads_like_the_report() -> None:
    summary = {
        "finished": {"early": 43, "on_time": 4, "late": 0},
        "open": {"within": 3, "overdue": 0},
    }
    ratings = {"satisfaction_rate": 0.99}
    assert commune_sentence(summary, ratings) == (
        "50 hồ sơ: 43 trước hạn, 4 đúng hạn, 3 đang trong hạn; 99% hài lòng"
    )


def test_the_sentence_names_late_and_overdue_dossiers_and_missing_ratings() -> None:
    summary = {
        "finished": {"early": 1, "on_time": 0, "late": 2},
        "open": {"within": 0, "overdue": 1},
    }
    assert commune_sentence(summary, {"satisfaction_rate": None}) == (
        "4 hồ sơ: 1 trước hạn, 0 đúng hạn, 2 quá hạn, 0 đang trong hạn, 1 đang quá hạn; "
        "chưa có đánh giá hài lòng"
    )


def test_dates_and_times_are_vietnamese_and_in_vietnam_time() -> None:
    assert day("2026-03-02") == "02/03/2026"
    assert day("2026-03-01T18:30:00+00:00") == "02/03/2026"  # 01:30 on 02/03 in Vietnam
    assert moment("2026-03-02T01:15:00+00:00") == "02/03/2026 08:15"
    assert money(1250000) == "1.250.000 đồng"


def test_deadline_colour_follows_the_workflow_judgements() -> None:
    assert deadline_state("overdue", False) == "overdue"
    assert deadline_state("within", True) == "due-soon"
    assert deadline_state("within", False) == "within"
    assert deadline_state("within", None) == "within"  # an older workflow without the field


def test_only_the_actions_the_case_waits_for_and_the_role_permits_are_offered() -> None:
    at_specialist = {
        "status": 4,
        "next_action": "complete_step",
        "current_step": {"role": "specialist"},
        "extended": False,
    }
    assert "complete_step" in allowed_actions(official("specialist"), at_specialist)
    assert allowed_actions(official("receiver"), at_specialist) == []
    leader = allowed_actions(official("leader"), at_specialist)
    assert {"complete_step", "extend", "stop"} <= set(leader)
    assert allowed_actions(official("auditor"), at_specialist) == []
    decided = {"status": 9, "next_action": "return", "current_step": None}
    assert allowed_actions(official("receiver"), decided) == ["return"]
    assert allowed_actions(official("specialist"), decided) == []
    extended = {**at_specialist, "extended": True}
    assert "extend" not in allowed_actions(official("leader"), extended)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/queue?role=all", "/queue?role=all"),
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        (None, "/"),
        ("queue", "/"),
    ],
)
def test_after_sign_in_only_a_path_of_the_console_is_followed(
    target: str | None, expected: str
) -> None:
    assert _local(target) == expected


def test_chart_is_an_accessible_svg_with_one_part_per_count() -> None:
    svg = stacked_bars(
        "Tiến độ",
        [("1.001193", {"early": 2, "late": 1})],
        [("early", "Trước hạn", "#1b6e3a"), ("late", "Quá hạn", "#b42318")],
    )
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title>Tiến độ</title>" in svg
    assert "<title>Trước hạn: 2</title>" in svg and "<title>Quá hạn: 1</title>" in svg


def test_a_long_row_label_is_cut_with_an_ellipsis_and_kept_whole_in_its_tooltip() -> None:
    name = "1.001193 Đăng ký khai sinh có yếu tố nước ngoài"
    svg = stacked_bars("Nộp trực tuyến", [(name, {"online": 1})], [("online", "Trực tuyến", "#1")])
    assert "1.001193 Đăng ký khai s…" in svg and f"<title>{name}</title>" in svg


async def test_reference_data_is_reloaded_only_once_stale() -> None:
    now = [0.0]
    loads: list[int] = []

    async def load() -> int:
        loads.append(1)
        return len(loads)

    recent = Recent(ttl_seconds=60, clock=lambda: now[0])
    assert await recent.get("H15.01.36", load) == 1
    now[0] = 59
    assert await recent.get("H15.01.36", load) == 1
    assert await recent.get("H15.01.38", load) == 2  # each unit its own
    now[0] = 61
    assert await recent.get("H15.01.36", load) == 3


def test_procedures_most_used_at_the_unit_come_first() -> None:
    catalogue = [{"code": "1.001193"}, {"code": "1.000894"}, {"code": "2.000635"}]
    recent = [{"procedure_code": "2.000635"}] * 3 + [{"procedure_code": "1.001193"}]
    order = [p["code"] for p in most_used_first(catalogue, recent)]
    assert order == ["2.000635", "1.001193", "1.000894"]


def test_steps_and_timeline_name_the_officials_the_case_recorded() -> None:
    case = {
        "accepted_at": "2026-03-04T08:15:00+07:00",
        "steps": [
            {
                "index": 0,
                "name": "Tiếp nhận",
                "started_at": "2026-03-04T08:15:00+07:00",
                "completed_at": "2026-03-04T09:00:00+07:00",
                "completed_by": "5f0c-uuid-of-thu",
                "completed_by_name": "Lê Thị Thu",
                "timeliness": "early",
            },
            {
                "index": 1,
                "name": "Thẩm định",
                "started_at": "2026-03-04T09:00:00+07:00",
                "assignee": "5f0c-uuid-of-thu",
            },
        ],
    }
    assert official_names(case) == {"5f0c-uuid-of-thu": "Lê Thị Thu"}
    done = [text for _, text in case_timeline(case) if text.startswith("Hoàn thành")]
    assert done == ["Hoàn thành bước 1: Tiếp nhận (trước hạn) — Lê Thị Thu"]
