"""Charts: training curves, gradient flow, classifiers, optimizer paths, reports, graphs."""

from glassnet.viz.classification import (  # noqa: F401
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_image_predictions,
    plot_perceptron_lines,
    plot_regression,
)
from glassnet.viz.curves import plot_gradient_flow, plot_history, plot_learning_rate  # noqa: F401
from glassnet.viz.graph import draw_graph  # noqa: F401
from glassnet.viz.report import write_report  # noqa: F401
from glassnet.viz.surfaces import (  # noqa: F401
    SURFACES,
    Surface,
    optimizer_paths,
    plot_optimizer_paths,
)
