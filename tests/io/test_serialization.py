"""glassnet.save / glassnet.load as torch.save / torch.load: objects, paths and file objects,
one safetensors file, plain safetensors files from torch, and clear refusals."""

import io
import zipfile

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import glassnet
from glassnet import nn


def test_state_dict_round_trip_in_torch_order(tmp_path):
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    glassnet.save(model.state_dict(), tmp_path / "model.pt")
    assert [p.name for p in tmp_path.iterdir()] == ["model.pt"]  # one file, the name given
    fresh = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    back = glassnet.load(tmp_path / "model.pt")
    assert all(isinstance(v, glassnet.Tensor) for v in back.values())
    fresh.load_state_dict(back)
    x = glassnet.randn(5, 3)
    np.testing.assert_array_equal(model(x).detach().numpy(), fresh(x).detach().numpy())
    # torch reads the same file, under the same keys
    from safetensors.torch import load_file

    torch_model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    torch_model.load_state_dict(load_file(tmp_path / "model.pt"))
    y = torch_model(torch.from_numpy(x.numpy())).detach().numpy()
    np.testing.assert_allclose(y, model(x).detach().numpy(), rtol=1e-6)


@pytest.mark.parametrize(
    "obj",
    [
        glassnet.tensor([[1.0, 2.0], [3.0, 4.0]]),
        np.arange(5, dtype=np.int32),
        3,
        2.5,
        "text",
        None,
        True,
        [1, (2, 3), {"a": [4.0]}],
        (glassnet.zeros(2), np.ones(3), {"k": (None, False)}),
        {0: "int key", "nested": {"deeper": [glassnet.tensor(7)]}},
    ],
)
def test_any_supported_object_round_trips(tmp_path, obj):
    glassnet.save(obj, tmp_path / "x.pt")
    back = glassnet.load(tmp_path / "x.pt")
    assert _same(back, obj), (back, obj)


def _same(a, b):
    if type(a) is not type(b):
        return False
    if isinstance(a, glassnet.Tensor):
        return a.dtype == b.dtype and np.array_equal(a.numpy(), b.numpy())
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and np.array_equal(a, b)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return a == b


def test_file_objects_and_requires_grad(tmp_path):
    w = glassnet.randn(3, requires_grad=True)
    buf = io.BytesIO()
    glassnet.save({"w": w, "step": 4}, buf)
    buf.seek(0)
    back = glassnet.load(buf, map_location="cpu", weights_only=True)
    assert back["step"] == 4 and back["w"].requires_grad
    np.testing.assert_array_equal(back["w"].detach().numpy(), w.detach().numpy())
    with open(tmp_path / "f.bin", "wb") as f:
        glassnet.save([w.detach()], f)
    with open(tmp_path / "f.bin", "rb") as f:
        assert glassnet.load(f)[0].shape == (3,)
    mapped = glassnet.load(tmp_path / "f.bin", mmap=True)[0]
    mapped.add_(1.0)  # copy-on-write: the file keeps its numbers
    np.testing.assert_array_equal(glassnet.load(tmp_path / "f.bin")[0].numpy(), w.detach().numpy())


def test_optimizer_state_and_numbers_round_trip(tmp_path):
    w = glassnet.randn(3, requires_grad=True)
    opt = glassnet.optim.Adam([w], lr=0.1)
    (w * w).sum().backward()
    opt.step()
    glassnet.save({"optimizer": opt.state_dict(), "epoch": 3}, tmp_path / "ckpt")
    back = glassnet.load(tmp_path / "ckpt")
    assert back["epoch"] == 3
    opt2 = glassnet.optim.Adam([glassnet.zeros(3, requires_grad=True)], lr=0.1)
    opt2.load_state_dict(back["optimizer"])
    assert opt2.state_dict()["param_groups"][0]["lr"] == 0.1
    assert opt2.state_dict()["param_groups"][0]["betas"] == (0.9, 0.999)


def test_modules_optimizers_and_other_objects_are_refused_with_advice(tmp_path):
    model = nn.Linear(2, 2)
    with pytest.raises(TypeError, match=r"cannot save a Linear object.*model\.state_dict\(\)"):
        glassnet.save(model, tmp_path / "m.pt")
    opt = glassnet.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(TypeError, match=r"Save optimizer\.state_dict\(\) instead"):
        glassnet.save({"opt": opt}, tmp_path / "m.pt")
    with pytest.raises(TypeError, match=r"cannot store a object at 'x'"):
        glassnet.save({"x": object()}, tmp_path / "m.pt")
    with pytest.raises(TypeError, match="a path or a binary file object"):
        glassnet.save({}, 3)
    assert not any(tmp_path.iterdir())


