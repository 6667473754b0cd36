"""``evaluate_table``: fidelity, pair trends, ML efficacy and privacy of a table generator.

The result is a JSON-friendly dict, written to the run's ``eval.json``; ``format_report``
turns it into the printed table. ``evaluate_run`` re-reads the run's own training table.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Dict, Optional

import numpy as np
import pandas as pd

from ..data.tables import read_frame
from ..errors import ConfigError
from ..generator import Generator
from ..loading import load_generator
from .columns import check_table
from .efficacy import default_target, efficacy, split
from .metrics import column_shapes, pair_trends, privacy
from .transformer import TableTransformer

EVAL_FILE = "eval.json"
MAX_DCR_ROWS = 5000  # nearest-neighbour search cost grows as rows^2; 5k rows pin down the medians


def table_generator(source):
    """A run directory or a loaded ``ganforge.Generator`` -> the Generator, checked to be a table model."""
    gen = source if isinstance(source, Generator) else load_generator(source)
    if gen.kind != "table":
        raise ConfigError(f"'{gen.run_dir}' holds a {gen.kind} model; table metrics need a table run")
    return gen


def _columns_of(df: pd.DataFrame, transformer: TableTransformer, what: str) -> pd.DataFrame:
    missing = [c for c in transformer.columns if c not in df.columns]
    if missing:
        raise ConfigError(f"{what} lacks column '{missing[0]}' that the model generates; "
                          f"pass the table the model was trained on")
    df = df[transformer.columns].reset_index(drop=True)
    check_table(df, what)
    return df


def _subsample(df: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    return df if len(df) <= n else df.sample(n, random_state=seed).reset_index(drop=True)


def evaluate_table(source, real_df: pd.DataFrame, holdout_df: Optional[pd.DataFrame] = None,
                   n: Optional[int] = None, target: Optional[str] = None, model: str = "rf", seed: int = 0,
                   write: bool = True) -> Dict[str, Any]:
    """Compare ``n`` synthetic rows (default: as many as ``real_df``) with the real table.

    ``source``: a run directory or a loaded Generator. ``real_df``: the real (training) rows.
    ``holdout_df``: real rows the model never saw, for ML efficacy and the DCR baseline; when
    None, 30% of ``real_df`` is held out (the model may have seen those rows, so privacy
    numbers are then optimistic). ``target``: column for ML efficacy (default: the first
    discrete column, or the run's data_options.target). Writes ``eval.json`` when ``write``.
    """
    started = time.perf_counter()
    gen = table_generator(source)
    transformer = gen.objective.transformer
    specs = [b.spec for b in transformer.blocks]
    real = _columns_of(real_df, transformer, "the real table")
    if holdout_df is None:
        train, holdout = split(real, 0.3, seed)
        holdout_note = "30% of the real table (possibly seen in training)"
    else:
        train, holdout = real, _columns_of(holdout_df, transformer, "the holdout table")
        holdout_note = "separate real rows"
    n = int(n or len(real))
    synth = gen.sample(n, seed=seed)
    target = target or transformer.target or default_target(specs)
    shapes = column_shapes(real, synth, specs)
    report: Dict[str, Any] = {
        "run": str(gen.run_dir), "rows": {"real": len(real), "synthetic": n, "train": len(train),
                                          "holdout": len(holdout), "holdout_source": holdout_note},
        "columns": shapes,
        "summary": {"mean_ks": _mean(r["value"] for r in shapes if r["metric"] == "KS"),
                    "mean_tvd": _mean(r["value"] for r in shapes if r["metric"] == "TVD")},
        "pairs": pair_trends(real, synth, specs),
        "efficacy": efficacy(train, synth, holdout, specs, target, model, seed),
        "privacy": privacy(train, _subsample(synth, MAX_DCR_ROWS, seed), _subsample(holdout, MAX_DCR_ROWS, seed),
                           specs),
    }
    report["seconds"] = round(time.perf_counter() - started, 2)
    if write and gen.run_dir is not None and Path(gen.run_dir).is_dir():
        write_json(Path(gen.run_dir) / EVAL_FILE, report)
    return report


def evaluate_run(source, holdout_df: Optional[pd.DataFrame] = None, **kw) -> Dict[str, Any]:
    """``evaluate_table`` against the table the run (a directory or a loaded Generator) was
    trained on, read again from its data spec. Keywords go to ``evaluate_table``."""
    gen = table_generator(source)
    real = read_frame(gen.cfg.data, gen.cfg.data_options.get("drop"))
    return evaluate_table(gen, real, holdout_df, **kw)


def _mean(values) -> Optional[float]:
    values = list(values)
    return float(np.mean(values)) if values else None


def write_json(path: Path, data: Dict[str, Any]) -> None:
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    tmp.write_text(json.dumps(data, indent=1, default=float))
    os.replace(tmp, path)


def _fmt(v: Any) -> str:
    return "-" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)


def format_report(report: Dict[str, Any]) -> str:
    """The printed evaluation: per-column shapes, pair trends, efficacy and privacy."""
    rows = report["rows"]
    lines = [f"synthetic {rows['synthetic']} rows vs real {rows['real']} rows "
             f"(holdout {rows['holdout']}: {rows['holdout_source']})", "",
             f"{'column':<24} {'kind':<12} {'metric':<6} {'value':>7} {'missing real':>13} {'missing synth':>14}"]
    for r in report["columns"]:
        lines.append(f"{r['column'][:24]:<24} {r['kind']:<12} {r['metric']:<6} {r['value']:>7.3f} "
                     f"{r['missing_real']:>13.3f} {r['missing_synth']:>14.3f}")
    s, p = report["summary"], report["pairs"]
    lines += ["", f"mean KS {_fmt(s['mean_ks'])}   mean TVD {_fmt(s['mean_tvd'])}   (0 = identical marginals)",
              f"pair trends: mean |pearson diff| {_fmt(p['mean_abs_diff_pearson'])}   "
              f"mean |cramers V diff| {_fmt(p['mean_abs_diff_cramers_v'])}"]
    e = report["efficacy"]
    lines += ["", f"ML efficacy: {e['model']} predicting '{e['target']}' ({e['task']}), "
                  f"scored on {e['test_rows']} real held-out rows",
              f"{'metric':<20} {'trained on real':>16} {'trained on synthetic':>21}"]
    for k in e["real"]:
        lines.append(f"{k:<20} {e['real'][k]:>16.3f} {e['synthetic'][k]:>21.3f}")
    q = report["privacy"]
    lines += ["", f"privacy: median DCR synthetic {_fmt(q['dcr_synth_median'])} vs held-out real "
                  f"{_fmt(q['dcr_holdout_median'])} (ratio {_fmt(q['dcr_ratio'])}; < 1 means closer than real data)",
              f"exact copies of training rows: synthetic {q['exact_copy_rate']:.1%}, "
              f"held-out real {q['holdout_copy_rate']:.1%}"]
    return "\n".join(lines)
