"""glassnet.amp / glassnet.cuda.amp / glassnet.cpu.amp: GradScaler against torch's (the working CPU
scaler step by step, with growth and a skipped inf step; the disabled scaler transparent), and
autocast as a context manager and decorator that leaves the computation in full precision."""

import warnings

import numpy as np
import pytest
import torch

import glassnet

W0 = np.array([[0.5, -0.25], [0.125, 1.0]], dtype=np.float32)
X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.25, -2.0]], dtype=np.float32)


def _pair():
    g = glassnet.nn.Linear(2, 2, bias=False)
    t = torch.nn.Linear(2, 2, bias=False)
    with torch.no_grad():
        t.weight.copy_(torch.from_numpy(W0))
    g.weight.data.copy_(glassnet.tensor(W0))
    return g, t


def _run(lib, model, scaler, opt, poison):
    """One iteration; `poison` puts an inf into the gradient (as a float16 overflow would)."""
    opt.zero_grad()
    loss = (model(lib.tensor(X)) ** 2).mean()
    scaled = scaler.scale(loss)
    scaled.backward()
    if poison:
        model.weight.grad.data[0, 0] = float("inf")
    scaler.step(opt)
    scaler.update()
    return scaled.item()


def test_cpu_grad_scaler_matches_torch():
    g, t = _pair()
    g_opt = glassnet.optim.SGD(g.parameters(), lr=0.1)
    t_opt = torch.optim.SGD(t.parameters(), lr=0.1)
    kw = dict(init_scale=8.0, growth_factor=2.0, backoff_factor=0.25, growth_interval=2)
    g_s, t_s = glassnet.amp.GradScaler("cpu", **kw), torch.amp.GradScaler("cpu", **kw)
    assert g_s.is_enabled() and t_s.is_enabled()
    for poison in (False, False, False, True, False, True, False, False):
        g_scaled = _run(glassnet, g, g_s, g_opt, poison)
        t_scaled = _run(torch, t, t_s, t_opt, poison)
        assert g_scaled == pytest.approx(t_scaled, rel=1e-6)
        assert g_s.get_scale() == t_s.get_scale()
        np.testing.assert_allclose(g.weight.detach().numpy(), t.weight.detach().numpy(), 1e-5, 1e-7)
    assert g_s.state_dict() == t_s.state_dict()
    fresh = glassnet.amp.GradScaler("cpu")
    fresh.load_state_dict(g_s.state_dict())
    assert fresh.state_dict() == g_s.state_dict()


def test_cpu_grad_scaler_scales_nested_outputs_and_unscale_first():
    g, _ = _pair()
    opt = glassnet.optim.SGD(g.parameters(), lr=0.1)
    scaler = glassnet.cpu.amp.GradScaler(init_scale=4.0)
    a, b = scaler.scale([glassnet.tensor(1.0), (glassnet.tensor(2.0),)])
    assert a.item() == 4.0 and b[0].item() == 8.0
    loss = (g(glassnet.tensor(X)) ** 2).mean()
    scaler.scale(loss).backward()
    scaler.unscale_(opt)  # e.g. before clip_grad_norm_
    unscaled = g.weight.grad.numpy().copy()
    loss2 = (g(glassnet.tensor(X)) ** 2).mean()
    g.weight.grad = None
    loss2.backward()
    np.testing.assert_allclose(unscaled, g.weight.grad.numpy(), rtol=1e-6)
    with pytest.raises(RuntimeError, match="unscale_\\(\\) has already been called"):
        scaler.unscale_(opt)
    scaler.step(opt)
    with pytest.raises(RuntimeError, match="step\\(\\) has already been called"):
        scaler.step(opt)
    with pytest.raises(RuntimeError, match="unscale_\\(\\) is being called after step\\(\\)"):
        scaler.unscale_(opt)
    scaler.update()
    with pytest.raises(RuntimeError, match="No inf checks were recorded"):
        scaler.update()
    with pytest.raises(RuntimeError, match="Closure use is not currently supported"):
        scaler.step(opt, closure=lambda: None)
    scaler.update(new_scale=3.0)
    assert scaler.get_scale() == 3.0


@pytest.mark.parametrize(
    "make",
    [
        lambda: glassnet.cuda.amp.GradScaler(enabled=False),
        lambda: glassnet.amp.GradScaler(enabled=False),
        lambda: glassnet.amp.GradScaler("cpu", enabled=False),
    ],
)
def test_disabled_scaler_is_transparent(make):
    scaler = make()
    _check_transparent(scaler)


def _check_transparent(scaler):
    g, _ = _pair()
    calls = []
    opt = glassnet.optim.SGD(g.parameters(), lr=0.1)
    step = opt.step
    opt.step = lambda *a, **k: calls.append(1) or step(*a, **k)
    loss = (g(glassnet.tensor(X)) ** 2).mean()
    assert scaler.scale(loss) is loss
    loss.backward()
    before = g.weight.grad.numpy().copy()
    assert scaler.unscale_(opt) is None
    np.testing.assert_array_equal(g.weight.grad.numpy(), before)
    scaler.step(opt)
    scaler.update()
    assert calls == [1]
    assert scaler.get_scale() == 1.0 and not scaler.is_enabled()
    assert scaler.state_dict() == {}
    scaler.load_state_dict({})


