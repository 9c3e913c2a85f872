"""The flat buffers of a parameter group: `FlatGroup` holds, for one dtype, every parameter, its
gradient copy, each state array of the update rule and the scratch arrays as views into
contiguous buffers (see glassnet/optim/optimizer.py for why)."""

from __future__ import annotations

import numpy as np

from glassnet.tensor import Tensor

StateSpec = list[tuple[str, float]]


class FlatGroup:
    """Parameters of one dtype from one group, their gradient copy and state in flat buffers."""

    def __init__(self, params: list[Tensor], state_spec: StateSpec, num_tmp: int) -> None:
        self.params = params
        self.dtype = params[0]._data.dtype
        self.shapes = [p._data.shape for p in params]
        sizes = [p._data.size for p in params]
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(int).tolist()
        n = self.offsets[-1]
        self.state_names = tuple(name for name, _ in state_spec)
        self.init_values = dict(state_spec)
        self.param = np.empty(n, self.dtype)
        self.grad = np.empty(n, self.dtype)
        self.state = {name: np.full(n, value, self.dtype) for name, value in state_spec}
        self.tmp = [np.empty(n, self.dtype) for _ in range(num_tmp)]
        self.views: list[np.ndarray] = []
        for p, a, b in zip(params, self.offsets[:-1], self.offsets[1:]):
            view = self.param[a:b].reshape(p._data.shape)
            view[...] = p._data
            p._data = view  # the parameter now lives in the flat buffer
            self.views.append(view)

    def slices(self, i: int) -> slice:
        return slice(self.offsets[i], self.offsets[i + 1])
