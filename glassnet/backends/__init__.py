"""`torch.backends`: the backend switches scripts set (`cudnn.benchmark = True`,
`cuda.matmul.allow_tf32 = True`) and the availability queries they make (`mps.is_available()`).

Every flag can be read and set, with PyTorch's defaults, and none changes glassnet's results:
glassnet computes with NumPy on the CPU, in full float32 precision, deterministically.
"""

from glassnet.backends import cuda, cudnn, mps

__all__ = ["cuda", "cudnn", "mps"]
