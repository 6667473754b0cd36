"""Latent-space tools on a loaded generator: interpolation videos and style-mixing grids.

Style generators (StyleGAN2 family) expose ``map(z, y, truncation=None) -> w (N, w_dim)`` and
``synthesize(ws) -> images`` where ``ws`` is (N, num_ws, w_dim) or (N, w_dim); their paths
are linear in w. Every other generator is walked along great circles in z (spherical
interpolation keeps the norm typical of a Gaussian latent, as a straight line would not).
"""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Sequence

import torch
from PIL import Image

from .errors import ConfigError
from .images import make_grid, save_png, to_uint8

Tensor = torch.Tensor


def slerp(a: Tensor, b: Tensor, t: Tensor) -> Tensor:
    """Spherical interpolation between rows of ``a`` and ``b`` (N, D) at fractions ``t`` (N,)."""
    t = t[:, None]
    na, nb = a / a.norm(dim=1, keepdim=True), b / b.norm(dim=1, keepdim=True)
    omega = torch.arccos((na * nb).sum(1, keepdim=True).clamp(-1 + 1e-7, 1 - 1e-7))
    so = torch.sin(omega)
    return (torch.sin((1 - t) * omega) / so) * a + (torch.sin(t * omega) / so) * b


def is_style(net) -> bool:
    return hasattr(net, "map") and hasattr(net, "synthesize")


def seed_latents(seeds: Sequence[int], z_dim: int) -> Tensor:
    """One latent per seed, drawn exactly as ``Generator.sample(1, seed)`` draws it."""
    return torch.cat([torch.randn(1, z_dim, generator=torch.Generator().manual_seed(s)) for s in seeds])


@torch.no_grad()
def interpolation_frames(gen, seeds: Sequence[int], steps: int, label: Optional[int] = None,
                         truncation: Optional[float] = None) -> Tensor:
    """Frames along seed[0] -> seed[1] -> ...: (len(seeds) - 1) * steps images, each leg
    ``steps`` frames from its start seed up to and including its end seed."""
    if len(seeds) < 2 or steps < 2:
        raise ConfigError("interpolation needs at least two seeds and --steps >= 2")
    net, dev = gen.net, gen.device
    z = seed_latents(seeds, gen.z_dim).to(dev)
    t = torch.linspace(0, 1, steps, device=dev)
    y_one = gen._labels(1, label)
    frames: List[Tensor] = []
    net.eval()
    for a, b in zip(z[:-1], z[1:]):
        y = None if y_one is None else y_one.expand(steps)
        if is_style(net):
            w = net.map(torch.stack([a, b]), None if y_one is None else y_one.expand(2), truncation=truncation)
            frames.append(net.synthesize(torch.lerp(w[:1].expand(steps, -1), w[1:].expand(steps, -1), t[:, None])))
        else:
            zs = slerp(a.expand(steps, -1), b.expand(steps, -1), t)
            frames.append(net(zs, y, **gen.truncation_kwargs(truncation)))
    return torch.cat(frames).float().cpu()


def write_interpolation(frames: Tensor, steps: int, png: Path, gif: Path, fps: int = 8) -> None:
    """A grid PNG (one row per leg) and an animated GIF that plays the legs in order
    (legs * (steps - 1) + 1 distinct frames)."""
    png, gif = Path(png), Path(gif)
    png.parent.mkdir(parents=True, exist_ok=True)
    gif.parent.mkdir(parents=True, exist_ok=True)
    save_png(make_grid(frames, steps), png)
    keep = [i for i in range(len(frames)) if i < steps or i % steps]  # a leg's start repeats the last end
    arr = to_uint8(frames[keep])
    images = [Image.fromarray(a[..., 0] if a.shape[-1] == 1 else a) for a in arr]
    scale = max(1, 128 // arr.shape[1])  # small MNIST frames are hard to see at 1x
    images = [im.resize((im.width * scale, im.height * scale), Image.NEAREST) for im in images]
    tmp = gif.with_name(gif.name + ".tmp")
    images[0].save(tmp, format="GIF", save_all=True, append_images=images[1:], duration=int(1000 / fps), loop=0)
    tmp.replace(gif)


@torch.no_grad()
def style_mix_grid(gen, row_seeds: Sequence[int], col_seeds: Sequence[int], cutoff: Optional[int] = None,
                   truncation: Optional[float] = None) -> Tensor:
    """The StyleGAN style-mixing figure as a (R + 1) x (C + 1) image batch, row-major: top row
    the column sources, left column the row sources, top-left blank (-1); cell (r, c) takes the
    coarse styles (layers < ``cutoff``, default half) from row seed r and the rest from column seed c."""
    net = gen.net
    if not is_style(net):
        raise ConfigError(f"style mixing needs a style generator (stylegan2), not '{gen.family}'")
    if gen.num_classes:
        raise ConfigError("style-mix draws unconditional grids; train the style model with conditional=false")
    net.eval()
    dev = gen.device
    w_rows = net.map(seed_latents(row_seeds, gen.z_dim).to(dev), None, truncation=truncation)
    w_cols = net.map(seed_latents(col_seeds, gen.z_dim).to(dev), None, truncation=truncation)
    k = net.num_ws
    cutoff = k // 2 if cutoff is None else cutoff
    rows_img, cols_img = net.synthesize(w_rows), net.synthesize(w_cols)
    blank = -torch.ones_like(rows_img[:1])
    cells = [blank, cols_img]
    for r in range(len(row_seeds)):
        ws = w_cols[:, None, :].repeat(1, k, 1)
        ws[:, :cutoff] = w_rows[r]
        cells += [rows_img[r:r + 1], net.synthesize(ws)]
    return torch.cat(cells).float().cpu()