def test_enabled_cuda_scaler_warns_and_disables_as_torch():
    with pytest.warns(UserWarning, match="GradScaler is enabled, but device 'cuda' is not avail"):
        scaler = glassnet.cuda.amp.GradScaler()  # nanoGPT: enabled=(dtype == 'float16')
    with pytest.warns(UserWarning, match="Disabling"):
        t_scaler = torch.amp.GradScaler("cuda")
    assert scaler.is_enabled() is t_scaler.is_enabled() is False
    assert scaler.state_dict() == t_scaler.state_dict() == {}
    _check_transparent(scaler)
    with pytest.warns(UserWarning, match="Disabling"):
        assert not glassnet.amp.GradScaler().is_enabled()


def test_scaler_argument_checks():
    with pytest.raises(ValueError, match="growth_factor should be > 1"):
        glassnet.amp.GradScaler("cpu", growth_factor=1.0)
    with pytest.raises(ValueError, match="backoff_factor should be in"):
        glassnet.amp.GradScaler("cpu", backoff_factor=1.5)
    with pytest.raises(ValueError, match="growth_interval should be > 0"):
        glassnet.amp.GradScaler("cpu", growth_interval=0)
    with pytest.raises(RuntimeError, match="state dict is empty"):
        glassnet.amp.GradScaler("cpu").load_state_dict({})
    s = glassnet.amp.GradScaler("cpu")
    s.set_growth_factor(3.0)
    s.set_backoff_factor(0.1)
    s.set_growth_interval(7)
    assert (s.get_growth_factor(), s.get_backoff_factor(), s.get_growth_interval()) == (
        3.0,
        0.1,
        7,
    )


def _forward():
    m = glassnet.nn.Linear(2, 2)
    return m(glassnet.ones(3, 2))


@pytest.mark.parametrize(
    "ctx",
    [
        lambda: glassnet.autocast(device_type="cpu", enabled=False),
        lambda: glassnet.autocast("cuda", dtype=glassnet.float16, enabled=False),
        lambda: glassnet.amp.autocast(device_type="cpu", enabled=False),
        lambda: glassnet.cuda.amp.autocast(enabled=False),
        lambda: glassnet.cpu.amp.autocast(enabled=False),
    ],
)
def test_disabled_autocast_is_a_plain_block(ctx):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with ctx() as region:
            y = _forward()
        assert not region.enabled
        assert y.dtype == glassnet.float32

        @ctx()
        def f(a):
            return a * 2

        assert f(3) == 6 and f.__name__ == "f"


def test_cuda_autocast_warns_and_disables_as_torch():
    with pytest.warns(UserWarning, match="device_type 'cuda' is not available"):
        region = glassnet.autocast(device_type="cuda", dtype=glassnet.bfloat16)
    with pytest.warns(UserWarning, match="CUDA is not available"):
        torch.autocast(device_type="cuda")
    assert not region.enabled
    with pytest.warns(UserWarning, match="not available"):
        assert not glassnet.cuda.amp.autocast().enabled


def test_cpu_autocast_runs_in_float32_with_one_warning(monkeypatch):
    from glassnet.amp import autocast_mode

    monkeypatch.setattr(autocast_mode, "_warned", set())
    with pytest.warns(UserWarning, match="no reduced-precision kernels, so the block runs in"):
        region = glassnet.autocast(device_type="cpu", dtype=glassnet.bfloat16)
    assert region.enabled and region.fast_dtype is glassnet.bfloat16
    with region:
        assert _forward().dtype == glassnet.float32
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once per process
        with glassnet.cpu.amp.autocast():
            assert _forward().dtype == glassnet.float32


def test_autocast_device_type_must_be_a_string():
    with pytest.raises(ValueError, match="expected `device_type` of type str"):
        glassnet.autocast(glassnet.device("cpu"))
    with pytest.raises(ValueError):
        torch.autocast(torch.device("cpu"))


def test_custom_fwd_bwd_return_the_function():
    def fwd(ctx, x):
        return x

    assert glassnet.amp.custom_fwd(fwd) is fwd
    assert glassnet.amp.custom_fwd(device_type="cuda")(fwd) is fwd
    assert glassnet.cuda.amp.custom_bwd(fwd) is fwd
    assert glassnet.amp.custom_bwd(device_type="cpu")(fwd) is fwd


def test_top_level_names():
    assert glassnet.GradScaler is glassnet.amp.GradScaler
    assert glassnet.is_autocast_enabled() is torch.is_autocast_enabled() is False
    assert glassnet.is_autocast_enabled("cpu") is False
