"""The dataset registry: ``DATASETS.create(name, arg=..., image_size=...)`` -> Dataset."""
from ..registry import Registry

DATASETS = Registry("dataset", reserved=("arg", "image_size"))  # from data=NAME:ARG and image_size
