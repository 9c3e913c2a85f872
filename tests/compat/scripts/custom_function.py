"""Custom autograd Functions (the "extending PyTorch" pages): ctx.save_for_backward, gradcheck."""

import math

import numpy as np
import torch
from _weights import report

torch.manual_seed(0)
torch.set_default_dtype(torch.float64)


class LegendrePolynomial3(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input**3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input**2 - 1)


class LinearFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input, weight, bias=None):
        ctx.save_for_backward(input, weight, bias)
        output = input.mm(weight.t())
        if bias is not None:
            output += bias.unsqueeze(0).expand_as(output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        input, weight, bias = ctx.saved_tensors
        grad_input = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            grad_input = grad_output.mm(weight)
        if ctx.needs_input_grad[1]:
            grad_weight = grad_output.t().mm(input)
        if bias is not None and ctx.needs_input_grad[2]:
            grad_bias = grad_output.sum(0)
        return grad_input, grad_weight, grad_bias


class MulConstant(torch.autograd.Function):
    @staticmethod
    def forward(ctx, tensor, constant):
        ctx.constant = constant
        return tensor * constant

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.constant, None


x = torch.linspace(-math.pi, math.pi, 200)
y = torch.sin(x)
a = torch.full((), 0.0, requires_grad=True)
b = torch.full((), -1.0, requires_grad=True)
c = torch.full((), 0.0, requires_grad=True)
d = torch.full((), 0.3, requires_grad=True)
learning_rate = 5e-6
losses = []
for _ in range(40):
    P3 = LegendrePolynomial3.apply
    y_pred = a + b * P3(c + d * x)
    loss = (y_pred - y).pow(2).sum()
    losses.append(loss.item())
    loss.backward()
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None

rs = np.random.RandomState(11)
inp = torch.from_numpy(rs.normal(size=(5, 4))).requires_grad_()
weight = torch.from_numpy(rs.normal(size=(3, 4))).requires_grad_()
bias = torch.from_numpy(rs.normal(size=(3,))).requires_grad_()
assert torch.autograd.gradcheck(LinearFunction.apply, (inp, weight, bias), eps=1e-6, atol=1e-4)
out = MulConstant.apply(LinearFunction.apply(inp, weight, bias), 2.5)
out.sum().backward()
losses.append(out.sum().item())
report(
    losses=losses,
    grad_w=weight.grad.flatten().tolist(),
    grad_x=inp.grad.flatten().tolist(),
    grad_b=bias.grad.tolist(),
)
