"""A newsroom's look on its pages: its logo in the masthead and the colours of its brand.

The colours reach the page only as the ``#rrggbb`` strings ``colours.palette`` computed and
checked (never the stored value as such), so no staff input is ever CSS.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from publisher.domain.colours import Palette, palette
from publisher.domain.newsroom import Newsroom
from publisher.entrypoints.web.gallery import Picture, pictures
from publisher.service.pages import GalleryImage

# base.html's page backgrounds (--bg) in the light and dark schemes: links must read on them.
LIGHT_BACKGROUND = "#ffffff"
DARK_BACKGROUND = "#121212"
LOGO_HEIGHT_PX = 48  # base.html: .masthead img { height: 3rem }


@dataclass(frozen=True, slots=True)
class Brand:
    logo: Picture | None
    logo_sizes: str  # the logo's rendered width, for its srcset
    palette: Palette | None


def brand_of(newsroom: Newsroom, logo: GalleryImage | None) -> Brand:
    """The page look of ``newsroom``; its ``logo`` as the read model has it (or none)."""
    shown = pictures((logo,)) if logo is not None else []
    picture = shown[0] if shown else None
    if picture is not None:
        # The logo is the newsroom's name in picture form: described by it, whatever the item's
        # own alt text says about the file; no placeholder colour (a logo's transparent parts
        # would show it once loaded).
        picture = replace(picture, alt=newsroom.name, placeholder=None)
    colours = None
    if newsroom.brand_color is not None:
        colours = palette(
            newsroom.brand_color,
            light_background=LIGHT_BACKGROUND,
            dark_background=DARK_BACKGROUND,
        )
    return Brand(logo=picture, logo_sizes=_logo_sizes(picture), palette=colours)


def _logo_sizes(picture: Picture | None) -> str:
    """The logo's width at the masthead's height, from its proportions."""
    if picture is None or not picture.height:
        return f"{LOGO_HEIGHT_PX * 4}px"
    return f"{math.ceil(LOGO_HEIGHT_PX * picture.width / picture.height)}px"


def logo_version(logo: GalleryImage | None) -> tuple[Any, ...] | None:
    """What of the logo a page's validators must change with (its item and its news)."""
    return None if logo is None else (logo.media_id, logo.happened_at)
