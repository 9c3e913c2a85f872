"""Layers, containers, initialisers and stateless functions: glassnet's `torch.nn`.

A network is a tree of `Module`s; each owns its `Parameter`s and its sub-modules, found by walking
attributes. `glassnet.nn.functional` holds the stateless forms, `glassnet.nn.init` the initialisers.
"""

from glassnet.nn.module import Module, Parameter
from glassnet.nn.containers import ModuleDict, ModuleList, Sequential
from glassnet.nn.linear import Bilinear, Flatten, Identity, Linear, Unflatten
from glassnet.nn.dropout import Dropout
from glassnet.nn.embedding import Embedding
from glassnet.nn.recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell
from glassnet.nn import functional, init, utils
