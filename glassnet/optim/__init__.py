"""Optimizers and learning-rate schedules, with PyTorch's names, arguments and state layout.

Each update rule lives in its own file with the paper's formula and PyTorch's algorithm block in
its docstring; `optimizer.py` holds what they share (parameter groups, state on flat buffers,
`zero_grad`, `state_dict`).
"""

from glassnet.optim import lr_scheduler
from glassnet.optim.adadelta import Adadelta
from glassnet.optim.adagrad import Adagrad
from glassnet.optim.adam import Adam
from glassnet.optim.adamax import Adamax
from glassnet.optim.adamw import AdamW
from glassnet.optim.lbfgs import LBFGS
from glassnet.optim.lion import Lion
from glassnet.optim.nadam import NAdam
from glassnet.optim.optimizer import Optimizer
from glassnet.optim.radam import RAdam
from glassnet.optim.rmsprop import RMSprop
from glassnet.optim.sgd import SGD

__all__ = [
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "LBFGS",
    "Lion",
    "NAdam",
    "Optimizer",
    "RAdam",
    "RMSprop",
    "lr_scheduler",
]
