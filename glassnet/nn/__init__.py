"""Layers, containers, initialisers and stateless functions: glassnet's `torch.nn`.

A network is a tree of `Module`s; each owns its `Parameter`s and its sub-modules, found by walking
attributes. `glassnet.nn.functional` holds the stateless forms, `glassnet.nn.init` the initialisers.
"""

from glassnet.nn.module import Module, Parameter
from glassnet.nn.containers import ModuleDict, ModuleList, Sequential
from glassnet.nn.linear import Bilinear, Flatten, Identity, Linear, Unflatten
from glassnet.nn.dropout import Dropout, Dropout2d
from glassnet.nn.conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d
from glassnet.nn.pooling import AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d
from glassnet.nn.norm import BatchNorm1d, BatchNorm2d, GroupNorm, LayerNorm, RMSNorm
from glassnet.nn.sync_batchnorm import SyncBatchNorm
from glassnet.nn.embedding import Embedding
from glassnet.nn.recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell
from glassnet.nn.attention import MultiheadAttention
from glassnet.nn.transformer import (
    Transformer,
    TransformerDecoder,
    TransformerDecoderLayer,
    TransformerEncoder,
    TransformerEncoderLayer,
    generate_square_subsequent_mask,
)
from glassnet.nn.activation import (
    CELU,
    ELU,
    GELU,
    SELU,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    Mish,
    PReLU,
    ReLU,
    ReLU6,
    Sigmoid,
    Sign,
    SiLU,
    Softmax,
    Softplus,
    Softsign,
    Step,
    Tanh,
)
from glassnet.nn.loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CosineEmbeddingLoss,
    CrossEntropyLoss,
    GaussianNLLLoss,
    HingeEmbeddingLoss,
    HingeLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from glassnet.nn import functional, init, modules, parallel, utils
