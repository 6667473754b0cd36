"""Start-up time of the command line: how long ``ganforge --help``, ``ganforge recipes`` and
friends take before they answer, and which heavy modules they import.

    python benchmarks/startup.py                    # 5 repeats of each command
    python benchmarks/startup.py --repeats 10
    python benchmarks/startup.py --compare /tmp/old # also an older checkout's src/, side by side

Each command runs in a fresh interpreter (``python -m ganforge ...``, the same code path as the
``ganforge`` script). The table gives the median CPU seconds the child process used (user +
system, from ``getrusage``; what the command costs, independent of other load on the machine)
and the median wall seconds (what a user waits; meaningful only on an idle machine), plus
whether torch was imported. The target is under 1 s for ``--help`` and ``recipes``.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_info, print_machine  # noqa: E402

COMMANDS = {
    "ganforge --help": ["--help"],
    "ganforge recipes": ["recipes"],
    "ganforge --version": ["--version"],
    "ganforge sample --help": ["sample", "--help"],
    "ganforge export --help": ["export", "--help"],
}
# Prints which heavy modules the command imported (after it ran), from inside the child.
PROBE = ("import runpy, sys, atexit\n"
         "atexit.register(lambda: sys.stderr.write('HEAVY=' + ','.join(m for m in ('torch', 'pandas', 'scipy', "
         "'sklearn', 'matplotlib', 'pydantic') if m in sys.modules) + '\\n'))\n"
         "sys.argv = ['ganforge'] + sys.argv[1:]\n"
         "runpy.run_module('ganforge', run_name='__main__')\n")


def run_once(args, src=None):
    """(cpu seconds, wall seconds, heavy modules imported) of one fresh ``python -m ganforge ARGS``
    (``src``: a checkout's ``src`` folder put first on the path)."""
    env = {**os.environ, "PYTHONWARNINGS": "default"}
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{args} failed: {proc.stderr[-500:]}")
    heavy = next((line[6:] for line in proc.stderr.splitlines() if line.startswith("HEAVY=")), "")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, heavy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--compare", type=Path, help="another checkout whose src/ is measured alongside")
    args = parser.parse_args()
    sources = [("this", None)] + ([(str(args.compare), args.compare / "src")] if args.compare else [])
    rows = []
    for label, argv in COMMANDS.items():
        for name, src in sources:
            try:  # interleaved, so both checkouts see the same machine load
                runs = [run_once(argv, src) for _ in range(args.repeats)]
            except SystemExit as failed:  # an older checkout may lack a command
                rows.append((label, name, float("nan"), float("nan"), str(failed)[:40]))
                continue
            rows.append((label, name, statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs),
                         runs[-1][2] or "none"))
    print(f"| command | code | CPU s (median of {args.repeats}) | wall s | heavy modules imported |")
    print("| --- | --- | ---: | ---: | --- |")
    for label, name, cpu, wall, heavy in rows:
        print(f"| `{label}` | {name} | {cpu:.3f} | {wall:.3f} | {heavy} |")
    info = machine_info()
    info["load_avg_1min"] = round(os.getloadavg()[0], 2)
    print_machine(info)


if __name__ == "__main__":
    main()
