"""Pillow as every process of this service uses it: HEIC readable, and a pixel flood an error.

Pillow only warns between ``MAX_IMAGE_PIXELS`` and twice that; here the warning is an error, so
no image over the limit is ever decoded, in the API process or in a rendition process.
"""

from __future__ import annotations

import warnings

import pillow_heif
from PIL import Image


def configure_pillow(max_image_pixels: int) -> None:
    Image.MAX_IMAGE_PIXELS = max_image_pixels
    warnings.simplefilter("error", Image.DecompressionBombWarning)
    pillow_heif.register_heif_opener()
