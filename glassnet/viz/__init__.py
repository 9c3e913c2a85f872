"""Charts: training curves, gradient flow, classifiers, optimizer paths, reports, graphs."""

from glassnet.viz.graph import draw_graph  # noqa: F401
