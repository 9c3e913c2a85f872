"""Stateless functions of `glassnet.nn` (what `torch.nn.functional` covers): `import
glassnet.nn.functional as F`. Each is a thin name for an op in `glassnet.ops`, where its math is."""

from glassnet.ops import linear  # noqa: F401
from glassnet.ops.dropout import dropout  # noqa: F401
from glassnet.ops.bilinear import bilinear  # noqa: F401
from glassnet.ops.embedding import embedding  # noqa: F401
from glassnet.ops.attention import scaled_dot_product_attention  # noqa: F401
from glassnet.ops.conv import conv1d, conv2d  # noqa: F401
from glassnet.ops.conv_transpose import conv_transpose1d, conv_transpose2d  # noqa: F401
from glassnet.ops.fold import fold, unfold  # noqa: F401
from glassnet.ops.pool import (  # noqa: F401
    adaptive_avg_pool2d,
    avg_pool1d,
    avg_pool2d,
    max_pool1d,
    max_pool2d,
)
from glassnet.ops.norm import batch_norm, group_norm, layer_norm, rms_norm  # noqa: F401
from glassnet.ops.dropout import dropout2d  # noqa: F401
from glassnet.ops.movement import pad  # noqa: F401
from glassnet.ops.similarity import cosine_similarity, normalize, one_hot  # noqa: F401
from glassnet.ops.activation import (  # noqa: F401
    bipolar_step,
    celu,
    elu,
    gelu,
    hardsigmoid,
    hardswish,
    hardtanh,
    leaky_relu,
    log_softmax,
    logsigmoid,
    mish,
    prelu,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softmax,
    softplus,
    softsign,
    step,
    tanh,
)
from glassnet.ops.loss import (  # noqa: F401
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cosine_embedding_loss,
    cross_entropy,
    gaussian_nll_loss,
    hinge_embedding_loss,
    hinge_loss,
    huber_loss,
    kl_div,
    l1_loss,
    mse_loss,
    nll_loss,
    smooth_l1_loss,
)
