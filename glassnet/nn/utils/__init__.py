"""Utilities on a model's parameters: gradient clipping and flattening to one vector."""

from glassnet.nn.utils import rnn
from glassnet.nn.utils.clip_grad import clip_grad_norm_, clip_grad_value_
from glassnet.nn.utils.convert_parameters import parameters_to_vector, vector_to_parameters

__all__ = [
    "rnn",
    "clip_grad_norm_",
    "clip_grad_value_",
    "parameters_to_vector",
    "vector_to_parameters",
]
