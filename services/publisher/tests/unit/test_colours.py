"""A brand colour's page colours always read at WCAG 2.2 AA, whatever colour staff pick."""

import pytest

from publisher.domain.colours import (
    AA_TEXT,
    BLACK,
    NEAR_BLACK,
    WHITE,
    contrast_ratio,
    palette,
    readable_on,
    relative_luminance,
    require_colour,
    text_on,
)
from publisher.domain.errors import InvalidInputError

LIGHT, DARK = "#ffffff", "#121212"  # base.html's backgrounds
BRANDS = ["#ffd500", "#ffffff", "#000000", "#777777", "#808080", "#0b57d0", "#e30613", "#00ff00"]


def test_luminance_and_contrast_are_wcags() -> None:
    assert relative_luminance(WHITE) == pytest.approx(1.0)
    assert relative_luminance(BLACK) == 0.0
    assert contrast_ratio(WHITE, BLACK) == pytest.approx(21.0)
    assert contrast_ratio(BLACK, WHITE) == pytest.approx(21.0)
    # WebAIM's checker: #777777 on white is 4.48:1 (fails AA), #767676 4.54:1 (passes).
    assert contrast_ratio("#777777", WHITE) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#767676", WHITE) == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("brand", BRANDS)
def test_every_derived_colour_reads_at_aa(brand: str) -> None:
    colours = palette(brand, light_background=LIGHT, dark_background=DARK)

    assert colours.brand == brand
    assert contrast_ratio(colours.on_brand, colours.brand) >= AA_TEXT
    assert contrast_ratio(colours.accent_light, LIGHT) >= AA_TEXT
    assert contrast_ratio(colours.on_accent_light, colours.accent_light) >= AA_TEXT
    assert contrast_ratio(colours.accent_dark, DARK) >= AA_TEXT
    assert contrast_ratio(colours.on_accent_dark, colours.accent_dark) >= AA_TEXT


def test_yellow_gets_dark_text_on_its_band_and_a_darkened_link_colour() -> None:
    colours = palette("#ffd500", light_background=LIGHT, dark_background=DARK)

    assert colours.on_brand == NEAR_BLACK
    # Darkened just enough: still a yellow-brown, not black, and a step less fails.
    assert colours.accent_light not in ("#ffd500", BLACK)
    red, green, blue = (int(colours.accent_light[i : i + 2], 16) for i in (1, 3, 5))
    assert red > green > blue
    assert contrast_ratio(colours.accent_light, LIGHT) < AA_TEXT + 0.2
    assert colours.accent_dark == "#ffd500"  # yellow already reads on the dark page


def test_white_and_black_brands() -> None:
    white = palette("#ffffff", light_background=LIGHT, dark_background=DARK)
    black = palette("#000000", light_background=LIGHT, dark_background=DARK)

    assert white.on_brand == NEAR_BLACK
    assert contrast_ratio(white.accent_light, LIGHT) >= AA_TEXT  # grey, not invisible white
    assert white.accent_dark == "#ffffff"
    assert black.on_brand == WHITE
    assert black.accent_light == "#000000"
    assert contrast_ratio(black.accent_dark, DARK) >= AA_TEXT  # grey, not invisible black


def test_mid_grey_takes_black_text_where_near_black_falls_short() -> None:
    # #777777: white reads at 4.48:1, near-black at 4.0:1; only black passes.
    assert contrast_ratio(WHITE, "#777777") < AA_TEXT
    assert contrast_ratio(NEAR_BLACK, "#777777") < AA_TEXT
    assert text_on("#777777") == BLACK


def test_a_colour_that_reads_already_is_kept() -> None:
    assert readable_on("#0b57d0", LIGHT) == "#0b57d0"


@pytest.mark.parametrize("given", ["#FFD500", " #ffd500 "])
def test_colours_are_kept_as_lower_case_hex(given: str) -> None:
    assert require_colour("brand_color", given) == "#ffd500"


@pytest.mark.parametrize(
    "bad",
    ["", "ffd500", "#ffd50", "#ffd5000", "#fd0", "red", "#ggg000", "#ffd500;}body{", "url(x)"],
)
def test_anything_but_rrggbb_is_refused(bad: str) -> None:
    with pytest.raises(InvalidInputError, match="brand_color"):
        require_colour("brand_color", bad)
