"""Small charts rendered to inline SVG on the server, each with the same figures as a table."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 14, 44


@dataclass(frozen=True)
class Chart:
    """An SVG picture of some figures and the figures themselves (its text alternative)."""

    svg: Markup
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Interval:
    """One percentage with its 95 % interval and an optional reference (e.g. England's figure)."""

    label: str
    value: float | None
    low: float | None
    high: float | None
    reference: float | None = None


Scale = Callable[[float], float]


def _scale(lo: float, hi: float, out_lo: float, out_hi: float) -> Scale:
    """A linear map from [lo, hi] onto [out_lo, out_hi]."""
    span = (hi - lo) or 1.0
    return lambda value: out_lo + (value - lo) * (out_hi - out_lo) / span


def _text(x: float, y: float, content: object, css: str = "chart-label", anchor: str = "middle") -> str:
    """An SVG text element with escaped content."""
    return f'<text x="{x:.1f}" y="{y:.1f}" class="{css}" text-anchor="{anchor}">{escape(content)}</text>'


def _svg(title: str, desc: str, body: Sequence[str], width: int = WIDTH, height: int = HEIGHT) -> Markup:
    """The SVG element: role img, an aria-label, and a title and description for assistive technology."""
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart" focusable="false">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>{''.join(body)}</svg>"
    )


def _y_axis(y: Scale, ticks: Sequence[float], width: int, unit: str = "") -> list[str]:
    """Horizontal grid lines with their values at the left."""
    parts = []
    for tick in ticks:
        parts.append(f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                     'class="chart-gridline"/>')
        parts.append(_text(LEFT - 6, y(tick) + 4, f"{tick:g}{unit}", anchor="end"))
    return parts


def _ticks(top: float, count: int = 4) -> list[float]:
    """Round tick values from 0 up to at least `top`, about `count` steps."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(factor * magnitude for factor in (1, 2, 2.5, 5, 10) if factor * magnitude >= raw)
    return [step * index for index in range(math.ceil(top / step - 1e-9) + 1)]


def _fmt(value: float | None, unit: str = "") -> str:
    """A figure for the data table: percentages whole, other figures to 2 decimal places."""
    if value is None:
        return "no data"
    return f"{value:,.0f}%" if unit == "%" else f"{value:,.2f}{unit}"


def goal_chart(description: str, observations: Sequence[tuple[datetime, int]], baseline: int, target: int,
               start: date, end: date) -> Chart:
    """A goal's observed level (0–5) over time against its target line and baseline."""
    width, height = 360, 150
    last_day = max([end, *(moment.date() for moment, _ in observations)])
    x = _scale(0, max((last_day - start).days, 1), LEFT, width - RIGHT)
    y = _scale(0, 5, height - 28, TOP)
    body = _y_axis(y, [0, 1, 2, 3, 4, 5], width)
    body.append(f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{y(baseline):.1f}" y2="{y(baseline):.1f}" '
                'class="chart-baseline"/>')
    body.append(f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
                'class="chart-target"/>')
    body.append(_text(width - RIGHT, y(target) - 4, f"target {target}", "chart-label chart-target-label", "end"))
    points = [(x((moment.date() - start).days), y(level)) for moment, level in observations]
    if points:
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        body.append(f'<polyline points="{path}" class="chart-line"/>')
        body.extend(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" class="chart-point"/>' for px, py in points)
    body.append(_text(LEFT, height - 8, f"{start.day} {start:%b}", anchor="start"))
    body.append(_text(width - RIGHT, height - 8, f"{last_day.day} {last_day:%b}", anchor="end"))
    latest = f"latest level {observations[-1][1]}" if observations else "no visit has recorded a level yet"
    title = f"Level over time: {description}"
    desc = f"Baseline {baseline}, target {target}; {len(observations)} observations, {latest}."
    rows = tuple((f"{moment.day} {moment:%b %Y}", str(level)) for moment, level in observations)
    return Chart(_svg(title, desc, body, width, height), title, ("Visit date", "Level (0–5)"), rows)


def scatter_chart(title: str, points: Sequence[tuple[float, float]], x_label: str, y_label: str) -> Chart:
    """One dot per item (x, y) with the line y = x, below which y is smaller than x."""
    top = max([1.0, *(value for point in points for value in point)])
    ticks = _ticks(top)
    x = _scale(0, ticks[-1], LEFT, WIDTH - RIGHT)
    y = _scale(0, ticks[-1], HEIGHT - BOTTOM, TOP)
    body = _y_axis(y, ticks, WIDTH)
    body.extend(_text(x(tick), HEIGHT - BOTTOM + 16, f"{tick:g}") for tick in ticks)
    body.append(f'<line x1="{x(0):.1f}" y1="{y(0):.1f}" x2="{x(ticks[-1]):.1f}" y2="{y(ticks[-1]):.1f}" '
                'class="chart-target"/>')
    body.extend(f'<circle cx="{x(px):.1f}" cy="{y(py):.1f}" r="4" class="chart-point chart-dot"/>'
                for px, py in points)
    body.append(_text((LEFT + WIDTH - RIGHT) / 2, HEIGHT - 6, x_label))
    body.append(_text(LEFT + 4, TOP + 10, f"↑ {y_label}", anchor="start"))
    body.append(_text(x(ticks[-1]) - 4, y(ticks[-1]) + 16, "no change", "chart-label chart-target-label", "end"))
    below = sum(1 for px, py in points if py < px)
    desc = (f"{len(points)} episodes; {below} ended with less need than they started with "
            f"(dots below the diagonal). Vertical axis: {y_label}.")
    rows = tuple((_fmt(px), _fmt(py)) for px, py in points)
    return Chart(_svg(title, desc, body), title, (x_label, y_label), rows)


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float], unit: str = "") -> Chart:
    """Vertical bars, one per label."""
    ticks = _ticks(max([1.0, *values]))
    y = _scale(0, ticks[-1], HEIGHT - BOTTOM, TOP)
    slot = (WIDTH - LEFT - RIGHT) / max(len(values), 1)
    body = _y_axis(y, ticks, WIDTH, unit)
    for index, (name, value) in enumerate(zip(labels, values, strict=True)):
        left = LEFT + index * slot
        body.append(f'<rect x="{left + slot * 0.15:.1f}" y="{y(value):.1f}" width="{slot * 0.7:.1f}" '
                    f'height="{y(0) - y(value):.1f}" class="chart-bar"><title>{escape(name)}: '
                    f"{escape(_fmt(value, unit))}</title></rect>")
        body.append(_text(left + slot / 2, HEIGHT - BOTTOM + 16, name))
    desc = ", ".join(f"{name}: {value:g}{unit}" for name, value in zip(labels, values, strict=True))
    rows = tuple((name, f"{value:g}{unit}") for name, value in zip(labels, values, strict=True))
    return Chart(_svg(title, desc or "No data.", body), title, ("Month", title), rows)


