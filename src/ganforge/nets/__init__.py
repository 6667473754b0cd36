"""Network registry. One family per file; importing this package registers them all."""
from . import (  # noqa: F401
    biggan, dcgan, gated, mlp, partialconv, patchgan, progan, r3gan, resnet, resnet_gen, rrdb, stylegan2, tabular,
    transgan, unet, vitgan)
from .base import DOutput
from .registry import DISCRIMINATORS, GENERATORS, create_model, list_models, register_model

__all__ = ["DOutput", "GENERATORS", "DISCRIMINATORS", "create_model", "list_models", "register_model"]
