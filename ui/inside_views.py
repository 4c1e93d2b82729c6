"""The "Inside the game" views: the plane with its layers (live, or one slow-motion phase) as plain plotly
dicts in a `ui.chart.Chart` (sent as they are: no validation on every redraw), and the model overview as
SVG drawn from the live numbers.

A live redraw is sent several times a second to every student, so its arrays travel as float32 typed
arrays (ui.chart.typed), the surface's axes as a start and a step, and each arrow as one segment whose
head is a marker turned along it: every layer on, a redraw is a fifth of what the same figure weighs as
JSON text (bench/bench_inside_game.py prints it)."""
from __future__ import annotations

import math

import numpy as np

from ui.chart import Chart, typed
from ui.plots import DISC, FAKE, REAL

SURFACE_SCALE = [[0.0, FAKE], [0.5, "#ffffff"], [1.0, REAL]]  # "looks fake" - 1/2 - "looks real"
MANIFOLD = "#6a3d9a"
ARROW = "#222222"
MOVE = "#d62728"
ARROW_HEAD = 7  # px
SURFACE_LEVELS = 254  # shades of D's surface above the lowest: the middle one is the centre
DENSITY_CLASSES = 5  # shades of G's manifold, from stretched thin to compressed
CURVE_POINTS = 300  # points per metric curve at most


def surface_trace(z: np.ndarray, lo: float, hi: float, kind: str, centre: float) -> dict:
    """D's decision surface as a heatmap on a diverging scale centred on `centre` (½ for a probability).
    Sent as SURFACE_LEVELS + 1 shades (one byte a cell, a quarter of float32): the colour scale shows no
    finer difference, and the colour bar names the scores."""
    if kind == "probability":
        zmin, zmax, title = 0.0, 1.0, "D(x)"
        labels = ["0 looks fake", "½", "1 looks real"]
    else:
        half = float(np.nanmax(np.abs(z - centre))) or 1.0
        zmin, zmax = centre - half, centre + half
        title = "critic score" if kind == "critic" else "D's score (least squares)"
        labels = [f"{zmin:.2g} fake-like", f"{centre:.2g}", f"{zmax:.2g} real-like"]
    shade = np.clip(np.rint((np.nan_to_num(z, nan=centre) - zmin) / (zmax - zmin) * SURFACE_LEVELS), 0, SURFACE_LEVELS)
    mid = SURFACE_LEVELS // 2
    return dict(type="heatmap", **grid_axes(z, lo, hi), z=typed(shade, "u1"), zmin=0, zmax=SURFACE_LEVELS, zmid=mid,
                colorscale=SURFACE_SCALE, opacity=0.75, name=title, hoverinfo="skip",
                colorbar=dict(title=dict(text=title, side="right"), thickness=12, len=0.8,
                              tickvals=[0, mid, SURFACE_LEVELS], ticktext=labels))


def boundary_trace(z: np.ndarray, lo: float, hi: float, centre: float) -> dict:
    """The dashed line where D's score crosses `centre` (D's boundary before its update)."""
    return dict(type="contour", **grid_axes(z, lo, hi), z=typed(z), showscale=False, hoverinfo="skip",
                name="boundary before",
                contours=dict(start=centre, end=centre, size=1, coloring="none"),
                line=dict(color="#444", dash="dash", width=2), showlegend=True)


def grid_axes(z: np.ndarray, lo: float, hi: float) -> dict:
    """The axes of a square grid of values over [lo, hi]² as a start and a step (no arrays to send)."""
    step = (hi - lo) / (z.shape[0] - 1)
    return dict(x0=lo, dx=step, y0=lo, dy=step)


