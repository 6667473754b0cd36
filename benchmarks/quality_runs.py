"""One row of benchmarks/quality.py: train one configuration for a CPU budget (or as shipped) and
score its generator. Every function runs in a worker process with one torch thread and returns a
JSON-friendly dict; the parent collects and prints them.

Scoring protocol (every row): 10,000 samples (classes cycling for conditional models) through the
shipped MNIST classifier's 128-d features against the 5,000 embedded digits: FID, KID (unbiased
MMD^2, 100 subsets of 1,000), improved precision/recall (k = 3), density/coverage (k = 5).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

import torch

HERE = Path(__file__).resolve().parent
EVAL_N = 10_000
METRICS = ["fid", "kid", "prdc"]
QUIET = ["progress=false", "report=false", "metrics=[]", "monitor=false", "tensorboard=false"]


def one_thread() -> None:
    torch.set_num_threads(1)


def die_with_parent(poll_s: float = 5.0) -> None:
    """Exit this worker once its parent is gone (a killed benchmark must not leave runs behind
    that spend the CPU its next invocation measures with)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_s)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _evaluator(data: str = "mnist", image_size: int = 32, n: int = EVAL_N):
    from ganforge.data import load_dataset
    from ganforge.metrics.run_evaluator import RunEvaluator

    return RunEvaluator(load_dataset(data, image_size), METRICS, n=n)


def score_run(run: Path, seed: int = 10_000, stacked: bool = False) -> Dict[str, float]:
    """Score a run's (EMA) generator; ``stacked``: Stacked-MNIST modes over 26,000 samples instead."""
    import ganforge

    from ganforge.metrics.run_evaluator import seeded_batches

    gen = ganforge.load(run)
    sample_fn = seeded_batches(gen.sample, seed)
    if stacked:
        from ganforge.metrics import evaluate
        from ganforge.metrics.stacked_mnist import DEFAULT_SAMPLES

        return evaluate(sample_fn, None, ["stacked_modes"], n=DEFAULT_SAMPLES, batch_size=1000)
    return _evaluator(gen.cfg.data, gen.cfg.image_size)(sample_fn)


def _timing(run: Path) -> Dict[str, Any]:
    return json.loads((run / "timing.json").read_text())


def _scaled_schedule(cfg, steps: int) -> List[str]:
    """Options counted in steps keep their share of the run (progressive growing's stages)."""
    opts = cfg.objective.kwargs()
    if "stage_steps" in opts:
        return [f"objective.stage_steps={max(1, round(opts['stage_steps'] * steps / cfg.steps))}"]
    return []


def train_steps(recipe: str, seed: int, steps: int, extra: List[str], out: Path) -> Path:
    """Train ``recipe`` for ``steps`` generator steps, quietly (no in-training evaluation, samples,
    report), one checkpoint at the end; the run directory is returned. The per-family slow tests
    call this with a table row's steps to reproduce that row."""
    import ganforge
    from ganforge.config import resolve_config

    cfg = resolve_config(recipe, extra)
    common = QUIET + [f"seed={seed}", "sample_every=1000000"] + extra
    return ganforge.train(recipe, out=out, overrides=common + [f"steps={steps}", f"checkpoint_every={steps}"]
                          + _scaled_schedule(cfg, steps))


def train_for_budget(recipe: str, seed: int, budget: float, extra: List[str], root: Path,
                     probe_steps: int = 20) -> Dict[str, Any]:
    """Train ``recipe`` for about ``budget`` CPU seconds of training steps. Two short probe runs of
    the same schedule (5 and 5 + ``probe_steps`` steps) give the marginal CPU seconds per generator
    step, first-step warm-up excluded (one probe alone overestimates cheap steps by half); the real
    run gets budget / that."""
    warm = 5
    cpu = {n: _timing(train_steps(recipe, seed, n, extra, root / f"probe{n}"))["training steps"]["cpu_s"]
           for n in (warm, warm + probe_steps)}
    per_step = max((cpu[warm + probe_steps] - cpu[warm]) / probe_steps, 1e-4)
    return train_for_steps(recipe, seed, max(probe_steps, int(budget / per_step)), extra, root)


def train_for_steps(recipe: str, seed: int, steps: int, extra: List[str], root: Path) -> Dict[str, Any]:
    """Train ``recipe`` for exactly ``steps`` generator steps and score it (``--steps``: every row
    sees the same number of images, the papers' protocol; the CPU cost per step is a column)."""
    from ganforge.config import resolve_config

    run = train_steps(recipe, seed, steps, extra, root / "run")
    train_cpu = _timing(run)["training steps"]["cpu_s"]
    return {"steps": steps, "train_cpu_s": train_cpu, "cpu_s_per_1k_steps": 1000 * train_cpu / steps,
            **score_run(run, stacked=resolve_config(recipe, extra).data == "stacked-mnist")}


