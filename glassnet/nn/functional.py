"""Stateless functions of `glassnet.nn` (what `torch.nn.functional` covers): `import
glassnet.nn.functional as F`. Each is a thin name for an op in `glassnet.ops`, where its math is."""

from glassnet.ops import linear  # noqa: F401
from glassnet.ops.dropout import dropout  # noqa: F401
from glassnet.ops.bilinear import bilinear  # noqa: F401
from glassnet.ops.embedding import embedding  # noqa: F401
from glassnet.ops.attention import scaled_dot_product_attention  # noqa: F401