def line_chart(title: str, labels: Sequence[str], values: Sequence[float | None], unit: str = "",
               y_max: float | None = None) -> Chart:
    """A line through the known values (a gap where a value is unknown)."""
    known = [value for value in values if value is not None]
    ticks = _ticks(y_max if y_max is not None else max([1.0, *known]))
    y = _scale(0, ticks[-1], HEIGHT - BOTTOM, TOP)
    slot = (WIDTH - LEFT - RIGHT) / max(len(values), 1)
    body = _y_axis(y, ticks, WIDTH, unit)
    runs: list[list[str]] = [[]]
    for index, (name, value) in enumerate(zip(labels, values, strict=True)):
        centre = LEFT + index * slot + slot / 2
        body.append(_text(centre, HEIGHT - BOTTOM + 16, name))
        if value is None:
            runs.append([])
            continue
        runs[-1].append(f"{centre:.1f},{y(value):.1f}")
        body.append(f'<circle cx="{centre:.1f}" cy="{y(value):.1f}" r="3.5" class="chart-point">'
                    f"<title>{escape(name)}: {escape(_fmt(value, unit))}</title></circle>")
    body.extend(f'<polyline points="{" ".join(run)}" class="chart-line"/>' for run in runs if len(run) > 1)
    desc = ", ".join(f"{name}: {_fmt(value, unit)}" for name, value in zip(labels, values, strict=True))
    rows = tuple((name, _fmt(value, unit)) for name, value in zip(labels, values, strict=True))
    return Chart(_svg(title, desc or "No data.", body), title, ("Month", title), rows)


def interval_chart(title: str, items: Sequence[Interval]) -> Chart:
    """Horizontal percentage bars (0–100) with 95 % interval whiskers and reference marks."""
    row_height, left = 42, 240  # room for a label such as "Home at 91 days (was 2B(1))" at 13 px
    height = TOP + BOTTOM + row_height * len(items)
    x = _scale(0, 100, left, WIDTH - RIGHT)
    body = []
    for tick in (0, 25, 50, 75, 100):
        body.append(f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{TOP}" y2="{height - BOTTOM + 4}" '
                    'class="chart-gridline"/>')
        body.append(_text(x(tick), height - BOTTOM + 18, f"{tick}%"))
    for index, item in enumerate(items):
        top = TOP + index * row_height
        centre = top + row_height / 2
        body.append(_text(left - 8, centre + 4, item.label, anchor="end"))
        if item.value is None:
            body.append(_text(x(0) + 6, centre + 4, "not enough data", "chart-label chart-muted", "start"))
            continue
        body.append(f'<rect x="{x(0):.1f}" y="{top + 10:.1f}" width="{x(item.value) - x(0):.1f}" '
                    f'height="{row_height - 20}" class="chart-bar"/>')
        if item.low is not None and item.high is not None:
            body.append(f'<line x1="{x(item.low):.1f}" x2="{x(item.high):.1f}" y1="{centre:.1f}" '
                        f'y2="{centre:.1f}" class="chart-whisker"/>')
            body.extend(f'<line x1="{x(end):.1f}" x2="{x(end):.1f}" y1="{centre - 7:.1f}" y2="{centre + 7:.1f}" '
                        'class="chart-whisker"/>' for end in (item.low, item.high))
        if item.reference is not None:
            body.append(f'<line x1="{x(item.reference):.1f}" x2="{x(item.reference):.1f}" y1="{top + 4:.1f}" '
                        f'y2="{top + row_height - 4:.1f}" class="chart-reference"/>')
    body.append(_text(WIDTH - RIGHT, height - 6, "Bar: value; whiskers: 95% interval; mark: England",
                      "chart-label chart-muted", "end"))
    desc = "; ".join(f"{item.label}: {_fmt(item.value, '%')}" + (
        f" (95% interval {item.low:.0f}–{item.high:.0f}%)" if item.low is not None and item.high is not None
        else "") for item in items)
    rows = tuple((item.label, _fmt(item.value, "%"),
                  "–" if item.low is None or item.high is None else f"{item.low:.0f}–{item.high:.0f}%",
                  "–" if item.reference is None else f"{item.reference:.1f}%") for item in items)
    return Chart(_svg(title, desc, body, WIDTH, height), title,
                 ("Measure", "Value", "95% interval", "England"), rows)
