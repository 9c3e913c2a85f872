"""Charts are written in the format their file name asks for."""

import pytest

from glassnet.viz._figure import chart_format, chart_style, save, subplots

MAGIC = {
    ".png": b"\x89PNG",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".pdf": b"%PDF",
    ".svg": b"<?xml",
}


@pytest.mark.parametrize("suffix", list(MAGIC))
def test_suffix_names_the_format(tmp_path, suffix):
    with chart_style():
        fig, axes = subplots()
        axes[0, 0].plot([0, 1], [1, 0])
        path = save(fig, tmp_path / f"chart{suffix}")
    assert path.read_bytes().startswith(MAGIC[suffix])


def test_unknown_suffix_refused(tmp_path):
    assert chart_format(tmp_path / "chart") == "png"
    with pytest.raises(ValueError, match=r"cannot write a chart as '.bmpx'.*use .png, .jpg"):
        chart_format(tmp_path / "chart.bmpx")


def test_integer_ticks_for_a_single_epoch():
    from glassnet.viz._figure import integer_ticks

    with chart_style():
        fig, axes = subplots()
        ax = axes[0, 0]
        ax.plot([1], [0.5], "o-")
        integer_ticks(ax.xaxis)
        fig.canvas.draw()
        lo, hi = ax.get_xlim()
        shown = [t for t in ax.get_xticks() if lo <= t <= hi]
    assert shown == [1.0]
