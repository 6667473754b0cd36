"""Training throughput: the ganforge Trainer versus a minimal hand-written loop of the same
networks, loss and optimizers, measured side by side (interleaved repeats) in one run.

    python benchmarks/throughput.py                 # DCGAN-32, DCGAN-64 and the default recipe's shape
    python benchmarks/throughput.py --models default --steps 20   # the default recipe's shape only
    python benchmarks/throughput.py --compile       # also torch.compile rows (slow to warm up on CPU)

Prints a markdown table (images/s, overhead ratio = Trainer / hand-written time per step) with
the machine it ran on, and appends JSON lines to benchmarks/results/throughput.jsonl. With one torch
thread on a CPU (OMP_NUM_THREADS=1) steps are timed in process CPU seconds, which a shared machine
does not distort; otherwise in wall seconds.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_info, print_machine  # noqa: E402

from ganforge.config import resolve_config  # noqa: E402
from ganforge.nets.generate import generate  # noqa: E402
from ganforge.train.rundir import prepare_new  # noqa: E402
from ganforge.train.trainer import Trainer  # noqa: E402

MODELS = {
    "dcgan-32": ["image_size=32", "generator.width=64", "discriminator.width=64", "batch_size=64"],
    "dcgan-64": ["image_size=64", "generator.width=64", "discriminator.width=64", "batch_size=64"],
    # the default recipe's own shape (widths, image size, batch size) with the step the hand-written
    # loop computes (non-saturating loss, no augmentation or penalty)
    "default": ["loss=ns", "augment.name=none", "regularizer=none", "channels_last=false"],
}
COMMON = ["ema=0", "monitor=false", "metrics=[]", "progress=false"]


def make_trainer(model: str, extra, root: Path) -> Trainer:
    cfg = resolve_config("dcgan-mnist", COMMON + MODELS[model] + list(extra))
    run = Path(tempfile.mkdtemp(dir=root))
    prepare_new(run, cfg)
    return Trainer(cfg, run)


def hand_written_step(t: Trainer, real_batches):
    """The same computation written out by hand: a D step on real and fresh (no-grad) fakes, then a
    G step on new fakes with D frozen, non-saturating loss, Adam on both."""
    G, D, z_dim = t.objective.generator, t.objective.discriminator, t.cfg.z_dim
    real = next(real_batches)
    with torch.no_grad():
        fake = G(torch.randn(real.shape[0], z_dim, device=real.device))
    loss_d = F.softplus(-D(real).logits).mean() + F.softplus(D(fake).logits).mean()
    t.opt_d.zero_grad(set_to_none=True)
    loss_d.backward()
    t.opt_d.step()
    real = next(real_batches)
    D.requires_grad_(False)
    loss_g = F.softplus(-D(G(torch.randn(real.shape[0], z_dim, device=real.device))).logits).mean()
    t.opt_g.zero_grad(set_to_none=True)
    loss_g.backward()
    t.opt_g.step()
    D.requires_grad_(True)


def batches(t: Trainer):
    while True:
        x, _ = t.stream.next()
        x = x.to(t.device)
        yield x.contiguous(memory_format=torch.channels_last) if t.channels_last else x


def clock():
    """Process CPU time for a single-threaded CPU run (stays meaningful on a machine shared with other
    jobs, where wall time is not); wall time otherwise (several threads, or a GPU)."""
    if not torch.cuda.is_available() and torch.get_num_threads() == 1:
        return time.process_time
    return time.perf_counter


def time_steps(fn, steps: int) -> float:
    start = clock()()
    for _ in range(steps):
        fn()
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return (clock()() - start) / steps


def measure(model: str, extra, steps: int, repeats: int, root: Path) -> dict:
    trainer = make_trainer(model, extra, root)
    hand = make_trainer(model, extra, root)
    stream = batches(hand)
    for _ in range(3):  # warm-up (and compilation)
        trainer.train_step(False)
        hand_written_step(hand, stream)
    t_trainer, t_hand = [], []
    for _ in range(repeats):  # interleaved so both see the same machine load
        t_trainer.append(time_steps(lambda: trainer.train_step(False), steps))
        t_hand.append(time_steps(lambda: hand_written_step(hand, stream), steps))
    bs = trainer.cfg.batch_size
    if model == "default":
        g, d = trainer.cfg.generator.kwargs().get("width"), trainer.cfg.discriminator.kwargs().get("width")
        model = f"dcgan-mnist (width {g}/{d}, {trainer.cfg.image_size} px, batch {bs})"
    z = torch.randn(512, trainer.cfg.z_dim, device=trainer.device)
    generate(trainer.generator, z[:256], None, batch_size=256)  # warm-up at the timed shape (compile)
    start = clock()()
    generate(trainer.generator, z, None, batch_size=256)
    sample_ips = 512 / (clock()() - start)
    tt, th = statistics.median(t_trainer), statistics.median(t_hand)
    return {"model": model, "options": " ".join(extra) or "eager", "batch": bs, "trainer_img_s": bs / tt,
            "hand_img_s": bs / th, "overhead": tt / th, "sample_img_s": sample_ips}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=10, help="steps per timed repeat")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--compile", action="store_true", help="add torch.compile rows")
    args = ap.parse_args()
    variants = [[], ["channels_last=true"]] + ([["compile=true"]] if args.compile else [])
    info = machine_info()
    rows = []
    with tempfile.TemporaryDirectory() as root:
        for model in args.models.split(","):
            for extra in variants:
                rows.append(measure(model, extra, args.steps, args.repeats, Path(root)))
    print_machine(info)
    print(f"clock: {'process CPU time (one thread)' if clock() is time.process_time else 'wall time'}")
    print("| model | options | Trainer img/s | hand-written img/s | overhead ratio | sampling img/s |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(f"| {r['model']} | {r['options']} | {r['trainer_img_s']:.0f} | {r['hand_img_s']:.0f} | "
              f"{r['overhead']:.3f} | {r['sample_img_s']:.0f} |")
    base = {r["model"]: r["trainer_img_s"] for r in rows if r["options"] == "eager"}
    for r in rows:
        if r["options"] != "eager":
            print(f"{r['model']} {r['options']}: {r['trainer_img_s'] / base[r['model']]:.2f}x eager Trainer speed")
    out = Path(__file__).resolve().parent / "results" / "throughput.jsonl"
    out.parent.mkdir(exist_ok=True)
    with open(out, "a") as fh:
        for r in rows:
            fh.write(json.dumps({**r, **info, "time": time.strftime("%Y-%m-%dT%H:%M:%S")}) + "\n")


if __name__ == "__main__":
    main()
