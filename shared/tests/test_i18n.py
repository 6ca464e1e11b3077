"""Message catalogues read from .po files, and the choice of a page's language."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsroom_shared.i18n import Catalogues, primary_subtag

PO = """\
msgid ""
msgstr ""
"Language: {language}\\n"
"Content-Type: text/plain; charset=utf-8\\n"

msgid "Tags"
msgstr "{tags}"

#, fuzzy
msgid "Latest releases"
msgstr "Half-done guess"
"""


@pytest.fixture
def catalogues(tmp_path: Path) -> Catalogues:
    for language, tags in (("sv", "Taggar"), ("de", "Schlagwörter")):
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "messages.po").write_text(PO.format(language=language, tags=tags), "utf-8")
    return Catalogues(tmp_path)


def test_the_source_language_first_then_every_translated_one(catalogues: Catalogues) -> None:
    assert catalogues.languages == ("en", "de", "sv")


def test_messages_come_from_the_po_file_and_fuzzy_ones_stay_in_english(
    catalogues: Catalogues,
) -> None:
    swedish = catalogues.translations("sv")
    assert swedish.gettext("Tags") == "Taggar"
    assert swedish.gettext("Latest releases") == "Latest releases"  # a guess is not shown
    assert swedish.gettext("Never translated") == "Never translated"
    assert catalogues.translations("en").gettext("Tags") == "Tags"


@pytest.mark.parametrize(
    ("requested", "defaults", "chosen"),
    [
        ("sv", ["en"], "sv"),  # asked for, and there
        ("sv-SE", ["en"], "sv"),  # a region of a language there
        ("SV_se", ["en"], "sv"),
        ("fi", ["de-AT"], "de"),  # asked for one not there: the newsroom's
        (None, ["sv"], "sv"),
        ("", ["sv"], "sv"),
        (None, ["fi", "de"], "de"),  # the first default there
        (None, ["fi"], "en"),  # none there: the source language
        ("x" * 35, [], "en"),
    ],
)
def test_the_language_asked_for_else_the_first_default_there_else_english(
    catalogues: Catalogues, requested: str | None, defaults: list[str], chosen: str
) -> None:
    assert catalogues.choose(requested, defaults) == chosen


def test_primary_subtag() -> None:
    assert [primary_subtag(t) for t in ("sv-SE", "en_GB", " EN ", "sv")] == ["sv", "en", "en", "sv"]


def test_a_folder_without_catalogues_speaks_english(tmp_path: Path) -> None:
    empty = Catalogues(tmp_path / "none")
    assert empty.languages == ("en",)
    assert empty.choose("sv", ["sv"]) == "en"
