"""Dataset inspection: counts, sizes and modes, unreadable files, exact and near duplicates,
class balance, a grid of random examples, per-dimension statistics for vectors."""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Tuple

import numpy as np
import torch

from ..images import save_grid, save_scatter
from ..media import media_writer
from . import load_dataset
from .folder import scan_folder

# Near duplicates by pairwise Hamming distance up to this many items; beyond it only equal hashes.
PAIRWISE_LIMIT = 5_000
NEAR_BITS = 4  # of 64: visually the same picture after resizing or re-encoding


def dhash(gray: np.ndarray) -> int:
    """64-bit difference hash of a grayscale image (any size, uint8 or float)."""
    from PIL import Image

    img = Image.fromarray(np.asarray(gray, dtype=np.uint8)).resize((9, 8), Image.BILINEAR)
    a = np.asarray(img, dtype=np.int16)
    bits = (a[:, 1:] > a[:, :-1]).flatten()
    return int(sum(1 << i for i, b in enumerate(bits) if b))


def duplicate_groups(keys: List[Any], names: List[str]) -> List[List[str]]:
    groups: Dict[Any, List[str]] = {}
    for key, name in zip(keys, names):
        groups.setdefault(key, []).append(name)
    return [g for g in groups.values() if len(g) > 1]


def near_duplicate_pairs(hashes: List[int], names: List[str], exact_keys: List[Any],
                         confirm=None) -> List[Tuple[str, str, int]]:
    """(a, b, differing bits) for pairs with close hashes that are not byte-identical;
    ``confirm(i, k)``, when given, must also agree (hashes of small, mostly dark images collide)."""
    if len(hashes) > PAIRWISE_LIMIT:
        return [(g[0], g[1], 0) for g in duplicate_groups(hashes, names)]
    h = np.array(hashes, dtype=np.uint64)
    pairs = []
    for i in range(len(h) - 1):
        x = np.bitwise_xor(h[i], h[i + 1:])
        dist = np.unpackbits(x.view(np.uint8).reshape(-1, 8), axis=1).sum(axis=1)
        for j in np.nonzero(dist <= NEAR_BITS)[0]:
            k = i + 1 + int(j)
            if exact_keys[i] != exact_keys[k] and (confirm is None or confirm(i, k)):
                pairs.append((names[i], names[k], int(dist[j])))
    return pairs


def scan_files(root: Path) -> Dict[str, Any]:
    """Original files of a ``folder:`` dataset, before any resizing."""
    from PIL import Image

    files, _, _ = scan_folder(root)
    sizes, modes, unreadable, names, digests, hashes = Counter(), Counter(), [], [], [], []
    for path in files:
        rel = str(path.relative_to(root))
        try:
            data = path.read_bytes()
            with Image.open(path) as img:
                img.load()
                sizes[f"{img.width}x{img.height}"] += 1
                modes[img.mode] += 1
                hashes.append(dhash(np.asarray(img.convert("L"))))
        except Exception as err:  # noqa: BLE001 - any decoder failure means unreadable
            unreadable.append(f"{rel}: {type(err).__name__}: {err}")
            continue
        names.append(rel)
        digests.append(hashlib.sha1(data).hexdigest())
    return {"files": len(files), "sizes": dict(sizes.most_common(10)), "distinct_sizes": len(sizes),
            "modes": dict(modes), "unreadable": unreadable,
            "exact_duplicates": duplicate_groups(digests, names),
            "near_duplicates": near_duplicate_pairs(hashes, names, digests)}


def scan_arrays(x: torch.Tensor) -> Dict[str, Any]:
    """Decoded uint8 images N x C x H x W: exact duplicates (bytes) and near duplicates (dHash)."""
    arr = x.numpy()
    names = [f"#{i}" for i in range(len(arr))]
    digests = [hashlib.sha1(a.tobytes()).hexdigest() for a in arr]
    hashes = [dhash(a.mean(axis=0)) for a in arr]

    def close(i: int, k: int) -> bool:  # near-identical pixels, and not just a shared dark background
        a, b = arr[i].astype(np.float64).ravel(), arr[k].astype(np.float64).ravel()
        if np.abs(a - b).mean() >= 8:
            return False
        a, b = a - a.mean(), b - b.mean()
        return float(a @ b) >= 0.97 * float(np.sqrt((a @ a) * (b @ b))) > 0

    return {"exact_duplicates": duplicate_groups(digests, names),
            "near_duplicates": near_duplicate_pairs(hashes, names, digests, close)}


