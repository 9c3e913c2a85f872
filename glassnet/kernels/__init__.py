"""The speed behind the math: tuned NumPy kernels that the ops in `glassnet.ops` call by name.

`glassnet.ops` says WHAT an op computes (formula, shapes, derivative); this package says HOW FAST:
column layouts, chunk sizes, wide rows, reused buffers. Every tuned kernel has a plain textbook
version in `reference` that the tests hold it to.

Modules
-------
cache       `CACHE`: every reused buffer and cached constant, one size limit, `clear()`, and one
            switch (`CACHE.enabled`) to turn all reuse off
conv        the convolution's paths, chosen by shape: `plan`, `forward`, `backward`, `bias_grad`
im2col      im2col / col2im through strided views, column chunks, wide rows, the stride-1
            backward from one set of columns
batch_inner small maps: im2col columns with the batch innermost (runs of Wo*N numbers)
depthwise   depthwise convolutions over stride-phase planes (each tap one contiguous block)
reference   textbook im2col + one matmul per group, and col2im, written to be read
attention   scaled dot-product attention's scores, safe softmax, head layout, causal mask
gelu        the float32 GELU through a rational approximation of Phi, in chunks
simd        ReLU and clamps against a cached row, keeping NumPy's min/max on their SIMD loops
reductions  row and column sums as one BLAS matrix-vector product with a cached vector of ones
reference_nn  textbook ReLU, GELU and attention forward/backward that those kernels are held to
"""
