"""The model overview: noise z → G → fake samples → D ← real samples → D's predictions → D loss / G loss,
drawn as SVG from the live numbers, with the parts of the active slow-motion phase highlighted."""
from __future__ import annotations

import math
from html import escape

from ui.plots import DISC, FAKE, REAL
from ui.words import OVERVIEW_PARTS

# part -> (x, y) of its box's centre in the 720 x 210 drawing
BOXES = {"noise": (55, 45), "G": (175, 45), "fakes": (310, 45), "reals": (310, 160), "D": (440, 102),
         "predictions": (565, 102), "d_loss": (670, 55), "g_loss": (670, 150)}
EDGES = [("noise", "G"), ("G", "fakes"), ("fakes", "D"), ("reals", "D"), ("D", "predictions"),
         ("predictions", "d_loss"), ("predictions", "g_loss")]
COLOURS = {"noise": "#888", "G": FAKE, "fakes": FAKE, "reals": REAL, "D": DISC, "predictions": DISC,
           "d_loss": DISC, "g_loss": FAKE}
GRADIENTS = {4: [("d_loss", "predictions"), ("predictions", "D")],  # D's update: back from D's loss into D
             8: [("g_loss", "predictions"), ("predictions", "D"), ("D", "fakes"), ("fakes", "G")]}


def _number(value) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:.3f}"


def _box(part: str, label: str, active: bool, dim: bool) -> str:
    x, y = BOXES[part]
    colour = COLOURS[part]
    w, h = (100 if part in ("fakes", "reals", "predictions") else 80), 46
    fill = colour if active else "#ffffff"
    text = "#ffffff" if active else "#222"
    lines = label.split("\n")
    tspans = "".join(f'<tspan x="{x}" dy="{0 if i == 0 else 15}">{escape(t)}</tspan>' for i, t in enumerate(lines))
    return (f'<g opacity="{0.45 if dim else 1}"><rect x="{x - w / 2}" y="{y - h / 2}" width="{w}" height="{h}" '
            f'rx="8" fill="{fill}" stroke="{colour}" stroke-width="{3 if active else 1.5}"/>'
            f'<text x="{x}" y="{y - 7.5 * (len(lines) - 1) + 4}" text-anchor="middle" font-size="12" fill="{text}" '
            f'font-family="sans-serif">{tspans}</text></g>')


def _edge(a: str, b: str, colour: str = "#777", dash: str = "", offset: float = 0.0) -> str:
    """An arrow from box a to box b, shifted sideways by `offset` (a gradient runs beside its forward arrow)."""
    (x1, y1), (x2, y2) = BOXES[a], BOXES[b]
    dx, dy = x2 - x1, y2 - y1
    length = max(math.hypot(dx, dy), 1)
    k = 1 - 55 / length
    ox, oy = -dy / length * offset, dx / length * offset
    x1b, y1b = x1 + dx * (1 - k) + ox, y1 + dy * (1 - k) + oy
    x2b, y2b = x1 + dx * k + ox, y1 + dy * k + oy
    marker = "head-grad" if dash else "head"
    return (f'<line x1="{x1b:.0f}" y1="{y1b:.0f}" x2="{x2b:.0f}" y2="{y2b:.0f}" stroke="{colour}" stroke-width="2" '
            f'{f"stroke-dasharray={chr(34)}{dash}{chr(34)} " if dash else ""}marker-end="url(#{marker})"/>')


def overview_svg(numbers: dict, phase=None) -> str:
    """The diagram with `numbers` (d_real, d_fake, d_loss, g_loss: means of the latest batches) and, in slow
    motion, `phase` (a slow_motion.Phase) highlighted with its gradient flow in dashed red."""
    parts = set(phase.parts) if phase else set()
    labels = dict(OVERVIEW_PARTS)
    labels["fakes"] += f"\nD(G(z)) {_number(numbers.get('d_fake'))}"
    labels["reals"] += f"\nD(x) {_number(numbers.get('d_real'))}"
    labels["d_loss"] += f"\n{_number(numbers.get('d_loss'))}"
    labels["g_loss"] += f"\n{_number(numbers.get('g_loss'))}"
    if phase:
        labels["D"] += " (frozen)" if phase.half == "g" else ""
    svg = ['<svg viewBox="0 0 720 210" width="100%" style="max-height: 230px" xmlns="http://www.w3.org/2000/svg" '
           'role="img" aria-label="model overview"><defs>'
           '<marker id="head" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto">'
           '<path d="M0,0 L8,4 L0,8 z" fill="#777"/></marker>'
           '<marker id="head-grad" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto">'
           '<path d="M0,0 L8,4 L0,8 z" fill="#d62728"/></marker></defs>']
    svg += [_edge(a, b) for a, b in EDGES]
    svg += [_edge(a, b, "#d62728", "5,4", 9) for a, b in GRADIENTS.get(phase.number if phase else 0, [])]
    svg += [_box(p, labels[p], p in parts, bool(phase) and p not in parts) for p in BOXES]
    if phase:
        svg.append(f'<text x="8" y="202" font-size="13" font-family="sans-serif" fill="#d62728">phase '
                   f'{phase.number} of 8</text>')
    return "".join(svg) + "</svg>"
