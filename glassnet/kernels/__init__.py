"""The speed behind the math: tuned NumPy kernels that the ops in `glassnet.ops` call by name.

`glassnet.ops` says WHAT an op computes (formula, shapes, derivative); this package says HOW FAST:
column layouts, chunk sizes, wide rows, reused buffers. Every tuned kernel has a plain textbook
version in `reference` that the tests hold it to.

Modules
-------
cache       `CACHE`: every reused buffer and cached constant, one size limit, `clear()`, and one
            switch (`CACHE.enabled`) to turn all reuse off
"""
