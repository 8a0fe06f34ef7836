"""Pictures drawn on the server as SVG geometry (templates write the elements, escaping every text).

Two kinds: an entity's neighbourhood (the entity in the middle, the things it links to
and that link to it around it, each a link to its page) and horizontal bar charts for
the dashboard (linear or, for amounts that span several orders of magnitude, log10).
No script and no library: the page works with JavaScript off and under a strict CSP.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

NODE_FONT = 12
CENTRE_FONT, BOLD = 13, 1.1  # the centre's label is 13 px bold (site.css): about a tenth wider than regular
EDGE_FONT = 10
MAX_NODE_CHARS = 16


def text_width(text: str, size: float) -> float:
    """Rough rendered width: CJK and full-width characters are about one em, others about 0.6 em."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else 0.6 * size for ch in text)


def shorten(text: str, limit: int = MAX_NODE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fit(text: str, width: float, size: float) -> str:
    """The text, cut with an ellipsis where it would be wider than `width`."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


@dataclass(frozen=True)
class Neighbour:
    label: str
    href: str | None
    predicate: str
    outgoing: bool  # the entity links to it (else it links to the entity)


@dataclass(frozen=True)
class PlacedNode:
    x: float
    y: float
    width: float
    label: str  # shortened for the picture
    full_label: str
    href: str | None


@dataclass(frozen=True)
class PlacedEdge:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str
    label_x: float
    label_y: float
    outgoing: bool


@dataclass(frozen=True)
class Neighbourhood:
    width: int
    height: int
    centre: PlacedNode
    nodes: list[PlacedNode]
    edges: list[PlacedEdge]
    hidden: int  # neighbours left out of the picture


def neighbourhood(centre_label: str, neighbours: list[Neighbour], limit: int = 12) -> Neighbourhood:
    """The entity in the middle, up to `limit` neighbours on an ellipse around it, one edge each."""
    shown = neighbours[:limit]
    width, height = 760, 440 if len(shown) > 6 else 340
    cx, cy = width / 2, height / 2
    rx, ry = width / 2 - 95, height / 2 - 40
    centre = _node(cx, cy, centre_label, None, CENTRE_FONT * BOLD, padding=24)
    nodes, edges = [], []
    for i, n in enumerate(shown):
        angle = -math.pi / 2 + 2 * math.pi * i / max(len(shown), 1)
        x, y = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        nodes.append(_node(x, y, n.label, n.href))
        t = 0.5 if len(shown) < 4 else 0.55
        edges.append(
            PlacedEdge(
                x1=round(cx, 1),
                y1=round(cy, 1),
                x2=round(x, 1),
                y2=round(y, 1),
                label=shorten(n.predicate, 18),
                label_x=round(cx + (x - cx) * t, 1),
                label_y=round(cy + (y - cy) * t - 3, 1),
                outgoing=n.outgoing,
            )
        )
    return Neighbourhood(width, height, centre, nodes, edges, max(0, len(neighbours) - limit))


def _node(x: float, y: float, label: str, href: str | None, size: float = NODE_FONT, padding: float = 16) -> PlacedNode:
    short = shorten(label)
    return PlacedNode(round(x, 1), round(y, 1), round(text_width(short, size) + padding, 1), short, label, href)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    value_text: str  # what the bar says, with its unit
    href: str | None = None
    note: str = ""  # e.g. a qualifier (预计 / estimated)


@dataclass(frozen=True)
class PlacedBar:
    bar: Bar
    y: float
    length: float
    label: str  # shortened


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    plot_width: int
    bar_height: int
    bars: list[PlacedBar]
    ticks: list[tuple[float, str]]  # (x within the plot, text)
    log: bool


def bar_chart(bars: list[Bar], tick_text: Callable[[float], str], log: bool = False) -> BarChart:
    """Horizontal bars in the order given; `log` draws log10 of positive values from a power of ten."""
    label_width, plot_width, bar_height, gap = 470, 520, 18, 8  # labels of ~60 Latin or ~38 CJK characters whole
    values = [b.value for b in bars if not log or b.value > 0]
    top = max(values, default=1.0) or 1.0
    if log:
        low_exp = math.floor(math.log10(min(values))) if values else 0
        high_exp = math.ceil(math.log10(top)) if values else 1
        high_exp = max(high_exp, low_exp + 1)

        def scale(v: float) -> float:
            return 0.0 if v <= 0 else plot_width * (math.log10(v) - low_exp) / (high_exp - low_exp)

        ticks = [(round(scale(10**e), 1), tick_text(10**e)) for e in range(low_exp, high_exp + 1)]
    else:
        step = _nice_step(top)
        top = step * math.ceil(top / step)

        def scale(v: float) -> float:
            return plot_width * max(v, 0) / top

        marks = [round(k * step, 12) for k in range(int(round(top / step)) + 1)]
        ticks = [(round(scale(v), 1), tick_text(v)) for v in marks]
    placed = [
        PlacedBar(
            b,
            y=24 + i * (bar_height + gap),
            length=round(max(scale(b.value), 1.0), 1),
            label=fit(b.label, label_width - 12, 12),
        )
        for i, b in enumerate(bars)
    ]
    height = 24 + len(bars) * (bar_height + gap) + 28
    return BarChart(label_width + plot_width + 280, height, label_width, plot_width, bar_height, placed, ticks, log)


def _nice_step(top: float) -> float:
    """A round tick step giving about five ticks: 1, 2 or 5 times a power of ten."""
    raw = top / 5
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power
