"""The (g) workloads: model files written for PyTorch run unchanged under glassnet through the
import shim, from the same weights, and give PyTorch's losses."""

import sys

import numpy as np
import pytest

from benchmarks.workloads import pytorch_style
from benchmarks.workloads.shim import load

torch = pytest.importorskip("torch")


def test_the_shim_gives_each_framework_its_own_modules():
    path = pytorch_style.SCRIPTS / "makemore_model.py"
    as_torch, as_glassnet = load(path, "torch"), load(path, "glassnet")
    assert as_torch.torch is torch and as_torch.nn is torch.nn
    assert as_glassnet.torch.__name__ == "glassnet"
    assert as_glassnet.F.__name__ == "glassnet.nn.functional"
    assert sys.modules["torch"] is torch  # nothing global changed


@pytest.mark.parametrize(
    "script, build",
    [
        ("nanogpt_model.py", lambda m: m.GPT(m.GPTConfig(block_size=8, vocab_size=27), True)),
        ("nanogpt_model.py", lambda m: m.GPT(m.GPTConfig(block_size=8, vocab_size=27), False)),
        ("makemore_model.py", lambda m: m.Transformer(m.ModelConfig(block_size=8))),
    ],
    ids=["nanogpt-sdpa", "nanogpt-masked", "makemore"],
)
def test_both_frameworks_compute_the_same_loss_and_gradients(script, build):
    lib_g, model_g = pytorch_style._models(script, build, "glassnet")
    lib_t, model_t = pytorch_style._models(script, build, "torch")
    x, y = pytorch_style._words(4, 8, np.random.default_rng(1))
    _, loss_g = model_g(lib_g.from_numpy(x), lib_g.from_numpy(y))
    _, loss_t = model_t(lib_t.from_numpy(x), lib_t.from_numpy(y))
    loss_g.backward()
    loss_t.backward()
    np.testing.assert_allclose(loss_g.item(), loss_t.item(), rtol=1e-5)
    grads_t = dict(model_t.named_parameters())
    for name, p in model_g.named_parameters():
        np.testing.assert_allclose(
            p.grad.numpy(), grads_t[name].grad.numpy(), rtol=1e-3, atol=1e-5, err_msg=name
        )


@pytest.mark.parametrize(
    "builder",
    [
        pytorch_style.nanogpt_train,
        pytorch_style.nanogpt_manual_train,
        pytorch_style.makemore_train,
    ],
)
def test_quick_workloads_run_in_both_frameworks(builder):
    for framework in ("glassnet", "torch"):
        work = builder(framework, quick=True)
        work.step()
        assert work.samples > 0
