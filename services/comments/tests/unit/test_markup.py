"""The safe subset: what visitors may write survives, nothing that could run does."""

from __future__ import annotations

import pytest
from xss_corpus import CORPUS, links_have_rel, unsafe_parts

from comments.domain.markup import normalised, sanitise


def full_width(text: str) -> str:
    """``text`` in full-width letters (U+FF41...), which look alike and compare unequal."""
    return "".join(chr(ord(c) + 0xFEE0) for c in text)


@pytest.mark.parametrize("attack", CORPUS)
def test_no_attack_leaves_anything_unsafe_in_the_stored_html(attack: str) -> None:
    body = sanitise(f"Before {attack} after")
    assert unsafe_parts(body.html) == []
    assert links_have_rel(body.html)
    assert "<script" not in body.html.lower()


def test_the_safe_subset_survives_and_links_get_rel() -> None:
    body = sanitise(
        '<p>See <a href="https://acme.example/x">this</a>, <em>really</em> '
        "<strong>now</strong>.</p><blockquote>quoted</blockquote><code>x = 1</code>"
    )
    assert body.html == (
        '<p>See <a href="https://acme.example/x" rel="nofollow ugc noopener">this</a>, '
        "<em>really</em> <strong>now</strong>.</p><blockquote>quoted</blockquote>"
        "<code>x = 1</code>"
    )
    assert body.text == "See this, really now.\nquoted\nx = 1"
    assert body.links == 1


def test_plain_text_keeps_its_characters_and_drops_every_tag() -> None:
    body = sanitise('1 < 2 & "quotes" <b>bold</b> <script>gone()</script>')
    assert body.text == '1 < 2 & "quotes" bold'
    assert "&lt;" in body.html
    assert "gone" not in body.html


def test_links_are_counted_once_whether_marked_up_or_bare() -> None:
    body = sanitise(
        '<a href="https://a.example/">https://a.example/</a> and https://b.example/x '
        '<a href="https://c.example/">c</a>'
    )
    assert body.links == 3


def test_a_body_of_markup_only_has_no_text() -> None:
    assert sanitise("<script>alert(1)</script><img src=x>").text == ""


def test_the_digest_ignores_case_spacing_and_width() -> None:
    assert (
        sanitise("Great   NEWS today").digest
        == sanitise("great news " + full_width("today")).digest
    )
    assert normalised("  A\n\tB ") == "a b"
