"""The benchmark suite: workload name -> (builder, frameworks that run it)."""

from __future__ import annotations

from benchmarks.workloads import mlp

WORKLOADS = {
    "a_mlp_mnist_train": (mlp.mlp_mnist, ("glassnet", "torch", "sklearn")),
    "b_mlp_digits_train": (mlp.mlp_digits, ("glassnet", "torch", "sklearn")),
    "f_mlp_mnist_infer": (mlp.mlp_mnist_inference, ("glassnet", "torch")),
}
