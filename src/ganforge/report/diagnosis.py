"""The report's Diagnosis section, right after the summary card: what ``ganforge doctor`` says of
the run (flags over time, best and last metric, D overfitting, what to change and the command
that applies it), read from the run directory by :func:`ganforge.train.diagnosis.diagnose`."""
from __future__ import annotations

from typing import Optional

from ..train.diagnosis import advice, diagnose, overfit_text, quality_text
from ..train.rundir import METRICS
from . import html
from .numbers import count
from .render import render
from .verdict import FLAG_MEANING


def diagnosis_section(data) -> Optional[str]:
    """HTML of the Diagnosis section, or None before anything was logged."""
    if not (data.run / METRICS).exists():
        return None
    d = diagnose(data.run)
    flags = [(s.name, FLAG_MEANING.get(s.name, ""), f"{count(s.first)}-{count(s.last)}", count(s.count),
              "still raised" if s.active else "cleared") for s in d.flags]
    off = [(name, why) for name, why in d.checks_off.items() if name != "d_overfitting"]
    state = f"{d.status} at step {count(d.step)} of {count(d.steps)}, " + (
        f"newest checkpoint at step {count(d.checkpoint)}" if d.checkpoint is not None else "no checkpoint yet")
    facts = [("State", state), quality_text(d), overfit_text(d)]
    facts += [(f"Check {name}", f"off: {why}") for name, why in off]
    return render("sections/diagnosis.html.j2", d=d, facts=facts, flags=flags, advice=advice(d),
                  commands=d.commands(), cleared=not d.healthy and not d.remedies)


html.AFTER_SUMMARY.append(("diagnosis", "Diagnosis", "Diagnosis", diagnosis_section))
