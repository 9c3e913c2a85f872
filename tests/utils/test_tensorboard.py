"""SummaryWriter writes event files TensorBoard reads: the records are read back here with
tensorboardX's Event protobuf and the TFRecord framing (length, crc, data, crc)."""

import glob
import os
import struct
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("tensorboardX")
from tensorboardX.proto.event_pb2 import Event  # noqa: E402

import glassnet  # noqa: E402
from glassnet.utils.tensorboard import SummaryWriter  # noqa: E402


def _events(log_dir):
    """Every Event in the event files directly inside `log_dir`, in order."""
    events = []
    for path in sorted(glob.glob(os.path.join(log_dir, "events.out.tfevents.*"))):
        with open(path, "rb") as f:
            data = f.read()
        at = 0
        while at < len(data):
            (length,) = struct.unpack("<Q", data[at : at + 8])
            record = data[at + 12 : at + 12 + length]  # skip the length's crc
            events.append(Event.FromString(record))
            at += 12 + length + 4  # and the data's crc
    return events


def _summaries(log_dir):
    """(tag, step, value) for every summary value written in `log_dir`."""
    out = []
    for event in _events(log_dir):
        for value in event.summary.value:
            out.append((value.tag, event.step, value))
    return out


def test_scalars_read_back(tmp_path):
    with SummaryWriter(log_dir=tmp_path) as writer:
        for step, loss in enumerate([2.5, 1.25, 0.5]):
            writer.add_scalar("loss/train", glassnet.tensor(loss), step)
        writer.add_scalar("lr", 0.1, global_step=7)
        writer.add_scalar("acc", np.float64(0.75), 3)
        assert writer.get_logdir() == str(tmp_path)
    got = {(tag, step): v.simple_value for tag, step, v in _summaries(str(tmp_path))}
    assert got == {
        ("loss/train", 0): 2.5,
        ("loss/train", 1): 1.25,
        ("loss/train", 2): 0.5,
        ("lr", 7): pytest.approx(0.1),
        ("acc", 3): 0.75,
    }


def test_add_scalars_writes_one_run_per_key(tmp_path):
    writer = SummaryWriter(str(tmp_path))
    writer.add_scalars("loss", {"train": glassnet.tensor(1.5), "val": 2.0}, 4)
    writer.close()
    for key, value in (("train", 1.5), ("val", 2.0)):
        ((tag, step, v),) = _summaries(str(tmp_path / "loss" / key))
        assert (tag, step, v.simple_value) == ("loss", 4, value)


def test_histogram_text_image_hparams(tmp_path):
    values = glassnet.tensor(np.arange(100, dtype=np.float32), requires_grad=True)
    with SummaryWriter(str(tmp_path)) as writer:
        writer.add_histogram("weights", values, 1)
        writer.add_text("note", "hello **glassnet**", 2)
        writer.add_image("img", glassnet.zeros(3, 4, 5), 3)
        writer.add_images("imgs", np.ones((2, 3, 4, 5), dtype=np.float32), 3)
        writer.add_hparams(
            {"lr": 0.01, "opt": "adam"}, {"hparam/loss": glassnet.tensor(0.3)}, run_name="trial"
        )
        writer.flush()
    by_tag = {tag: (step, v) for tag, step, v in _summaries(str(tmp_path))}
    step, hist = by_tag["weights"]
    assert step == 1 and hist.histo.num == 100 and hist.histo.sum == pytest.approx(4950)
    assert hist.histo.min == 0 and hist.histo.max == 99
    step, text = by_tag["note/text_summary"]
    assert step == 2 and text.tensor.string_val == [b"hello **glassnet**"]
    step, img = by_tag["img"]
    assert (step, img.image.height, img.image.width) == (3, 4, 5)
    assert by_tag["imgs"][1].image.height == 4
    trial = _summaries(str(tmp_path / "trial"))
    assert ("hparam/loss", 0) in {(t, s) for t, s, _ in trial}
    loss = next(v for t, _, v in trial if t == "hparam/loss")
    assert loss.simple_value == pytest.approx(0.3)


def test_default_log_dir_carries_the_comment(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    writer = SummaryWriter(comment="_lr0.1", flush_secs=1)
    writer.close()
    assert writer.log_dir.startswith("runs") and writer.log_dir.endswith("_lr0.1")
    assert glob.glob(os.path.join(writer.log_dir, "events.out.tfevents.*"))


def test_missing_tensorboardx_names_the_extra():
    code = (
        "import sys; sys.modules['tensorboardX'] = None\n"
        "try:\n"
        "    import glassnet.utils.tensorboard\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert 'pip install "glassnet[tensorboard]"' in out.stdout
