"""Saving and loading: checkpoints as safetensors (arrays) plus JSON (everything else)."""

from glassnet.io.checkpoint import (
    CheckpointError,
    load,
    load_checkpoint,
    save,
    save_checkpoint,
)

__all__ = ["CheckpointError", "load", "load_checkpoint", "save", "save_checkpoint"]
