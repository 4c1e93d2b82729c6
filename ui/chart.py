"""Plotly charts built as plain dicts: the figures a live tick or a slider move redraws.

`plotly.graph_objects.Figure` validates every property as it is set: 10–40 ms for one of our charts,
and a tick of the 1-D lesson draws four. `Chart` keeps the part of its interface that the pages use
(`add_scatter`, `add_bar`, `add_hline`, `update_layout`, ... with Plotly's `a_b=` shorthand for
nested properties) and stores plain dicts. It is a `Figure` to Streamlit, which sends any figure as
`to_dict()` serialised by Plotly's JSON engine (orjson when installed); so a chart costs well under
a millisecond to build and nothing to validate. tests/unit/test_charts.py validates every chart the
pages build with Plotly's own validator, so a misspelt property still fails a test.
"""
from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

_NOT_SHORTHAND = {"error_x", "error_y"}  # Plotly property names that contain an underscore


def _nest(props: dict[str, Any]) -> dict[str, Any]:
    """Expand Plotly's shorthand: {"line_color": c} -> {"line": {"color": c}}; a title string -> {"text": ...}."""
    out: dict[str, Any] = {}
    for key, value in props.items():
        parts = [key] if key in _NOT_SHORTHAND else key.split("_")
        if isinstance(value, dict):
            value = _nest(value)
        if parts[-1] == "title" and isinstance(value, str):
            value = {"text": value}
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        if isinstance(value, dict) and isinstance(node.get(parts[-1]), dict):
            _merge(node[parts[-1]], value)
        else:
            node[parts[-1]] = value
    return out


def _merge(into: dict, new: dict) -> dict:
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value
    return into


class Chart(go.Figure):
    """A figure kept as the plain dicts it is sent as (see the module's docstring).

    It deliberately skips `go.Figure.__init__`: only the methods below and `to_dict` work on it."""

    def __init__(self, **layout: Any):
        self._traces: list[dict[str, Any]] = []
        self._layout: dict[str, Any] = _nest(layout)

    def __repr__(self) -> str:
        return f"Chart({len(self._traces)} traces)"

    # traces
    def add_trace_dict(self, kind: str, **props: Any) -> Chart:
        self._traces.append({"type": kind, **_nest(props)})
        return self

    def add_scatter(self, **props: Any) -> Chart:
        return self.add_trace_dict("scatter", **props)

    def add_bar(self, **props: Any) -> Chart:
        return self.add_trace_dict("bar", **props)

    def add_histogram(self, **props: Any) -> Chart:
        return self.add_trace_dict("histogram", **props)

    def add_heatmap(self, **props: Any) -> Chart:
        return self.add_trace_dict("heatmap", **props)

    # layout
    def update_layout(self, **props: Any) -> Chart:
        _merge(self._layout, _nest(props))
        return self

    def update_xaxes(self, **props: Any) -> Chart:
        return self.update_layout(xaxis=props)

    def update_yaxes(self, **props: Any) -> Chart:
        return self.update_layout(yaxis=props)

    def add_shape(self, **props: Any) -> Chart:
        self._layout.setdefault("shapes", []).append(_nest(props))
        return self

    def _annotate(self, text: str | None, **where: Any) -> None:
        if text:
            self._layout.setdefault("annotations", []).append({"text": text, "showarrow": False, **where})

    def add_hline(self, y: float, line: dict | None = None, annotation_text: str | None = None,
                  annotation_position: str = "top right") -> Chart:
        """A horizontal line across the plot (as Plotly's add_hline), with an optional label at its right end."""
        self.add_shape(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=y, y1=y, line=line or {})
        self._annotate(annotation_text, xref="x domain", x=1 if "right" in annotation_position else 0, yref="y",
                       y=y, xanchor="right" if "right" in annotation_position else "left",
                       yanchor="bottom" if "top" in annotation_position else "top")
        return self

    def add_vline(self, x: float, line: dict | None = None, annotation_text: str | None = None,
                  annotation_position: str = "top right") -> Chart:
        """A vertical line across the plot (as Plotly's add_vline), with an optional label at its top."""
        self.add_shape(type="line", yref="y domain", y0=0, y1=1, xref="x", x0=x, x1=x, line=line or {})
        self._annotate(annotation_text, yref="y domain", y=1 if "top" in annotation_position else 0, xref="x",
                       x=x, yanchor="bottom" if "top" in annotation_position else "top",
                       xanchor="left" if "right" in annotation_position else "right")
        return self

    def add_hrect(self, y0: float, y1: float, **props: Any) -> Chart:
        return self.add_shape(type="rect", xref="x domain", x0=0, x1=1, yref="y", y0=y0, y1=y1, **props)

    def to_dict(self) -> dict[str, Any]:
        return {"data": self._traces, "layout": self._layout}

    def to_plotly_json(self) -> dict[str, Any]:
        return self.to_dict()
