"""A small two-layer tanh network written twice (glassnet and torch, float64, same weights), and a
driver that trains both side by side and compares the parameters after every step."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

import glassnet

SHAPES = {"W1": (4, 6), "b1": (6,), "W2": (6, 3), "b2": (3,)}


def make_problem(seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    arrays = {name: rng.normal(0, 0.5, shape) for name, shape in SHAPES.items()}
    arrays["X"] = rng.normal(size=(16, 4))
    arrays["Y"] = rng.normal(size=(16, 3))
    return arrays


def glass_loss(P: dict[str, Any], X: Any, Y: Any, use_b2: bool = True) -> Any:
    h = glassnet.tanh(X @ P["W1"] + P["b1"])
    out = h @ P["W2"]
    if use_b2:
        out = out + P["b2"]
    return ((out - Y) ** 2).mean()


def torch_loss(P: dict[str, Any], X: Any, Y: Any, use_b2: bool = True) -> Any:
    h = torch.tanh(X @ P["W1"] + P["b1"])
    out = h @ P["W2"]
    if use_b2:
        out = out + P["b2"]
    return ((out - Y) ** 2).mean()


def make_params(arrays: dict[str, np.ndarray]) -> tuple[dict, dict]:
    gp = {k: glassnet.tensor(arrays[k], requires_grad=True) for k in SHAPES}
    tp = {k: torch.tensor(arrays[k], requires_grad=True) for k in SHAPES}
    return gp, tp


def groups_of(P: dict[str, Any], group_kwargs: list[dict] | None) -> Any:
    """All parameters in one list, or split into two groups (weights, biases) with own options."""
    if group_kwargs is None:
        return list(P.values())
    return [
        {"params": [P["W1"], P["W2"]], **group_kwargs[0]},
        {"params": [P["b1"], P["b2"]], **group_kwargs[1]},
    ]


def serialise(sd: dict) -> dict:
    """What a checkpoint keeps: arrays as NumPy (safetensors) and the rest through JSON."""

    def is_array(v: Any) -> bool:
        return isinstance(v, glassnet.Tensor) or (
            isinstance(v, list) and any(isinstance(x, glassnet.Tensor) for x in v)
        )

    def to_numpy(v: Any) -> Any:
        return [np.array(x._data) for x in v] if isinstance(v, list) else np.array(v._data)

    arrays = {
        str(i): {k: to_numpy(v) for k, v in s.items() if is_array(v)}
        for i, s in sd["state"].items()
    }
    scalars = {
        str(i): {k: v for k, v in s.items() if not is_array(v)} for i, s in sd["state"].items()
    }
    state = json.loads(json.dumps(scalars))
    for i, s in state.items():
        s.update(arrays[i])
    return {"state": state, "param_groups": json.loads(json.dumps(sd["param_groups"]))}


def train_side_by_side(
    glass_cls: Callable,
    torch_cls: Callable,
    kwargs: dict,
    steps: int = 200,
    group_kwargs: list[dict] | None = None,
    reload_at: int | None = None,
    skip_b2_every: int | None = None,
    closure: bool = False,
    rtol: float = 1e-5,
    atol: float = 1e-7,
    seed: int = 0,
    torch_kwargs: dict | None = None,
    compare_state: bool = True,
) -> tuple[Any, Any]:
    """Train both for `steps` steps and compare every parameter after each step.

    reload_at: at that step, save the glassnet optimizer's state_dict (through `serialise`), build
    a fresh optimizer and load it, then continue with the new one.
    skip_b2_every: on steps divisible by it, the loss does not use b2, so its grad stays None.
    """
    arrays = make_problem(seed)
    gp, tp = make_params(arrays)
    X, Y = glassnet.tensor(arrays["X"]), glassnet.tensor(arrays["Y"])
    tX, tY = torch.tensor(arrays["X"]), torch.tensor(arrays["Y"])
    # with maximize=True the objective is -loss, so both still descend the loss (stable)
    sign = -1.0 if kwargs.get("maximize") else 1.0
    gopt = glass_cls(groups_of(gp, group_kwargs), **kwargs)
    topt = torch_cls(groups_of(tp, group_kwargs), **(torch_kwargs or kwargs))
    for step in range(1, steps + 1):
        use_b2 = not (skip_b2_every and step % skip_b2_every == 0)
        gopt.zero_grad()
        topt.zero_grad()
        if closure:

            def g_closure(gopt: Any = gopt, use_b2: bool = use_b2) -> Any:
                gopt.zero_grad()
                loss = sign * glass_loss(gp, X, Y, use_b2)
                loss.backward()
                return loss

            def t_closure(use_b2: bool = use_b2) -> Any:
                topt.zero_grad()
                loss = sign * torch_loss(tp, tX, tY, use_b2)
                loss.backward()
                return loss

            gl = gopt.step(g_closure)
            tl = topt.step(t_closure)
            np.testing.assert_allclose(gl.item(), tl.item(), rtol=rtol)
        else:
            (sign * glass_loss(gp, X, Y, use_b2)).backward()
            (sign * torch_loss(tp, tX, tY, use_b2)).backward()
            gopt.step()
            topt.step()
        for name in SHAPES:
            np.testing.assert_allclose(
                gp[name]._data,
                tp[name].detach().numpy(),
                rtol=rtol,
                atol=atol,
                err_msg=f"{glass_cls.__name__} {kwargs}: {name} differs at step {step}",
            )
        if reload_at == step:
            sd = serialise(gopt.state_dict())
            gopt = glass_cls(groups_of(gp, group_kwargs), **kwargs)
            gopt.load_state_dict(sd)
    if compare_state:
        assert_same_state(gopt, topt, rtol=rtol, atol=atol)
    return gopt, topt


def assert_same_state(gopt: Any, topt: Any, rtol: float = 1e-5, atol: float = 1e-7) -> None:
    """Same state entries (names, steps, arrays) and hyper-parameters as torch's state_dict."""
    gsd, tsd = gopt.state_dict(), topt.state_dict()
    assert sorted(gsd["state"]) == sorted(tsd["state"])
    for i, tstate in tsd["state"].items():
        gstate = gsd["state"][i]
        assert sorted(gstate) == sorted(tstate), (gstate.keys(), tstate.keys())
        for key, tv in tstate.items():
            gv = gstate[key]
            if isinstance(gv, glassnet.Tensor):
                np.testing.assert_allclose(gv._data, tv.numpy(), rtol=rtol, atol=atol)
            else:
                # torch keeps scalars such as mu_product in float32
                np.testing.assert_allclose(gv, float(tv), rtol=1e-6, atol=1e-30)
    for ggroup, tgroup in zip(gsd["param_groups"], tsd["param_groups"]):
        assert ggroup["params"] == tgroup["params"]
        for key, value in ggroup.items():
            assert tgroup[key] == value, (key, value, tgroup[key])
