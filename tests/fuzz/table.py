"""Running the whole fuzz table outside pytest: every case, its outcome, the counts.

``benchmarks/reliability.py`` prints this as the README's reliability tables."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Dict, List, Tuple

from .cases import BAD_INVOCATIONS, USES, corrupt_cases, damage_run, make_files
from .harness import Outcome, copy_of, invoke, train_tiny, tree_state


def fill(args: List[str], names: Dict[str, str]) -> List[str]:
    return [a.format(**names) for a in args]


def trained_runs(root: Path) -> Dict[str, Path]:
    """The finished runs the cases start from: a 2-D run and an image run."""
    return {"run": train_tiny("ring8", root / "ring8"),
            "img": train_tiny("dcgan-mnist", root / "mnist", ["image_size=16", "generator.width=8",
                                                              "discriminator.width=8"])}


def run_bad_invocation(args: List[str], work: Path, runs: Dict[str, Path]) -> Tuple[Outcome, bool]:
    """(outcome, whether the working folder and the runs were left exactly as they were)."""
    before = {name: tree_state(path) for name, path in [("work", work), *runs.items()]}
    outcome = invoke(fill(args, {k: str(v) for k, v in runs.items()}), work)
    after = {name: tree_state(path) for name, path in [("work", work), *runs.items()]}
    return outcome, before == after


def run_corrupt_case(damage: str, where: str, use: str, run: Path, work: Path) -> Tuple[Outcome, bool]:
    with copy_of(run, work / "damaged") as copy:
        damage_run(copy, damage, where)
        before = tree_state(copy), tree_state(work)
        outcome = invoke(fill(USES[use], {"run": str(copy)}), work)
        return outcome, before == (tree_state(copy), tree_state(work))


def run_all() -> Dict[str, List[Tuple[str, str, Outcome, bool]]]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        runs = trained_runs(root / "runs")
        work = root / "work"
        work.mkdir()
        make_files(work)
        bad = [(name, " ".join(args), *run_bad_invocation(args, work, runs)) for name, args in BAD_INVOCATIONS]
        corrupt = []
        for damage, where, use in corrupt_cases():
            outcome, untouched = run_corrupt_case(damage, where, use, runs["run"], work)
            corrupt.append((f"{damage} ({where})", use, outcome, untouched))
        return {"bad": bad, "corrupt": corrupt}
