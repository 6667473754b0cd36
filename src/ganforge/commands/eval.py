"""``ganforge eval``: measure a trained run with the metrics suite; prints a table, writes eval.json."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import click


@click.command(name="eval")
@click.argument("run", type=click.Path(path_type=Path))
@click.option("--metrics", "metric_names", default=None,
              help="comma-separated: fid,kid,is,prdc,modes,stacked_modes,c2st; videos: temporal; audio: notes; "
                   "text: words,ngrams (default: the run's metrics)")
@click.option("-n", "num", type=click.IntRange(min=2), default=None, help="generated samples (default: 10000)")
@click.option("--extractor", default=None,
              help="auto, mnist, raw, inception, mnist-frames (videos) or audio (default: the run's)")
@click.option("--checkpoint", default="latest", show_default=True, help="latest, best or a checkpoint directory")
@click.option("--seed", type=int, default=0, show_default=True)
def eval_(run: Path, metric_names: Optional[str], num: Optional[int], extractor: Optional[str], checkpoint: str,
          seed: int) -> None:
    """Evaluate RUN's generator against its training data.

    Example: ganforge eval runs/dcgan-mnist-20261123-101500 --metrics fid,kid,is,prdc -n 5000
    """
    from ..api import load
    from ..data import load_dataset
    from ..errors import ConfigError
    from ..metrics import METRICS
    from ..metrics.run_evaluator import RunEvaluator, seeded_batches

    gen = load(run, checkpoint=checkpoint, device="auto")
    if gen.checkpoint is None:
        raise ConfigError(f"'{run}' is a model folder (the generator alone); ganforge eval measures a run "
                          "against its training data: pass the run directory, or use ganforge.metrics on samples")
    if gen.kind == "table":  # tables have their own suite: column shapes, pair trends, ML efficacy, privacy
        from ..tabular import evaluate_run, format_report

        if metric_names or extractor:
            raise ConfigError("table runs are measured by the table suite; drop --metrics/--extractor")
        click.echo(format_report(evaluate_run(gen, n=num, seed=seed)))
        click.echo(f"wrote {run / 'eval.json'}")
        return
    cfg = gen.cfg
    names = [m.strip() for m in metric_names.split(",")] if metric_names else list(cfg.metrics)
    if not names:
        raise ConfigError(f"the run has no default metrics; pass --metrics, e.g. --metrics {','.join(METRICS.names())}")
    dataset = load_dataset(cfg.data, cfg.image_size, **cfg.data_options)
    evaluator = RunEvaluator(dataset, names, extractor or cfg.extractor, num or 10_000, device=gen.device)
    results = evaluator(seeded_batches(gen.sample, seed))  # each batch its own seed: reproducible, all different
    features = evaluator.extractor
    described = (f"features from the '{evaluator.extractor_name}' extractor"
                 + (f" ({features.feature_dim}-d)" if getattr(features, "feature_dim", None) else "")
                 if features is not None else "raw values (no feature extractor)")
    click.echo(f"{evaluator.n} generated samples (seed {seed}) vs {len(dataset)} real ones, {described}, "
               f"checkpoint {gen.checkpoint.name}")
    report = {"run": str(run), "checkpoint": checkpoint, "n": evaluator.n, "n_real": len(dataset),
              "extractor": evaluator.extractor_name,
              "metrics": names, "results": results}
    out = run / "eval.json"
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, indent=1))
    tmp.replace(out)
    width = max(len(k) for k in results)
    click.echo(f"{'metric'.ljust(width)}  value")
    for key, value in results.items():
        click.echo(f"{key.ljust(width)}  {value:.4f}")
    click.echo(f"wrote {out}")
