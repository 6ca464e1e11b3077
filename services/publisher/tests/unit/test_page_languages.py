"""The pages' words in English and Swedish: the catalogue covers every message of the templates
and of the page code, and a page's language and links follow the reader's choice."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from publisher.entrypoints.web import language as language_module
from publisher.entrypoints.web.language import PageLanguage, catalogues

WEB = Path(language_module.__file__).parent
BABEL_CFG = WEB.parents[3] / "babel.cfg"


def _singular(message_id: str | tuple[str, ...]) -> str:
    """A message's id: its singular form when it has plurals."""
    return message_id if isinstance(message_id, str) else message_id[0]


def _messages_in_the_code() -> set[str]:
    """What ``pybabel extract -F babel.cfg`` finds, as the README's update command runs it."""
    with BABEL_CFG.open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    return {
        _singular(message)
        for _, _, message, *_ in extract_from_dir(str(WEB), method_map, options_map)
    }


def test_swedish_translates_every_message_and_keeps_none_that_is_gone() -> None:
    po = WEB / "locales" / "sv" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as file:
        catalog = read_po(file, locale="sv")
    entries = {_singular(m.id): m for m in catalog if m.id}
    in_code = _messages_in_the_code()
    assert in_code, "no message found: the extraction is broken"
    assert sorted(in_code - set(entries)) == [], "run the README's update commands"
    assert sorted(set(entries) - in_code) == [], "messages no longer used"
    untranslated = [m.id for m in entries.values() if m.fuzzy or not all(_forms(m.string))]
    assert untranslated == []


def _forms(string: str | tuple[str, ...]) -> tuple[str, ...]:
    return (string,) if isinstance(string, str) else string


def test_english_and_swedish_are_the_pages_languages() -> None:
    assert catalogues().languages == ("en", "sv")


def test_without_a_choice_a_page_speaks_the_newsrooms_language_and_links_carry_nothing() -> None:
    ui = PageLanguage.of(None, "sv-SE", "/acme/", {})
    assert (ui.code, ui.carried) == ("sv", None)
    assert ui.link("/acme/releases/1") == "/acme/releases/1"
    ui = PageLanguage.of(None, "fi", "/acme/", {})  # no catalogue for Finnish
    assert (ui.code, ui.carried) == ("en", None)


def test_a_readers_choice_other_than_the_default_is_carried_by_every_link() -> None:
    ui = PageLanguage.of("sv", "en", "/acme/", {"lang": "sv", "cursor": "c1"})
    assert (ui.code, ui.carried) == ("sv", "sv")
    assert ui.link("/acme/releases/1") == "/acme/releases/1?lang=sv"
    assert ui.link("/acme/", cursor="a b") == "/acme/?cursor=a+b&lang=sv"
    # Choosing the default language is no choice to carry.
    assert PageLanguage.of("en", "en", "/acme/", {"lang": "en"}).carried is None
    # A language without a catalogue is ignored.
    assert PageLanguage.of("xx", "sv", "/acme/", {"lang": "xx"}).code == "sv"


def test_the_switch_offers_this_page_in_each_language_named_in_itself() -> None:
    ui = PageLanguage.of("sv", "en", "/acme/", {"lang": "sv", "cursor": "c1"})
    choices = [(c.code, c.label, c.href, c.current) for c in ui.choices]
    assert choices == [
        ("en", "English", "/acme/?cursor=c1&lang=en", False),
        ("sv", "Svenska", "/acme/?cursor=c1&lang=sv", True),
    ]
