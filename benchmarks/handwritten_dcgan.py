"""The DCGAN loop everyone writes from pytorch/examples (dcgan/main.py), at 32 px on one channel.

Written out plainly as the reference row of benchmarks/quality.py: the example's networks with
one up/down-sampling stage fewer (32 px instead of 64), nz = 100, ngf = ndf = 64, N(0, 0.02)
init, BCE on a sigmoid D, Adam(2e-4, 0.5, 0.999), batch 64, and its step order (D on real, D on
the detached fakes, then G on the same fakes). No EMA, no evaluation, nothing else. Training
stops once the process has spent ``cpu_budget`` CPU seconds in the loop.
"""
from __future__ import annotations

import time

import torch
from torch import nn

NZ, NGF, NDF, BATCH = 100, 64, 64, 64


def weights_init(m: nn.Module) -> None:
    if "Conv" in type(m).__name__:
        nn.init.normal_(m.weight, 0.0, 0.02)
    elif "BatchNorm" in type(m).__name__:
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


def networks(nc: int = 1):
    net_g = nn.Sequential(
        nn.ConvTranspose2d(NZ, NGF * 4, 4, 1, 0, bias=False), nn.BatchNorm2d(NGF * 4), nn.ReLU(True),
        nn.ConvTranspose2d(NGF * 4, NGF * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(NGF * 2), nn.ReLU(True),
        nn.ConvTranspose2d(NGF * 2, NGF, 4, 2, 1, bias=False), nn.BatchNorm2d(NGF), nn.ReLU(True),
        nn.ConvTranspose2d(NGF, nc, 4, 2, 1, bias=False), nn.Tanh())
    net_d = nn.Sequential(
        nn.Conv2d(nc, NDF, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(NDF, NDF * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(NDF * 2), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(NDF * 2, NDF * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(NDF * 4), nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(NDF * 4, 1, 4, 1, 0, bias=False), nn.Sigmoid())
    net_g.apply(weights_init)
    net_d.apply(weights_init)
    return net_g, net_d


def train(images: torch.Tensor, cpu_budget: float, seed: int = 0):
    """images: N x 1 x 32 x 32 in [-1, 1]. Returns (G, generator steps, CPU seconds spent)."""
    torch.manual_seed(seed)
    net_g, net_d = networks(images.shape[1])
    criterion = nn.BCELoss()
    opt_d = torch.optim.Adam(net_d.parameters(), lr=0.0002, betas=(0.5, 0.999))
    opt_g = torch.optim.Adam(net_g.parameters(), lr=0.0002, betas=(0.5, 0.999))
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images), batch_size=BATCH, shuffle=True)
    steps, start = 0, time.process_time()
    while time.process_time() - start < cpu_budget:
        for (real,) in loader:
            b = real.size(0)
            net_d.zero_grad()
            err_d_real = criterion(net_d(real).view(-1), torch.ones(b))
            err_d_real.backward()
            fake = net_g(torch.randn(b, NZ, 1, 1))
            err_d_fake = criterion(net_d(fake.detach()).view(-1), torch.zeros(b))
            err_d_fake.backward()
            opt_d.step()
            net_g.zero_grad()
            err_g = criterion(net_d(fake).view(-1), torch.ones(b))
            err_g.backward()
            opt_g.step()
            steps += 1
            if time.process_time() - start >= cpu_budget:
                break
    return net_g, steps, time.process_time() - start


@torch.no_grad()
def sample(net_g: nn.Module, n: int, seed: int) -> torch.Tensor:
    """n images N x 1 x 32 x 32, drawn as the example draws its fixed-noise grids: G left in training
    mode, so batch norm uses the statistics of each batch of 64."""
    g = torch.Generator().manual_seed(seed)
    return torch.cat([net_g(torch.randn(min(BATCH, n - i), NZ, 1, 1, generator=g)) for i in range(0, n, BATCH)])
