"""detect_anomaly: the first op whose forward or backward result holds NaN/Inf raises, naming
the op, the module path and the shapes; the mode switches cleanly on and off."""

import numpy as np
import pytest

import glassnet
from glassnet import nn
from glassnet.autograd import (
    AnomalyError,
    detect_anomaly,
    is_anomaly_enabled,
    set_detect_anomaly,
)
from glassnet.autograd.anomaly import MODULE_STACK


class Attn(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.proj = nn.Linear(4, 4, generator=glassnet.Generator(0))

    def forward(self, x):
        return self.proj(x).log()  # log of a negative number: NaN


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.attn = Attn()

    def forward(self, x):
        return x + self.attn(x.abs() + 1.0)


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.blocks = nn.ModuleList([Block() for _ in range(3)])

    def forward(self, x):
        for block in self.blocks:  # the ModuleList itself is never called
            x = block(x)
        return x


@pytest.fixture
def net():
    model = Net()
    for i, block in enumerate(model.blocks):  # positive outputs except in block 2
        block.attn.proj.weight._data[...] = np.eye(4) * (-1.0 if i == 2 else 1.0)
        block.attn.proj.bias._data[...] = 0.0
    return model


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_forward_names_op_module_path_and_shapes(net):
    x = glassnet.ones(2, 4)
    with detect_anomaly():
        with pytest.raises(AnomalyError) as e:
            net(x)
    message = str(e.value)
    assert "forward of op 'Log'" in message
    assert "in module blocks.2.attn (Attn)" in message
    assert "8 NaN and 0 Inf values in its output of shape (2, 4)" in message
    assert "input shapes (2, 4) (all finite)" in message
    assert not is_anomaly_enabled() and MODULE_STACK == []


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_forward_says_when_an_input_already_held_nan():
    lin = nn.Linear(3, 2)
    x = glassnet.tensor([[1.0, float("nan"), 0.0]])
    with (
        detect_anomaly(),
        pytest.raises(
            AnomalyError,
            match=r"op 'Linear' in module .*\(Linear\)"
            r".*input 0 already held NaN/Inf",
        ),
    ):
        lin(x)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_backward_names_op_module_path_and_shapes():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU())
    x = glassnet.tensor([[0.5, -1.0, 2.0]])
    with detect_anomaly():
        h = model(x)
        h._data[...] = np.array([[1.0, 0.0, 2.0, 3.0]], dtype=np.float32)  # sqrt'(0) = inf
        y = h.sqrt().sum()
        with pytest.raises(AnomalyError) as e:
            y.backward()
    message = str(e.value)
    assert "backward of op 'Sqrt' (forward in module (outside any module))" in message
    assert "0 NaN and 1 Inf values in the gradient of its input 0 (shape (1, 4))" in message
    assert "output shape (1, 4), incoming gradient finite" in message


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_backward_inside_a_module_names_it(net):
    class Root(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.body = nn.Sequential(nn.Linear(2, 2), Sqrt())

        def forward(self, x):
            return self.body(x)

    class Sqrt(nn.Module):
        def forward(self, x):
            return (x * 0.0).sqrt()

    model = Root()
    with detect_anomaly():
        out = model(glassnet.ones(5, 2)).sum()
        with pytest.raises(
            AnomalyError,
            match=r"backward of op 'Sqrt' \(forward in module "
            r"body\.1 \(Sqrt\)\).*shape \(5, 2\)",
        ):
            out.backward()


def test_off_by_default_and_nan_passes_silently():
    assert not is_anomaly_enabled()
    with np.errstate(invalid="ignore"):
        y = glassnet.tensor([-1.0]).log()
    assert np.isnan(y.numpy()).all()


def test_set_detect_anomaly_call_and_context():
    set_detect_anomaly(True)
    try:
        assert is_anomaly_enabled()
        with set_detect_anomaly(False):
            assert not is_anomaly_enabled()
        assert is_anomaly_enabled()
    finally:
        set_detect_anomaly(False)
    assert not is_anomaly_enabled()
    with detect_anomaly():
        with detect_anomaly(check_nan=False):
            assert not is_anomaly_enabled()
        assert is_anomaly_enabled()


def test_decorator_and_finite_runs_unchanged():
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    x = glassnet.randn(6, 3)

    @detect_anomaly()
    def step():
        loss = model(x).pow(2).mean()
        loss.backward()
        return loss.item()

    value = step()
    model.zero_grad()
    loss = model(x).pow(2).mean()
    loss.backward()
    assert value == loss.item()
    assert not is_anomaly_enabled()


def test_custom_function_is_checked():
    class Bad(glassnet.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x.numpy() * np.inf  # a NumPy result: only Bad itself is checked

        @staticmethod
        def backward(ctx, grad):
            return grad

    with detect_anomaly(), pytest.raises(AnomalyError, match="op 'Bad'.*0 NaN and 2 Inf"):
        Bad.apply(glassnet.ones(2))


def test_switching_off_inside_a_module_keeps_the_stack_balanced():
    class Quiet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.inner = nn.Linear(2, 2)

        def forward(self, x):
            with set_detect_anomaly(False):
                return self.inner(x)

    with detect_anomaly():
        Quiet()(glassnet.ones(1, 2))
        assert MODULE_STACK == []
