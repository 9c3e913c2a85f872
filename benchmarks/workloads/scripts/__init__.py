"""Model files written the common PyTorch way (`import torch`), run unchanged in both
frameworks through `benchmarks.workloads.shim`."""
