"""``report.html``: one self-contained page (images embedded, figures inline SVG, no external
assets) that says what a run produced and whether it is healthy within its first screen.

Sections: the summary card (final samples beside real data, headline metrics with their best
step, the health verdict, steps, run time, the command that reproduces the run), then the run
kind's own section (see :mod:`ganforge.report.kinds`), the memorization check, training curves,
metrics over time, samples across training, health details and the run's config and files.
Each section is built on its own: one that fails becomes a note and the rest still render.
The page is rendered from Jinja2 templates in ``report/templates``.
"""
from __future__ import annotations

import json
import time
import warnings
from importlib.metadata import version as package_version
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Union

from markupsafe import Markup

from ..console import bar
from ..train.checkpoint import latest_checkpoint
from ..train.rundir import CONFIG, DATA_INFO, METRICS, load_run_config
from ..train.runlog import read_metrics
from . import sections as S
from .kinds import KindInput, find_kind
from .render import render, stylesheet

REPORT = "report.html"
TRANSLATION_EXAMPLES = 6


@dataclass
class Section:
    id: str
    nav: str
    title: str
    html: Markup


@dataclass
class ReportData:
    """Everything the section builders read: the run's files and, when given, its generator."""

    run: Path
    cfg: Any
    rows: List[Dict[str, Any]]
    info: Dict[str, Any]
    best: Optional[Dict[str, Any]]
    gen: Any = None
    generator_note: str = ""
    memorization: int = 6
    examples: int = TRANSLATION_EXAMPLES
    kind: Any = None  # the KindSpec of the generator
    kind_input: Optional[KindInput] = None
    kind_vars: Optional[Dict[str, Any]] = None
    notes: Dict[str, str] = field(default_factory=dict)


def _read_json(path: Path) -> Optional[Dict[str, Any]]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


# Sections other parts of ganforge add right after the summary card (a run diagnosis, ...):
# (id, nav label, title, build(ReportData) -> HTML or None to leave the section out).
AFTER_SUMMARY: List[tuple] = []


def _guarded(data: ReportData, sid: str, nav: str, title: str, build: Callable[[ReportData], Optional[str]]):
    """A failing section becomes a note; the rest of the report still renders."""
    try:
        html = build(data)
    except Exception as err:  # noqa: BLE001 - one broken section must not lose the report
        html = render("sections/error.html.j2", message=f"{type(err).__name__}: {err}")
    return None if html is None else Section(sid, nav, title, Markup(html))


def _stages(data: ReportData):
    """(id, nav, title, build) of every section after the summary, in page order."""
    kind = data.kind
    stages = []
    if kind is not None:
        stages.append(("samples", "Samples", kind.title, S.kind_section))
        if kind.memorization and data.memorization > 0:
            stages.append(("memorization", "Memorization", "Memorization check", S.memorization))
    elif data.generator_note:
        stages.append(("samples", "Samples", "Samples", S.no_samples))
    stages += [("training", "Training", "Training curves", S.training),
               ("metrics", "Metrics", "Metrics over time", S.metrics),
               ("progress", "Progress", "Samples across training", S.progress),
               ("health", "Health", "Health", S.health),
               ("details", "Details", "Config, data and files", S.details)]
    return stages


def build_report(run_dir: Union[str, Path], generator: Any = None, out: Union[str, Path, None] = None,
                 memorization: int = 6, examples: int = TRANSLATION_EXAMPLES, progress: Optional[bool] = None,
                 generator_note: str = "") -> Path:
    """Write ``report.html`` for a run directory (default inside it) and return its path.

    ``generator``: the run's loaded generator (``ganforge.load(run)``), or None for a run without
    a checkpoint yet (the page then leaves out samples and says why: ``generator_note``).
    ``memorization``: samples checked against the training data; ``examples``: input / output /
    target rows of image-to-image runs; ``progress``: a bar over the sections (None: on a terminal).
    """
    run = Path(run_dir)
    cfg = load_run_config(run)  # ConfigError (exit 2) when RUN is not a ganforge run
    data = ReportData(run, cfg, read_metrics(run / METRICS), _read_json(run / DATA_INFO) or {},
                      _read_json(run / "best.json"), generator, generator_note, memorization, examples)
    if generator is not None:
        data.kind = find_kind(generator)
        data.kind_input = KindInput(generator, run, examples)
    stages = _stages(data)
    sections: List[Section] = []
    with bar(len(stages) + 1, "report", "section", progress) as shown:
        for sid, nav, title, build in stages:
            shown.set_postfix_str(nav.lower())
            section = _guarded(data, sid, nav, title, build)
            if section is not None:
                sections.append(section)
            shown.update(1)
        first = [_guarded(data, "summary", "Summary", "Summary", S.summary)]
        first += [_guarded(data, *extra) for extra in AFTER_SUMMARY]
        shown.update(1)
    sections = [s for s in first if s is not None] + sections
    page = render("report.html.j2", css=Markup(stylesheet()), sections=sections, run_name=run.name,
                  recipe=cfg.name, description=" ".join(str(cfg.description or "").split()),
                  chips=S.chips(data), version=package_version("ganforge"),
                  written=time.strftime("%Y-%m-%d %H:%M"), run_dir=str(run))
    target = Path(out) if out is not None else run / REPORT
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(target)
    return target


def report_for_run(run_dir: Union[str, Path], load: Callable[[Path], Any], **options: Any) -> Path:
    """Build the report of a run, loading its generator with ``load(run_dir)`` when it has a
    checkpoint; a generator that cannot be loaded becomes a note on the page."""
    run = Path(run_dir)
    gen, note = None, "no checkpoint yet"
    if (run / CONFIG).exists() and latest_checkpoint(run) is not None:
        try:
            gen, note = load(run), ""
        except Exception as err:  # noqa: BLE001 - the rest of the report is still worth writing
            note = f"could not load the generator: {err}"
    return build_report(run, gen, generator_note=note, **options)


def report_after_training(run_dir: Path, load: Callable[[Path], Any], progress: Optional[bool] = None) -> Optional[Path]:
    """Called at the end of training: a failure warns instead of failing the finished run."""
    try:
        return report_for_run(run_dir, load, progress=progress)
    except Exception as err:  # noqa: BLE001
        warnings.warn(f"could not write {REPORT} for {run_dir}: {err}", RuntimeWarning)
        return None