def handwritten(seed: int, budget: float, data_options: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """The pytorch/examples DCGAN loop (benchmarks/handwritten_dcgan.py) for ``budget`` CPU seconds."""
    sys.path.insert(0, str(HERE))
    import handwritten_dcgan as hw
    from ganforge.data import load_dataset

    ds = load_dataset("mnist", 32, **(data_options or {}))
    images, _ = ds.get(torch.arange(len(ds)))
    from ganforge.metrics.run_evaluator import seeded_batches

    net_g, steps, cpu = hw.train(images, budget, seed)
    scores = _evaluator()(seeded_batches(lambda n, seed: hw.sample(net_g, n, seed), 10_000))
    return {"steps": steps, "train_cpu_s": cpu, "cpu_s_per_1k_steps": 1000 * cpu / steps, **scores}


def real_vs_real() -> Dict[str, Any]:
    """The floor: the 1,000 digits the MNIST classifier never saw (100 per class) scored against the
    other 4,000 with the same metrics. Only 1,000 real samples exist for this, so its FID carries
    the larger small-sample bias of n = 1,000 (KID is unbiased)."""
    from ganforge.data import load_dataset
    from ganforge.metrics import evaluate
    from ganforge.metrics.mnist_net import heldout_mask

    ds = load_dataset("mnist", 32)
    x, y = ds.get(torch.arange(len(ds)))
    held = torch.as_tensor(heldout_mask(y.numpy()))
    fake = x[held]
    pos = [0]

    def sample_fn(n: int) -> torch.Tensor:
        pos[0] += n
        return fake[pos[0] - n:pos[0]]

    scores = evaluate(sample_fn, x[~held], METRICS, extractor="mnist", n=len(fake))
    return {"n": len(fake), **scores}


def stacked_real(seed: int) -> Dict[str, Any]:
    """The Stacked MNIST floor: 26,000 real stacks of the 1,000 digits the classifier never saw
    (100 per class, so every mode is equally likely), drawn with ``seed``: what sampling noise and
    the classifier's errors alone put on the mode count and the KL."""
    from ganforge.data.embedded import embedded_digits
    from ganforge.data.stacked_mnist import stack_digits
    from ganforge.metrics.mnist_net import heldout_mask
    from ganforge.metrics.stacked_mnist import DEFAULT_SAMPLES, stacked_mnist_modes

    digits, labels = embedded_digits()
    held = torch.as_tensor(heldout_mask(labels.numpy()))
    x, _ = stack_digits(digits[held], labels[held], DEFAULT_SAMPLES, 32, seed)
    return {"n": DEFAULT_SAMPLES, **stacked_mnist_modes(x)}


def as_shipped(recipe: str, seed: int, root: Path) -> Dict[str, Any]:
    """``ganforge train RECIPE seed=S`` exactly as a user runs it (its own evaluations, samples,
    checkpoints and report) in a fresh process with one torch thread and an empty cache, so data
    decoding and real-feature statistics count too. Returns its timing.json and the final score."""
    run, cache = root / "run", root / "cache"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "GANFORGE_CACHE": str(cache)}
    cmd = [sys.executable, "-m", "ganforge", "train", recipe, f"seed={seed}", "progress=false", "--out", str(run)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
    timing = _timing(run)
    return {"steps": _last_step(run), "timing": timing, "total_cpu_s": timing["total"]["cpu_s"],
            "eval_share": timing.get("evaluation", {}).get("cpu_s", 0.0) / timing["total"]["cpu_s"],
            **score_run(run)}


def _last_step(run: Path) -> int:
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines() if line.strip()]
    return max(r["step"] for r in rows)


def run_task(task: Dict[str, Any]) -> Dict[str, Any]:
    """Worker entry point: dispatch one task dict (see quality.py's ``tasks``) and time it."""
    one_thread()
    die_with_parent()
    start = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(task["keep_dir"]) if task.get("keep_dir") else Path(tmp)  # --keep-runs
        root.mkdir(parents=True, exist_ok=True)
        kind = task["kind"]
        if kind == "recipe" and task.get("steps"):
            out = train_for_steps(task["recipe"], task["seed"], int(task["steps"]), task.get("extra", []), root)
        elif kind == "recipe":
            out = train_for_budget(task["recipe"], task["seed"], task["budget"], task.get("extra", []), root)
        elif kind == "handwritten":
            out = handwritten(task["seed"], task["budget"], task.get("data_options"))
        elif kind == "real" and task["mode"] == "stacked":
            out = stacked_real(task["seed"])
        elif kind == "real":
            out = real_vs_real()
        elif kind == "shipped":
            out = as_shipped(task["recipe"], task["seed"], root)
        else:
            raise ValueError(f"unknown task kind {kind}")
    return {**task, **{k: (float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v)
                       for k, v in out.items()}, "wall_s": time.time() - start}
