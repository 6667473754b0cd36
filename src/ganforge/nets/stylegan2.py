"""StyleGAN2-style generator and discriminator (Karras et al. 2020), compact for CPU.

G = mapping network (pixel-normed z [+ class embedding] -> MLP with equalized lr and a 0.01
learning-rate multiplier -> w, with a running mean ``w_avg``) + synthesis network (learned 4x4
constant, modulated/demodulated 3x3 convs, per-layer noise with learned strength, skip
"toRGB" outputs summed across resolutions, linear output as in the reference: no tanh; eval mode
clamps to [-1, 1]). Every layer uses equalized learning rate.
Simplification: bilinear up-sampling and average-pool down-sampling instead of FIR filters.

The style protocol (also used by ``ganforge interpolate`` and ``style-mix``):
``map(z, y, truncation=psi) -> w (N, w_dim)``, ``synthesize(ws) -> images`` with ``ws`` of
shape (N, num_ws, w_dim) or (N, w_dim). Noise is random in training mode and fixed
(a per-layer buffer) in eval mode, so a seed always gives the same image.
D: residual blocks with equalized lr, minibatch standard deviation, projection when conditional.
"""
from __future__ import annotations

import math
from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .base import DOutput, Projection, check_labels, maybe_sn
from .layers import EqualConv2d, EqualLinear, MinibatchStd, PixelNorm
from .registry import register_model
from .timestep import head_logits, make_head
from .resnet import num_blocks

Tensor = torch.Tensor
SQRT2 = math.sqrt(2.0)


def lrelu(x: Tensor) -> Tensor:
    """Leaky ReLU with StyleGAN's sqrt(2) gain, which keeps activations' scale."""
    return F.leaky_relu(x, 0.2) * SQRT2


class ModulatedConv2d(nn.Module):
    """Conv whose input channels are scaled per sample by a style (from w through an affine
    layer, bias 1) and, with ``demodulate``, whose output channels are re-normalised to unit
    expected norm: w'' = w' / sqrt(sum w'^2 + eps) over (in, kh, kw)."""

    def __init__(self, in_ch: int, out_ch: int, kernel: int, w_dim: int, demodulate: bool = True, up: bool = False):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_ch, in_ch, kernel, kernel))
        self.affine = EqualLinear(w_dim, in_ch, bias_init=1.0)
        self.scale = 1 / math.sqrt(in_ch * kernel * kernel)
        self.demodulate, self.up, self.padding = demodulate, up, kernel // 2

    def demodulation(self, style: Tensor) -> Tensor:
        """style: (N, in) -> (N, out) coefficients 1 / sqrt(sum_{in,k,k} (scale w s)^2 + eps), as
        (sum_k w^2) @ s^2: the reference's dcoefs without the (N, out, in, k, k) weight tensor."""
        return torch.rsqrt(style.square() @ self.weight.square().sum(dim=(2, 3)).t() * self.scale ** 2 + 1e-8)

    def modulated_weight(self, style: Tensor) -> Tensor:
        """style: (N, in) -> per-sample weights (N, out, in, k, k) (what ``forward`` computes with)."""
        w = self.scale * self.weight[None] * style[:, None, :, None, None]
        if self.demodulate:
            w = w * self.demodulation(style)[:, :, None, None, None]
        return w

    def forward(self, x: Tensor, w: Tensor) -> Tensor:
        if self.up:
            x = F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
        style = self.affine(w)
        # The reference's fused_modconv=False path (stylegan2-ada-pytorch, networks.py
        # modulated_conv2d, the one it trains with): scale the input channels, one shared conv,
        # scale the output channels. It equals the per-sample weights of ``modulated_weight``
        # and, on a CPU, costs 1-10x less than a grouped conv with a batch of weight sets; traced
        # and exported graphs (TorchScript, ONNX) keep the batch size dynamic with it.
        out = F.conv2d(x * (self.scale * style)[:, :, None, None], self.weight, padding=self.padding)
        if self.demodulate:
            out = out * self.demodulation(style)[:, :, None, None]
        return out


