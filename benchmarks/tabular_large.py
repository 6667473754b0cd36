"""A large table: 300,000 rows x 20 columns through the tabular GAN, with its cost.

The table is constructed (seeded): 8 continuous columns (bimodal, long-tailed, with a zero point
mass), 4 integer columns, 6 categorical columns (3 to 200 levels) and 2 booleans, 5% missing in
four columns, and a binary target that depends on several of them. Measured, in process CPU
seconds with one torch thread: the encoding (typing, mixtures fitted on ``fit_rows`` sampled
rows, every row encoded ``CHUNK`` rows at a time), the training rate in rows per CPU second,
sampling, and the peak resident memory of the process. Then a column with 10,000 levels in
20,000 rows shows the category limit's message.

    OMP_NUM_THREADS=1 nice python benchmarks/tabular_large.py [--rows 300000] [--steps 200]
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_info, print_machine  # noqa: E402


def large_table(rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cols = {}
    for i in range(8):
        if i % 3 == 0:
            v = np.where(rng.random(rows) < 0.4, rng.normal(-3, 0.5, rows), rng.normal(4, 1.5, rows))
        elif i % 3 == 1:
            v = rng.lognormal(2 + i / 4, 1.0, rows)
        else:
            v = np.where(rng.random(rows) < 0.3, 0.0, rng.gamma(2.0, 10.0, rows))
        cols[f"x{i}"] = v
    for i in range(4):
        cols[f"n{i}"] = rng.integers(0, 50 * (i + 1), rows)
    for i, levels in enumerate((3, 5, 12, 30, 80, 200)):
        cols[f"c{i}"] = np.asarray([f"v{k}" for k in range(levels)])[rng.zipf(1.6, rows) % levels]
    cols["b0"], cols["b1"] = rng.random(rows) < 0.3, rng.random(rows) < 0.6
    df = pd.DataFrame(cols)
    logit = 0.8 * df["x0"] - 0.05 * df["x2"] + (df["c0"] == "v1") * 1.5 + df["b0"] * 1.0 - 0.5
    df["y"] = rng.random(rows) < 1 / (1 + np.exp(-logit))
    df = df.drop(columns=["b1"])  # 20 columns with the target
    for c in ("x1", "x4", "n2", "c3"):
        df.loc[rng.random(rows) < 0.05, c] = None
    return df


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=300_000)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--batch", type=int, default=500)
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    import ganforge
    from ganforge.data.tables import table_dataset
    from ganforge.errors import DataError

    torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))]).step()  # one-time imports before timing
    print_machine(machine_info())
    df = large_table(args.rows)
    base = peak_mb()
    started = time.process_time()
    ds = table_dataset("large", df, target="y")
    encode_s = time.process_time() - started
    with tempfile.TemporaryDirectory() as tmp:
        df.to_csv(f"{tmp}/large.csv", index=False)
        over = [f"data=csv:{tmp}/large.csv", f"steps={args.steps}", f"batch_size={args.batch}", "progress=false",
                "data_options.target=y"]
        started = time.process_time()
        run = ganforge.train("tabular-fast", out=f"{tmp}/run", overrides=over)
        train_s = time.process_time() - started
        started = time.process_time()
        synth = ganforge.load(run).sample(100_000, seed=0)
        sample_s = time.process_time() - started
    rate = args.steps * args.batch / max(train_s - encode_s, 1e-9)
    print(f"\n| rows x cols | encoded width | encode CPU s | train CPU s ({args.steps} steps x {args.batch}) "
          f"| rows / CPU s | sample 100k CPU s | peak RSS MB (table alone) |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {len(df):,} x {df.shape[1]} | {ds.x.shape[1]} | {encode_s:.1f} | {train_s:.1f} | {rate:,.0f} "
          f"| {sample_s:.1f} | {peak_mb():,.0f} ({base:,.0f}) |")
    print(f"\ntrain CPU s includes reading the CSV and encoding again; rows / CPU s = steps x batch / "
          f"(train - encode) CPU s; synthetic rows: {len(synth):,}")
    ids = pd.DataFrame({"code": [f"id{i % 10_000}" for i in range(20_000)], "x": np.arange(20_000.0)})
    try:
        table_dataset("ids", ids)
    except DataError as err:
        print(f"10,000 levels in 20,000 rows -> DataError: {err}")


if __name__ == "__main__":
    main()
