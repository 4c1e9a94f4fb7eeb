"""The leader's online share by procedure: the trend's months, the table and chart built from
workflow's ``/reports/channels`` answer, and the sparkline."""

from __future__ import annotations

from datetime import date

from motcua_console.charts import sparkline
from motcua_console.routes.leader import online_by_procedure, trend_months


def test_trend_months_end_with_the_period_and_cross_the_year() -> None:
    assert trend_months(date(2030, 3, 17), 6) == [
        date(2029, 10, 1),
        date(2029, 11, 1),
        date(2029, 12, 1),
        date(2030, 1, 1),
        date(2030, 2, 1),
        date(2030, 3, 1),
    ]


def figures(month: str, received: int, online: int) -> dict[str, object]:
    share = round(100 * online / received, 2) if received else None
    return {"month": month, "received": received, "online": online, "online_share": share}


def test_the_table_follows_the_report_busiest_procedure_first_with_its_monthly_shares() -> None:
    period = [
        {
            "procedure_code": "1.000894",
            "received": 2,
            "counter": 2,
            "online": 0,
            "postal": 0,
            "online_share": 0.0,
            "months": [],
        },
        {
            "procedure_code": "1.001193",
            "received": 4,
            "counter": 1,
            "online": 3,
            "postal": 0,
            "online_share": 75.0,
            "months": [],
        },
    ]
    trend = [
        {
            "procedure_code": "1.001193",
            "months": [figures("2030-01", 4, 1), figures("2030-03", 4, 3)],
        },
    ]
    months = trend_months(date(2030, 3, 31), 3)
    names = {"1.001193": "Đăng ký khai sinh"}
    online = online_by_procedure(period, trend, months, names)
    assert online["months"] == ["01/2030", "02/2030", "03/2030"]
    first, second = online["rows"]
    assert (first["procedure_code"], first["name"]) == ("1.001193", "Đăng ký khai sinh")
    assert first["trend"] == [0.25, None, 0.75]  # February: nothing received, no share
    assert second["procedure_code"] == "1.000894" and second["trend"] == [None, None, None]
    assert "<svg" in first["sparkline"] and "Đăng ký khai sinh" in first["sparkline"]
    assert "Trực tuyến: 3" in online["chart"] and "Trực tiếp: 2" in online["chart"]


def test_a_sparkline_breaks_where_a_month_has_no_figure() -> None:
    svg = sparkline("t", [0.0, 100.0, None, 50.0])
    assert svg.count("<polyline") == 1 and svg.count("<circle") == 1
    assert sparkline("t", [None, None]).count("<polyline") == 0