def test_plain_safetensors_files_from_torch_and_numpy_load_as_dicts(tmp_path):
    from safetensors.numpy import save_file as np_save
    from safetensors.torch import save_file as torch_save

    torch_save(
        {"w": torch.arange(6.0).reshape(2, 3), "b": torch.tensor([1.5], dtype=torch.bfloat16)},
        tmp_path / "t.safetensors",
    )
    back = glassnet.load(tmp_path / "t.safetensors")
    np.testing.assert_array_equal(back["w"].numpy(), np.arange(6.0).reshape(2, 3))
    assert back["b"].dtype == glassnet.float32 and back["b"].item() == 1.5  # bfloat16, widened
    np_save({"x": np.arange(3)}, tmp_path / "n.safetensors")
    assert glassnet.load(tmp_path / "n.safetensors")["x"].tolist() == [0, 1, 2]


def test_torch_pickle_files_are_refused_by_name(tmp_path):
    torch.save({"w": torch.ones(2)}, tmp_path / "model.pt")
    assert zipfile.is_zipfile(tmp_path / "model.pt")
    with pytest.raises(glassnet.CheckpointError, match=r"model\.pt: a PyTorch pickle file"):
        glassnet.load(tmp_path / "model.pt")
    torch.save({"w": torch.ones(2)}, tmp_path / "old.pt", _use_new_zipfile_serialization=False)
    with pytest.raises(glassnet.CheckpointError, match="glassnet never unpickles"):
        glassnet.load(tmp_path / "old.pt", weights_only=False)


def test_load_errors(tmp_path):
    with pytest.raises(glassnet.CheckpointError, match=r"nothing: file not found"):
        glassnet.load(tmp_path / "nothing")
    with pytest.raises(glassnet.CheckpointError, match=r"is a folder"):
        glassnet.load(tmp_path)
    with pytest.raises(ValueError, match="map_location='cuda:0': glassnet runs on the CPU"):
        glassnet.load(tmp_path / "x", map_location="cuda:0")


def test_old_two_file_saves_still_load(tmp_path):
    import json

    from safetensors.numpy import save as st_save

    (tmp_path / "m.pt.safetensors").write_bytes(
        st_save({"w": np.ones(2)}, metadata={"format": "glassnet-checkpoint"})
    )
    head = {
        "format": "glassnet-checkpoint",
        "version": 1,
        "arrays": ["w"],
        "state": {"w": {"__tensor__": "w"}},
    }
    (tmp_path / "m.pt.json").write_text(json.dumps(head))
    assert glassnet.load(tmp_path / "m.pt")["w"].tolist() == [1.0, 1.0]


def test_torch_serialization_names():
    import glassnet.serialization as serialization

    assert serialization.save is glassnet.save and serialization.load is glassnet.load
    serialization.add_safe_globals([np.dtype])  # accepted; nothing is ever unpickled
    assert np.dtype in serialization.get_safe_globals()
    with serialization.safe_globals([np.ndarray]):
        pass


def test_utils_data_is_glassnet_data():
    from glassnet.utils.data import DataLoader, TensorDataset

    assert DataLoader is glassnet.data.DataLoader and TensorDataset is glassnet.data.TensorDataset


def test_a_stream_that_cannot_seek_is_read_too():
    class Pipe(io.RawIOBase):
        def __init__(self, data):
            self.inner = io.BytesIO(data)

        def readable(self):
            return True

        def seekable(self):
            return False

        def readinto(self, b):
            return self.inner.readinto(b)

    buf = io.BytesIO()
    glassnet.save({"x": np.arange(3)}, buf)
    assert glassnet.load(io.BufferedReader(Pipe(buf.getvalue())))["x"].tolist() == [0, 1, 2]
    with pytest.raises(
        glassnet.CheckpointError,
        match=r"<file object>: header length \d+ exceeds the file \(12 bytes\)",
    ):
        glassnet.load(io.BufferedReader(Pipe(buf.getvalue()[:12])))


_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8)
    | hnp.arrays(
        st.sampled_from([np.float32, np.float64, np.int64, np.uint8, np.bool_, np.float16]),
        hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
    )
)
_KEYS = st.text(max_size=6) | st.integers(-5, 5) | st.sampled_from(["__tensor__", "a.b", "a"])
_TREES = st.recursive(
    _LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.tuples(inner, inner)
        | st.dictionaries(_KEYS, inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=100, deadline=None)
@given(_TREES)
def test_any_nested_structure_round_trips_exactly(obj):
    buf = io.BytesIO()
    glassnet.save({"root": obj}, buf)
    buf.seek(0)
    assert _equal(glassnet.load(buf)["root"], obj)


def _equal(a, b):
    if isinstance(b, np.ndarray):
        return (
            isinstance(a, np.ndarray)
            and a.dtype == b.dtype
            and a.shape == b.shape
            and np.array_equal(a, b, equal_nan=b.dtype.kind == "f")
        )
    if isinstance(b, float) and np.isnan(b):
        return isinstance(a, float) and np.isnan(a)
    if isinstance(b, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(map(_equal, a, b))
    if isinstance(b, dict):
        return list(a) == list(b) and all(_equal(a[k], b[k]) for k in b)
    return type(a) is type(b) and a == b
