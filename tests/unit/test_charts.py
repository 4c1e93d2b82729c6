"""ui.chart.Chart builds the same figure as plotly.graph_objects.Figure, as plain dicts."""
import numpy as np
import plotly.graph_objects as go
import pytest

from ui.chart import Chart


def both(build):
    """The figure `build` draws, as Plotly builds it and as Chart builds it."""
    return build(go.Figure()).to_dict(), build(Chart()).to_dict()


def test_traces_and_layout_match_plotly_including_its_shorthand():
    def build(fig):
        fig.add_scatter(x=[1, 2], y=[3, 4], name="a", line=dict(color="red", dash="dot"), yaxis="y2")
        fig.add_bar(x=[1], y=[2], marker_color="blue", opacity=0.5)
        fig.update_layout(title="T", xaxis_title="x", yaxis_range=[0, 1], height=300,
                          yaxis2=dict(title="D", overlaying="y", side="right"), legend=dict(orientation="h"))
        fig.update_layout(margin=dict(l=10), yaxis_title="y")  # merges into what is there
        return fig

    plotly, chart = both(build)
    assert chart["data"] == plotly["data"]
    assert chart["layout"] == {k: v for k, v in plotly["layout"].items() if k != "template"}


def test_reference_lines_span_the_plot_as_plotlys_do():
    plotly, chart = both(lambda fig: fig.add_hline(y=0.5, line=dict(color="grey")).add_vline(x=2.0))
    for mine, theirs in zip(chart["layout"]["shapes"], plotly["layout"]["shapes"]):
        assert {k: mine[k] for k in ("type", "xref", "yref", "x0", "x1", "y0", "y1")} == \
               {k: theirs[k] for k in ("type", "xref", "yref", "x0", "x1", "y0", "y1")}


def test_a_chart_is_sent_as_its_dicts_and_plotlys_validator_still_catches_a_typo():
    from plotly.tools import return_figure_from_figure_or_data  # what st.plotly_chart calls

    chart = Chart().add_scatter(x=np.arange(3), y=np.arange(3))
    sent = return_figure_from_figure_or_data(chart, validate_figure=True)
    assert sent["data"] is chart.to_dict()["data"]  # neither validated nor copied
    go.Figure(chart.to_dict())  # valid
    with pytest.raises(ValueError, match="colour"):
        go.Figure(Chart().add_scatter(x=[1], y=[1], line_colour="red").to_dict())


def test_the_sgan_lessons_charts_pass_plotlys_validator():
    """They are drawn only after training or loading (the page tests validate a page's first render)."""
    from ui import sgan_views

    charts = [sgan_views.confusion_matrix(np.eye(10) * 5 + 1, "SGAN"), sgan_views.heads_chart(np.full(10, 0.1), "x"),
              sgan_views.accuracy_curves([{"step": 50, "sgan_test": 0.5, "baseline_test": 0.4}],
                                         references={"book SGAN": 0.8941, "book baseline": 0.6922})]
    for chart in charts:
        go.Figure(chart.to_dict())
