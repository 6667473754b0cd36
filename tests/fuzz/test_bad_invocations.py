"""Every bad invocation of the table: exit 2, one ``ganforge: error:`` line, no traceback, and
the working folder and the runs it names exactly as they were."""
import pytest

from .cases import BAD_INVOCATIONS
from .table import run_bad_invocation


def test_the_table_is_large_enough():
    assert len(BAD_INVOCATIONS) >= 80
    assert len({name for name, _ in BAD_INVOCATIONS}) == len(BAD_INVOCATIONS)


@pytest.mark.parametrize("args", [args for _, args in BAD_INVOCATIONS], ids=[name for name, _ in BAD_INVOCATIONS])
def test_bad_invocation_is_one_line_exit_2(args, runs, work):
    outcome, untouched = run_bad_invocation(args, work, runs)
    assert outcome.kept_promise() is None, outcome.kept_promise()
    assert "Traceback" not in outcome.stderr + outcome.stdout
    assert untouched, "the working folder or a run changed"


def test_messages_name_the_problem(runs, work):
    """A few of the lines, word for word where it matters: what is wrong and how to fix it."""
    expect = {
        "image size not a power of two": "33",
        "width not a number": "generator.width",
        "lr_d infinite": "lr_d",
        "steps a boolean": "steps",
        "recipe with a YAML syntax error": "bad-syntax.yaml",
        "recipe with a !!python tag": "python-tag.yaml",
        "--out under /proc": "/proc/x",
        "inception asked for without its file": "nception",
        "betas outside [0, 1)": "betas",
    }
    table = dict(BAD_INVOCATIONS)
    for name, word in expect.items():
        outcome, _ = run_bad_invocation(table[name], work, runs)
        assert word in outcome.lines[0], (name, outcome.lines)


def test_the_readme_tables_are_those_of_this_table():
    """docs/reliability.md (and the README's headline line) are generated from this table (benchmarks/reliability.py)."""
    import re
    from pathlib import Path

    from .cases import corrupt_cases

    root = Path(__file__).resolve().parents[2]
    readme = (root / "docs" / "reliability.md").read_text()
    assert re.search(r"Totals: bad invocations .*", readme).group(0) in (root / "README.md").read_text()
    found = re.search(r"Totals: bad invocations (\d+) of (\d+) kept the promise, (\d+) tracebacks, (\d+) accepted; "
                      r"corrupt run directories (\d+) of (\d+), (\d+) tracebacks", readme)
    assert found, "run python benchmarks/reliability.py --write-readme"
    kept, tried, tracebacks, accepted, kept_c, tried_c, tracebacks_c = map(int, found.groups())
    assert (tried, tried_c) == (len(BAD_INVOCATIONS), len(corrupt_cases()))
    assert kept == tried and kept_c == tried_c and tracebacks == accepted == tracebacks_c == 0
