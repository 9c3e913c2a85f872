"""Saving and loading without pickle: one safetensors file per checkpoint (arrays, the structure
as JSON in its header, SHA-256 checksums), and checked readers for user files (.npy, .csv)."""

from glassnet.io.checkpoint import (
    CheckpointError,
    load,
    load_checkpoint,
    save,
    save_checkpoint,
)

__all__ = ["CheckpointError", "load", "load_checkpoint", "save", "save_checkpoint"]
