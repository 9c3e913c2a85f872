"""ONNX out and in: `export` traces a glassnet model's forward into an ONNX file; `load` opens an
ONNX file as a trainable glassnet Module that runs the graph with glassnet ops.

Needs the `export` extra (`pip install glassnet[export]`: onnx, onnxruntime for checking).
"""

from glassnet.onnx.exporter import export
from glassnet.onnx.graph import OnnxExportError
from glassnet.onnx.importer import OnnxImportError, OnnxModule, load

__all__ = ["OnnxExportError", "OnnxImportError", "OnnxModule", "export", "load"]
