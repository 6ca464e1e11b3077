"""A newsroom's brand colour, and the colours its pages derive from it (WCAG 2.2 AA).

Staff pick any colour; readers must still read the page. So the brand colour is never trusted
for contrast: the masthead's text is whichever of white, near-black or black reads on it at
4.5:1, and links take the brand colour darkened (on a light page) or lightened (on a dark one)
just enough to reach 4.5:1 on the page's background. Contrast is WCAG's: relative luminance of
sRGB, ``(L1 + 0.05) / (L2 + 0.05)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from publisher.domain.errors import InvalidInputError

HEX_COLOUR = re.compile(r"#[0-9a-f]{6}")
AA_TEXT = 4.5  # WCAG 2.2 AA, 1.4.3: normal-size text (links included)
WHITE = "#ffffff"
NEAR_BLACK = "#1b1b1b"  # the pages' own text colour (base.html)
BLACK = "#000000"
_STEPS = 16  # binary search of the mix: 1/65536 of the way, finer than one 8-bit step


def require_colour(field: str, value: str) -> str:
    """``value`` as ``#rrggbb`` in lower case; 422 for anything else (no names, no CSS)."""
    colour = value.strip().lower()
    if not HEX_COLOUR.fullmatch(colour):
        raise InvalidInputError(field, "must be a colour as #rrggbb, for example #0b57d0")
    return colour


def _channels(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    red, green, blue = (_linear(c) for c in _channels(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_on(background: str) -> str:
    """White or near-black, whichever reads better on ``background``; black where neither
    reaches 4.5:1 (mid-tones, where near-black falls just short and black does not)."""
    best = max((WHITE, NEAR_BLACK), key=lambda text: contrast_ratio(text, background))
    return best if contrast_ratio(best, background) >= AA_TEXT else BLACK


def _mix(colour: str, towards: str, share: float) -> str:
    mixed = (
        round(c + (t - c) * share)
        for c, t in zip(_channels(colour), _channels(towards), strict=True)
    )
    return "#" + "".join(f"{channel:02x}" for channel in mixed)


def readable_on(colour: str, background: str) -> str:
    """``colour``, moved towards black (on a light ``background``) or white (on a dark one)
    by the least share that reads at 4.5:1 on it: as close to the brand as contrast allows."""
    if contrast_ratio(colour, background) >= AA_TEXT:
        return colour
    # The far end from the background: black on a light page, white on a dark one.
    towards = max((BLACK, WHITE), key=lambda end: contrast_ratio(end, background))
    low, high = 0.0, 1.0  # the share at ``high`` always reads (black or white at the end)
    for _ in range(_STEPS):
        middle = (low + high) / 2
        if contrast_ratio(_mix(colour, towards, middle), background) >= AA_TEXT:
            high = middle
        else:
            low = middle
    return _mix(colour, towards, high)


@dataclass(frozen=True, slots=True)
class Palette:
    """The colours a page takes from a brand colour, each ``#rrggbb``, each checked."""

    brand: str  # the masthead band
    on_brand: str  # text on the band
    accent_light: str  # links and buttons on the light scheme's background
    on_accent_light: str  # a button's text on the light scheme's accent
    accent_dark: str  # links and buttons on the dark scheme's background
    on_accent_dark: str


def palette(brand: str, *, light_background: str, dark_background: str) -> Palette:
    """The page colours of ``brand`` on pages with these backgrounds (both schemes)."""
    brand = require_colour("brand_color", brand)
    accent_light = readable_on(brand, light_background)
    accent_dark = readable_on(brand, dark_background)
    return Palette(
        brand=brand,
        on_brand=text_on(brand),
        accent_light=accent_light,
        on_accent_light=text_on(accent_light),
        accent_dark=accent_dark,
        on_accent_dark=text_on(accent_dark),
    )
