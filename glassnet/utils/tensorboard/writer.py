"""SummaryWriter: PyTorch's TensorBoard writer API over tensorboardX's event-file writer.

tensorboardX (a maintained writer of TensorBoard's event files, independent of TensorFlow)
writes the records; this class keeps `torch.utils.tensorboard.SummaryWriter`'s constructor and
method signatures and turns glassnet tensors into NumPy arrays or Python numbers on the way in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from glassnet.tensor import Tensor

try:
    import tensorboardX
except ImportError as error:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "glassnet.utils.tensorboard needs the tensorboardX package, which is not installed: "
        'pip install "glassnet[tensorboard]"'
    ) from error


def _array(value: Any) -> Any:
    """A glassnet tensor as a NumPy array (outside the graph); anything else unchanged."""
    return np.array(value._data) if isinstance(value, Tensor) else value


def _number(value: Any) -> Any:
    """A one-element tensor or array as a Python number; anything else unchanged."""
    if isinstance(value, Tensor | np.ndarray | np.generic):
        return np.asarray(_array(value)).item()
    return value


class SummaryWriter:
    """Write scalars, histograms, text, images and hyper-parameters for TensorBoard.

    Records go to an event file in `log_dir` (default ``runs/<date>_<time>_<host><comment>``),
    flushed every `flush_secs` seconds, every `max_queue` records, and on `flush`/`close`.
    Values may be glassnet tensors, NumPy arrays or Python numbers. The methods are PyTorch's
    `add_scalar`, `add_scalars`, `add_histogram`, `add_text`, `add_image`, `add_images`,
    `add_figure`, `add_hparams`, `flush`, `close` and `get_logdir` (no `add_graph`,
    `add_embedding`, `add_audio`, `add_video`, `add_mesh`, `add_pr_curve`).

    Parameters
    ----------
    log_dir : str, optional
        Directory of the event file.
    comment : str
        Appended to the default `log_dir` (ignored when `log_dir` is given).
    purge_step : int, optional
        On resuming at this step, TensorBoard hides the events written at later steps by the run
        that crashed.
    max_queue : int
        Records held before a write to disk.
    flush_secs : int
        Seconds between automatic flushes.
    filename_suffix : str
        Appended to the event file's name.

    Example
    -------
    >>> with SummaryWriter("runs/mlp") as writer:
    ...     for step, loss in enumerate(losses):
    ...         writer.add_scalar("loss/train", loss, step)
    """

    def __init__(
        self,
        log_dir: str | None = None,
        comment: str = "",
        purge_step: int | None = None,
        max_queue: int = 10,
        flush_secs: int = 120,
        filename_suffix: str = "",
    ) -> None:
        self._writer = tensorboardX.SummaryWriter(
            logdir=None if log_dir is None else str(log_dir),
            comment=comment,
            purge_step=purge_step,
            max_queue=max_queue,
            flush_secs=flush_secs,
            filename_suffix=filename_suffix,
        )
        self.log_dir = self._writer.logdir

    def get_logdir(self) -> str:
        """The directory the event files are written to."""
        return self.log_dir

    def add_scalar(
        self,
        tag: str,
        scalar_value: Any,
        global_step: int | None = None,
        walltime: float | None = None,
        new_style: bool = False,
        double_precision: bool = False,
    ) -> None:
        """Record one number under `tag` at `global_step` (a 0-d tensor is read with `.item()`).

        `new_style` and `double_precision` are accepted for PyTorch's signature; the value is
        stored as TensorBoard's simple (float32) scalar either way.
        """
        self._writer.add_scalar(tag, _number(scalar_value), global_step, walltime)

    def add_scalars(
        self,
        main_tag: str,
        tag_scalar_dict: Mapping[str, Any],
        global_step: int | None = None,
        walltime: float | None = None,
    ) -> None:
        """Record several numbers on one chart: each key of `tag_scalar_dict` becomes a run
        ``<log_dir>/<main_tag>/<key>`` (tensorboardX's layout; PyTorch names it
        ``<main_tag>_<key>``) holding the scalar `main_tag`."""
        values = {key: _number(value) for key, value in tag_scalar_dict.items()}
        self._writer.add_scalars(main_tag, values, global_step, walltime)

    def add_histogram(
        self,
        tag: str,
        values: Any,
        global_step: int | None = None,
        bins: str = "tensorflow",
        walltime: float | None = None,
        max_bins: int | None = None,
    ) -> None:
        """Record the distribution of `values` (any shape, flattened) as a histogram."""
        self._writer.add_histogram(
            tag, np.asarray(_array(values)), global_step, bins, walltime, max_bins
        )

    def add_text(
        self,
        tag: str,
        text_string: str,
        global_step: int | None = None,
        walltime: float | None = None,
    ) -> None:
        """Record a string (rendered as Markdown by TensorBoard) under ``<tag>/text_summary``."""
        self._writer.add_text(tag, text_string, global_step, walltime)

    def add_image(
        self,
        tag: str,
        img_tensor: Any,
        global_step: int | None = None,
        walltime: float | None = None,
        dataformats: str = "CHW",
    ) -> None:
        """Record one image: floats in [0, 1] or uint8 in [0, 255], laid out as `dataformats`
        (``CHW``, ``HWC`` or ``HW``)."""
        self._writer.add_image(tag, _array(img_tensor), global_step, walltime, dataformats)

    def add_images(
        self,
        tag: str,
        img_tensor: Any,
        global_step: int | None = None,
        walltime: float | None = None,
        dataformats: str = "NCHW",
    ) -> None:
        """Record a batch of images as one grid (`dataformats` ``NCHW`` or ``NHWC``)."""
        self._writer.add_images(tag, _array(img_tensor), global_step, walltime, dataformats)

    def add_figure(
        self,
        tag: str,
        figure: Any,
        global_step: int | None = None,
        close: bool = True,
        walltime: float | None = None,
    ) -> None:
        """Record a matplotlib figure (or a list of them) as an image; `close` closes it."""
        self._writer.add_figure(tag, figure, global_step, close, walltime)

    def add_hparams(
        self,
        hparam_dict: Mapping[str, Any],
        metric_dict: Mapping[str, Any],
        hparam_domain_discrete: Mapping[str, list] | None = None,
        run_name: str | None = None,
        global_step: int | None = None,
    ) -> None:
        """Record one trial's hyper-parameters and its final metrics for the HPARAMS tab.

        As in PyTorch the trial goes to its own run, ``<log_dir>/<run_name>`` (default: the
        current time). `hparam_domain_discrete` is accepted for PyTorch's signature; the tab
        lists the values written, without declared domains.
        """
        hparams = {key: _number(value) for key, value in hparam_dict.items()}
        metrics = {key: _number(value) for key, value in metric_dict.items()}
        self._writer.add_hparams(hparams, metrics, name=run_name, global_step=global_step)

    def flush(self) -> None:
        """Write every pending record to disk."""
        self._writer.flush()

    def close(self) -> None:
        """Flush and close the event files; later calls raise no error but write nothing."""
        self._writer.close()

    def __enter__(self) -> SummaryWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
