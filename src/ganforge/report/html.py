"""``report.html``: one self-contained page (images embedded as base64) describing a run.

Sections: config, training curves (losses, D(real)/D(fake) and r_t, gradient norms) with
health flags and rollbacks marked, evaluation metrics over time with the best step, samples
across training, health events, final samples (per class for conditional models; scatter
over the modes for 2-D data; per-column histograms for tables) and a memorization check.
Image-to-image runs show input / output / target examples with PSNR and SSIM instead of the
last two, which need a generator that draws from noise.
"""
from __future__ import annotations

import html
import json
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import torch

from ..data import load_dataset
from ..errors import ConfigError
from ..images import make_grid
from ..loading import load_generator
from ..train.checkpoint import latest_checkpoint
from ..train.rundir import CONFIG, DATA_INFO, METRICS, load_run_config
from ..train.runlog import read_metrics
from ..translate.quality import mean_db
from .embed import array_uri, figure_uri, file_uri, pyplot
from .memorize import nearest_training_items
from .tables import column_histograms
from .timeline import flag_events, metric_keys, metrics_figure, split_rows, training_figure
from .translation import example_data, is_translation_run, translation_examples

REPORT = "report.html"
STRIP_LENGTH = 8
TRANSLATION_EXAMPLES = 6

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}
h1{margin-bottom:0}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
pre{background:#f6f6f6;padding:1em;overflow:auto;font-size:12px;max-height:30em}
img{max-width:100%;image-rendering:pixelated}table{border-collapse:collapse;font-size:13px}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}.strip{display:flex;gap:8px;overflow-x:auto}
.strip figure{margin:0;text-align:center;font-size:12px}.strip img{width:160px}.muted{color:#777}
.nn{display:flex;gap:6px;align-items:flex-end;margin-bottom:6px;font-size:11px}.nn img{width:64px}
.nn figure{margin:0;text-align:center}.gen{outline:2px solid #36c}
.tri{display:flex;gap:8px;margin:8px 0;font-size:11px}.tri figure{margin:0;text-align:center}
.tri img{width:128px}
"""


def _esc(value: Any) -> str:
    return html.escape(str(value))


def _img(uri: str, alt: str, cls: str = "") -> str:
    return f'<img src="{uri}" alt="{_esc(alt)}"{f" class={cls!r}" if cls else ""}>'


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _read_json(path: Path) -> Optional[Dict[str, Any]]:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


# -- sections: each returns an HTML fragment ---------------------------------------------
def section_config(run: Path, info: Optional[Dict[str, Any]]) -> str:
    text = (run / CONFIG).read_text() if (run / CONFIG).exists() else "(no config.yaml)"
    data = f"<pre>{_esc(json.dumps(info, indent=1)[:4000])}</pre>" if info else ""
    return f"<h2 id='config'>Config</h2><pre>{_esc(text)}</pre>{data}"


def section_training(rows: List[Dict[str, Any]]) -> str:
    uri = training_figure(rows)
    body = _img(uri, "training curves") if uri else "<p class='muted'>nothing logged yet</p>"
    return ("<h2 id='training'>Training curves</h2><p class='muted'>orange: health flags; red dashed: "
            f"rollbacks</p>{body}")


def section_metrics(rows: List[Dict[str, Any]], best: Optional[Dict[str, Any]], translation: bool = False) -> str:
    _, evals, _ = split_rows(rows)
    out = "<h2 id='metrics'>Metrics over time</h2>"
    if not evals and translation:
        return out + ("<p class='muted'>image-to-image runs take no training-time metrics; PSNR and SSIM "
                      "against the targets are under <a href='#triplets'>input / output / target</a></p>")
    if not evals:
        return out + "<p class='muted'>no evaluation ran (set metrics=fid,... to evaluate during training)</p>"
    if best:
        out += f"<p>best {_esc(best.get('metric'))} = {_esc(best.get('value'))} at step {_esc(best.get('step'))}</p>"
    uri = metrics_figure(rows, best)
    keys = metric_keys(evals)
    last = evals[-1]
    out += _img(uri, "metrics over time") if uri else ""
    return out + _table(["metric", f"step {last['step']}"], [(k, last.get(k)) for k in keys])


def section_strip(run: Path) -> str:
    files = sorted((run / "samples").glob("step-*.png"))
    out = "<h2 id='progress'>Samples across training</h2>"
    if not files:
        return out + "<p class='muted'>no sample images yet</p>"
    if len(files) > STRIP_LENGTH:
        picks = [round(i * (len(files) - 1) / (STRIP_LENGTH - 1)) for i in range(STRIP_LENGTH)]
        files = [files[i] for i in sorted(set(picks))]
    figs = "".join(f"<figure>{_img(file_uri(f), f.stem)}<figcaption>step {int(f.stem.split('-')[1])}"
                   "</figcaption></figure>" for f in files)
    return out + f"<div class='strip'>{figs}</div>"


def section_health(rows: List[Dict[str, Any]]) -> str:
    train, _, rollbacks = split_rows(rows)
    out = "<h2 id='health'>Health flags and rollbacks</h2>"
    events = flag_events(train)
    if not events and not rollbacks:
        return out + "<p>no health flags were raised</p>"
    grouped: Dict[str, List[int]] = {}
    for step, name in events:
        grouped.setdefault(name, []).append(step)
    if grouped:
        out += _table(["flag", "times", "first step", "last step"],
                      [(n, len(s), s[0], s[-1]) for n, s in grouped.items()])
    if rollbacks:
        out += "<h3>Rollbacks</h3>" + _table(
            ["at step", "back to", "lr scale", "because"],
            [(r["step"], r.get("from_step"), r.get("lr_scale"), ", ".join(r.get("flags") or [])) for r in rollbacks])
    return out


def _per_class_grid(gen, per_class: int = 8) -> Tuple[str, str]:
    k = min(gen.num_classes, 16)
    labels = torch.arange(k).repeat_interleave(per_class)
    images = gen.sample(len(labels), seed=0, labels=labels)
    names = gen.info.get("class_names") or [str(i) for i in range(k)]
    caption = "rows: classes " + ", ".join(str(n) for n in names[:k])
    return array_uri(make_grid(images, per_class)), caption


def _scatter(points: torch.Tensor, info: Dict[str, Any]) -> str:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(4.5, 4.5), dpi=100)
    pts = points.numpy()
    ax.scatter(pts[:, 0], pts[:, 1], s=3, alpha=0.5, label="samples")
    means = (info.get("modes") or {}).get("means")
    if means:
        m = torch.tensor(means).numpy()
        ax.scatter(m[:, 0], m[:, 1], marker="x", s=50, c="red", label="true modes")
    ax.set_aspect("equal")
    ax.legend(fontsize=7)
    return figure_uri(fig)


def section_final(gen, dataset) -> str:
    out = "<h2 id='final'>Final samples</h2>"
    if gen.num_classes and gen.kind == "image":
        uri, caption = _per_class_grid(gen)
        return out + f"<p>{_esc(caption)}</p>" + _img(uri, "samples per class")
    sample = gen.sample(64 if gen.kind == "image" else 1000, seed=0)
    if _is_frame(sample):
        real = _real_frame(dataset)
        uri = column_histograms(sample, real)
        note = "" if real is not None else "<p class='muted'>real columns unavailable; synthetic only</p>"
        return out + note + (_img(uri, "column histograms") if uri else "") + sample.head(10).to_html()
    if sample.dim() == 4:
        return out + _img(array_uri(make_grid(sample)), "final samples")
    if sample.dim() == 2 and sample.shape[1] == 2:
        return out + _img(_scatter(sample, gen.info), "final samples over the modes")
    stats = [(i, f"{c.mean():.3f}", f"{c.std():.3f}") for i, c in enumerate(sample.T[:32])]
    return out + _table(["dimension", "mean", "std"], stats)


def _is_frame(obj: Any) -> bool:
    return type(obj).__name__ == "DataFrame" and hasattr(obj, "columns")


def _real_frame(dataset):
    frame = getattr(dataset, "frame", None)
    if callable(frame):
        frame = frame()
    return frame if _is_frame(frame) else None


def section_memorization(gen, dataset, n: int = 6) -> str:
    out = "<h2 id='memorization'>Memorization check</h2>"
    sample = gen.sample(n, seed=1)
    if not isinstance(sample, torch.Tensor):
        return out + "<p class='muted'>not available for this kind of sample</p>"
    nb = nearest_training_items(sample, dataset)
    out += (f"<p>Nearest training items of {n} generated samples ({_esc(nb.extractor)} features, "
            f"searched {nb.reference_size} training items). A distance far below the typical spacing "
            "between distinct training items")
    out += (f" ({nb.typical:.3f})" if nb.typical is not None else "") + " suggests a copy.</p>"
    if sample.dim() != 4:
        rows = [(i, ", ".join(f"{v:.3f}" for v in q.tolist()), ", ".join(f"{d:.3f}" for d in dist.tolist()))
                for i, (q, dist) in enumerate(zip(nb.queries, nb.distances))]
        return out + _table(["sample", "value", "nearest distances"], rows)
    for q, items, dist in zip(nb.queries, nb.items, nb.distances):
        cells = f"<figure>{_img(array_uri(make_grid(q[None], pad=0)), 'generated', 'gen')}<br>generated</figure>"
        for item, d in zip(items, dist.tolist()):
            cells += f"<figure>{_img(array_uri(make_grid(item[None], pad=0)), 'training item')}<br>{d:.3f}</figure>"
        out += f"<div class='nn'>{cells}</div>"
    return out


def _caption(panel) -> str:
    notes = [f"{panel.psnr:.2f} dB" if panel.psnr is not None else "",
             f"SSIM {panel.ssim:.3f}" if panel.ssim is not None else "",
             f"cycle error {panel.cycle_error:.4f}" if panel.cycle_error is not None else ""]
    return "<br>".join([_esc(panel.label)] + [n for n in notes if n])


def _score_table(rows) -> str:
    """Mean scores of each scored column (output, bicubic, cycle) over the examples."""
    columns: Dict[str, List[Any]] = {}
    for panel in (p for row in rows for p in row if p.psnr is not None or p.cycle_error is not None):
        columns.setdefault(panel.label, []).append(panel)

    def mean(values: List[Optional[float]], fmt: str) -> str:
        values = [v for v in values if v is not None]
        return format(sum(values) / len(values), fmt) if values else ""

    table = []
    for label, panels in columns.items():
        db = [p.psnr for p in panels if p.psnr is not None]
        table.append((label, f"{mean_db(torch.tensor(db, dtype=torch.float64)):.2f}" if db else "",
                      mean([p.ssim for p in panels], ".4f"), mean([p.cycle_error for p in panels], ".4f")))
    return _table(["column", "mean PSNR (dB)", "mean SSIM", "mean cycle error"], table) if table else ""


def section_triplets(gen, dataset, source: str, n: int = TRANSLATION_EXAMPLES) -> str:
    rows = translation_examples(gen, dataset, n)
    out = "<h2 id='triplets'>Input / output / target</h2>"
    where = "held-out data, never used in training" if source == "held-out" else "training data (no held-out split)"
    out += (f"<p>{len(rows)} examples from {_esc(dataset.name)}, {where}. PSNR and SSIM compare the 8-bit "
            "output with the target; the cycle error is the mean absolute round-trip error on [0, 1].</p>")
    out += _score_table(rows)
    for row in rows:
        cells = "".join(f"<figure>{_img(array_uri(make_grid(p.image[None], pad=0)), p.label)}"
                        f"<figcaption>{_caption(p)}</figcaption></figure>" for p in row)
        out += f"<div class='tri'>{cells}</div>"
    return out


# -- assembly -----------------------------------------------------------------------------
def _guarded(title: str, build: Callable[[], str]) -> str:
    """A failing section becomes a note; the rest of the report still renders."""
    try:
        return build()
    except Exception as err:  # noqa: BLE001 - one broken section must not lose the report
        return f"<h2>{_esc(title)}</h2><p class='muted'>could not build this section: {_esc(err)}</p>"


def _is_translation(run: Path) -> bool:
    try:
        return is_translation_run(load_run_config(run))
    except Exception:  # noqa: BLE001 - an unreadable config shows in its own section
        return False


def build_report(run_dir: Union[str, Path], out: Union[str, Path, None] = None, memorization: int = 6,
                 examples: int = TRANSLATION_EXAMPLES) -> Path:
    """Write ``report.html`` for a run directory (default inside it) and return its path.
    ``memorization``: samples checked against the training data (noise-to-image runs);
    ``examples``: input / output / target examples (image-to-image runs)."""
    run = Path(run_dir)
    if not (run / CONFIG).exists():
        raise ConfigError(f"'{run}' is not a ganforge run (no {CONFIG}); pass a directory made by ganforge train")
    rows = read_metrics(run / METRICS)
    info = _read_json(run / DATA_INFO)
    best = _read_json(run / "best.json")
    translation = _is_translation(run)
    parts = [_guarded("Config", lambda: section_config(run, info)),
             _guarded("Training curves", lambda: section_training(rows)),
             _guarded("Metrics over time", lambda: section_metrics(rows, best, translation)),
             _guarded("Samples across training", lambda: section_strip(run)),
             _guarded("Health", lambda: section_health(rows))]
    parts += _generator_sections(run, memorization, examples, translation)
    steps = max((r["step"] for r in rows), default=0)
    title = f"ganforge report: {run.name}"
    links = [("config", "config"), ("training", "curves"), ("metrics", "metrics"), ("progress", "progress"),
             ("health", "health")]
    links += [("triplets", "input / output / target")] if translation else [("final", "samples"),
                                                                            ("memorization", "memorization")]
    nav = " · ".join(f"<a href='#{a}'>{t}</a>" for a, t in links)
    page = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{_esc(title)}</title>"
            f"<style>{_STYLE}</style></head><body><h1>{_esc(title)}</h1>"
            f"<p class='muted'>{_esc(info.get('name') if info else '?')} · {steps} steps logged</p><p>{nav}</p>"
            + "".join(parts) + "</body></html>")
    target = Path(out) if out is not None else run / REPORT
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(target)
    return target


def _generator_sections(run: Path, memorization: int, examples: int, translation: bool) -> List[str]:

    heading = ("<h2 id='triplets'>Input / output / target</h2>" if translation
               else "<h2 id='final'>Final samples</h2>")
    if latest_checkpoint(run) is None:
        return [heading + "<p class='muted'>no checkpoint yet</p>"]
    try:
        gen = load_generator(run)
        cfg = gen.cfg
        if translation:
            dataset, source = example_data(cfg)
        else:
            dataset = load_dataset(cfg.data, cfg.image_size, **cfg.data_options)
    except Exception as err:  # noqa: BLE001
        return [heading + f"<p class='muted'>could not load the run: {_esc(err)}</p>"]
    if translation:
        return [_guarded("Input / output / target", lambda: section_triplets(gen, dataset, source, examples))]
    parts = [_guarded("Final samples", lambda: section_final(gen, dataset))]
    if memorization > 0:
        parts.append(_guarded("Memorization check", lambda: section_memorization(gen, dataset, memorization)))
    return parts


def report_after_training(run_dir: Path) -> Optional[Path]:
    """Called at the end of training: a failure warns instead of failing the finished run."""
    try:
        return build_report(run_dir)
    except Exception as err:  # noqa: BLE001
        warnings.warn(f"could not write {REPORT} for {run_dir}: {err}", RuntimeWarning)
        return None
