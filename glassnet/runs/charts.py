"""The charts of a finished run, chosen by what the run was: curves for every run, a confusion
matrix for classifiers, a decision boundary for 2-D problems, sample predictions for images, the
perceptron's line epoch by epoch, a generated sample for language models.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from glassnet.random import Generator
from glassnet.train.history import History
from glassnet.train.metrics import confusion_matrix, to_labels
from glassnet.viz import classification as cls_charts
from glassnet.viz import curves

LM_CAPTION = (
    "Loss at each evaluation against optimizer steps (bottom) and tokens seen (top): training "
    "loss averaged over the steps since the previous evaluation, validation loss on the same "
    "fixed set of validation blocks every time."
)


def training_charts(history: History, run_dir: Path, name: str) -> list[tuple[Path, str]]:
    """The charts of the training so far: curves, learning rate, gradient flow."""
    charts: list[tuple[Path, str]] = []
    charts.append(
        (
            curves.plot_history(history, run_dir / "curves.png", title=name),
            "Loss and metrics per epoch, on the training and validation splits.",
        )
    )
    if history.evals:  # a language model's evaluations every train.eval_every steps
        from glassnet.viz.lm import plot_lm_curves

        path = plot_lm_curves(history.evals, run_dir / "lm_curves.png", history.steps, name)
        charts.append((path, LM_CAPTION))
    if history.steps:
        charts.append(
            (
                curves.plot_learning_rate(history, run_dir / "learning_rate.png"),
                "Learning rate at every step.",
            )
        )
    if history.grad_norms:
        charts.append(
            (
                curves.plot_gradient_flow(history.grad_norms, run_dir / "gradient_flow.png"),
                "Gradient flow: the norm of each layer's gradient through training. "
                "Layers far below the others learn slowly (vanishing gradients).",
            )
        )
    return charts


def make_charts(
    config: dict[str, Any],
    model: Any,
    data: Any,
    history: History,
    outputs: dict[str, np.ndarray],
    run_dir: Path,
    extra: dict[str, Any],
) -> list[tuple[Path, str]]:
    """Draw every chart that fits the run into `run_dir`; returns (path, caption) pairs.

    Texts for the report (a classifier's per-class report, a language model's sample) are added
    to `extra["texts"]`."""
    features = list(data.feature_names or ("feature 1", "feature 2"))
    if "mean" in data.meta:
        features = [f"{f} (standardised)" for f in features]
    charts = training_charts(history, run_dir, config["name"])
    if data.task in ("classification", "binary") and outputs:
        charts += _classifier_charts(config, model, data, outputs, run_dir, features, extra)
    if data.task == "regression" and outputs:
        charts.append(_regression_chart(outputs, run_dir))
    if "lines" in extra and outputs:
        charts.append(_perceptron_chart(data, extra["lines"], run_dir, features))
    if data.task == "language":
        extra.setdefault("texts", {}).update(_language_texts(config, model, data))
    return charts


def _classifier_charts(
    config: dict[str, Any],
    model: Any,
    data: Any,
    outputs: dict[str, np.ndarray],
    run_dir: Path,
    features: list[str],
    extra: dict[str, Any],
) -> list[tuple[Path, str]]:
    """Confusion matrix, the per-class report (ROC and PR for two classes), the decision
    regions of a 2-D problem and sample predictions of an image one."""
    from glassnet.runs.class_report import classifier_report

    cm = confusion_matrix(outputs["output"], outputs["y"], num_classes=len(data.class_names))
    charts = [
        (
            cls_charts.plot_confusion_matrix(
                cm, data.class_names, run_dir / "confusion_matrix.png"
            ),
            "Confusion matrix on the test split: rows are true classes.",
        )
    ]
    more, texts = classifier_report(outputs["output"], outputs["y"], data.class_names, run_dir)
    charts += more
    extra.setdefault("texts", {}).update(texts)
    X = outputs["X"]
    if X.ndim == 2 and X.shape[1] == 2:
        charts.append(
            (
                _boundary(model, data, outputs, run_dir, config, features),
                "Decision regions of the trained model, with the test samples.",
            )
        )
    if data.image_shape is not None:
        charts.append(_image_predictions(data, outputs, run_dir))
    return charts


def _image_predictions(
    data: Any, outputs: dict[str, np.ndarray], run_dir: Path
) -> tuple[Path, str]:
    """Sample test images with the predicted class, in their own pixel values."""
    X = outputs["X"]
    pixels = X
    if "mean" in data.meta:  # undo the standardisation to show the real pixels
        pixels = X * data.meta["std"] + data.meta["mean"]
    images = pixels.reshape(len(X), *data.image_shape)
    path = cls_charts.plot_image_predictions(
        images,
        outputs["y"].reshape(-1).astype(np.int64),
        to_labels(outputs["output"]),
        run_dir / "predictions.png",
        class_names=data.class_names,
    )
    return path, "Sample test images with the model's prediction (mistakes in red)."


def _regression_chart(outputs: dict[str, np.ndarray], run_dir: Path) -> tuple[Path, str]:
    """Predicted against true values."""
    path = cls_charts.plot_regression(
        outputs["y"], outputs["output"], run_dir / "predicted_vs_true.png"
    )
    return path, "Predicted against true values on the test split."


def _perceptron_chart(
    data: Any, lines: list[tuple[Any, Any]], run_dir: Path, features: list[str]
) -> tuple[Path, str]:
    """The perceptron's line (w, b) after each epoch, over the training samples."""
    from glassnet.train.perceptron_run import dataset_arrays

    Xtr, ytr = dataset_arrays(data.train)
    path = cls_charts.plot_perceptron_lines(
        [w for w, _ in lines],
        [b for _, b in lines],
        Xtr,
        ytr,
        run_dir / "perceptron_lines.png",
        class_names=data.class_names,
        feature_names=features,
    )
    return path, (
        "The perceptron's decision line after each epoch of Rosenblatt's rule (training samples)."
    )


def _language_texts(config: dict[str, Any], model: Any, data: Any) -> dict[str, str]:
    """A generated sample and what the validation set is, for the report of a language model."""
    from glassnet.train.lm_eval import describe_eval_set
    from glassnet.train.text import generate_text

    sample = generate_text(
        model, data.meta, prompt="\n", max_new_tokens=300, generator=Generator(config["seed"])
    )
    return {
        "Generated sample (300 characters)": sample,
        "Validation set": describe_eval_set(data.val, config),
    }


def _boundary(
    model: Any,
    data: Any,
    outputs: dict[str, np.ndarray],
    run_dir: Path,
    config: dict[str, Any],
    features: list[str],
) -> Path:
    from glassnet.train.evaluation import predict

    if config["model"]["name"] == "perceptron":
        fn = lambda pts: (model.decision_function(pts) > 0).astype(np.int64)
    else:
        fn = lambda pts: to_labels(predict(model, pts))
    return cls_charts.plot_decision_boundary(
        fn,
        outputs["X"],
        outputs["y"].reshape(-1).astype(np.int64),
        run_dir / "decision_boundary.png",
        class_names=data.class_names,
        feature_names=features,
        title=f"Decision regions: {config['name']}",
    )
