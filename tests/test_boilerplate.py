"""The CUDA-aware boilerplate of a modern PyTorch training script runs unchanged with
`glassnet.install_torch_alias()` (on the CPU), and trains to PyTorch's losses: the same script is
run under PyTorch and under glassnet, each in its own process, and the printed losses compared."""

import json
import os
import subprocess
import sys

import numpy as np

SCRIPT = r"""
import sys
if sys.argv[1] == "glassnet":
    import glassnet
    glassnet.install_torch_alias()
import json
from contextlib import nullcontext

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.backends.cudnn as cudnn

torch.manual_seed(1337)
torch.cuda.manual_seed_all(1337)
torch.backends.cuda.matmul.allow_tf32 = True
torch.backends.cudnn.allow_tf32 = True
cudnn.benchmark = True
torch.set_float32_matmul_precision("high")

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
device_type = "cuda" if "cuda" in str(device) else "cpu"
if torch.accelerator.is_available():
    device = torch.accelerator.current_accelerator()
dtype = "bfloat16" if torch.cuda.is_available() and torch.cuda.is_bf16_supported() else "float16"
ptdtype = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}[dtype]
ctx = nullcontext() if device_type == "cpu" else torch.amp.autocast(device_type, dtype=ptdtype)
use_amp = torch.cuda.is_available()


class TinyLM(nn.Module):
    def __init__(self, vocab, block, dim):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim)
        self.pos = nn.Embedding(block, dim)
        self.head = nn.Linear(dim, vocab)

    def forward(self, idx, targets=None):
        b, t = idx.size()
        pos = torch.arange(0, t, dtype=torch.long, device=idx.device)
        logits = self.head(torch.tanh(self.tok(idx) + self.pos(pos)))
        if targets is None:
            return logits, None
        return logits, F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


model = TinyLM(vocab=11, block=8, dim=16)
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.linspace(-0.5, 0.5, p.numel(), dtype=torch.float32).reshape(p.shape))
model.to(device)
if sys.argv[1] == "glassnet":  # (torch's own compiler needs a C toolchain; the reference skips it)
    model = torch.compile(model)
optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2)
scaler = torch.cuda.amp.GradScaler(enabled=(dtype == "float16" and use_amp))
data = torch.tensor([i * 7 % 11 for i in range(4 * 9)], device=device).view(4, 9)
x, y = data[:, :-1].to(device, non_blocking=True), data[:, 1:].contiguous().to(device)
losses = []
for step in range(5):
    with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=use_amp), ctx:
        _, loss = model(x, y)
    scaler.scale(loss).backward()
    scaler.unscale_(optimizer)
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    scaler.step(optimizer)
    scaler.update()
    optimizer.zero_grad(set_to_none=True)
    losses.append(loss.item())
if torch.cuda.is_available():
    torch.cuda.synchronize()
with torch.inference_mode():
    logits, _ = model(x[:1])
    probs = F.softmax(logits[:, -1, :], dim=-1)
    nxt = torch.distributions.Categorical(probs=probs).sample()
assert nxt.shape == (1,) and not logits.requires_grad
torch.testing.assert_close(probs.sum(), torch.tensor(1.0))
print(json.dumps({"losses": losses, "device": str(device), "scale": scaler.get_scale()}))
"""


def _run(lib, tmp_path):
    path = tmp_path / "train.py"
    path.write_text(SCRIPT)
    out = subprocess.run(
        [sys.executable, str(path), lib], capture_output=True, text=True, env=os.environ
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_boilerplate_script_runs_with_glassnet_as_torch(tmp_path):
    ours, ref = _run("glassnet", tmp_path), _run("torch", tmp_path)
    assert ours["device"] == ref["device"] == "cpu"
    assert ours["scale"] == ref["scale"] == 1.0
    np.testing.assert_allclose(ours["losses"], ref["losses"], rtol=1e-5)
    assert ours["losses"][-1] < ours["losses"][0]
