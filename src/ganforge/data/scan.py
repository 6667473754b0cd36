"""Finding labelled files: class subfolders become labels (image and sound folders alike).

Hostile folders are walked safely: a symlink loop, a dangling folder link or a subfolder that
links back to the folder itself (or a folder above it) is reported in one note, never
followed and never made a class.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

from ..console import note


def _unsafe_link(link: Path, root: Path) -> Optional[str]:
    """Why the symlink ``link`` inside ``root`` must not be followed as a folder, or None
    (a link to a file elsewhere is fine)."""
    try:
        target = link.resolve(strict=True)
    except FileNotFoundError:
        return "points to nothing"
    except (OSError, RuntimeError):  # ELOOP, or Python's own "Symlink loop" check
        return "symlink loops"
    if target == root or target in root.parents:
        return "links back to the folder or above it"
    return None


def subfolders(root: Path, skipped: Optional[Dict[str, List[str]]] = None) -> List[Path]:
    """The subfolders of ``root`` that are safe to read (sorted); the names of the unsafe
    links are added to ``skipped`` under their reason."""
    found = []
    for p in sorted(root.iterdir()):
        if p.is_symlink():
            why = _unsafe_link(p, root)
            if why is not None:
                if skipped is not None and why != "points to nothing":  # a dangling link is just absent
                    skipped.setdefault(why, []).append(p.name)
                continue
        if p.is_dir():
            found.append(p)
    return found


def scan_labelled(root: Path, files_in: Callable[[Path], List[Path]]) -> Tuple[List[Path], List[int], Tuple[str, ...]]:
    """Files ``files_in`` finds under ``root`` and their labels: subfolders holding such files
    are classes (sorted by name); without any, the files of ``root`` itself, unlabelled."""
    skipped: Dict[str, List[str]] = {}
    inside = {d: files_in(d) for d in subfolders(root, skipped)}
    if skipped:
        count = sum(len(names) for names in skipped.values())
        shown = "; ".join(f"{', '.join(names[:4])}{', ...' if len(names) > 4 else ''} ({why})"
                          for why, names in skipped.items())
        note(f"not following {count} symlink(s) in {root}: {shown}")
    classes = tuple(sorted(d.name for d, found in inside.items() if found))
    if classes:
        files, labels = [], []
        for i, name in enumerate(classes):
            found = inside[root / name]
            files += found
            labels += [i] * len(found)
        return files, labels, classes
    return files_in(root), [], ()
