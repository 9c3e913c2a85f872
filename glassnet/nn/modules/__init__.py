"""`torch.nn.modules`'s paths, for scripts that import layers by module path.

`from torch.nn.modules.linear import Linear` runs as `from glassnet.nn.modules.linear import
Linear`: each submodule here only re-exports the glassnet module holding those classes (no
copies), and this package re-exports every layer of `glassnet.nn`, as `torch.nn.modules` does.
"""

from glassnet.nn import *  # noqa: F403
from glassnet.nn.modules import (  # noqa: F401
    activation,
    batchnorm,
    container,
    conv,
    dropout,
    flatten,
    linear,
    loss,
    module,
    normalization,
    pooling,
    rnn,
    sparse,
    transformer,
)
