"""Draws a Grafana dashboard's panels from the same queries, run against a real Prometheus.

Grafana cannot run here, so this is the part of Grafana the dashboards rely on, done with
matplotlib: template variables (a query_result() variable gives text/value pairs through its
named-group regex), legendFormat, byName overrides (displayName, fixed colour), fixed panel
colours, thresholds, the percentunit unit, and the merge / organize / groupingToMatrix table
transformations. Each panel is drawn in its grid position; the result is a PNG and, for the tests,
what each panel showed (legend names and values).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

# Grafana's named colours.
COLOURS = {
    "green": "#73BF69",
    "blue": "#5794F2",
    "red": "#F2495C",
    "orange": "#FF9830",
    "purple": "#B877D9",
    "yellow": "#FADE2A",
    "text": "#CCCCDC",
}
PALETTE = ["#7EB26D", "#EAB839", "#6ED0E0", "#EF843C", "#E24D42", "#1F78C1", "#BA43A9"]
BACKGROUND, PANEL = "#111217", "#181B1F"

Instant = Callable[[str], list[dict[str, Any]]]
Ranged = Callable[[str], list[dict[str, Any]]]


@dataclass
class Shown:
    """What one panel displayed: (legend, value) pairs, or table rows."""

    title: str
    type: str
    series: list[tuple[str, float]] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def colour(name: str | None, fallback: str = PALETTE[0]) -> str:
    if not name:
        return fallback
    return COLOURS.get(name, name if name.startswith("#") else fallback)


def variable_options(
    var: dict[str, Any], values: dict[str, str], instant: Instant
) -> list[tuple[str, str]]:
    """(text, value) options of a query_result() variable, as Grafana lists them."""
    query = var["query"]["query"] if isinstance(var["query"], dict) else var["query"]
    expr = re.fullmatch(r"query_result\((.+)\)", query, re.S)
    assert expr, f"variable {var['name']}: only query_result() variables are drawn"
    rows = instant(interpolate(expr.group(1), values))
    pattern = re.compile(var["regex"].strip("/").replace("(?<", "(?P<"))
    options = []
    for row in rows:
        labels = ", ".join(f'{k}="{v}"' for k, v in sorted(row["metric"].items()))
        m = pattern.search("{" + labels + "} " + row["value"][1])
        if m:
            options.append((m.group("text"), m.group("value")))
    return sorted(options)


def interpolate(expr: str, values: dict[str, str]) -> str:
    return re.sub(r"\$\{?(\w+)\}?", lambda m: values.get(m.group(1), m.group(0)), expr)


def legend(target: dict[str, Any], labels: dict[str, str], panel: dict[str, Any]) -> str:
    fmt = target.get("legendFormat") or "__auto"
    if fmt == "__auto":
        shown = {k: v for k, v in labels.items() if k not in ("__name__", "job", "instance")}
        return ", ".join(shown.values()) or panel["title"]
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: labels.get(m.group(1), ""), fmt)


def overrides(panel: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {}
    for o in panel.get("fieldConfig", {}).get("overrides", []):
        if o["matcher"]["id"] == "byName":
            found[o["matcher"]["options"]] = {p["id"]: p["value"] for p in o["properties"]}
    return found


def styled(name: str, panel: dict[str, Any], index: int) -> tuple[str, str]:
    """Display name and colour of a series, after the panel's overrides."""
    props = overrides(panel).get(name, {})
    defaults = panel.get("fieldConfig", {}).get("defaults", {}).get("color", {})
    fixed = props.get("color", defaults if defaults.get("mode") == "fixed" else {})
    return props.get("displayName", name), colour(
        fixed.get("fixedColor"), PALETTE[index % len(PALETTE)]
    )


def fmt(value: float, panel: dict[str, Any]) -> str:
    unit = panel.get("fieldConfig", {}).get("defaults", {}).get("unit")
    if unit == "percentunit":
        return f"{value * 100:.1f}%".replace(".", ",")
    if abs(value - round(value)) < 1e-9:
        return f"{round(value):,}".replace(",", ".")
    return f"{value:.2f}".replace(".", ",")


