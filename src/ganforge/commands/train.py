"""``ganforge train``: train a recipe, or resume a run."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional, Sequence

import click


@click.command(context_settings={"ignore_unknown_options": False})
@click.argument("args", nargs=-1)
@click.option("--out", type=click.Path(path_type=Path), help="run directory (default runs/<recipe>-<time>)")
@click.option("--resume", type=click.Path(path_type=Path), help="continue this run from its latest checkpoint")
@click.option("--nproc", type=click.IntRange(min=1), default=1, show_default=True,
              help="processes on this machine (torchrun); the global batch is batch_size x nproc")
def train(args: Sequence[str], out: Optional[Path], resume: Optional[Path], nproc: int) -> None:
    """Train RECIPE (default dcgan-mnist) with optional key=value overrides.

    Example: ganforge train ring8 steps=2000 seed=1
    """
    if nproc > 1:
        sys.exit(launch_torchrun(nproc, args, out, resume))
    from ..api import train as run_train
    from ..errors import ConfigError
    from ..train.trainer import TrainingInterrupted

    recipe = None
    overrides = list(args)
    if overrides and "=" not in overrides[0]:
        recipe = overrides.pop(0)
    if recipe is not None and resume is not None:
        raise click.UsageError("--resume continues a run with its own recipe; drop the recipe name")
    try:
        run_dir = run_train(recipe, out=out, resume=resume, overrides=overrides)
    except ConfigError as err:
        if str(err).startswith(("unknown key", "unknown option")) and resume is None:
            # the one-line error goes to stderr; the full list of keys to stdout
            from .options import recipe_options

            try:
                click.echo("\n".join(line.rstrip() for line in recipe_options(recipe)))
            except ConfigError:
                pass
        raise
    except TrainingInterrupted as stop:
        click.echo(f"ganforge: {stop}", err=True)
        sys.exit(130)
    from ..distributed import is_main

    if not is_main():
        return
    click.echo(f"run saved to {run_dir}")
    for line in final_metrics(run_dir):
        click.echo(line)
    if (run_dir / "report.html").exists():
        click.echo(f"  report:      {run_dir / 'report.html'}")
    click.echo(f"  samples:     {run_dir / 'samples'}")
    click.echo(f"  metrics:     {run_dir / 'metrics.jsonl'}")
    click.echo(f"  checkpoints: {run_dir / 'checkpoints'}")
    from ..train.rundir import read_data_info

    from ..train.rundir import load_run_config

    if load_run_config(run_dir).objective.name == "inpaint":
        click.echo(f"  restore:     ganforge inpaint {run_dir} IMAGE --mask MASK --out restored.png")
        return
    table = read_data_info(run_dir).get("kind") == "table"
    more = "-n 1000 --out synth.csv" if table else "-n 64 --grid --out samples.png"
    click.echo(f"  sample more: ganforge sample {run_dir} {more}")
    from ..train.timing import format_timing, read_timing

    timing = read_timing(run_dir)
    if timing:
        click.echo(f"where the time went ({run_dir / 'timing.json'}):")
        click.echo("\n".join(format_timing(timing)))


def final_metrics(run_dir: Path) -> list:
    """Lines for the end of training: the last evaluation against the best one, and the best
    checkpoint (nothing when the run evaluated no metrics)."""
    import json

    from ..report.summary import headline_metrics
    from ..train.rundir import load_run_config
    from ..train.runlog import read_metrics

    try:
        best = json.loads((run_dir / "best.json").read_text())
    except (OSError, ValueError):
        best = None
    heads = headline_metrics(read_metrics(run_dir / "metrics.jsonl"), best)
    if not heads:
        return []
    n = load_run_config(run_dir).eval_n
    width = max([len("metric")] + [len(h.name) for h in heads])
    last = max([len("last")] + [len(h.last) for h in heads])
    lines = [f"  metrics at step {heads[0].last_step:,} ({n:,} samples):",
             f"    {'metric'.ljust(width)}  {'last'.ljust(last)}  best"]
    for h in heads:
        best_text = f"{h.best} at step {h.best_step:,}" if h.best is not None else "-"
        lines.append(f"    {h.name.ljust(width)}  {h.last.ljust(last)}  {best_text}")
    if best and (run_dir / "checkpoints" / "best").is_dir():
        from ..report.numbers import sig

        lines.append(f"  best checkpoint: {run_dir / 'checkpoints' / 'best'} (step {best['step']:,}, "
                     f"{best['metric']} {sig(best['value'])})")
    return lines


def launch_torchrun(nproc: int, args: Sequence[str], out: Optional[Path], resume: Optional[Path]) -> int:
    """Re-run this command under ``torchrun --standalone --nproc_per_node N``."""
    import subprocess
    import time

    if out is None and resume is None:  # every rank must agree on the run directory
        recipe = args[0] if args and "=" not in args[0] else "dcgan-mnist"
        out = Path("runs") / f"{Path(recipe).stem}-{time.strftime('%Y%m%d-%H%M%S')}"
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={nproc}",
           "-m", "ganforge", "train", *args]
    cmd += ["--out", str(out)] if out is not None else []
    cmd += ["--resume", str(resume)] if resume is not None else []
    return subprocess.call(cmd)
