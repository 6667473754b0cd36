"""Inpainting and denoising runs: held-out images corrupted with masks (and noise) drawn from a
fixed seed, shown as input / mask / output / target, and scored with PSNR and SSIM against the
classical methods of :mod:`ganforge.translate.restore`."""
from __future__ import annotations

from typing import Any, Dict, List

import torch

from ...errors import ConfigError
from ...translate.inpaint import InpaintModel
from ...translate.quality import SSIM_WINDOW, psnr, quantize, ssim
from ...translate.restore import baseline_rows, heldout_cases, hole_psnr, restore_all, score_row
from ..pictures import single, strip
from ..translation import example_data
from .base import KindInput, register_kind

CASES = 16  # held-out images scored (evenly spaced through the split), each with PER_IMAGE corruptions
PER_IMAGE = 2
SUMMARY_ROWS = 3


def _picked(dataset) -> torch.Tensor:
    pick = torch.linspace(0, len(dataset) - 1, min(CASES, len(dataset))).round().long().unique()
    return dataset.get(pick)[0]


def _cell(image: torch.Tensor, label: str, notes: List[str]) -> Dict[str, Any]:
    return {"picture": single(image, label, 160 if image.shape[-1] <= 64 else 256), "label": label, "notes": notes}


def _notes(out: torch.Tensor, clean: torch.Tensor, mask: torch.Tensor) -> List[str]:
    """Per-output captions: PSNR, SSIM and hole PSNR of one image (1, C, H, W)."""
    out = quantize(out)
    notes = [f"{float(psnr(out, clean)):.2f} dB"]
    if min(out.shape[-2:]) >= SSIM_WINDOW:
        notes.append(f"SSIM {float(ssim(out, clean)):.3f}")
    if mask.sum() > 0:
        notes.append(f"holes {float(hole_psnr(out, clean, mask)):.2f} dB")
    return notes


def _table(rows: List[Dict[str, Any]]):
    """(header, rows of strings); the hole column only when there are holes."""
    holes = "hole_psnr" in rows[0]
    header = ["method", "PSNR (dB)", "SSIM"] + ["hole PSNR (dB)"] * holes
    return header, [[r["method"], f"{r['psnr']:.2f}", f"{r['ssim']:.4f}"] + ([f"{r['hole_psnr']:.2f}"] if holes else [])
                    for r in rows]


@register_kind("restoration", "Input / mask / output / target", lambda gen: getattr(gen.net, "needs_mask", False))
def restoration(inp: KindInput) -> Dict[str, Any]:
    """Scores over every held-out case, the model first; ``examples`` rows of pictures."""
    model = InpaintModel(inp.gen)
    dataset, source = example_data(inp.cfg)
    kind = model.mask_kind if model.noise_sigma == 0 else "none"
    clean, inputs, masks = heldout_cases(_picked(dataset), kind, PER_IMAGE, model.noise_sigma)
    outs = restore_all(model, inputs, masks)
    rows, note = [score_row("model", outs, clean, masks)], ""
    try:
        rows += baseline_rows(inputs, clean, masks, model.noise_sigma)
    except ConfigError as err:  # scikit-image missing: the model's scores alone, and how to get the rest
        note = str(err)
    corrupted = inputs[:, :-1] * (1 - masks) + masks  # holes shown white, as ganforge inpaint --save-masked does
    shown = []
    for i in range(min(inp.examples, len(clean))):
        cells = [_cell(corrupted[i], "noisy input" if model.noise_sigma else "input", [])]
        if masks[i].sum() > 0:
            cells.append(_cell(masks[i].expand_as(clean[i]) * 2 - 1, "mask", [f"{float(masks[i].mean()):.0%} missing"]))
        cells += [_cell(outs[i], "output", _notes(outs[i:i + 1], clean[i:i + 1], masks[i:i + 1])),
                  _cell(clean[i], "target", [])]
        shown.append(cells)
    step = max(1, len(shown) // SUMMARY_ROWS)
    mosaic = [strip(torch.stack([corrupted[i], outs[i], clean[i]]), "example: input | output | target", cell=140,
                    caption="input | output | target") for i in range(0, len(shown), step)][:SUMMARY_ROWS]
    best = max(rows[1:], key=lambda r: r["psnr"], default=None)
    headline = [("held-out PSNR", f"{rows[0]['psnr']:.2f} dB"), ("held-out SSIM", f"{rows[0]['ssim']:.4f}")]
    if "hole_psnr" in rows[0]:
        headline.append(("hole PSNR", f"{rows[0]['hole_psnr']:.2f} dB"))
    if best is not None:
        headline.append((f"best baseline ({best['method']})", f"{best['psnr']:.2f} dB"))
    what = f"noise of sigma {model.noise_sigma:g} levels" if model.noise_sigma else f"{kind} holes"
    return {"generated": mosaic, "real": [], "rows": shown, "headline": headline,
            "headline_title": f"{source} cases ({len(clean)})",
            "note": f"Restorations of {len(mosaic)} {source} images of {dataset.name} with {what}",
            "scores": _table(rows),
            "baseline_note": note, "source": source, "dataset": dataset.name, "images": len(clean) // PER_IMAGE,
            "per_image": PER_IMAGE, "what": what, "composite": model.noise_sigma == 0}