def threshold_colour(value: float, panel: dict[str, Any]) -> str:
    steps = panel.get("fieldConfig", {}).get("defaults", {}).get("thresholds", {}).get("steps", [])
    chosen = "green"
    for step in steps:
        if step.get("value") is None or value >= step["value"]:
            chosen = step["color"]
    return colour(chosen)


def render(
    board: dict[str, Any],
    values: dict[str, str],
    instant: Instant,
    ranged: Ranged,
    out: Path,
) -> list[Shown]:
    """Draw every panel of ``board`` with the variables ``values``; write ``out`` (PNG)."""
    items = sorted(board["panels"], key=lambda p: (p["gridPos"]["y"], p["gridPos"]["x"]))
    height = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in items)
    unit_h = 0.42
    fig = plt.figure(figsize=(20, height * unit_h + 0.8), facecolor=BACKGROUND)
    fig.suptitle(board["title"], color="white", fontsize=16, x=0.01, ha="left", y=0.998)
    top = 1 - 0.6 / (height * unit_h + 0.8)
    shown: list[Shown] = []
    for panel in items:
        g = panel["gridPos"]
        box = [
            g["x"] / 24 + 0.003,
            top * (1 - (g["y"] + g["h"]) / height) + 0.004,
            g["w"] / 24 - 0.006,
            top * g["h"] / height - 0.008,
        ]
        if panel["type"] == "row":
            fig.text(
                box[0],
                box[1] + box[3] / 2,
                panel["title"],
                color="white",
                fontsize=12,
                fontweight="bold",
                va="center",
            )
            continue
        ax = fig.add_axes(box, facecolor=PANEL)
        ax.set_title(panel["title"], color=COLOURS["text"], fontsize=10, loc="left")
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.tick_params(colors=COLOURS["text"], labelsize=7)
        shown.append(_draw(ax, panel, values, instant, ranged))
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=80, facecolor=BACKGROUND)
    plt.close(fig)
    return shown


def _instant_series(panel, values, instant) -> list[tuple[str, float, dict[str, str]]]:
    found = []
    for target in panel["targets"]:
        for row in instant(interpolate(target["expr"], values)):
            found.append(
                (legend(target, row["metric"], panel), float(row["value"][1]), row["metric"])
            )
    return found


