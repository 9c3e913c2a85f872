"""draw_graph: DOT text of the forward graph, an image through Graphviz's `dot` when present, a
clear warning when not, and its argument errors."""

import shutil
import stat
import sys

import numpy as np
import pytest

import glassnet
from glassnet.viz import draw_graph
from glassnet.viz import graph as graph_module


def two_layer_loss():
    rng = np.random.default_rng(0)
    W1 = glassnet.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    W2 = glassnet.tensor(rng.standard_normal((4, 1)), requires_grad=True)
    x = glassnet.tensor(rng.standard_normal((5, 3)))
    loss = ((x @ W1).sigmoid() @ W2).mean()
    return loss, {"W1": W1, "W2": W2}


def no_dot(monkeypatch):
    monkeypatch.setattr(graph_module.shutil, "which", lambda name: None)


def test_writes_dot_text_with_ops_shapes_and_names(tmp_path, monkeypatch):
    no_dot(monkeypatch)
    loss, names = two_layer_loss()
    with pytest.warns(UserWarning):
        paths = draw_graph(loss, tmp_path / "net.png", names=names)
    assert paths == [tmp_path / "net.dot"]
    text = paths[0].read_text()
    assert text.startswith("digraph")
    assert text.rstrip().endswith("}")
    for label in ("MatMul", "Sigmoid", "Mean", "W1\\n(3, 4)", "W2\\n(4, 1)", "input\\n(5, 3)"):
        assert label in text, label
    # one arrow into every op from each of its inputs: 2 matmuls x 2 + sigmoid + mean
    assert text.count("->") == 6
    assert loss.grad is None and names["W1"].grad is None  # nothing ran backward


def test_missing_dot_warns_with_the_dot_file_and_the_command(tmp_path, monkeypatch):
    no_dot(monkeypatch)
    loss, _ = two_layer_loss()
    with pytest.warns(UserWarning, match="`dot` program is not installed") as record:
        draw_graph(loss, tmp_path / "g.svg")
    message = str(record[0].message)
    assert str(tmp_path / "g.dot") in message
    assert f"dot -Tsvg {tmp_path / 'g.dot'} -o {tmp_path / 'g.svg'}" in message


def fake_dot(tmp_path, exit_code=0):
    """A stand-in `dot` that records its arguments and writes the -o file."""
    script = tmp_path / "fake_dot"
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        f"open({str(tmp_path / 'args.txt')!r}, 'w').write(' '.join(sys.argv[1:]))\n"
        "out = sys.argv[sys.argv.index('-o') + 1]\n"
        "open(out, 'wb').write(b'image')\n"
        "sys.stderr.write('syntax error in line 1')\n"
        f"sys.exit({exit_code})\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


@pytest.mark.parametrize(
    "name, image, fmt",
    [
        ("g.svg", "g.svg", "svg"),
        ("g.png", "g.png", "png"),
        ("g", "g.png", "png"),
        ("g.dot", "g.png", "png"),
        ("g.pdf", "g.pdf", "pdf"),
    ],
)
def test_calls_dot_for_the_image(tmp_path, monkeypatch, name, image, fmt):
    script = fake_dot(tmp_path)
    monkeypatch.setattr(graph_module.shutil, "which", lambda prog: str(script))
    loss, names = two_layer_loss()
    out = tmp_path / "out"
    paths = draw_graph(loss, out / name, names=names)
    assert paths == [out / "g.dot", out / image]
    assert paths[1].read_bytes() == b"image"
    args = (tmp_path / "args.txt").read_text()
    assert args == f"-T{fmt} {out / 'g.dot'} -o {out / image}"


def test_dot_failure_is_reported(tmp_path, monkeypatch):
    script = fake_dot(tmp_path, exit_code=1)
    monkeypatch.setattr(graph_module.shutil, "which", lambda prog: str(script))
    loss, _ = two_layer_loss()
    with pytest.raises(RuntimeError, match=r"draw_graph: `dot` failed .*exit code 1.*syntax"):
        draw_graph(loss, tmp_path / "g.png")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_real_dot_draws_a_png(tmp_path):
    loss, names = two_layer_loss()
    dot_path, png_path = draw_graph(loss, tmp_path / "g.png", names=names)
    assert png_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_leaf_alone(tmp_path, monkeypatch):
    no_dot(monkeypatch)
    w = glassnet.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning):
        (path,) = draw_graph(w, tmp_path / "leaf", names={"w": w})
    assert 'label="w"' in path.read_text()


def test_errors(tmp_path):
    loss, _ = two_layer_loss()
    with pytest.raises(TypeError, match="draw_graph: loss must be a Tensor, got ndarray"):
        draw_graph(np.zeros(3), tmp_path / "g.png")
    with pytest.raises(ValueError, match=r"draw_graph: cannot draw 'g.jpg'; .*\.png, \.svg"):
        draw_graph(loss, tmp_path / "g.jpg")
    assert not (tmp_path / "g.dot").exists()
