"""Network registry. One family per file; importing this package registers them all, then the
nets of installed packages (the ``ganforge.nets`` entry-point group)."""
from . import (  # noqa: F401
    biggan, charcnn, dcgan, mlp, mocogan, patchgan, progan, r3gan, resnet, resnet_gen, rrdb, stylegan2, tabular, unet, wavegan)
from .base import DOutput
from .custom import load_entry_points, register_module
from .registry import DISCRIMINATORS, GENERATORS, create_model, list_models, register_model
from ..registry import import_submodules

__all__ = ["DOutput", "GENERATORS", "DISCRIMINATORS", "create_model", "list_models", "register_model",
           "register_module"]

import_submodules(__name__, __path__)  # a new family file registers itself: no list to edit
load_entry_points()  # last: a plugin imports ganforge.nets.register_model from this package