def _draw(ax, panel, values, instant, ranged) -> Shown:
    kind = panel["type"]
    shown = Shown(panel["title"], kind)
    if kind == "timeseries":
        index = 0
        for target in panel["targets"]:
            for row in ranged(interpolate(target["expr"], values)):
                name, col = styled(legend(target, row["metric"], panel), panel, index)
                xs = [float(t) for t, _ in row["values"]]
                ys = [float(v) for _, v in row["values"]]
                ax.plot(xs, ys, color=col, label=name, linewidth=1.5)
                shown.series.append((name, ys[-1]))
                index += 1
        ax.set_xticks([])
        if shown.series:
            ax.legend(
                loc="upper left",
                fontsize=7,
                facecolor=PANEL,
                labelcolor=COLOURS["text"],
                frameon=False,
            )
        return shown
    series = _instant_series(panel, values, instant)
    if kind in ("stat", "gauge"):
        ax.set_xticks([]), ax.set_yticks([])
        if not series:
            ax.text(
                0.5,
                0.45,
                "Không có dữ liệu",
                color=COLOURS["text"],
                ha="center",
                transform=ax.transAxes,
            )
            return shown
        name, value, _ = series[0]
        _, col = styled(name, panel, 0)
        if (
            kind == "gauge"
            or panel.get("fieldConfig", {}).get("defaults", {}).get("color", {}).get("mode")
            != "fixed"
        ):
            col = threshold_colour(value, panel)
        if kind == "gauge":
            maximum = panel.get("fieldConfig", {}).get("defaults", {}).get("max", 1) or 1
            ax.add_patch(Rectangle((0.1, 0.15), 0.8, 0.12, color="#2C3235", transform=ax.transAxes))
            ax.add_patch(
                Rectangle(
                    (0.1, 0.15),
                    0.8 * min(value / maximum, 1),
                    0.12,
                    color=col,
                    transform=ax.transAxes,
                )
            )
        ax.text(
            0.5,
            0.55,
            fmt(value, panel),
            color=col,
            fontsize=26,
            ha="center",
            va="center",
            fontweight="bold",
            transform=ax.transAxes,
        )
        shown.series = [(panel["title"], value)]
        return shown
    if kind == "piechart":
        ax.set_xticks([]), ax.set_yticks([])
        styled_series = [(*styled(n, panel, i), v) for i, (n, v, _) in enumerate(series) if v > 0]
        if styled_series:
            ax.pie(
                [v for _, _, v in styled_series],
                colors=[c for _, c, _ in styled_series],
                labels=[n for n, _, _ in styled_series],
                textprops={"color": COLOURS["text"], "fontsize": 8},
            )
        shown.series = [(n, v) for n, _, v in styled_series]
        return shown
    if kind == "bargauge":
        bars = [(*styled(n, panel, i), v) for i, (n, v, _) in enumerate(series)]
        top = max([v for _, _, v in bars] + [1e-9])
        for y, (name, _, v) in enumerate(reversed(bars)):
            ax.barh(y, v, color=threshold_colour(v, panel), height=0.7)
            ax.text(0.01 * top, y, f" {name}", color="white", va="center", fontsize=9)
            ax.text(v, y, f" {fmt(v, panel)}", color=COLOURS["text"], va="center", fontsize=9)
        ax.set_xlim(0, top * 1.15)
        ax.set_xticks([]), ax.set_yticks([])
        shown.series = [(n, v) for n, _, v in bars]
        return shown
    if kind == "table":
        shown.rows = _table(panel, values, instant)
        ax.set_xticks([]), ax.set_yticks([])
        if shown.rows:
            header, *body = shown.rows
            table = ax.table(
                cellText=body or [[""] * len(header)],
                colLabels=header,
                loc="upper center",
                cellLoc="left",
            )
            table.auto_set_font_size(False)
            table.set_fontsize(8)
            colours = {
                name: styled(name, panel, 0)[1] for name in header if name in overrides(panel)
            }
            for (r, c), cell in table.get_celld().items():
                cell.set_facecolor(PANEL)
                cell.set_edgecolor("#2C3235")
                cell.get_text().set_color(colours.get(header[c], COLOURS["text"]) if r else "white")
        return shown
    raise AssertionError(f"panel type {kind} is not drawn")


def _table(panel, values, instant) -> list[list[str]]:
    """Rows of a table panel after its transformations; the first row is the header."""
    frames = []
    for target in panel["targets"]:
        frames.append((target["refId"], instant(interpolate(target["expr"], values))))
    transformations = {t["id"]: t.get("options", {}) for t in panel.get("transformations", [])}
    organize = transformations.get("organize", {})
    rename = organize.get("renameByName", {})
    exclude = {k for k, v in organize.get("excludeByName", {}).items() if v}
    if "groupingToMatrix" in transformations:
        o = transformations["groupingToMatrix"]
        cells: dict[str, dict[str, float]] = {}
        columns: list[str] = []
        for _, rows in frames:
            for row in rows:
                key, col = (
                    row["metric"].get(o["rowField"], ""),
                    row["metric"].get(o["columnField"], ""),
                )
                cells.setdefault(key, {})[col] = float(row["value"][1])
                if col not in columns:
                    columns.append(col)
        header = [f"{o['rowField']}\\{o['columnField']}", *columns]
        table = [[rename.get(h, h) for h in header]]
        for key in sorted(cells):
            table.append([key, *(fmt(cells[key].get(c, 0), panel) for c in columns)])
        return table
    # merge: one row per label set, one value column per query ("Value #<refId>").
    merged: dict[tuple, dict[str, str]] = {}
    value_columns = []
    for ref, rows in frames:
        column = f"Value #{ref}" if len(frames) > 1 else "Value"
        value_columns.append(column)
        for row in rows:
            labels = {k: v for k, v in row["metric"].items() if k not in ("job", "instance")}
            merged.setdefault(tuple(sorted(labels.items())), dict(labels))[column] = row["value"][1]
    label_columns = sorted({k for row in merged.values() for k in row} - set(value_columns))
    header = [c for c in [*label_columns, *value_columns] if c not in exclude]
    table = [[rename.get(h, h) for h in header]]
    for row in merged.values():
        table.append(
            [
                fmt(float(row[h]), panel) if h in value_columns and h in row else row.get(h, "")
                for h in header
            ]
        )
    return table
