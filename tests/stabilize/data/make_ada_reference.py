"""Regenerate ``ada_reference.pt``: outputs of the authors' ADA pipeline on fixed inputs.

Run with a checkout of NVlabs/stylegan2-ada-pytorch on the path (its ``training/augment.py``,
``AugmentPipe``, with the ``bgcfnc`` probabilities of its train.py ``augpipe_specs``):

    PYTHONPATH=/path/to/stylegan2-ada-pytorch python tests/stabilize/data/make_ada_reference.py

On CPU the pipe draws every parameter from the global torch RNG in a fixed order, so the same
seed reproduces it draw for draw (ganforge's ``AdaptiveAugment`` draws in the same order).
"""
from pathlib import Path

import torch
from training.augment import AugmentPipe  # the reference implementation

BGCFNC = dict(xflip=1, rotate90=1, xint=1, scale=1, rotate=1, aniso=1, xfrac=1, brightness=1, contrast=1,
              lumaflip=1, hue=1, saturation=1, imgfilter=1, noise=1, cutout=1)

if __name__ == "__main__":
    out = {}
    for channels, strengths in ((3, (0.6, 1.4)), (1, (1.0,))):
        x = torch.rand(2, channels, 24, 24, generator=torch.Generator().manual_seed(channels)) * 2 - 1
        out[channels] = {"x": x, "y": {}}
        for p in strengths:
            pipe = AugmentPipe(**BGCFNC)
            pipe.p.copy_(torch.tensor(p))
            torch.manual_seed(7)
            out[channels]["y"][p] = pipe(x)
    torch.save(out, Path(__file__).with_name("ada_reference.pt"))
