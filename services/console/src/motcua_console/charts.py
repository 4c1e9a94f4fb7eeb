"""Charts drawn on the server as SVG: no script, readable by screen readers (a title and a text
table beside each chart), printable."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

Series = Sequence[tuple[str, str, str]]  # (key, label, colour)


def stacked_bars(
    title: str,
    rows: Sequence[tuple[str, dict[str, int]]],
    series: Series,
    *,
    width: int = 560,
    bar_height: int = 22,
    label_width: int = 150,
) -> str:
    """One horizontal bar per row, split by series; the count written in each part."""
    gap, legend_height = 8, 26
    total_max = max((sum(values.get(k, 0) for k, _, _ in series) for _, values in rows), default=0)
    scale = (width - label_width - 40) / total_max if total_max else 0
    height = legend_height + len(rows) * (bar_height + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    x = 0
    for _key, label, colour in series:
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="15" font-size="12">{escape(label)}</text>')
        x += 24 + 8 * len(label)
    for index, (label, values) in enumerate(rows):
        y = legend_height + index * (bar_height + gap)
        # A long procedure name is cut with an ellipsis; the whole name stays in its tooltip.
        short = label if len(label) <= 24 else label[:23] + "…"
        parts.append(
            f'<text x="0" y="{y + bar_height - 6}" font-size="12">{escape(short)}'
            f"<title>{escape(label)}</title></text>"
        )
        x0 = float(label_width)
        for key, name, colour in series:
            count = values.get(key, 0)
            if not count:
                continue
            w = count * scale
            parts.append(
                f'<rect x="{x0:.1f}" y="{y}" width="{w:.1f}" height="{bar_height}" '
                f'fill="{colour}"><title>{escape(name)}: {count}</title></rect>'
            )
            if w >= 14:
                parts.append(
                    f'<text x="{x0 + w / 2:.1f}" y="{y + bar_height - 6}" font-size="12" '
                    f'text-anchor="middle" fill="#fff">{count}</text>'
                )
            x0 += w
    parts.append("</svg>")
    return "".join(parts)


def sparkline(
    title: str, values: Sequence[float | None], *, width: int = 120, height: int = 28
) -> str:
    """A small line of percentages (0–100) over equally spaced periods; a period without data
    breaks the line. The figures themselves stand in the table beside it."""
    step = width / max(len(values) - 1, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="0" y1="{height - 1}" x2="{width}" y2="{height - 1}" stroke="#c9d1d9"/>',
    ]
    runs: list[list[str]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            runs.append([])
            continue
        y = (height - 2) - (height - 4) * min(max(value, 0.0), 100.0) / 100
        runs[-1].append(f"{index * step:.1f},{y:.1f}")
    for run in runs:
        if len(run) > 1:
            points = " ".join(run)
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="#1b6e3a" stroke-width="2"/>'
            )
        elif run:
            cx, cy = run[0].split(",")
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="2" fill="#1b6e3a"/>')
    parts.append("</svg>")
    return "".join(parts)