def vector_stats(x: torch.Tensor, max_dims: int = 64) -> List[Dict[str, float]]:
    x = x.double()
    return [{"dim": i, "mean": float(c.mean()), "std": float(c.std()), "min": float(c.min()), "max": float(c.max())}
            for i, c in enumerate(x.T[:max_dims])]


def inspect_dataset(spec: str, out: Path, image_size: int = 32, seed: int = 0) -> Dict[str, Any]:
    """Inspect ``spec``, write ``summary.json`` and ``examples.png`` into ``out``; return the summary."""

    out.mkdir(parents=True, exist_ok=True)
    name, _, arg = spec.partition(":")
    summary: Dict[str, Any] = {"spec": spec}
    if name == "folder" and arg:
        summary["original_files"] = scan_files(Path(arg).expanduser().resolve())
    ds = load_dataset(spec, image_size)
    summary.update(items=len(ds), kind=ds.kind, shape=list(ds.shape), skipped=ds.skipped)
    if ds.y is not None and ds.y.dim() == 1 and ds.num_classes:
        counts = torch.bincount(ds.y.long(), minlength=ds.num_classes).tolist()
        names = list(ds.class_names) or [str(i) for i in range(ds.num_classes)]
        summary["classes"] = dict(zip(names, counts))
    g = torch.Generator().manual_seed(seed)
    pick = torch.randperm(len(ds), generator=g)[:64]
    writer = media_writer(ds.kind)
    if writer is not None:  # videos, audio, text: an animated grid, spectrograms + WAV, a word list
        writer.panel(ds.get(pick)[0], out / "examples", ds.info())
    elif ds.kind == "image":
        summary["channels"] = int(ds.shape[0])
        if "original_files" not in summary:
            summary["decoded"] = scan_arrays(ds.x)
        save_grid(ds.get(pick)[0], out / "examples.png")
    else:
        summary["dimensions"] = vector_stats(ds.x)
        if ds.shape[0] == 2:
            save_scatter(ds.x[torch.randperm(len(ds), generator=g)[:2000]], out / "examples.png",
                         ds.modes[0] if ds.modes else None, title=spec)
    (out / "summary.json").write_text(json.dumps(summary, indent=1))
    return summary


def describe(summary: Dict[str, Any]) -> List[str]:
    """A few human lines from :func:`inspect_dataset`'s summary."""
    lines = [f"{summary['spec']}: {summary['items']} {summary['kind']} items of shape {tuple(summary['shape'])}"]
    files = summary.get("original_files")
    dup = files or summary.get("decoded")
    if files:
        lines.append(f"files: {files['files']}, {files['distinct_sizes']} distinct sizes "
                     f"(most common: {', '.join(f'{k} x{v}' for k, v in list(files['sizes'].items())[:3])}), "
                     f"modes: {', '.join(f'{k} x{v}' for k, v in files['modes'].items())}")
        lines.append(f"unreadable: {len(files['unreadable'])}"
                     + "".join(f"\n  {u}" for u in files["unreadable"][:10]))
    if dup:
        exact, near = dup["exact_duplicates"], dup["near_duplicates"]
        lines.append(f"exact duplicate groups: {len(exact)}" + "".join(f"\n  {', '.join(g[:5])}" for g in exact[:10]))
        lines.append(f"near-duplicate pairs: {len(near)}" + "".join(f"\n  {a} ~ {b} ({d} bits)" for a, b, d in near[:10]))
    if "classes" in summary:
        counts = summary["classes"]
        lo, hi = min(counts.values()), max(counts.values())
        lines.append(f"classes: {len(counts)} (smallest {lo}, largest {hi}, ratio {hi / max(lo, 1):.1f})")
    for row in summary.get("dimensions", [])[:8]:
        lines.append(f"dim {row['dim']}: mean {row['mean']:.3f} std {row['std']:.3f} range [{row['min']:.3f}, {row['max']:.3f}]")
    return lines
