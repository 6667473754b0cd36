"""Train the small MNIST generator (DCGAN, the default recipe) shipped as ``pretrained:mnist`` and export
it into the package (``src/ganforge/weights/pretrained_mnist.{safetensors,json}``).

    OMP_NUM_THREADS=2 PYTHONPATH=src python scripts/train_pretrained_mnist.py [--steps 1500] [--run runs/pretrained-mnist]

About 5-10 minutes on a laptop CPU. The export keeps only the EMA generator's weights.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import ganforge
from ganforge.loading import export_pretrained

OVERRIDES = ["z_dim=64", "generator.width=32", "discriminator.width=32", "metrics=[]",
             "sample_every=500", "checkpoint_every=500", "ema=0.995", "seed=0"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--run", type=Path, default=Path("runs/pretrained-mnist"))
    parser.add_argument("--skip-training", action="store_true", help="export an existing --run")
    args = parser.parse_args()
    if not args.skip_training:
        ganforge.train("dcgan-mnist", out=args.run, overrides=OVERRIDES + [f"steps={args.steps}"])
    out = export_pretrained(args.run, "mnist")
    print(f"exported {args.run} -> {out}")


if __name__ == "__main__":
    main()
