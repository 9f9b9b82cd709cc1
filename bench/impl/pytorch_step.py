"""The training step of bench/step.ts in PyTorch, for the PyTorch row of `npm run bench:step`.

The VAE of PyTorch's example (784-400-20-400-784, ReLU, Bernoulli decoder, analytic KL), written
the same way as ours (bench/lib/vae-step.ts): BCE from logits summed per image plus the KL summed
per example, then the batch mean; Adam with lr 1e-3; the loss read back (.item()) every step.
(The example itself sums over the batch and applies a sigmoid before a plain BCE; the batch mean
and the logits form are what our engine and the TF.js peer compute, so the losses can be checked.)

Called by bench/impl/pytorch.ts with a folder holding raw little-endian float32 files:
  manifest.json  {"params": [{"name", "shape", "file"}], "x": file, "eps": file, "batches": file,
                  "batch": 128, "input": 784, "latent": 20, "count": 8}
  python3 pytorch_step.py --dir DIR --threads N|default --warmup W --runs R
It writes DIR/result.json: the check (loss, gradients to DIR/grad-*.f32, loss after one Adam
step, from the given parameters, batch and noise) and the timing (ms per step, warm-up excluded).
"""

import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

LAYERS = [  # our parameter names and [out, in] shapes (nn.Linear's layout)
    ("encoder.0", 784, 400),
    ("encoderMu", 400, 20),
    ("encoderLogvar", 400, 20),
    ("decoder.0", 20, 400),
    ("decoder.1", 400, 784),
]


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleDict({name.replace(".", "_"): nn.Linear(i, o) for name, i, o in LAYERS})

    def layer(self, name):
        return self.layers[name.replace(".", "_")]

    def loss(self, x, eps):
        h = F.relu(self.layer("encoder.0")(x))
        mu, logvar = self.layer("encoderMu")(h), self.layer("encoderLogvar")(h)
        z = mu + torch.exp(0.5 * logvar) * eps
        logits = self.layer("decoder.1")(F.relu(self.layer("decoder.0")(z)))
        recon = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
        kl = 0.5 * (mu.pow(2) + logvar.exp() - 1 - logvar).sum(1)
        return (recon + kl).mean()


def read_f32(folder, name, shape):
    return torch.from_numpy(np.fromfile(os.path.join(folder, name), dtype="<f4").reshape(shape))


def check(folder, m):
    """Loss, gradients and loss after one Adam step, from the reference's parameters and noise."""
    model = VAE()
    with torch.no_grad():
        for p in m["params"]:
            name, kind = p["name"].rsplit(".", 1)
            getattr(model.layer(name), kind).copy_(read_f32(folder, p["file"], p["shape"]))
    x = read_f32(folder, m["x"], [m["batch"], m["input"]])
    eps = read_f32(folder, m["eps"], [m["batch"], m["latent"]])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    opt.zero_grad()
    loss = model.loss(x, eps)
    loss.backward()
    grads = {}
    for p in m["params"]:
        name, kind = p["name"].rsplit(".", 1)
        g = getattr(model.layer(name), kind).grad.detach().numpy().astype("<f4")
        file = f"grad-{p['name']}.f32"
        g.tofile(os.path.join(folder, file))
        grads[p["name"]] = file
    opt.step()
    with torch.no_grad():
        loss2 = model.loss(x, eps)
    return {"loss1": loss.item(), "grads": grads, "loss2": loss2.item()}


def time_steps(folder, m, warmup, runs):
    """ms per training step as a PyTorch user writes it, on batches rotating over the given ones."""
    torch.manual_seed(0)
    model = VAE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = read_f32(folder, m["batches"], [m["count"], m["batch"], m["input"]])
    ms, cpu_ms, first, last = [], [], None, None
    for s in range(warmup + runs):
        c0 = time.process_time()  # CPU time of the process, all threads
        t0 = time.perf_counter()
        x = batches[s % m["count"]]
        opt.zero_grad()
        loss = model.loss(x, torch.randn(m["batch"], m["latent"]))
        loss.backward()
        opt.step()
        value = loss.item()
        t = (time.perf_counter() - t0) * 1000
        c = (time.process_time() - c0) * 1000
        if first is None:
            first = value
        last = value
        if s >= warmup:
            ms.append(t)
            cpu_ms.append(c)
    return {"ms": ms, "cpuMs": cpu_ms, "firstLoss": first, "lastLoss": last}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--threads", default="default")
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    if a.threads != "default":
        torch.set_num_threads(int(a.threads))
    with open(os.path.join(a.dir, "manifest.json")) as f:
        m = json.load(f)
    result = {
        "check": check(a.dir, m),
        **time_steps(a.dir, m, a.warmup, a.runs),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "warmup": a.warmup,
    }
    with open(os.path.join(a.dir, "result.json"), "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