def points_trace(xy: np.ndarray, name: str, colour, size: int = 5, symbol: str = "circle", opacity=0.8,
                 outline: str = "#333") -> dict:
    """Points in one colour, or filled with D's verdicts (on the surface's scale) and outlined in `outline`."""
    marker = dict(color=colour, size=size, symbol=symbol, opacity=opacity, line=dict(width=0.5, color=outline))
    if not isinstance(colour, str):
        marker |= dict(color=typed(colour), colorscale=SURFACE_SCALE, cmin=0, cmax=1, cmid=0.5,
                       line=dict(width=1.5, color=outline))
    return dict(type="scatter", x=typed(xy[:, 0]), y=typed(xy[:, 1]), mode="markers", name=name, marker=marker,
                hoverinfo="skip")


def nice(value: float) -> float:
    """1, 2 or 5 times a power of ten, at most `value` (a readable arrow scale)."""
    if not value > 0 or not math.isfinite(value):
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return max(m for m in (1, 2, 5) if m * power <= value * (1 + 1e-9)) * power


def segments(start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x and y of line segments start -> end, one polyline with gaps (one SVG path, however many)."""
    nan = np.full(len(start), np.nan)
    return (np.stack([start[:, 0], end[:, 0], nan], 1).ravel(), np.stack([start[:, 1], end[:, 1], nan], 1).ravel())


def arrow_traces(start: np.ndarray, push: np.ndarray, lo: float, hi: float) -> list[dict]:
    """An arrow along each push, lengths proportional to its norm on one scale: a `key` norm, a round number
    near the 90th percentile, is drawn as 8% of the plot's width (the key arrow in the top-left corner).
    One trace: each shaft a segment, its head a marker at the end turned along it (angleref "previous")."""
    norms = np.linalg.norm(push, axis=1)
    key = nice(float(np.percentile(norms, 90))) if len(norms) else 1.0
    scale = 0.08 * (hi - lo) / key
    start = np.vstack([start, [[lo + 0.04 * (hi - lo), hi - 0.05 * (hi - lo)]]])
    end = start + np.vstack([push, [[key, 0.0]]]) * scale
    xs, ys = segments(start, end)
    heads = np.tile(np.array([0, ARROW_HEAD, 0], np.uint8), len(start))  # no marker at a start or a gap
    return [dict(type="scatter", x=typed(xs), y=typed(ys), mode="lines+markers", hoverinfo="skip",
                 line=dict(color=ARROW, width=1), name=f"−∂L_G/∂x (key: |∇| = {key:g})",
                 marker=dict(symbol="arrow", angleref="previous", size=typed(heads, "u1"), color=ARROW)),
            dict(type="scatter", x=[end[-1, 0]], y=[end[-1, 1]], mode="text", text=[f" |∇| = {key:g}"],
                 textposition="middle right", hoverinfo="skip", showlegend=False)]


def move_traces(before: np.ndarray, after: np.ndarray, lo: float, hi: float) -> list[dict]:
    """Where G's update moved each point, magnified by a round factor so that a typical move is visible
    (one step moves the points very little): a segment from the old place, ending in a dot."""
    move = after - before
    typical = float(np.percentile(np.linalg.norm(move, axis=1), 90)) if len(move) else 0.0
    zoom = nice(0.08 * (hi - lo) / typical) if typical > 0 else 1.0
    xs, ys = segments(before, before + zoom * move)
    return [dict(type="scatter", x=typed(xs), y=typed(ys), mode="lines", line=dict(color=MOVE, width=2),
                 hoverinfo="skip",
                 name=f"G's update moved each point this way (×{zoom:g})")]


def manifold_traces(pts: np.ndarray, density: np.ndarray) -> list[dict]:
    """G's image of the noise grid: a curve or a mesh, its cells shaded by G's density there (darker:
    compressed, more samples per area; paler: stretched thin), in DENSITY_CLASSES steps of log density."""
    log = np.log10(np.clip(density, 1e-12, None))
    edges = np.quantile(log, np.linspace(0, 1, DENSITY_CLASSES + 1)[1:-1])
    level = np.searchsorted(edges, log)  # 0 (most stretched) .. DENSITY_CLASSES-1 (most compressed)
    if pts.ndim == 2:  # a curve: segments, wider and darker where compressed
        cells = np.stack([pts[:-1], pts[1:], np.full((len(pts) - 1, 2), np.nan)], 1)
    else:  # a mesh: its quads, filled (fill "toself" closes each; a shared edge is drawn by the neighbour)
        corner = pts[:-1, :-1]
        cells = np.stack([corner, pts[1:, :-1], pts[1:, 1:], pts[:-1, 1:], np.full(corner.shape, np.nan)], 2)
    traces = []
    for c in range(DENSITY_CLASSES):
        xy = cells[level == c].reshape(-1, 2)
        if pts.ndim == 2:
            style = dict(line=dict(color=MANIFOLD, width=1 + c), opacity=0.25 + 0.18 * c)
        else:
            style = dict(fill="toself", fillcolor=MANIFOLD, opacity=0.04 + 0.07 * c, line=dict(color=MANIFOLD,
                                                                                            width=0.6))
        traces.append(dict(type="scatter", x=typed(xy[:, 0]), y=typed(xy[:, 1]), mode="lines", hoverinfo="skip",
                           showlegend=False,
                           **style))
    traces[-1] |= dict(showlegend=True, name="G's manifold (dark: dense)")
    return traces


def frame(data: list[dict], lo: float, hi: float, title: str = "", height: int = 560, shapes=()) -> Chart:
    """A square plane over [lo, hi]² with a legend below."""
    axis = dict(range=[lo, hi], zeroline=False, showgrid=False, constrain="domain")
    return Chart.of(data, dict(
        title=dict(text=title), height=height, margin=dict(l=10, r=10, t=40 if title else 10, b=10),
        shapes=list(shapes), xaxis=axis, yaxis=dict(axis, scaleanchor="x", scaleratio=1), uirevision="keep",
        plot_bgcolor="#fafafa", legend=dict(orientation="h", yanchor="top", y=-0.04, xanchor="left", x=0)))


def hq_circles(centres, std: float) -> list[dict]:
    """A circle of 3 std around every mode centre: a generated point inside one counts as high quality."""
    r = 3 * std
    return [dict(type="circle", x0=cx - r, y0=cy - r, x1=cx + r, y1=cy + r, line=dict(color=REAL, width=1),
                 fillcolor="rgba(31,119,180,0.15)") for cx, cy in centres]


def plane(layers, shown, centres=None, title: str = "", mode_std: float | None = None) -> Chart:
    """The live plane: the layers in `shown` (LAYERS names) that `layers` holds; with `mode_std`, each mode
    centre's high-quality circle."""
    data = []
    lo, hi = layers.lo, layers.hi
    if "surface" in shown and layers.surface is not None:
        data.append(surface_trace(layers.surface, lo, hi, layers.surface_kind, layers.surface_centre))
    if "manifold" in shown and layers.manifold is not None:
        data += manifold_traces(layers.manifold, layers.manifold_density)
    if "real" in shown and layers.real is not None:
        data.append(points_trace(layers.real, "real", REAL, opacity=0.5))
    if centres is not None and len(centres):
        data.append(points_trace(np.asarray(centres), "mode centres", DISC, size=8, symbol="x"))
    if "fake" in shown and layers.fake is not None:
        data.append(points_trace(layers.fake, "generated", FAKE))
    if "arrows" in shown and layers.arrows is not None:
        data += arrow_traces(layers.fake, layers.arrows, lo, hi)
    circles = hq_circles(centres, mode_std) if mode_std and centres is not None else ()
    return frame(data, lo, hi, title, shapes=circles)


PHASE_POINTS = 200  # points of each batch a slow-motion phase shows (a batch of 512 hides the arrows)


def phase_plane(slow, lo: float, hi: float, centres=None) -> Chart:
    """The plane at a slow-motion phase: what that phase changes (gan_core.families.toy.slow_motion), for
    the first PHASE_POINTS samples of each batch."""
    n = slow.phase
    d = {k: v[:PHASE_POINTS] if isinstance(v, np.ndarray) and v.ndim <= 2 and k != "surface_before"
         and k != "surface_after" else v for k, v in slow.d.items()}
    g = {k: v[:PHASE_POINTS] if isinstance(v, np.ndarray) else v for k, v in slow.g.items()}
    data = []
    surface = d.get("surface_before") if n <= 3 else d.get("surface_after")
    if surface is not None:
        data.append(surface_trace(surface, lo, hi, d["surface_kind"], d["surface_centre"]))
    if n == 4 and d.get("surface_before") is not None:
        data.append(boundary_trace(d["surface_before"], lo, hi, d["surface_centre"]))
    if centres is not None and len(centres):
        data.append(points_trace(np.asarray(centres), "mode centres", DISC, size=8, symbol="x"))
    if n == 1:
        data.append(points_trace(d["fake"], "fake batch", FAKE))
    elif n <= 4:  # coloured by D's verdict (on the surface's scale when D gives probabilities)
        judged = d["surface_kind"] == "probability"
        data.append(points_trace(d["real"], "real batch: D's verdict", d["real_score"] if judged else REAL, size=7,
                                 outline=REAL))
        data.append(points_trace(d["fake"], "fake batch: D's verdict", d["fake_score"] if judged else FAKE, size=7,
                                 symbol="diamond", outline=FAKE))
    elif n in (5, 6):
        judged = n == 6 and d.get("surface_kind") == "probability"
        data.append(points_trace(g["fake"], "new fakes" + (": frozen D's verdict" if judged else ""),
                                 g["fake_score"] if judged else FAKE, size=7, symbol="diamond", outline=FAKE))
    else:
        data.append(points_trace(g["fake"], "fakes before G's update", FAKE, opacity=0.35 if n == 8 else 0.8))
        data += arrow_traces(g["fake"], g["push"], lo, hi)
        if n == 8:
            data += move_traces(g["fake"], g["fake_after"], lo, hi)
            data.append(points_trace(g["fake_after"], "fakes after G's update", FAKE, size=6, symbol="diamond"))
    return frame(data, lo, hi)


def metrics_figure(history: dict, js_floor: float, height: int = 270) -> Chart:
    """Three panels in one figure: the losses; D's mean predictions on reals and
    fakes; KL and JS between the real and generated histograms, with JS between two real samples dotted."""
    every = max(1, len(history.get("step", [])) // CURVE_POINTS)  # a thinner curve draws faster in the browser
    history = {key: values[::every] for key, values in history.items()}
    steps = history.get("step", [])
    panels = [({"d_loss": "D loss", "g_loss": "G loss"}, "Losses"),
              ({"d_real": "mean D(x)", "d_fake": "mean D(G(z))"}, "D's mean predictions"),
              ({"kl": "KL(real ‖ generated)", "js": "JS"}, "Real vs generated histograms")]
    data, layout = [], dict(height=height, margin=dict(l=10, r=10, t=30, b=60), uirevision="keep", annotations=[],
                            legend=dict(orientation="h", yanchor="top", y=-0.25, x=0))
    colours = iter([DISC, FAKE, REAL, FAKE, "#9467bd", DISC])
    for i, (keys, title) in enumerate(panels):
        axis = "" if i == 0 else str(i + 1)
        layout[f"xaxis{axis}"] = dict(domain=[i / 3 + 0.02, (i + 1) / 3 - 0.04], title=dict(text="step"))
        layout[f"yaxis{axis}"] = dict(anchor=f"x{axis}")
        layout["annotations"].append(dict(text=f"<b>{title}</b>", x=(i + 0.5) / 3, y=1.1, xref="paper",
                                          yref="paper", showarrow=False))
        for key, name in keys.items():
            data.append(dict(type="scatter", x=typed(steps), y=typed(history.get(key, [])), name=name, mode="lines",
                             xaxis=f"x{axis}", yaxis=f"y{axis}", line=dict(color=next(colours))))
    data.append(dict(type="scatter", x=[steps[0], steps[-1]] if steps else [], y=[js_floor, js_floor], mode="lines",
                     name="JS of two real samples", xaxis="x3", yaxis="y3", line=dict(color=DISC, dash="dot")))
    return Chart.of(data, layout)
