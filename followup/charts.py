"""Charts as SVG markup built on the server: no JavaScript, the same string for the PDF
(WeasyPrint draws inline SVG) and for a browser page (``{{ chart }}`` after ``mark_safe``).

Every text that goes into the markup is XML-escaped here, so the result is safe to insert
as it is. Each chart is an image with a title and a description (``role="img"``,
``aria-labelledby``) that states the figures in words, and every bar carries its value,
so nothing is told by colour alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe

from followup.calc import group_thousands

FONT = "DejaVu Sans, Verdana, sans-serif"
# Dark blue and light blue: distinct in grey too (contrast against white ≥ 3:1 for the dark).
PALETTE = ("#9db4d3", "#16365f", "#c8553d", "#5b8c5a")


@dataclass(frozen=True)
class Series:
    """One bar per category. A value of None is a hidden figure: no bar, and its text from
    ``texts`` (the table's "<5" or "–") where the bar's value would be."""

    label: str
    values: Sequence[int | float | Decimal | None]
    colour: str = ""
    texts: Sequence[str] | None = None


# Each series is told apart by a pattern as well as by its colour, so a chart printed in
# grey (or read without colour) still shows which bar is which.
PATTERNS = ("", "hatch", "dots", "cross")


def _pattern_defs(chart_id: str, count: int) -> list[str]:
    defs = []
    for index in range(count):
        kind = PATTERNS[index % len(PATTERNS)]
        pattern_id = quoteattr(f"{chart_id}-pattern-{index}")
        if kind == "hatch":
            mark = '<path d="M0,6 L6,0" stroke="#ffffff" stroke-width="1.5"/>'
        elif kind == "dots":
            mark = '<circle cx="3" cy="3" r="1.2" fill="#ffffff"/>'
        elif kind == "cross":
            mark = '<path d="M0,3 L6,3 M3,0 L3,6" stroke="#ffffff" stroke-width="1.2"/>'
        else:
            continue
        defs.append(
            f'<pattern id={pattern_id} width="6" height="6" patternUnits="userSpaceOnUse">'
            f"{mark}</pattern>"
        )
    return ["<defs>", *defs, "</defs>"] if defs else []


def _pattern_box(x: float, y: float, width: float, height: float, fill: str) -> str:
    """The pattern drawn over a bar (a path, so that the bars stay the chart's rects)."""
    return (
        f'<path d="M{_number(x)},{_number(y)} h{_number(width)} v{_number(height)}'
        f' h{_number(-width)} z" fill={quoteattr(fill)}/>'
    )


def _overlay(chart_id: str, index: int) -> str:
    """The pattern fill drawn over a bar or a legend key of series ``index``, or ''."""
    if not PATTERNS[index % len(PATTERNS)]:
        return ""
    return f"url(#{chart_id}-pattern-{index})"


def _number(value: float) -> str:
    """Coordinates with at most one decimal, no exponent."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _label(value: int | float | Decimal | None) -> str:
    if value is None:
        return "–"
    number = float(value)
    if number == int(number):
        return group_thousands(int(number))
    return f"{number:.1f}".replace(".", ",")


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ that is at least ``value`` (0 → 1)."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10**exponent
        if candidate >= value:
            return float(candidate)
    return float(10 ** (exponent + 1))  # pragma: no cover - the loop ends at 10


def _wrap(text: str, width: int = 14) -> list[str]:
    """Break a category name into at most two lines (at a space or after a slash)."""
    if len(text) <= width:
        return [text]
    for separator in ("/", " ", "-"):
        position = text.rfind(separator, 0, width + 1)
        if position > 0:
            cut = position + 1 if separator in "/-" else position
            return [text[:cut].strip(), text[cut:].strip()]
    return [text[:width], text[width:]]


def grouped_bar_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    unit: str = "",
    description: str = "",
    chart_id: str = "chart",
    width: int = 640,
    height: int = 300,
) -> SafeString:
    """Vertical bars, one group per category and one bar per series, with a legend.

    ``description`` defaults to the figures in words ("Dusch: ansökt 365, beviljat 201; …").
    """
    if any(len(s.values) != len(categories) for s in series):
        raise ValueError("every series needs one value per category")
    margin_left, margin_right, margin_top, margin_bottom = 56, 12, 40, 48
    plot_width = width - margin_left - margin_right
    plot_height = height - margin_top - margin_bottom
    top = nice_ceiling(
        max((float(v) for s in series for v in s.values if v is not None), default=0)
    )
    ticks = 5

    def y(value: float) -> float:
        return margin_top + plot_height - plot_height * value / top

    def text_of(s: Series, i: int) -> str:
        if s.values[i] is None and s.texts is not None:
            return s.texts[i]
        return _label(s.values[i])

    if not description:
        description = "; ".join(
            f"{category}: " + ", ".join(f"{s.label.lower()} {text_of(s, i)}" for s in series)
            for i, category in enumerate(categories)
        )
        if unit:
            description += f" ({unit})"
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img"'
        f" aria-labelledby={quoteattr(f'{title_id} {desc_id}')}"
        f' font-family={quoteattr(FONT)} font-size="10">',
        f"<title id={quoteattr(title_id)}>{escape(title)}</title>",
        f"<desc id={quoteattr(desc_id)}>{escape(description)}</desc>",
        *_pattern_defs(chart_id, len(series)),
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    # Grid lines and the value axis.
    for step in range(ticks + 1):
        value = top * step / ticks
        line_y = _number(y(value))
        parts.append(
            f'<line x1="{margin_left}" y1="{line_y}" x2="{width - margin_right}" y2="{line_y}"'
            f' stroke="{"#444444" if step == 0 else "#d0d0d0"}" stroke-width="0.75"/>'
        )
        parts.append(
            f'<text x="{margin_left - 6}" y="{_number(y(value) + 3.5)}" text-anchor="end"'
            f' fill="#333333">{escape(_label(value))}</text>'
        )
    if unit:
        parts.append(f'<text x="4" y="20" fill="#333333">{escape(unit)}</text>')
    # Legend, top right.
    legend_x = width - margin_right
    for index, s in reversed(list(enumerate(series))):
        colour = s.colour or PALETTE[index % len(PALETTE)]
        text_width = 6.2 * len(s.label)
        legend_x -= text_width + 22
        parts.append(
            f'<rect x="{_number(legend_x)}" y="10" width="12" height="12" fill={quoteattr(colour)}'
            f' stroke="#333333" stroke-width="0.5"/>'
        )
        if _overlay(chart_id, index):
            parts.append(_pattern_box(legend_x, 10, 12, 12, _overlay(chart_id, index)))
        parts.append(
            f'<text x="{_number(legend_x + 16)}" y="20" fill="#111111">{escape(s.label)}</text>'
        )
    # Bars.
    if categories:
        group_width = plot_width / len(categories)
        bar_width = min(40.0, group_width * 0.8 / max(len(series), 1))
        for i, category in enumerate(categories):
            group_left = margin_left + group_width * i
            bars_left = group_left + (group_width - bar_width * len(series)) / 2
            for index, s in enumerate(series):
                colour = s.colour or PALETTE[index % len(PALETTE)]
                raw = s.values[i]
                value = 0.0 if raw is None else float(raw)
                bar_top = y(value)
                x = bars_left + bar_width * index
                bar_height = margin_top + plot_height - bar_top
                if raw is not None:
                    parts.append(
                        f'<rect x="{_number(x)}" y="{_number(bar_top)}"'
                        f' width="{_number(bar_width)}" height="{_number(bar_height)}"'
                        f' fill={quoteattr(colour)} stroke="#333333" stroke-width="0.5"/>'
                    )
                    if _overlay(chart_id, index):
                        parts.append(
                            _pattern_box(
                                x, bar_top, bar_width, bar_height, _overlay(chart_id, index)
                            )
                        )
                label = text_of(s, i)
                # Small enough to stay above its own bar (a digit is about 0.64 em wide).
                size = min(8.0, (bar_width + 2) / (0.64 * max(len(label), 1)))
                parts.append(
                    f'<text x="{_number(x + bar_width / 2)}" y="{_number(bar_top - 3)}"'
                    f' text-anchor="middle" font-size="{_number(size)}" fill="#111111">'
                    f"{escape(label)}</text>"
                )
            for line, text in enumerate(_wrap(category)):
                parts.append(
                    f'<text x="{_number(group_left + group_width / 2)}"'
                    f' y="{_number(margin_top + plot_height + 14 + 11 * line)}"'
                    f' text-anchor="middle" fill="#111111">{escape(text)}</text>'
                )
    parts.append("</svg>")
    # Every piece of text above went through escape() or quoteattr().
    return mark_safe("".join(parts))  # noqa: S308
