"""Data augmentation with a table GAN, and its honest check.

``augment_table`` splits a real table into train and test rows, trains the tabular recipe on
the train rows only, adds synthetic rows (``ratio`` x as many, or enough of each rarer
``target`` value to balance it), then trains the same downstream model with and without the
synthetic rows and scores both on the untouched test rows.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Dict, Optional, Sequence, Union

import pandas as pd

from ..data.tables import prepare_frame
from ..errors import ConfigError
from ..train.run import run_training
from .efficacy import MODELS, fit_and_score, split
from .evaluate import table_generator, write_json
from .io import write_table
from .transformer import py_value

AUGMENT_FILE = "augment.json"


def synthesize(gen, base: pd.DataFrame, target: Optional[str], ratio: Optional[float], balance: bool,
               seed: int = 0) -> pd.DataFrame:
    """Synthetic rows to add to ``base`` (the generator's training rows): ``ratio * len(base)``
    rows, or with ``balance`` enough rows of each rarer ``target`` value to match the most common."""
    check_request(ratio, balance, target)
    if not balance:
        return gen.sample(max(1, round(ratio * len(base))), seed=seed)
    block = next((b for b in gen.objective.transformer.discrete_blocks if b.spec.name == target), None)
    if block is None:
        raise ConfigError(f"--balance needs a discrete target column; '{target}' is not one of "
                          f"{', '.join(b.spec.name for b in gen.objective.transformer.discrete_blocks) or 'none'}")
    counts = pd.Series([py_value(v) for v in base[target]], dtype=object).dropna().value_counts()
    parts = [gen.sample(int(counts.max() - c), seed=seed + i, where={target: value})
             for i, (value, c) in enumerate(counts.items()) if c < counts.max()]
    return pd.concat(parts, ignore_index=True) if parts else base.iloc[:0]


def check_request(ratio: Optional[float], balance: bool, target: Optional[str]) -> None:
    if (ratio is None) == (not balance):
        raise ConfigError("say how many rows to add: either --ratio K (K x the training rows) or --balance")
    if ratio is not None and ratio <= 0:
        raise ConfigError(f"--ratio must be positive, got {ratio}")
    if balance and not target:
        raise ConfigError("--balance evens out a column's values; name it with --target COLUMN")


def augment_table(df: pd.DataFrame, target: str, ratio: Optional[float] = None, balance: bool = False,
                  model: str = "rf", test_size: float = 0.25, seed: int = 0, recipe: str = "tabular",
                  overrides: Sequence[str] = (), run_dir: Union[str, Path, None] = None,
                  out: Union[str, Path, None] = None) -> Dict[str, Any]:
    """Train on a split of ``df``, augment, and compare held-out scores (see module docstring).

    Returns a dict with the rows used, the GAN run directory and the downstream metrics of
    "real" (train rows only) and "augmented" (train + synthetic rows); also written to the
    run's ``augment.json``. ``out`` receives the augmented training table (.csv/.parquet).
    """
    started = time.perf_counter()
    check_request(ratio, balance, target)
    if model not in MODELS:
        raise ConfigError(f"unknown model '{model}'; choose one of: {', '.join(MODELS)}")
    df = prepare_frame(df, what="the table")
    if target not in df.columns:
        raise ConfigError(f"target column '{target}' is not in the table; columns: {', '.join(df.columns)}")
    train_df, test_df = split(df, test_size, seed, stratify=target)
    run = run_training(recipe, out=run_dir, data=train_df, overrides=[*overrides, f"seed={seed}", "progress=false"])
    gen = table_generator(run)
    specs = [b.spec for b in gen.objective.transformer.blocks]
    synth = synthesize(gen, train_df, target, ratio, balance, seed)
    augmented = pd.concat([train_df, synth[train_df.columns]], ignore_index=True)
    report = {"run": str(run), "target": target, "model": model, "mode": "balance" if balance else f"ratio {ratio}",
              "rows": {"train": len(train_df), "synthetic": len(synth), "test": len(test_df)},
              "real": fit_and_score(train_df, test_df, specs, target, model, seed),
              "augmented": fit_and_score(augmented, test_df, specs, target, model, seed)}
    if any(s.discrete for s in specs if s.name == target):
        report["target_counts"] = {"train": _counts(train_df[target]), "augmented": _counts(augmented[target])}
    if out is not None:
        report["written"] = write_table(augmented, out)
    report["seconds"] = round(time.perf_counter() - started, 2)
    write_json(Path(run) / AUGMENT_FILE, report)
    return report


def _counts(values: pd.Series) -> Dict[str, int]:
    return {str(k): int(v) for k, v in values.astype(object).where(values.notna(), "<missing>").value_counts().items()}


def format_augment(report: Dict[str, Any]) -> str:
    """Held-out metrics without and with synthetic rows, side by side."""
    rows = report["rows"]
    lines = [f"added {rows['synthetic']} synthetic rows ({report['mode']}) to {rows['train']} real training rows; "
             f"GAN run: {report['run']}",
             f"scored by {report['model']} on {rows['test']} held-out real rows", "",
             f"{'metric':<20} {'real only':>10} {'real + synthetic':>17} {'change':>8}"]
    if "target_counts" in report:
        lines[1:1] = [f"'{report['target']}' counts: real {report['target_counts']['train']} -> "
                      f"augmented {report['target_counts']['augmented']}"]
    for k, before in report["real"].items():
        after = report["augmented"][k]
        lines.append(f"{k:<20} {before:>10.3f} {after:>17.3f} {after - before:>+8.3f}")
    if "written" in report:
        lines += ["", f"wrote {report['written']}"]
    return "\n".join(lines)
