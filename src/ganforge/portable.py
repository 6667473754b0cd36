"""Portable copies of a generator next to its model folder: TorchScript and ONNX.

Each copy is the generator's plain forward (no truncation, no table decoding) with the batch
(and, for image inputs, the height and width) left dynamic:

* noise generators: ``z`` float32 (N, z_dim) from N(0, 1) [+ ``y`` int64 (N,) class ids] ->
  ``x`` float32 (N, *data_shape), images in [-1, 1];
* image-to-image generators: ``x`` float32 (N, C, H, W) in [-1, 1] -> ``y`` (N, C', sH, sW);
  a CycleGAN folder holds one file per direction.

Every copy is checked on a fresh batch of another size against the eager net before it is
kept: the largest difference must stay within ``TOLERANCE``. ONNX uses opset ``ONNX_OPSET``
through ``torch.onnx.export(dynamo=True)``, which needs the ``onnx`` extra
(``pip install 'ganforge[onnx]'``: onnx, onnxscript and onnxruntime, which runs the check).
"""
from __future__ import annotations

import contextlib
import copy
import io
import logging
import warnings
from pathlib import Path
from typing import Any, Callable, Dict, List, Sequence, Tuple

import torch
from torch import nn

from .console import note
from .errors import ConfigError
from .extras import require

FORMATS = ("safetensors", "torchscript", "onnx")
ONNX_OPSET = 18
TOLERANCE = 1e-4
TRACE_BATCH, CHECK_BATCH = 2, 3  # traced with one batch size, checked with another


class Forward(nn.Module):
    """The net's forward with positional tensor inputs only (what tracing and ONNX take)."""

    def __init__(self, net: nn.Module, conditional: bool):
        super().__init__()
        self.net, self.conditional = net, conditional

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        return self.net(*inputs) if self.conditional else self.net(inputs[0])


def _parts(gen) -> List[Tuple[str, nn.Module, Dict[str, Any]]]:
    """(file suffix, net, input description) for each file to write. The nets are float32 CPU
    copies: the files do not depend on where the generator was loaded, and the check compares
    like with like (no TF32 or half-precision kernels)."""
    net = copy.deepcopy(gen.net).float().cpu().eval()
    noisy = [m for m in net.modules() if getattr(m, "eval_noise", False)]
    for module in noisy:
        module.eval_noise = False
    if noisy:
        note("the portable copies are deterministic: test-time dropout is off in them (the model folder keeps it)")
    if gen.input_kind == "image":
        directions = getattr(net, "directions", ("AtoB",))
        parts = []
        for d in directions:
            key = "shape" if d == "AtoB" else "target_shape"
            shape = [int(s) for s in gen.info[key]]
            sub = net.direction(d) if len(directions) > 1 else net
            described = {"x": ["N", shape[0], "H", "W"], "_shape": shape,
                         "_multiple": max(1, int(getattr(sub, "size_multiple", 1)))}
            parts.append(("" if len(directions) == 1 else f"_{d}", sub, described))
        return parts
    inputs = {"z": ["N", gen.z_dim]}
    if gen.num_classes:
        inputs["y"] = ["N"]
    return [("", net, inputs)]


def _examples(gen, inputs: Dict[str, Any], n: int, seed: int, other_size: bool = False) -> Tuple[torch.Tensor, ...]:
    """A batch of n inputs; ``other_size``: images one ``size_multiple`` larger than the
    training crop, so the check also covers a height and width the export never saw."""
    rng = torch.Generator().manual_seed(seed)
    if "x" in inputs:
        c, h, w = inputs["_shape"]
        if other_size:
            step = int(inputs["_multiple"])
            h, w = h + step, w + step
        return (torch.rand(n, c, h, w, generator=rng).mul(2).sub(1),)
    z = torch.randn(n, gen.z_dim, generator=rng)
    if "y" not in inputs:
        return (z,)
    return z, torch.arange(n) % gen.num_classes


def _check(what: str, copy_fn: Callable[..., torch.Tensor], eager: nn.Module, example: Tuple[torch.Tensor, ...]) -> float:
    with torch.no_grad():
        want = eager(*example).float().cpu()
        got = torch.as_tensor(copy_fn(*example)).float().cpu()
    if got.shape != want.shape:
        raise ConfigError(f"the {what} copy returned {tuple(got.shape)} instead of {tuple(want.shape)} on a batch of "
                          f"{len(example[0])}; this generator cannot be exported as {what}")
    error = float((got - want).abs().max())
    if not error <= TOLERANCE:
        raise ConfigError(f"the {what} copy differs from the eager generator by {error:.2e} (> {TOLERANCE:g}); "
                          f"this generator cannot be exported as {what}")
    return error


@contextlib.contextmanager
def _quiet():
    """Exporters' deprecation notices and progress logs are theirs, not the user's business."""
    logger = logging.getLogger("torch.onnx")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


def _entry(file: str, inputs: Dict[str, Any], gen, error: float) -> Dict[str, Any]:
    described = {k: v for k, v in inputs.items() if not k.startswith("_")}
    output = "y" if "x" in inputs else "x"
    return {"file": file, "inputs": described, "output": output, "max_abs_error": error,
            "dtype": "float32", "truncation": "not in the graph (plain forward)"}


