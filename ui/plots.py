"""Plotly charts shared by several pages (as `ui.chart.Chart`: plain dicts, cheap to redraw live)."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui.chart import Chart

REAL = "#1f77b4"
FAKE = "#ff7f0e"
DISC = "#2ca02c"


def layout(fig: Chart, title: str = "", height: int = 340, **kwargs) -> Chart:
    # the legend sits in the figure's bottom margin, under the x-axis title whatever the plot's height
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=40 if title else 10, b=50),
                      legend=dict(orientation="h", yref="container", yanchor="bottom", y=0, xanchor="left", x=0),
                      uirevision="keep", **kwargs)
    return fig


HISTOGRAM_BINS = 60


def histogram_counts(snap, bins: int = HISTOGRAM_BINS) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(bin edges over the snapshot's span, real counts, generated counts)."""
    edges = np.linspace(snap.grid[0], snap.grid[-1], bins + 1)
    return edges, np.histogram(snap.real, edges)[0], np.histogram(snap.fake, edges)[0]


def histograms(snap, title: str = "Real vs generated") -> Chart:
    """Real and generated histograms (as densities), the target pdf, and D(x) on a second axis."""
    edges, real, fake = histogram_counts(snap)
    centres, width = 0.5 * (edges[1:] + edges[:-1]), edges[1] - edges[0]
    n = max(len(snap.real), 1)
    fig = Chart()
    fig.add_bar(x=centres, y=real / (n * width), name="real", marker_color=REAL, opacity=0.55, width=width)
    fig.add_bar(x=centres, y=fake / (n * width), name="generated", marker_color=FAKE, opacity=0.55, width=width)
    fig.add_scatter(x=snap.grid, y=snap.target_pdf, name="target pdf", line=dict(color=REAL, dash="dot"))
    if snap.d_curve is not None:
        fig.add_scatter(x=snap.grid, y=snap.d_curve, name="D(x)", yaxis="y2", line=dict(color=DISC, width=3))
        fig.update_layout(yaxis2=dict(title="D(x)", overlaying="y", side="right", range=[0, 1], showgrid=False))
    fig.update_layout(barmode="overlay", xaxis_title="x", yaxis_title="density")
    return layout(fig, title)


def curves(history: dict, keys: dict[str, str], title: str, yaxis: str = "", height: int = 260) -> Chart:
    """Lines of history[key] against history['step']; `keys` maps history keys to legend names."""
    fig = Chart()
    steps = history.get("step", [])
    for key, name in keys.items():
        if key in history:
            fig.add_scatter(x=steps, y=history[key], name=name, mode="lines")
    fig.update_layout(xaxis_title="step", yaxis_title=yaxis)
    return layout(fig, title, height=height)


def modes_over_time(history: dict, n_modes: int, title: str = "Modes captured over time") -> Chart:
    """Modes captured (left axis) and the high-quality share (right axis) against the step."""
    fig = Chart()
    steps = history.get("step", [])
    fig.add_scatter(x=steps, y=history.get("modes_captured", []), name="modes captured", mode="lines",
                    line=dict(color=FAKE, shape="hv"))
    fig.add_scatter(x=steps, y=[100 * v for v in history.get("hq_fraction", [])], name="high quality %",
                    mode="lines", yaxis="y2", line=dict(color=DISC, dash="dot"))
    fig.update_layout(xaxis_title="step", yaxis=dict(title="modes", range=[0, n_modes + 0.5]),
                      yaxis2=dict(title="HQ %", overlaying="y", side="right", range=[0, 100], showgrid=False,
                                  tickmode="array", tickvals=[0, 25, 50, 75, 100]))
    return layout(fig, title, height=260)


def digit_histogram(counts, title: str = "Generated digits (by the classifier)", height: int = 260) -> Chart:
    """Share of each digit 0-9, with the 10% ideal and the 6-14% band that the shipped DCGAN must meet."""
    counts = np.asarray(counts, dtype=float)
    share = 100 * counts / max(counts.sum(), 1)
    fig = Chart()
    fig.add_hrect(y0=6, y1=14, fillcolor=REAL, opacity=0.08, line_width=0)
    fig.add_bar(x=[str(d) for d in range(len(counts))], y=share, marker_color=FAKE, name="generated")
    fig.add_hline(y=10, line=dict(color=REAL, dash="dot"))
    fig.update_layout(xaxis_title="digit", yaxis_title="% of samples", showlegend=False)
    return layout(fig, title, height=height)


def metric_curve(points: list[dict], key: str, title: str, ceiling: float | None = None,
                 height: int = 240) -> Chart:
    """One metric from a list of {'step': .., key: ..} evaluations, with an optional reference line."""
    fig = Chart()
    fig.add_scatter(x=[p["step"] for p in points], y=[p[key] for p in points], mode="lines+markers",
                    name=key, line=dict(color=FAKE))
    if ceiling is not None:
        fig.add_hline(y=ceiling, line=dict(color=REAL, dash="dot"))
    fig.update_layout(xaxis_title="step", showlegend=False)
    return layout(fig, title, height=height)


