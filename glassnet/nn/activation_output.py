"""Output activations: Softmax and LogSoftmax (over one dimension), and the perceptron's
thresholds Step and Sign. Each layer's docstring holds its formula, derivative and when to use it
(the registry in `activation_info` reads them)."""

from __future__ import annotations

from glassnet.nn.module import Module
from glassnet.ops import activation as A
from glassnet.tensor import Tensor


class Softmax(Module):
    r"""Softmax(x)_i = e^(x_i) / sum_j e^(x_j) along `dim`: non-negative, summing to 1.

    Derivative (a Jacobian, since every output depends on every input):
    ds_i/dx_j = s_i ([i = j] - s_j).

    Parameters
    ----------
    dim : int, optional
        The axis that sums to 1 (PyTorch's implicit choice when None).

    Formula
    -------
    f(x) = exp(x_i) / sum_j exp(x_j)
    f'(x) = d s_i / d x_j = s_i ([i = j] - s_j)  (a Jacobian)
    LaTeX: \mathrm{softmax}(x)_i = \frac{e^{x_i}}{\sum_j e^{x_j}}
    LaTeX': \frac{\partial s_i}{\partial x_j} = s_i(\delta_{ij} - s_j)

    When to use
    -----------
    Turns scores into a probability distribution over classes (output layer) or attention weights.
    For training a classifier, feed the raw logits to CrossEntropyLoss instead, which applies
    log-softmax stably itself.

    Example
    -------
    >>> p = glassnet.nn.Softmax(dim=1)(glassnet.randn(2, 3))
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return A.softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    r"""LogSoftmax(x)_i = x_i - ln sum_j e^(x_j) along `dim`, computed in one stable pass.

    Derivative (Jacobian): d y_i / d x_j = [i = j] - softmax(x)_j.

    Parameters
    ----------
    dim : int, optional
        The class axis.

    Formula
    -------
    f(x) = x_i - ln sum_j exp(x_j)
    f'(x) = d y_i / d x_j = [i = j] - softmax(x)_j  (a Jacobian)
    LaTeX: \log\mathrm{softmax}(x)_i = x_i - \log \sum_j e^{x_j}
    LaTeX': \frac{\partial y_i}{\partial x_j} = \delta_{ij} - \mathrm{softmax}(x)_j

    When to use
    -----------
    Log-probabilities over classes, computed without underflow; pair with NLLLoss (together they are
    CrossEntropyLoss).

    Example
    -------
    >>> logp = glassnet.nn.LogSoftmax(dim=1)(glassnet.randn(2, 3))
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.log_softmax(input, self.dim)


class Step(Module):
    r"""The Heaviside step of Rosenblatt's perceptron: 1 for x >= 0, 0 otherwise.

    Formula
    -------
    f(x) = 1 if x >= 0 else 0
    f'(x) = 0 (undefined at x = 0, where it jumps)
    LaTeX: H(x) = [x \ge 0]
    LaTeX': H'(x) = 0 \ (x \ne 0)

    When to use
    -----------
    Rosenblatt's perceptron threshold unit: a hard yes/no decision. Its derivative is 0, so gradient
    descent cannot train through it; the perceptron rule w <- w + lr (y - y_hat) x does. Use
    sigmoid/tanh to make a trainable version.

    Example
    -------
    >>> glassnet.nn.Step()(glassnet.tensor([-0.5, 0.0, 2.0]))
    tensor([0., 1., 1.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.step(input)


class Sign(Module):
    r"""The bipolar step (the perceptron's sign unit): +1 for x >= 0, -1 otherwise.

    Unlike `glassnet.sign` it is never 0, so every input gets a class.
    Formula
    -------
    f(x) = +1 if x >= 0 else -1
    f'(x) = 0 (undefined at x = 0, where it jumps)
    LaTeX: \mathrm{sign}(x) = +1 \text{ if } x \ge 0 \text{ else } -1
    LaTeX': 0 \ (x \ne 0)

    When to use
    -----------
    The perceptron's output for labels in {-1, +1} (and the linear SVM's decision). Zero gradient,
    as for the step; its smooth counterpart is tanh.

    Example
    -------
    >>> glassnet.nn.Sign()(glassnet.tensor([-0.5, 0.0, 2.0]))
    tensor([-1.,  1.,  1.])
    """

    def forward(self, input: Tensor) -> Tensor:
        return A.bipolar_step(input)
