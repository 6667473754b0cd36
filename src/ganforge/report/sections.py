"""The report's sections: each takes the :class:`~ganforge.report.html.ReportData` and returns
its HTML, rendered from ``templates/sections/*.html.j2``."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Tuple

from ..metrics.run_evaluator import MNIST_DOMAIN
from ..train.health import HealthConfig
from .figures import PALETTE
from .memorize import nearest_training_items
from .numbers import count, duration, pm, sig
from .pictures import from_file, single
from .render import render
from .summary import eval_file, headline_metrics, progress as run_progress, reproduce_commands, run_time
from .timeline import metric_keys, metric_panels, split_rows, training_panels
from .verdict import flag_table, verdict

STRIP_LENGTH = 8
FILES = (("config.yaml", "the resolved config"), ("data.json", "what the generator knows about its data"),
         ("metrics.jsonl", "one JSON row per logged step and evaluation"), ("best.json", "the best evaluation"),
         ("timing.json", "where the time went"), ("eval.json", "the last ganforge eval"),
         ("samples", "sample grids of the fixed latents"), ("checkpoints", "weights, optimizers and RNG states"),
         ("loss_curves.png", "loss curves, refreshed while training"), ("tensorboard", "TensorBoard event files"))


def _kind_vars(data) -> Dict[str, Any]:
    """The run kind's variables, built once (the summary and the kind's section share them)."""
    if data.kind_vars is None:
        data.kind_vars = data.kind.build(data.kind_input)
    return data.kind_vars


def _checkpoint(data) -> str:
    path = getattr(data.gen, "checkpoint", None)
    if path is None:
        return "shipped weights" if data.gen is not None else "none"
    m = re.fullmatch(r"step-0*(\d+)", path.name)
    name = f"step {int(m[1] or 0):,}" if m else path.name
    if path.name == "best" and data.best:
        name = f"best (step {data.best.get('step'):,})"
    return name + (", EMA weights" if data.cfg.ema > 0 else "")


def _shape(info: Dict[str, Any]) -> str:
    """'1×16×16 images', '2-D points', '7 columns', '8-letter strings', '16-frame 32×32 clips'."""
    shape = list(info.get("shape") or [])
    kind = info.get("kind")
    if kind == "table":
        return f"{len((info.get('table') or {}).get('columns') or []) or '?'} columns"
    if kind == "text" and len(shape) == 2:
        return f"strings of up to {shape[0]} symbols"
    if kind == "audio" and shape:
        return f"{shape[-1]:,}-sample clips"
    if kind == "video" and len(shape) == 4:
        return f"{shape[1]}-frame {shape[2]}×{shape[3]} clips"
    if len(shape) == 1:
        return f"{shape[0]}-D points"
    return "×".join(map(str, shape)) + " images" if shape else "?"


def chips(data) -> List[Tuple[str, str]]:
    cfg, p = data.cfg, run_progress(data.rows, data.cfg)
    shape = _shape(data.info)
    out = [("data", f"{data.info.get('name', cfg.data)} · {shape}"),
           ("steps", f"{count(p.step)} / {count(p.planned)}"),
           ("model", f"{cfg.generator.name} G · {cfg.discriminator.name} D · {cfg.loss} loss")]
    if data.kind is not None:
        out.insert(0, ("kind", data.kind.name))
    if data.gen is not None:
        out.append(("samples from", _checkpoint(data)))
    return out


def summary(data) -> str:
    cfg, rows = data.cfg, data.rows
    p = run_progress(rows, cfg)
    kv = _kind_vars(data) if data.kind is not None else {}
    short, exact = reproduce_commands(data.run, cfg)
    t = run_time(data.run, rows, cfg.batch_size)
    facts = [("Steps", f"{count(p.step)} of {count(p.planned)}" + ("" if p.finished else " (in progress, or stopped)")
              + f"; logged every {count(p.log_every)}, {p.evaluations} evaluation{'s' * (p.evaluations != 1)}")]
    if t.total_s:
        facts.append(("Run time", f"{duration(t.total_s)} (" + ("timing.json" if t.source == "timing.json"
                                                               else "from the logged throughput") + ")"))
    if data.best:
        facts.append(("Best checkpoint", f"checkpoints/best: step {count(data.best.get('step'))}, "
                                         f"{data.best.get('metric')} {sig(data.best.get('value'))}"))
    dataset = getattr(data.kind_input, "_dataset", None)
    size = f"{len(dataset):,} items · " if dataset is not None else ""
    facts.append(("Data", f"{data.info.get('name', cfg.data)} · {size}{_shape(data.info)}"))
    params = sum(q.numel() for q in data.gen.net.parameters()) if data.gen is not None else None
    facts.append(("Model", f"{cfg.generator.name} generator" + (f" ({params / 1e6:.2f} M parameters)" if params else "")
                  + f", {cfg.discriminator.name} discriminator, {cfg.loss} loss, batch {cfg.batch_size}"))
    if data.gen is None:
        note = f"No samples: {data.generator_note}."
    elif kv.get("note"):
        note = f"{kv['note']}; {_checkpoint(data)}."  # a kind's own wording (image-to-image: inputs, not seeds)
    else:
        note = f"Generated from seed 0 with {_checkpoint(data)}" + ("; training data drawn at random." if kv.get("real")
                                                                     else ".")
    kind = data.kind.name if data.kind is not None else ""
    hint = ("ganforge eval RUN scores column shapes, pair trends, machine-learning efficacy and privacy"
            if kind == "table" else "" if kind in ("translation", "superres") else
            "set metrics=[fid] eval_every=N to evaluate while training, or run ganforge eval RUN")
    return render("sections/summary.html.j2", generated=kv.get("generated", []), real=kv.get("real", []),
                  sample_note=note, verdict=verdict(rows, cfg.monitor, p.finished),
                  headline=headline_metrics(rows, data.best), kind_headline=kv.get("headline", []),
                  kind_headline_title=kv.get("headline_title", "score"),
                  metrics_hint=hint, eval_file=eval_file(data.run), facts=facts, short_cmd=short, exact_cmd=exact)


def kind_section(data) -> str:
    return render(data.kind.template, k=_kind_vars(data))


def no_samples(data) -> str:
    return render("sections/error.html.j2", message=data.generator_note)


def _tag(ratio: Optional[float]) -> Tuple[str, str]:
    if ratio is None:
        return "mid", "no scale"
    if ratio < 0.5:
        return "close", f"{ratio:.2f}× typical: look"
    return ("mid", f"{ratio:.2f}× typical") if ratio < 1 else ("far", f"{ratio:.2f}× typical")


def memorization(data) -> str:
    sample = data.gen.sample(data.memorization, seed=1)
    nb = nearest_training_items(sample, data.kind_input.dataset)
    ratios = nb.ratios()
    ctx: Dict[str, Any] = {"count": len(sample), "extractor": nb.extractor, "reference": nb.reference_size,
                           "typical": sig(nb.typical, 3) if nb.typical is not None else "unknown",
                           "image_rows": [], "vector_rows": []}
    if sample.dim() == 4:
        for q, items, dist, ratio in zip(nb.queries, nb.items, nb.distances.tolist(), ratios):
            tag, text = _tag(ratio)
            ctx["image_rows"].append({"sample": single(q, "generated sample", caption="generated"),
                                      "neighbours": [single(x, "training item", caption=f"{sig(d, 3)}")
                                                for x, d in zip(items, dist)], "tag": tag, "verdict": text})
    else:
        for i, (q, dist, ratio) in enumerate(zip(nb.queries, nb.distances.tolist(), ratios)):
            ctx["vector_rows"].append((i, ", ".join(sig(v, 3) for v in q.tolist()[:8]),
                                       ", ".join(sig(d, 3) for d in dist), sig(ratio, 3) if ratio else ""))
    return render("sections/memorization.html.j2", **ctx)


def training(data) -> str:
    train, _, rollbacks = split_rows(data.rows)
    lines = {}
    if data.cfg.monitor:
        health = HealthConfig.from_dict(data.cfg.health)
        lines = {"recall": health.collapse_recall, "overfit": health.overfit_threshold,
                 "diversity": health.collapse_spread}
    return render("sections/training.html.j2", panels=training_panels(data.rows, lines), log_every=data.cfg.log_every,
                  flagged=any(r.get("flags") for r in train), rollbacks=bool(rollbacks))


def metrics(data) -> str:
    _, evals, _ = split_rows(data.rows)
    keys = [k for k in metric_keys(evals)]
    spread = {k for r in evals for k in r if k.endswith("_std")}
    header = ["step"] + keys
    rows = [[count(r["step"])] + [_cell(r, k, spread) for k in keys] for r in evals]
    translation = data.kind is not None and data.kind.name in ("translation", "superres")
    empty = ("image-to-image runs take no training-time metrics; PSNR and SSIM against the targets are in the "
             "summary and the samples section" if translation else
             "No evaluation ran during training (set metrics=[fid] eval_every=N to evaluate while training).")
    extractor = _extractor(data)
    return render("sections/metrics.html.j2", panels=metric_panels(data.rows, data.best), evaluations=len(evals),
                  eval_n=data.cfg.eval_n, extractor=extractor, best=data.best, header=header, rows=rows,
                  empty_note=empty)


def _extractor(data) -> str:
    """The feature extractor evaluations used (``auto`` resolved as the evaluator resolves it)."""
    if data.cfg.extractor != "auto":
        return data.cfg.extractor
    if data.info.get("kind") == "vector":
        return "raw"
    return "mnist" if data.info.get("name") in MNIST_DOMAIN else "inception"


def _cell(row: Dict[str, Any], key: str, spread) -> str:
    return pm(row.get(key), row.get(key + "_std")) if key + "_std" in spread else sig(row.get(key, ""))


def progress(data) -> str:
    files = sorted((data.run / "samples").glob("step-*.png"))
    total = len(files)
    if total > STRIP_LENGTH:
        picks = sorted({round(i * (total - 1) / (STRIP_LENGTH - 1)) for i in range(STRIP_LENGTH)})
        files = [files[i] for i in picks]
    pictures = [from_file(f, f"samples at step {int(f.stem.split('-')[1])}",
                          caption=f"step {int(f.stem.split('-')[1]):,}") for f in files]
    return render("sections/progress.html.j2", pictures=pictures, total=total)


def health(data) -> str:
    p = run_progress(data.rows, data.cfg)
    v = verdict(data.rows, data.cfg.monitor, p.finished)
    rollbacks = [(count(r["step"]), count(r.get("from_step", "")), f"× {sig(r.get('lr_scale'), 3)}",
                  ", ".join(r.get("flags") or [])) for r in v.rollbacks]
    return render("sections/health.html.j2", verdict=v, spans=flag_table(v.flags), rollbacks=rollbacks)


def details(data) -> str:
    config = (data.run / "config.yaml").read_text() if (data.run / "config.yaml").exists() else "(no config.yaml)"
    data_rows = [(k, _short(v)) for k, v in data.info.items()]
    t = run_time(data.run, data.rows, data.cfg.batch_size)
    total = sum(s for _, s in t.phases) or 1.0
    bars = [(name, s, 100 * s / total, PALETTE[i % len(PALETTE)]) for i, (name, s) in enumerate(t.phases)]
    files = [(name, what) for name, what in FILES if (data.run / name).exists()]
    return render("sections/details.html.j2", config=config, data_rows=data_rows, timing=t, timing_bars=bars,
                  files=files)


def _short(value: Any) -> str:
    """A data.json value for a table cell: lists and mappings shortened, not one token per line."""
    if isinstance(value, list):
        text = ", ".join(_short(v) for v in value[:12])
        return f"[{text}{', …' if len(value) > 12 else ''}] ({len(value)})" if len(value) > 12 else f"[{text}]"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_short(v)}" for k, v in list(value.items())[:8])
    return sig(value) if isinstance(value, float) else str(value)