def torchscript_writer(gen) -> Callable[[Path], Dict[str, Any]]:
    """Writes ``model[_DIRECTION].torchscript.pt`` (``torch.jit.load`` reads it)."""
    note("TorchScript is deprecated by PyTorch; torch.jit.load still reads the file, and --format onnx is "
         "the long-lived portable copy", once="torchscript-deprecated")

    def write(folder: Path) -> Dict[str, Any]:
        entries = {}
        for suffix, net, inputs in _parts(gen):
            module = Forward(net, "y" in inputs).eval()
            with _quiet(), torch.no_grad():
                traced = torch.jit.trace(module, _examples(gen, inputs, TRACE_BATCH, 0), check_trace=False)
            file = f"model{suffix}.torchscript.pt"
            traced.save(str(folder / file))
            with _quiet():
                loaded = torch.jit.load(str(folder / file), map_location="cpu")
            error = _check("TorchScript", loaded, module, _examples(gen, inputs, CHECK_BATCH, 1, other_size=True))
            entries[suffix.lstrip("_") or "default"] = _entry(file, inputs, gen, error)
        return {"torchscript": entries}

    return write


def _onnx_export(module: nn.Module, example: Tuple[torch.Tensor, ...], path: Path, names: List[str],
                 output: str, image_input: bool) -> str:
    """Export with ``torch.export`` (dynamo); nets it cannot capture (data-dependent Python
    control flow, such as a growing net's level) go through the TorchScript-based exporter,
    which records the branch taken. Returns which exporter worked."""
    dims = {0: "N", 2: "H", 3: "W"} if image_input else {0: "N"}
    axes = {k: (dims if k == "x" else {0: "N"}) for k in names}
    axes[output] = dims if image_input else {0: "N"}
    shapes = {"inputs": tuple({d: torch.export.Dim.DYNAMIC for d in axes[k]} for k in names)}
    errors = []
    for exporter in ("dynamo", "torchscript"):
        noise = io.StringIO()
        try:
            with _quiet(), contextlib.redirect_stdout(noise), contextlib.redirect_stderr(noise):
                if exporter == "dynamo":
                    torch.onnx.export(module, example, str(path), input_names=names, output_names=[output],
                                      opset_version=ONNX_OPSET, dynamo=True, external_data=False, verbose=False,
                                      dynamic_shapes=shapes)
                else:
                    torch.onnx.export(module, example, str(path), input_names=names, output_names=[output],
                                      opset_version=ONNX_OPSET, dynamo=False, dynamic_axes=axes)
            return exporter
        except Exception as err:  # noqa: BLE001 - the exporters fail in many ways; the first line says which
            errors.append(f"{exporter}: {type(err).__name__}: {' '.join(str(err).split())[:200]}")
    raise ConfigError(f"ONNX export failed ({'; '.join(errors)})")


def onnx_writer(gen) -> Callable[[Path], Dict[str, Any]]:
    """Writes ``model[_DIRECTION].onnx`` (opset ``ONNX_OPSET``), checked with onnxruntime."""
    require("onnx", "onnx", "--format onnx")
    require("onnxscript", "onnx", "--format onnx")
    ort = require("onnxruntime", "onnx", "--format onnx")

    def write(folder: Path) -> Dict[str, Any]:
        entries = {}
        for suffix, net, inputs in _parts(gen):
            module = Forward(net, "y" in inputs).eval()
            names = [k for k in inputs if not k.startswith("_")]
            output = "y" if "x" in inputs else "x"
            file = f"model{suffix}.onnx"
            exporter = _onnx_export(module, _examples(gen, inputs, TRACE_BATCH, 0), folder / file, names, output,
                                    "x" in inputs)
            options = ort.SessionOptions()
            options.log_severity_level = 3  # errors only: its optimiser's notes are not the user's business
            session = ort.InferenceSession(str(folder / file), options, providers=["CPUExecutionProvider"])

            def run(*xs: torch.Tensor, session=session, names=names) -> Any:
                return session.run(None, {k: x.cpu().numpy() for k, x in zip(names, xs)})[0]

            error = _check("ONNX", run, module, _examples(gen, inputs, CHECK_BATCH, 1, other_size=True))
            entries[suffix.lstrip("_") or "default"] = {**_entry(file, inputs, gen, error), "opset": ONNX_OPSET,
                                                        "exporter": exporter}
        return {"onnx": entries}

    return write


def portable_writers(gen, formats: Sequence[str]) -> List[Callable[[Path], Dict[str, Any]]]:
    """File writers for ``formats`` (``safetensors`` is always written and needs none)."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ConfigError(f"unknown export format '{unknown[0]}'; choose from: {', '.join(FORMATS)}")
    portable = [f for f in dict.fromkeys(formats) if f != "safetensors"]
    if portable and gen.kind == "table":
        raise ConfigError("table generators decode rows with their column encoding in Python, which a "
                          f"{portable[0]} graph cannot carry; export the folder alone and load it with "
                          "ganforge.from_pretrained")
    return [{"torchscript": torchscript_writer, "onnx": onnx_writer}[f](gen) for f in portable]
