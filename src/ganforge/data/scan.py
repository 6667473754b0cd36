"""Finding labelled files: class subfolders become labels (image and sound folders alike)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable, List, Tuple


def scan_labelled(root: Path, files_in: Callable[[Path], List[Path]]) -> Tuple[List[Path], List[int], Tuple[str, ...]]:
    """Files ``files_in`` finds under ``root`` and their labels: subfolders holding such files
    are classes (sorted by name); without any, the files of ``root`` itself, unlabelled."""
    classes = tuple(sorted(d.name for d in root.iterdir() if d.is_dir() and files_in(d)))
    if classes:
        files, labels = [], []
        for i, name in enumerate(classes):
            found = files_in(root / name)
            files += found
            labels += [i] * len(found)
        return files, labels, classes
    return files_in(root), [], ()
