"""Console output shared by every long action: progress bars with an ETA, phases of a running
bar, and one-line ``ganforge: note:`` messages that do not tear the bars apart.

``enabled``: True shows the bar, False hides it, None (the default of library calls) shows it
only when standard error is a terminal, so scripts, logs and tests stay quiet unless asked.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterable, Iterator, Optional, Set

from tqdm.auto import tqdm

_NOTED: Set[str] = set()


def _disable(enabled: Optional[bool]) -> Optional[bool]:
    # tqdm reads disable=None as "off unless the stream is a terminal"
    return None if enabled is None else not enabled


def bar(total: Optional[float] = None, desc: str = "", unit: str = "it", enabled: Optional[bool] = None,
        leave: bool = True, initial: int = 0, unit_scale: bool = False) -> tqdm:
    """A progress bar on standard error with rate and ETA; close it (or use ``with``) when done.
    ``leave=False`` for a bar nested under another one: it disappears when it closes."""
    return tqdm(total=total, initial=initial, desc=desc, unit=unit, leave=leave, dynamic_ncols=True,
                disable=_disable(enabled), file=sys.stderr, unit_scale=unit_scale)


def track(items: Iterable, desc: str = "", unit: str = "it", total: Optional[int] = None,
          enabled: Optional[bool] = None, leave: bool = True) -> Iterator:
    """Iterate ``items`` under a progress bar (``total`` when ``items`` has no length)."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with bar(total, desc, unit, enabled, leave) as b:
        for item in items:
            yield item
            b.update(1)


@contextmanager
def phase(running: tqdm, name: str) -> Iterator[None]:
    """Show ``name`` as the current phase of a running bar (``dcgan-mnist [evaluating]``) and
    restore its description afterwards."""
    desc = getattr(running, "desc", "")  # a disabled tqdm has none
    running.set_description_str(f"{desc} [{name}]")
    try:
        yield
    finally:
        running.set_description_str(desc)


def note(message: str, once: Optional[str] = None) -> None:
    """Print ``ganforge: note: MESSAGE`` on standard error above any progress bar; with
    ``once=KEY`` only the first note of that key in this process is printed."""
    if once is not None:
        if once in _NOTED:
            return
        _NOTED.add(once)
    tqdm.write(f"ganforge: note: {message}", file=sys.stderr)
