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
        parts.append(
            f'<text x="0" y="{y + bar_height - 6}" font-size="12">{escape(label[:24])}</text>'
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