# --- generated digits with captions, interpolation animations (Generate section) ------------------
def captioned_grid(images, captions, ok=None, cols: int = 10, scale: int = 2) -> np.ndarray:
    """One RGB image: digits (uint8 (n, 28, 28)) enlarged `scale` times, each with a one-line caption
    under it, green where ok[i] is True and red where it is False (e.g. the classifier's verdict)."""
    from PIL import Image, ImageDraw

    x = np.asarray(images)
    n = len(x)
    cols = max(1, min(cols, n))
    rows = max(1, -(-n // cols))
    cell, text_h, pad = 28 * scale, 14, 4
    w, h = cols * (cell + pad) + pad, rows * (cell + text_h + pad) + pad
    canvas = Image.new("RGB", (w, h), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    for i in range(n):
        r, c = divmod(i, cols)
        x0, y0 = pad + c * (cell + pad), pad + r * (cell + text_h + pad)
        digit = Image.fromarray(x[i].astype(np.uint8), mode="L").resize((cell, cell), Image.NEAREST)
        canvas.paste(digit.convert("RGB"), (x0, y0))
        colour = (0, 0, 0) if ok is None else ((22, 128, 52) if ok[i] else (200, 30, 30))
        draw.text((x0 + 1, y0 + cell + 1), str(captions[i]), fill=colour)
    return np.asarray(canvas)


def png_bytes(image: np.ndarray, compress_level: int = 6) -> bytes:
    """A uint8 image (H, W) or (H, W, 3) as PNG bytes; st.image shows them without encoding again."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.asarray(image, dtype=np.uint8)).save(buf, format="PNG", compress_level=compress_level)
    return buf.getvalue()


def inline_png(image: np.ndarray) -> str:
    """A uint8 image as a data URL for st.image. A live view redraws its image several times a second;
    served from Streamlit's media store, the previous frame is deleted when the next run ends, and a
    browser still fetching it logs an image error. A data URL travels with the frame itself."""
    import base64

    return "data:image/png;base64," + base64.b64encode(png_bytes(image)).decode("ascii")


def latent_animation(images, labels, title: str = "", height: int = 360, frame_ms: int = 250) -> go.Figure:
    """A playable animation (plotly frames) of a sequence of uint8 digits (n, 28, 28)."""
    x = np.asarray(images)

    def heat(img):
        return go.Heatmap(z=img[::-1].astype(float), colorscale="gray", zmin=0, zmax=255, showscale=False,
                          hoverinfo="skip")

    fig = go.Figure(data=[heat(x[0])],
                    frames=[go.Frame(data=[heat(img)], name=str(i),
                                     layout=go.Layout(title_text=f"{title} — {labels[i]}"))
                            for i, img in enumerate(x)])
    play = dict(label="▶ Play", method="animate",
                args=[None, dict(frame=dict(duration=frame_ms, redraw=True), transition=dict(duration=0),
                                 fromcurrent=True, mode="immediate")])
    pause = dict(label="❚❚ Pause", method="animate",
                 args=[[None], dict(frame=dict(duration=0, redraw=False), mode="immediate")])
    steps = [dict(method="animate", label=str(i + 1),
                  args=[[str(i)], dict(frame=dict(duration=0, redraw=True), mode="immediate")]) for i in range(len(x))]
    fig.update_layout(updatemenus=[dict(type="buttons", buttons=[play, pause], x=0, y=-0.05, xanchor="left",
                                        yanchor="top", direction="left")],
                      sliders=[dict(steps=steps, x=0.25, len=0.75, y=-0.02, currentvalue=dict(prefix="step "))],
                      xaxis=dict(visible=False, scaleanchor="y"), yaxis=dict(visible=False))
    fig.update_layout(title=f"{title} — {labels[0]}", height=height, margin=dict(l=10, r=10, t=40, b=70))
    return fig


def norm_along_path(norms: dict[str, list[float]], reference: float | None = None, height: int = 240) -> Chart:
    """|z| along interpolation paths (e.g. lerp vs slerp), with the prior's typical norm sqrt(d)."""
    fig = Chart()
    colours = [FAKE, REAL, DISC]
    for i, (name, values) in enumerate(norms.items()):
        fig.add_scatter(x=list(range(1, len(values) + 1)), y=values, mode="lines+markers", name=name,
                        line=dict(color=colours[i % 3]))
    if reference is not None:
        fig.add_hline(y=reference, line=dict(color="#888", dash="dot"),
                      annotation_text="typical |z| = √d", annotation_position="bottom right")
    fig.update_layout(xaxis_title="step", yaxis_title="|z|")
    return layout(fig, "Norm of the latent vector along the path", height=height)
