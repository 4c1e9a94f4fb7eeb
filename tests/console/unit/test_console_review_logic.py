"""Pure parts of the review of online and postal dossiers: which decisions are offered, the
checklist of components against what was handed in, and the order of the waiting list."""

from __future__ import annotations

from typing import Any

import pytest

from motcua_console.routes.review import checklist, decisions, waiting_longest_first

PROCEDURE: dict[str, Any] = {
    "current": {
        "components": [
            {"code": "to_khai", "name": "Tờ khai", "required": True},
            {"code": "giay_chung_sinh", "name": "Giấy chứng sinh", "required": True},
            {
                "code": "giay_to_tuy_than",
                "name": "Giấy tờ tùy thân",
                "required": True,
                "reusable_from_registry": True,
            },
            {"code": "uy_quyen", "name": "Văn bản ủy quyền", "required": False},
        ]
    }
}


@pytest.mark.parametrize(
    ("dossier", "offered"),
    [
        ({"status": 1}, ["accept", "supplement", "refuse"]),
        (
            {"status": 5, "supplement_requests": [{"stage": "intake"}]},
            ["accept", "refuse"],
        ),
        ({"status": 5, "supplement_requests": [{"stage": "processing"}]}, []),
        ({"status": 2}, []),
        ({"status": 3}, []),
    ],
)
def test_decisions_follow_the_dossier_status(dossier: dict[str, Any], offered: list[str]) -> None:
    assert decisions(dossier) == offered


def test_checklist_marks_required_components_nothing_was_handed_in_for() -> None:
    dossier = {
        "applicant_in_registry": True,
        "documents": [{"component": "to_khai", "form": "electronic", "file": {"key": "k1"}}],
        "supplements": [
            {"documents": [{"component": "giay_chung_sinh", "form": "electronic"}]},
        ],
    }
    rows = {row["code"]: row for row in checklist(PROCEDURE, dossier)}
    assert list(rows) == ["to_khai", "giay_chung_sinh", "giay_to_tuy_than", "uy_quyen"]
    assert rows["to_khai"]["documents"][0]["file"] == {"key": "k1"}
    assert rows["giay_chung_sinh"]["documents"][0]["supplement"] is True
    assert [code for code, row in rows.items() if row["missing"]] == []  # registry covers ID


def test_checklist_without_the_registry_misses_the_identity_paper() -> None:
    dossier = {"applicant_in_registry": False, "documents": [{"component": "to_khai"}]}
    missing = [row["code"] for row in checklist(PROCEDURE, dossier) if row["missing"]]
    assert missing == ["giay_chung_sinh", "giay_to_tuy_than"]


def test_the_waiting_list_puts_the_earliest_filing_first() -> None:
    items = [
        {"code": "H15.01.36-300304-0003", "submitted_at": "2030-03-04T10:00:00+07:00"},
        {"code": "H15.01.36-300303-0001", "submitted_at": "2030-03-03T09:00:00+07:00"},
        {"code": "H15.01.36-300304-0002", "submitted_at": "2030-03-04T08:30:00+07:00"},
    ]
    assert [i["code"] for i in waiting_longest_first(items)] == [
        "H15.01.36-300303-0001",
        "H15.01.36-300304-0002",
        "H15.01.36-300304-0003",
    ]
