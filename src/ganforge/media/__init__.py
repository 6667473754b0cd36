"""Media kinds beyond still images: how videos, audio clips and text samples are written.

``MEDIA`` maps a data kind (``Dataset.kind``: video, audio, text) to a writer with two jobs:
``panel`` writes the training-time preview of the fixed latent batch (``samples/step-*.png``
plus a playable file where the kind has one), ``write`` serves ``ganforge sample --out``.
Importing this package registers the writers.
"""
from . import audio, text, video  # noqa: F401  (registers the writers)
from .registry import MEDIA, MediaWriter, media_writer

__all__ = ["MEDIA", "MediaWriter", "media_writer"]
