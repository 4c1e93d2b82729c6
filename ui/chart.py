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

import base64
from typing import Any

import numpy as np
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


def typed(values: Any, dtype: str = "f4") -> dict[str, str]:
    """A numeric array as Plotly's typed-array spec: the bytes of float32 (or another short type) in base64,
    about 5 characters a number where JSON text of a float64 takes 19. Plotly.js reads it as it is (the
    format plotly.py itself sends for numpy arrays); NaN, a gap in a line, survives as float."""
    array = np.ascontiguousarray(values, dtype=np.dtype(dtype).newbyteorder("<"))
    spec = {"dtype": dtype, "bdata": base64.b64encode(array.tobytes()).decode("ascii")}
    if array.ndim > 1:
        spec["shape"] = ", ".join(str(n) for n in array.shape)
    return spec


class Chart(go.Figure):
    """A figure kept as the plain dicts it is sent as (see the module's docstring).

    It deliberately skips `go.Figure.__init__`: only the methods below and `to_dict` work on it."""

    def __init__(self, **layout: Any):
        self._traces: list[dict[str, Any]] = []
        self._layout: dict[str, Any] = _nest(layout)

    @classmethod
    def of(cls, data: list[dict[str, Any]], layout: dict[str, Any]) -> Chart:
        """A chart of traces and a layout already written as Plotly's nested dicts (no shorthand)."""
        chart = cls()
        chart._traces, chart._layout = data, layout
        return chart

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

    def _across(self, along: str, value: float, line: dict | None, text: str | None, position: str) -> Chart:
        """A line across the plot at `value` on axis `along` ("y": horizontal, "x": vertical), as Plotly's
        add_hline/add_vline, with an optional label at the end `position` names ("top right", ...)."""
        other = "x" if along == "y" else "y"
        self.add_shape(type="line", **{f"{other}ref": f"{other} domain", f"{other}0": 0, f"{other}1": 1,
                                       f"{along}ref": along, f"{along}0": value, f"{along}1": value}, line=line or {})
        if text:
            top, right = "top" in position, "right" in position
            end = right if along == "y" else top  # where along the line the label sits
            self._layout.setdefault("annotations", []).append({
                "text": text, "showarrow": False, f"{other}ref": f"{other} domain", other: 1 if end else 0,
                f"{along}ref": along, along: value, "xanchor": "right" if right == (along == "y") else "left",
                "yanchor": "bottom" if top else "top"})
        return self

    def add_hline(self, y: float, line: dict | None = None, annotation_text: str | None = None,
                  annotation_position: str = "top right") -> Chart:
        return self._across("y", y, line, annotation_text, annotation_position)

    def add_vline(self, x: float, line: dict | None = None, annotation_text: str | None = None,
                  annotation_position: str = "top right") -> Chart:
        return self._across("x", x, line, annotation_text, annotation_position)

    def add_hrect(self, y0: float, y1: float, **props: Any) -> Chart:
        return self.add_shape(type="rect", xref="x domain", x0=0, x1=1, yref="y", y0=y0, y1=y1, **props)

    def to_dict(self) -> dict[str, Any]:
        return {"data": self._traces, "layout": self._layout}
