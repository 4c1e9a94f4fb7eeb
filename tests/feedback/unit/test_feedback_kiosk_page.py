"""The counter kiosk page: Vietnamese, self-contained, three choices and nine indicators."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from motcua_feedback.domain.tt01 import INDICATORS
from motcua_feedback.kiosk import render_kiosk_page


class Elements(HTMLParser):
    """Every start tag with its attributes, plus the text of script blocks."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self.scripts.append((self._script, data))

    def by_id(self, element_id: str) -> tuple[str, dict[str, str | None]]:
        [found] = [(tag, attrs) for tag, attrs in self.tags if attrs.get("id") == element_id]
        return found


def parse(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def page() -> str:
    return render_kiosk_page("Q01")


def test_page_is_vietnamese(page: str) -> None:
    assert re.search(r'<html lang="vi">', page)
    assert '<meta charset="utf-8">' in page
    assert "Mời ông/bà đánh giá" in page
    assert "Cảm ơn ông/bà!" in page
    assert "Quầy Q01" in page


@pytest.mark.parametrize(
    ("level", "label"),
    [
        ("very_satisfied", "Rất hài lòng"),
        ("satisfied", "Hài lòng"),
        ("dissatisfied", "Không hài lòng"),
    ],
)
def test_three_large_choices_have_stable_ids_and_levels(page: str, level: str, label: str) -> None:
    tag, attrs = parse(page).by_id(f"btn-{level}")

    assert tag == "button"
    assert attrs["data-level"] == level
    assert attrs["type"] == "button"
    assert re.search(rf'id="btn-{level}"[^>]*>.*?<span>{label}</span>', page, re.S)


def test_nine_indicators_with_0_1_2_toggles(page: str) -> None:
    elements = parse(page)
    toggles = [attrs for tag, attrs in elements.tags if attrs.get("data-score") is not None]

    assert len(INDICATORS) == 9
    for indicator in INDICATORS:
        assert indicator.label in page
        scores = sorted(
            attrs["data-score"] or ""
            for attrs in toggles
            if attrs.get("data-indicator") == indicator.key
        )
        assert scores == ["0", "1", "2"]
    assert all(attrs["role"] == "radio" for attrs in toggles)
    assert elements.by_id("btn-send")[0] == "button"
    assert elements.by_id("btn-skip")[0] == "button"
    assert ">Gửi</button>" in page
    assert ">Bỏ qua</button>" in page


def test_ids_are_unique(page: str) -> None:
    ids = [attrs["id"] for _, attrs in parse(page).tags if attrs.get("id")]

    assert len(ids) == len(set(ids))


def test_page_loads_nothing_from_elsewhere(page: str) -> None:
    elements = parse(page)

    assert not [tag for tag, _ in elements.tags if tag in {"img", "iframe", "object"}]
    links = [attrs for tag, attrs in elements.tags if tag == "link"]
    assert all((attrs.get("href") or "").startswith("data:") for attrs in links)
    assert not [attrs for tag, attrs in elements.tags if tag == "script" and attrs.get("src")]
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page
    assert "@import" not in page


def test_script_polls_the_counter_and_posts_the_rating(page: str) -> None:
    code = "\n".join(text for attrs, text in parse(page).scripts if not attrs.get("type"))

    assert '"/kiosk/" + encodeURIComponent(config.counter) + "/current"' in code
    assert 'base + "/ratings"' in code
    assert 'method: "POST"' in code
    assert '"Idempotency-Key"' in code
    for field in ("dossier_code", "overall", "indicators", "kiosk_session"):
        assert f"{field}:" in code
    assert 'channel: "kiosk"' in code
    assert "error.message" in code  # a 4xx answer's message is shown


def test_script_sends_the_device_token_of_its_address_with_every_call(page: str) -> None:
    code = "\n".join(text for attrs, text in parse(page).scripts if not attrs.get("type"))

    assert 'queryParam("device")' in code and "window.location.search" in code
    assert 'headers["X-Kiosk-Device"] = device' in code
    # Both calls build their headers with it: the polling and the rating.
    assert code.count("fetch(") == 2
    assert code.count("headersWith(") == 3  # its definition and the two calls
    assert "response.status === 401" in code
    assert "device-problem" in page


def test_configuration_is_passed_as_json(page: str) -> None:
    [config_text] = [
        text for attrs, text in parse(page).scripts if attrs.get("id") == "kiosk-config"
    ]

    config = json.loads(config_text)

    assert config["counter"] == "Q01"
    assert config["api_base"] == ""
    assert config["poll_ms"] == 2000
    assert 2000 <= config["thanks_ms"] <= 10000


def test_api_base_prefixes_the_endpoints() -> None:
    page = render_kiosk_page("Q01", api_base="/feedback/")
    [config_text] = [
        text for attrs, text in parse(page).scripts if attrs.get("id") == "kiosk-config"
    ]

    assert json.loads(config_text)["api_base"] == "/feedback"


def test_counter_cannot_inject_markup() -> None:
    page = render_kiosk_page('Q1"><script>alert(1)</script>')

    assert "<script>alert(1)</script>" not in page
    assert "Quầy Q1&#34;&gt;&lt;script&gt;" in page
    [config_text] = [
        text for attrs, text in parse(page).scripts if attrs.get("id") == "kiosk-config"
    ]
    assert json.loads(config_text)["counter"] == 'Q1"><script>alert(1)</script>'


def test_empty_counter_is_refused() -> None:
    with pytest.raises(ValueError):
        render_kiosk_page(" ")
