"""Image-to-image runs (pix2pix, CycleGAN, super-resolution): input / output / target examples
from the held-out split when the data has one, scored with PSNR and SSIM."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import torch

from ...translate.quality import mean_db
from ..numbers import sig
from ..pictures import single, strip
from ..translation import example_data, translation_examples
from .base import KindInput, input_kind, register_kind

SUMMARY_ROWS = 3


def _scale(gen) -> int:
    return int(getattr(gen.net, "scale", 1))


def _caption(panel) -> List[str]:
    notes = [f"{panel.psnr:.2f} dB" if panel.psnr is not None else "",
             f"SSIM {panel.ssim:.3f}" if panel.ssim is not None else "",
             f"cycle error {panel.cycle_error:.4f}" if panel.cycle_error is not None else ""]
    return [n for n in notes if n]


def _means(rows) -> List[Dict[str, Optional[str]]]:
    """Mean scores of each scored column (output, bicubic, cycle) over the examples."""
    columns: Dict[str, list] = {}
    for panel in (p for row in rows for p in row if p.psnr is not None or p.cycle_error is not None):
        columns.setdefault(panel.label, []).append(panel)

    def mean(values, fmt: str) -> Optional[str]:
        values = [v for v in values if v is not None]
        return format(sum(values) / len(values), fmt) if values else None

    out = []
    for label, panels in columns.items():
        db = [p.psnr for p in panels if p.psnr is not None]
        out.append({"label": label,
                    "psnr": f"{mean_db(torch.tensor(db, dtype=torch.float64)):.2f}" if db else None,
                    "ssim": mean([p.ssim for p in panels], ".4f"), "cycle": mean([p.cycle_error for p in panels], ".4f")})
    return out


def _same_channels(images: List[torch.Tensor]) -> torch.Tensor:
    """Stack C x H x W images, gray ones repeated to RGB when the row mixes both."""
    c = max(x.shape[0] for x in images)
    return torch.stack([x.expand(c, -1, -1) if x.shape[0] == 1 else x for x in images])


def _build(inp: KindInput) -> Dict[str, Any]:
    dataset, source = example_data(inp.cfg)
    rows = translation_examples(inp.gen, dataset, inp.examples)
    width = max(p.image.shape[-1] for row in rows for p in row)
    target = 160 if width <= 64 else 256
    shown = [[{"picture": single(p.image, p.label, target), "label": p.label, "notes": _caption(p)} for p in row]
             for row in rows]
    mosaic = [strip(_same_channels([p.image for p in row]), "example: " + " | ".join(p.label for p in row),
                    cell=min(140, 580 // len(row)), caption=" | ".join(p.label for p in row))
              for row in rows[::max(1, len(rows) // SUMMARY_ROWS)][:SUMMARY_ROWS] if len({tuple(p.image.shape[-2:]) for p in row}) == 1]
    means = _means(rows)
    headline = [(f"{m['label']} PSNR", f"{m['psnr']} dB") for m in means if m["psnr"]]
    headline += [(f"{m['label']} SSIM", m["ssim"]) for m in means if m["ssim"]]
    headline += [(f"{m['label']} cycle error", m["cycle"]) for m in means if m["cycle"]]
    columns = [(key, name) for key, name in (("psnr", "mean PSNR (dB)"), ("ssim", "mean SSIM"),
                                             ("cycle", "mean cycle error")) if any(m[key] for m in means)]
    mean_header = ["column"] + [name for _, name in columns]
    mean_rows = [[m["label"]] + [m[key] or "" for key, _ in columns] for m in means]
    return {"generated": mosaic, "real": [], "rows": shown, "mean_rows": mean_rows, "mean_header": mean_header, "headline": headline,
            "headline_title": f"{'held-out' if source == 'held-out' else 'training'} examples ({len(rows)})",
            "note": f"Outputs for {len(mosaic)} of the {'held-out' if source == 'held-out' else 'training'} inputs of "
                    f"{dataset.name}",
            "source": source, "dataset": dataset.name, "count": len(rows), "scale": _scale(inp.gen),
            "size": sig(width)}


@register_kind("translation", "Input / output / target",
               lambda gen: input_kind(gen) == "image" and _scale(gen) == 1)
def translation(inp: KindInput) -> Dict[str, Any]:
    return _build(inp)


@register_kind("superres", "Low resolution / bicubic / output / high resolution",
               lambda gen: input_kind(gen) == "image" and _scale(gen) > 1)
def superres(inp: KindInput) -> Dict[str, Any]:
    return _build(inp)
