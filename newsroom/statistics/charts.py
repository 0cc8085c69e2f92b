"""The geometry of the SVG charts that templates/statistics/ draws: positions and sizes in the
SVG's own units, worked out here so that the templates only place shapes. No script, no style
attribute: each shape has a class that static/css/site.css colours (and patterns, so that colour
is never the only cue)."""

import math
from dataclasses import dataclass, field

# SVG units; a phone 390 px wide shows the chart at about its own size.
WIDTH = 400
ROW_HEIGHT = 48
BAR_HEIGHT = 16
TIME_HEIGHT = 220
TIME_LEFT, TIME_RIGHT, TIME_TOP, TIME_BOTTOM = 40, 396, 12, 190


@dataclass
class Segment:
    x: float
    width: float
    css_class: str
    label: str
    value: int


@dataclass
class BarRow:
    label: str
    label_y: float
    bar_y: float
    value_text: str
    segments: list = field(default_factory=list)


@dataclass
class BarChart:
    height: float
    rows: list
    series: list  # (css class, label) for the legend


def bar_chart(figure, series_classes):
    """Horizontal bars, one per row of the figure, its values stacked as segments; the label
    and the numbers above the bar, so that the bar may use the whole width of a phone."""
    totals = [sum(values) for _, values in figure.rows]
    largest = max(totals, default=0) or 1
    scale = (WIDTH - 2) / largest
    rows = []
    for index, ((label, values), total) in enumerate(zip(figure.rows, totals, strict=True)):
        top = index * ROW_HEIGHT
        x = 1.0  # half the outline's width inside the drawing
        segments = []
        for value, css_class, column in zip(values, series_classes, figure.columns, strict=True):
            if value:
                width = value * scale
                segments.append(Segment(round(x, 1), round(width, 1), css_class, column, value))
                x += width
        value_text = str(total)
        if len([value for value in values if value]) > 1:
            value_text += " (" + " + ".join(str(value) for value in values if value) + ")"
        rows.append(
            BarRow(
                label=label,
                label_y=top + 16,
                bar_y=top + 23,
                value_text=value_text,
                segments=segments,
            )
        )
    series = list(zip(series_classes, figure.columns, strict=True))
    return BarChart(height=max(len(rows), 1) * ROW_HEIGHT + 4, rows=rows, series=series)


@dataclass
class Column:
    x: float
    width: float
    certain_y: float
    certain_height: float
    band_y: float
    band_height: float
    label: str
    certain: int
    maybe: int


@dataclass
class TimeChart:
    height: int
    columns: list
    ticks: list  # (y, label)
    years: list  # (x, label)
    left: int = TIME_LEFT
    right: int = TIME_RIGHT
    bottom: int = TIME_BOTTOM
    series: list = field(default_factory=list)


def nice_ceiling(value):
    """1, 2, 5, 10, 20, 50... at or above value (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def time_chart(figure):
    """Columns over time: the certain count, with the "may be" count as a hatched band on it."""
    points = figure.rows
    largest = nice_ceiling(max((sum(values) for _, values in points), default=0))
    plot_width = TIME_RIGHT - TIME_LEFT
    plot_height = TIME_BOTTOM - TIME_TOP
    width = plot_width / max(len(points), 1)
    columns = []
    for index, (label, (certain, maybe)) in enumerate(points):
        certain_height = certain / largest * plot_height
        band_height = maybe / largest * plot_height
        columns.append(
            Column(
                x=round(TIME_LEFT + index * width, 2),
                width=round(max(width - (0.4 if width > 2 else 0), 0.5), 2),
                certain_y=round(TIME_BOTTOM - certain_height, 2),
                certain_height=round(certain_height, 2),
                band_y=round(TIME_BOTTOM - certain_height - band_height, 2),
                band_height=round(band_height, 2),
                label=label,
                certain=certain,
                maybe=maybe,
            )
        )
    ticks = [
        (round(TIME_BOTTOM - fraction * plot_height, 1), str(int(largest * fraction)))
        for fraction in (0, 0.5, 1)
        if largest * fraction == int(largest * fraction)
    ]
    januaries = [
        (column.x, column.label[:4])
        for column in columns
        if len(column.label) == 7
        and column.label[4] == "-"
        and (column.label.endswith("-01") or column is columns[0])
    ]
    step = max(1, math.ceil(len(januaries) / 5))
    years = januaries[::step]
    return TimeChart(
        height=TIME_HEIGHT,
        columns=columns,
        ticks=ticks,
        years=years,
        series=[("chart-certain", figure.columns[0]), ("chart-maybe", figure.columns[1])],
    )
