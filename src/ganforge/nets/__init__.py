"""Network registry. One family per file; importing this package registers them all."""
from . import (  # noqa: F401
    biggan, dcgan, mlp, patchgan, progan, r3gan, resnet, resnet_gen, rrdb, stylegan2, tabular, unet)
from .base import DOutput
from .registry import DISCRIMINATORS, GENERATORS, create_model, list_models, register_model
from ..registry import import_submodules

__all__ = ["DOutput", "GENERATORS", "DISCRIMINATORS", "create_model", "list_models", "register_model"]

import_submodules(__name__, __path__)  # a new family file registers itself: no list to edit
