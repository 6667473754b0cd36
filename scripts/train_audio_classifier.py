"""Train the audio classifier shipped in src/ganforge/weights/ (the ``audio`` feature extractor).

Data: the procedural ``notes`` set (no download), 8 notes x 3 timbres = 24 classes. Training
clips come from seed 1, held-out clips from seed 2 (different phases, envelopes and levels);
each batch is cut to 4,096 or 16,384 samples at random, so the extractor serves the short CPU
recipe and the full WaveGAN length. Augmentation: random gain (0.2-1.0) and white noise
(std 0-0.05), so features stay smooth on imperfect generated audio. The last epoch is kept
(no selection on the held-out clips). Deterministic for a seed; a few minutes on 2 CPU cores.

    python scripts/train_audio_classifier.py [--epochs 6] [--seed 0] [--out src/ganforge/weights]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch
from safetensors.torch import save_file

# Use the checkout this script belongs to, not whichever ganforge happens to be installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from classifier_training import train_classifier  # noqa: E402  (this folder)
from ganforge.data import load_dataset  # noqa: E402
from ganforge.data.audio_dsp import log_mel  # noqa: E402
from ganforge.metrics.audio_net import META_FILE, N_MELS, SAMPLE_RATE, WEIGHTS_FILE, AudioNet  # noqa: E402

LENGTHS = (4096, 16384)


def augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    n = x.shape[0]
    gain = 0.2 + 0.8 * torch.rand(n, 1, 1, generator=gen)
    noise = 0.05 * torch.rand(n, 1, 1, generator=gen) * torch.randn(x.shape, generator=gen)
    return (x * gain + noise).clamp(-1, 1)


@torch.no_grad()
def accuracy(net: AudioNet, data, length: int) -> float:
    net.eval()
    hits = 0
    for i in range(0, len(data), 250):
        x, y = data.get(torch.arange(i, min(i + 250, len(data))))
        hits += (net(x[..., :length]).argmax(1) == y).sum().item()
    return hits / len(data)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--train-size", type=int, default=12_000)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "src/ganforge/weights")
    args = ap.parse_args()
    if args.train_size < 1 or args.epochs < 1 or args.batch_size < 1:
        ap.error("--train-size, --epochs and --batch-size must be at least 1")

    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    train = load_dataset("notes", size=args.train_size, seed=1)
    held = load_dataset("notes", size=2000, seed=2)
    net = AudioNet()
    with torch.no_grad():  # input standardization from the training clips
        mel = log_mel(train.get(torch.arange(min(500, len(train))))[0], SAMPLE_RATE, N_MELS)
        net.mel_mean.fill_(mel.mean())
        net.mel_std.fill_(mel.std())

    def batch(idx: torch.Tensor):
        x, y = train.get(idx)
        length = LENGTHS[int(torch.randint(len(LENGTHS), (), generator=gen))]
        return augment(x[..., :length], gen), y

    train_classifier(net, batch, len(train), args.epochs, args.batch_size, args.lr, gen,
                     lambda: "  ".join(f"{n}: {accuracy(net, held, n):.4f}" for n in LENGTHS))

    accs = {str(n): round(accuracy(net, held, n), 4) for n in LENGTHS}
    args.out.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in net.state_dict().items()}, str(args.out / WEIGHTS_FILE))
    meta = {
        "heldout_accuracy": accs,
        "classes": list(train.class_names),
        "train": f"notes seed 1, {len(train)} clips, cut to {' or '.join(map(str, LENGTHS))} samples",
        "heldout": f"notes seed 2, {len(held)} clips",
        "sample_rate": SAMPLE_RATE,
        "n_mels": N_MELS,
        "feature_dim": net.embed_fc.out_features,
        "parameters": sum(p.numel() for p in net.parameters()),
        "seed": args.seed,
        "epochs": args.epochs,
        "torch_version": torch.__version__,
    }
    (args.out / META_FILE).write_text(json.dumps(meta, indent=2) + "\n")
    print(f"held-out accuracy {accs}; wrote {args.out / WEIGHTS_FILE} and {META_FILE}")


if __name__ == "__main__":
    main()