class StyleLayer(nn.Module):
    """Modulated conv + scaled noise + bias + leaky ReLU."""

    def __init__(self, in_ch: int, out_ch: int, w_dim: int, resolution: int, up: bool = False):
        super().__init__()
        self.conv = ModulatedConv2d(in_ch, out_ch, 3, w_dim, up=up)
        self.noise_strength = nn.Parameter(torch.zeros(()))
        self.register_buffer("noise_const", torch.randn(1, 1, resolution, resolution))
        self.bias = nn.Parameter(torch.zeros(out_ch))

    def forward(self, x: Tensor, w: Tensor) -> Tensor:
        x = self.conv(x, w)
        noise = torch.randn_like(x[:, :1]) if self.training else self.noise_const
        return lrelu(x + self.noise_strength * noise + self.bias[None, :, None, None])


class ToRGB(nn.Module):
    def __init__(self, in_ch: int, channels: int, w_dim: int):
        super().__init__()
        self.conv = ModulatedConv2d(in_ch, channels, 1, w_dim, demodulate=False)
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x: Tensor, w: Tensor) -> Tensor:
        return self.conv(x, w) + self.bias[None, :, None, None]


@register_model("stylegan2", role="generator")
class StyleGAN2Generator(nn.Module):
    """``w_dim``: size of the intermediate latent w. ``mapping_layers``: depth of the mapping network.
    ``mapping_lr_mul``: learning-rate multiplier of the mapping network. ``w_avg_beta``: decay of the running
    mean of w (truncation centre)."""
    supports_truncation = True

    def __init__(self, z_dim: int = 128, shape: Sequence[int] = (3, 32, 32), num_classes: int = 0,
                 width: int = 32, max_channels: int = 256, w_dim: int = 128, mapping_layers: int = 4,
                 mapping_lr_mul: float = 0.01, w_avg_beta: float = 0.995):
        super().__init__()
        channels, size = shape[0], shape[-1]
        n = num_blocks(size, "stylegan2")
        self.z_dim, self.num_classes, self.shape, self.w_dim = z_dim, num_classes, tuple(shape), w_dim
        self.w_avg_beta = w_avg_beta
        # mapping network
        self.norm = PixelNorm()
        self.embed = EqualLinear(num_classes, z_dim) if num_classes else None
        dims = [z_dim * (2 if num_classes else 1)] + [w_dim] * mapping_layers
        self.mapping = nn.ModuleList(EqualLinear(a, b, lr_mul=mapping_lr_mul) for a, b in zip(dims[:-1], dims[1:]))
        self.register_buffer("w_avg", torch.zeros(w_dim))
        # synthesis network
        chs = [min(width * 2 ** (n - i), max_channels) for i in range(n + 1)]
        self.const = nn.Parameter(torch.randn(1, chs[0], 4, 4))
        self.input_layer = StyleLayer(chs[0], chs[0], w_dim, 4)
        self.input_rgb = ToRGB(chs[0], channels, w_dim)
        self.layers = nn.ModuleList()
        self.rgbs = nn.ModuleList()
        for i in range(n):
            res = 2 ** (i + 3)
            self.layers.append(nn.ModuleList([StyleLayer(chs[i], chs[i + 1], w_dim, res, up=True),
                                              StyleLayer(chs[i + 1], chs[i + 1], w_dim, res)]))
            self.rgbs.append(ToRGB(chs[i + 1], channels, w_dim))
        self.num_ws = 2 + 2 * n

    def map(self, z: Tensor, y: Optional[Tensor] = None, truncation: Optional[float] = None,
            update_w_avg: bool = True) -> Tensor:
        """z: (N, z_dim) [+ labels (N,)] -> w (N, w_dim); updates ``w_avg`` in training mode unless
        ``update_w_avg`` is False (the reference's skip_w_avg_update, for mixing and path-length
        latents); ``truncation`` psi pulls w toward ``w_avg`` (psi = 0 gives the mean, 1 no change)."""
        check_labels(self.num_classes, y)
        x = self.norm(z)
        if self.embed is not None:
            x = torch.cat([x, self.norm(self.embed(F.one_hot(y, self.num_classes).to(z.dtype)))], dim=1)
        for layer in self.mapping:
            x = lrelu(layer(x))
        if self.training and update_w_avg:
            with torch.no_grad():
                self.w_avg.lerp_(x.detach().mean(0), 1 - self.w_avg_beta)
        if truncation is not None:
            x = torch.lerp(self.w_avg.to(x.dtype), x, truncation)
        return x

    def synthesize(self, ws: Tensor) -> Tensor:
        """ws: (N, num_ws, w_dim) one w per layer, or (N, w_dim) -> images (N, C, H, W): linear
        in training mode, clamped to [-1, 1] in eval mode (sampling)."""
        if ws.dim() == 2:
            ws = ws[:, None].expand(-1, self.num_ws, -1)
        x = self.input_layer(self.const.expand(ws.shape[0], -1, -1, -1), ws[:, 0])
        rgb = self.input_rgb(x, ws[:, 1])
        for i, ((up, conv), to_rgb) in enumerate(zip(self.layers, self.rgbs)):
            x = conv(up(x, ws[:, 2 * i + 1]), ws[:, 2 * i + 2])
            rgb = F.interpolate(rgb, scale_factor=2, mode="bilinear", align_corners=False) + to_rgb(x, ws[:, 2 * i + 3])
        # Linear output, as the reference's synthesis network; sampling clamps to the data range.
        return rgb if self.training else rgb.clamp(-1, 1)

    def forward(self, z: Tensor, y: Optional[Tensor] = None, truncation: Optional[float] = None) -> Tensor:
        """z: (N, z_dim), y: (N,) labels when conditional -> images (N, C, H, W) in [-1, 1]."""
        return self.synthesize(self.map(z, y, truncation))


