"""Benchmark workloads. Each module offers `build(framework, quick) -> Workload` for the
frameworks it supports, running the same model, data, batch size and optimizer in each."""
