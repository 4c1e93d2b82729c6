"""The semi-supervised GAN lesson's figures: two accuracy curves on one axis, confusion matrices, and what
D's two heads say about one labelled, one unlabelled and one fake digit."""
from __future__ import annotations

import numpy as np

from ui.chart import Chart
from ui.plots import DISC, FAKE, REAL, layout

SGAN_COLOUR, BASELINE_COLOUR = FAKE, REAL


def accuracy_curves(checks: list[dict], split: str = "test", height: int = 300,
                    references: dict[str, float] | None = None) -> Chart:
    """The SGAN's and the baseline's accuracy (in %) at each check, against the step, on one axis;
    `references` adds dotted horizontal lines (name -> accuracy)."""
    fig = Chart()
    steps = [r["step"] for r in checks]
    for key, name, colour in (("sgan", "SGAN's D", SGAN_COLOUR), ("baseline", "baseline (labels only)",
                                                                  BASELINE_COLOUR)):
        values = [100 * r[f"{key}_{split}"] for r in checks if f"{key}_{split}" in r]
        if values:
            fig.add_scatter(x=steps[:len(values)], y=values, name=name, mode="lines+markers",
                            line=dict(color=colour))
    for i, (name, value) in enumerate((references or {}).items()):
        fig.add_hline(y=100 * value, line=dict(color=[DISC, "#888"][i % 2], dash="dot"), annotation_text=name,
                      annotation_position="bottom right")
    fig.update_layout(xaxis_title="step", yaxis=dict(title="test accuracy (%)", range=[0, 100]))
    return layout(fig, "Accuracy of both classifiers", height=height)


def confusion_matrix(counts, title: str, height: int = 330) -> Chart:
    """counts[i][j]: digits i read as j, shaded by the share of row i, with the counts written in."""
    c = np.asarray(counts, dtype=float)
    share = c / np.maximum(c.sum(1, keepdims=True), 1)
    digits = [str(d) for d in range(c.shape[0])]
    fig = Chart().add_heatmap(z=share, x=digits, y=digits, text=c.astype(int), texttemplate="%{text}",
                              colorscale="Blues", zmin=0, zmax=1, showscale=False,
                              hovertemplate="true %{y}, read %{x}: %{text}<extra></extra>")
    fig.update_layout(xaxis=dict(title="read as", dtick=1),
                      yaxis=dict(title="true digit", autorange="reversed", dtick=1))
    accuracy = c.trace() / max(c.sum(), 1)
    return layout(fig, f"{title}: {100 * accuracy:.1f}% right", height=height)


def heads_chart(probabilities, title: str, height: int = 220) -> Chart:
    """The classifier head: softmax over the ten digits, as bars."""
    fig = Chart().add_bar(x=[str(d) for d in range(10)], y=np.asarray(probabilities), marker_color=SGAN_COLOUR)
    fig.update_layout(xaxis_title="digit", yaxis=dict(title="p(digit | real)", range=[0, 1]), showlegend=False)
    return layout(fig, title, height=height)