class DResBlock(nn.Module):
    def __init__(self, in_ch: int, out_ch: int, spectral_norm: bool):
        super().__init__()
        self.conv1 = maybe_sn(EqualConv2d(in_ch, in_ch, 3, padding=1), spectral_norm)
        self.conv2 = maybe_sn(EqualConv2d(in_ch, out_ch, 3, padding=1), spectral_norm)
        self.skip = maybe_sn(EqualConv2d(in_ch, out_ch, 1, bias=False), spectral_norm)

    def forward(self, x: Tensor) -> Tensor:
        h = F.avg_pool2d(lrelu(self.conv2(lrelu(self.conv1(x)))), 2)
        return (h + self.skip(F.avg_pool2d(x, 2))) / SQRT2  # unit-variance residual sum


@register_model("stylegan2", role="discriminator")
class StyleGAN2Discriminator(nn.Module):
    def __init__(self, shape: Sequence[int] = (3, 32, 32), num_classes: int = 0, width: int = 32,
                 max_channels: int = 256, mbstd_group: int = 4, spectral_norm: bool = False, t_dim: int = 0):
        super().__init__()
        channels, size = shape[0], shape[-1]
        n = num_blocks(size, "stylegan2")
        self.num_classes = num_classes
        chs = [min(width * 2 ** i, max_channels) for i in range(n + 1)]
        self.from_rgb = maybe_sn(EqualConv2d(channels, chs[0], 1), spectral_norm)
        self.blocks = nn.ModuleList(DResBlock(chs[i], chs[i + 1], spectral_norm) for i in range(n))
        self.mbstd = MinibatchStd(mbstd_group)
        self.conv = maybe_sn(EqualConv2d(chs[n] + 1, chs[n], 3, padding=1), spectral_norm)
        self.fc = maybe_sn(EqualLinear(chs[n] * 16, chs[n]), spectral_norm)
        self.out = make_head(chs[n], t_dim, maybe_sn(EqualLinear(chs[n], 1), spectral_norm))
        self.projection = Projection(num_classes, chs[n], spectral_norm) if num_classes else None

    def forward(self, x: Tensor, y: Optional[Tensor] = None, t: Optional[Tensor] = None) -> DOutput:
        """x: (N, C, H, W), t: (N,) diffusion steps when ``t_dim`` -> DOutput(logits (N,), features (N, F))."""
        check_labels(self.num_classes, y)
        h = lrelu(self.from_rgb(x))
        for block in self.blocks:
            h = block(h)
        h = lrelu(self.conv(self.mbstd(h)))
        h = lrelu(self.fc(h.flatten(1)))
        logits = head_logits(self.out, h, t)
        if self.projection is not None:
            logits = logits + self.projection(h, y) / math.sqrt(h.shape[1])
        return DOutput(logits=logits, features=h)
