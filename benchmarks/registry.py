"""The benchmark suite: workload name -> (builder, frameworks that run it)."""

from __future__ import annotations

from benchmarks.workloads import cnn, gpt, mlp, pytorch_cnn, pytorch_style

WORKLOADS = {
    "a_mlp_mnist_train": (mlp.mlp_mnist, ("glassnet", "torch", "sklearn")),
    "b_mlp_digits_train": (mlp.mlp_digits, ("glassnet", "torch", "sklearn")),
    "c_lenet5_train": (cnn.lenet_train, ("glassnet", "torch")),
    "d_resnet_train": (cnn.resnet_train, ("glassnet", "torch")),
    "e_gpt_train": (gpt.gpt_train, ("glassnet", "torch")),
    "e_gpt_generate": (gpt.gpt_generate, ("glassnet", "torch")),
    "f_mlp_mnist_infer": (mlp.mlp_mnist_inference, ("glassnet", "torch")),
    "f_lenet5_infer": (cnn.lenet_inference, ("glassnet", "torch")),
    "g_nanogpt_train": (pytorch_style.nanogpt_train, ("glassnet", "torch")),
    "g_nanogpt_manual_train": (pytorch_style.nanogpt_manual_train, ("glassnet", "torch")),
    "g_makemore_train": (pytorch_style.makemore_train, ("glassnet", "torch")),
    "h_mnist_example_train": (pytorch_cnn.mnist_example_train, ("glassnet", "torch")),
    "h_lenet_plain_train": (pytorch_cnn.lenet_plain_train, ("glassnet", "torch")),
}
