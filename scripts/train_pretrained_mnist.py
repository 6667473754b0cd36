"""Train the MNIST generator shipped as ``pretrained:mnist`` with the default recipe (dcgan-mnist),
score it with the quality benchmark's protocol (10,000 samples, MNIST-classifier features, against
the 5,000 embedded digits) and export it into the package as a model folder
(``src/ganforge/weights/mnist/{config.json,model.safetensors}``, the format ``ganforge export``
writes), the scores in config.json under "quality".

    OMP_NUM_THREADS=1 PYTHONPATH=src python scripts/train_pretrained_mnist.py [--steps-scale 1] [--run runs/pretrained-mnist]

The shipped folder is the recipe as it stands, seed 0 (``--steps-scale 1``, the same weights as
``ganforge train dcgan-mnist seed=0``); ``--steps-scale 2`` trains twice the steps with the same
schedule. The export keeps only the EMA generator's weights.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import ganforge
from ganforge.config import resolve_config
from ganforge.data import load_dataset
from ganforge.metrics.run_evaluator import RunEvaluator, seeded_batches
from ganforge.pretrained import weights_dir

RECIPE = "dcgan-mnist"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps-scale", type=float, default=1.0, help="multiple of the recipe's steps")
    parser.add_argument("--run", type=Path, default=Path("runs/pretrained-mnist"))
    parser.add_argument("--name", default="mnist", help="the shipped name: pretrained:NAME")
    parser.add_argument("--skip-training", action="store_true", help="export an existing --run")
    args = parser.parse_args()
    cfg = resolve_config(RECIPE)
    steps = round(cfg.steps * args.steps_scale)
    if not args.skip_training:
        # every count in steps grows with the run, so the schedule keeps its shape
        scale = [f"{k}={max(1, round(getattr(cfg, k) * args.steps_scale))}"
                 for k in ("eval_every", "sample_every", "checkpoint_every") if getattr(cfg, k)]
        ganforge.train(RECIPE, out=args.run, overrides=[f"steps={steps}", "seed=0", "progress=false"] + scale)
    gen = ganforge.load(args.run)  # the weights the folder will hold (EMA)
    evaluator = RunEvaluator(load_dataset(cfg.data, cfg.image_size), ["fid", "kid", "prdc"], n=10_000)
    scores = evaluator(seeded_batches(gen.sample, 10_000))
    quality = {"n": 10_000, "extractor": "mnist", "reference": "the 5,000 embedded digits",
               "steps": gen.cfg.steps, **{k: round(v, 4) for k, v in scores.items()}}
    out = ganforge.export(args.run, weights_dir() / args.name, metadata={"quality": quality})
    print(f"exported {args.run} -> {out}: " + ", ".join(f"{k} {v:.3f}" for k, v in scores.items()))


if __name__ == "__main__":
    main()
