"""Media benchmark: the video, audio and text recipes, each trained for the same CPU budget.

For each recipe: two timing runs (0 and ``--probe`` steps) give the process CPU seconds per
generator step without start-up; a run of ``--budget`` CPU seconds' worth of steps is then
trained from scratch with the recipe's settings (training-time metrics off) and its EMA
generator is scored with the recipe's own metrics on ``--eval-n`` samples. Reference rows score
samples that need no training, with the same evaluator: fresh data (another seed: what a
perfect generator scores at this sample count) and trivial baselines (frozen or shuffled frames,
white noise, random letters, a character bigram model). Prints one markdown table per recipe
plus the machine line; ``--json`` saves the rows, ``--from-results`` reprints them.

    OMP_NUM_THREADS=1 python benchmarks/media.py --budget 300
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable, Dict, List

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_info, print_machine  # noqa: E402

import ganforge  # noqa: E402
from ganforge.config import resolve_config  # noqa: E402
from ganforge.data import load_dataset  # noqa: E402
from ganforge.data.text import encode  # noqa: E402
from ganforge.metrics.run_evaluator import RunEvaluator  # noqa: E402

RECIPES = ["video-mnist", "wavegan-notes", "textgan-words"]
QUIET = ["progress=false", "metrics=[]", "report=false", "tensorboard=false"]
COLUMNS = {
    "video-mnist": ["fid", "kid", "identity_consistency", "frame_confidence"],
    "wavegan-notes": ["notes_covered", "notes_high_quality", "notes_reverse_kl", "pitches_covered",
                      "timbres_covered", "fid", "is"],
    "textgan-words": ["real_words", "novel", "novel_real_words", "unique", "js_1", "js_2", "js_3", "js_4"],
}
METRICS = {"video-mnist": ["fid", "kid", "temporal"], "wavegan-notes": ["notes", "fid", "is"],
           "textgan-words": ["words", "ngrams"]}


def cpu_train(recipe: str, steps: int, out: Path, extra: List[str]) -> float:
    """Process CPU seconds of one training run of ``steps`` steps."""
    start = time.process_time()
    ganforge.train(recipe, out=out, overrides=QUIET + [f"steps={steps}", f"checkpoint_every={max(steps, 1)}",
                                                       f"sample_every={max(steps, 1)}"] + extra)
    return time.process_time() - start


def stream(x_fn: Callable[[torch.Tensor], torch.Tensor], total: int) -> Callable[[int], torch.Tensor]:
    """A sample function handing out consecutive rows 0, 1, ... of ``x_fn(index)``."""
    state = {"i": 0}

    def draw(n: int) -> torch.Tensor:
        i = state["i"] % max(total - n, 1)
        state["i"] += n
        return x_fn(torch.arange(i, i + n))

    return draw


def video_references(cfg) -> Dict[str, Callable[[int], torch.Tensor]]:
    fresh = load_dataset(cfg.data, cfg.image_size, **{**cfg.data_options, "seed": 1})
    clips = lambda idx: fresh.get(idx)[0]  # noqa: E731

    def frozen(idx):
        x = clips(idx)
        return x[:, :, :1].expand_as(x).contiguous()

    def shuffled(idx):
        x = clips(idx)
        frames = x.transpose(1, 2).reshape(-1, *x.shape[1:2], *x.shape[3:])
        order = torch.randperm(len(frames), generator=torch.Generator().manual_seed(int(idx[0])))
        return frames[order].reshape(x.shape[0], x.shape[2], *x.shape[1:2], *x.shape[3:]).transpose(1, 2)

    return {"data (seed 1)": stream(clips, len(fresh)), "first frame repeated": stream(frozen, len(fresh)),
            "frames shuffled across clips": stream(shuffled, len(fresh))}


def audio_references(cfg) -> Dict[str, Callable[[int], torch.Tensor]]:
    fresh = load_dataset(cfg.data, cfg.image_size, **{**cfg.data_options, "seed": 1})
    g = torch.Generator().manual_seed(0)
    noise = lambda n: 0.3 * torch.randn(n, *fresh.shape, generator=g)  # noqa: E731
    return {"data (seed 1)": stream(lambda idx: fresh.get(idx)[0], len(fresh)), "white noise": noise}


def bigram_words(train: List[str], n: int, rng: random.Random, max_len: int, min_len: int = 0) -> List[str]:
    """Strings from a character bigram model of the training words (with start and end), cut at
    ``max_len``. With ``min_len`` a string is drawn again until it ends by itself within
    ``min_len``..``max_len`` letters, the lengths of the training words (a bigram model writes a
    quarter of its strings with one or two letters, most of them dictionary words)."""
    follow: Dict[str, Counter] = defaultdict(Counter)
    for w in train:
        for a, b in zip("^" + w, w + "$"):
            follow[a][b] += 1
    out = []
    while len(out) < n:
        s, c, ended = "", "^", False
        while len(s) < max_len:
            options = follow[c]
            c = rng.choices(list(options), weights=list(options.values()))[0]
            if c == "$":
                ended = True
                break
            s += c
        if not min_len or (ended and len(s) >= min_len):
            out.append(s)
    return out


def text_references(cfg, dataset) -> Dict[str, Callable[[int], torch.Tensor]]:
    rng = random.Random(0)
    train, vocab, length = dataset.words(), dataset.vocab, dataset.shape[0]
    letters = Counter("".join(train))
    lengths = Counter(len(w) for w in train)

    def as_samples(words: List[str]) -> torch.Tensor:
        return F.one_hot(torch.from_numpy(encode(words, vocab, length)).long(), len(vocab)).float()

    def unigram(n: int) -> torch.Tensor:
        return as_samples(["".join(rng.choices(list(letters), weights=list(letters.values()),
                                               k=rng.choices(list(lengths), weights=list(lengths.values()))[0]))
                           for _ in range(n)])

    held = sorted(dataset.heldout)
    rng.shuffle(held)
    return {"held-out words (never trained on)": stream(lambda idx: as_samples([held[i] for i in idx.tolist()]),
                                                       len(held)),
            "random letters (training letter and length frequencies)": unigram,
            "character bigram model of the training words": lambda n: as_samples(bigram_words(train, n, rng, length)),
            "the same, drawn again until within the training lengths": lambda n: as_samples(
                bigram_words(train, n, rng, length, min(lengths)))}


def budget_steps(recipe: str, pretrain: int, budget: float, probe: int, setup: float, root: Path,
                 extra: List[str]) -> int:
    """Generator steps that fit ``budget`` CPU seconds, from a timing run of ``probe`` steps. A
    recipe whose first ``pretrain`` steps are a cheaper phase (``objective.pretrain_steps``) is
    timed per phase, each as the difference between a run of k and one of 2k steps of that phase
    (k = ``probe``, 20 x ``probe`` for the cheap phase), which cancels the start-up cost."""
    def per_step(name: str, more: List[str], k: int) -> float:
        runs = [cpu_train(recipe, n, root / f"{recipe}-{name}-{n}", extra + more) for n in (k, 2 * k)]
        return max(runs[1] - runs[0], 1e-6) / k

    if not pretrain:
        return max(probe, int(budget / (max(cpu_train(recipe, probe, root / f"{recipe}-probe", extra) - setup, 1e-6)
                                        / probe)))
    first = per_step("pretrain", [f"objective.pretrain_steps={10 ** 9}"], 20 * probe)
    if budget <= pretrain * first:
        return max(probe, int(budget / first))
    later = per_step("gan", ["objective.pretrain_steps=0"], probe)
    return pretrain + max(probe, int((budget - pretrain * first) / later))


def bench(recipe: str, budget: float, probe: int, eval_n: int, root: Path, extra: List[str]) -> List[dict]:
    cfg = resolve_config(recipe, extra)
    setup = cpu_train(recipe, 0, root / f"{recipe}-setup", extra)
    pretrain = int(cfg.objective.get("pretrain_steps", 0) or 0)
    steps = budget_steps(recipe, pretrain, budget, probe, setup, root, extra)
    run = root / recipe
    spent = cpu_train(recipe, steps, run, extra) - setup
    dataset = load_dataset(cfg.data, cfg.image_size, **cfg.data_options)
    evaluator = RunEvaluator(dataset, METRICS[recipe], n=eval_n)
    gen = ganforge.load(run)
    counter = {"seed": 0}

    def draw(n: int):
        counter["seed"] += 1
        return gen.sample(n, seed=counter["seed"] * 1_000_003)

    start = time.process_time()
    phases = f", the first {min(pretrain, steps)} likelihood pre-training" if pretrain else ""
    rows = [{"recipe": recipe, "samples": f"model ({steps} steps{phases}, {spent:.0f} CPU s)", "steps": steps,
             "train_cpu_s": round(spent, 1), **evaluator(draw)}]
    eval_cpu = time.process_time() - start
    refs = {"video-mnist": lambda: video_references(cfg), "wavegan-notes": lambda: audio_references(cfg),
            "textgan-words": lambda: text_references(cfg, dataset)}[recipe]()
    for name, fn in refs.items():
        rows.append({"recipe": recipe, "samples": name, **evaluator(fn)})
    rows[0]["eval_cpu_s"] = round(eval_cpu, 1)
    return rows


def table(rows: List[dict], recipe: str) -> str:
    cols = ["samples"] + COLUMNS[recipe]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        cells = [f"{r[c]:.4g}" if isinstance(r.get(c), float) else str(r.get(c, "")) for c in cols]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report(rows: List[dict], info: dict, budget: float, eval_n: int) -> None:
    for recipe in dict.fromkeys(r["recipe"] for r in rows):
        part = [r for r in rows if r["recipe"] == recipe]
        print(f"\n#### {recipe}: {budget:.0f} CPU s of training, {eval_n} samples per row "
              f"(evaluation of the model: {part[0].get('eval_cpu_s', '?')} CPU s)\n")
        print(table(part, recipe))
    print()
    print_machine(info)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=300.0, help="process CPU seconds of training per recipe")
    parser.add_argument("--probe", type=int, default=10, help="steps of the timing run")
    parser.add_argument("--eval-n", type=int, default=500)
    parser.add_argument("--recipes", default=",".join(RECIPES))
    parser.add_argument("--json", type=Path, default=None, help="save the rows here")
    parser.add_argument("--from-results", type=Path, default=None, help="reprint saved rows instead of running")
    args = parser.parse_args()
    if args.from_results:
        saved = json.loads(args.from_results.read_text())
        report(saved["rows"], saved["machine"], saved["budget_s"], saved["eval_n"])
        return
    torch.set_num_threads(1)
    rows: List[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        for recipe in args.recipes.split(","):
            rows += bench(recipe, args.budget, args.probe, args.eval_n, Path(tmp), [])
            print(f"done {recipe}: {rows[-1]}", file=sys.stderr, flush=True)
            if args.json:  # keep what is done if a later recipe fails
                args.json.write_text(json.dumps({"machine": machine_info(), "budget_s": args.budget,
                                                 "eval_n": args.eval_n, "rows": rows}, indent=1))
    report(rows, machine_info(), args.budget, args.eval_n)


if __name__ == "__main__":
    torch.manual_seed(0)
    main()
