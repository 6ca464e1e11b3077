import pytest

from publisher.domain.sanitising import sanitise_html


def test_the_rich_text_subset_survives() -> None:
    html = (
        "<h2>Title</h2><p>A <strong>bold</strong>, <em>em</em> and <u>u</u> text<br>"
        "</p><ul><li>one</li></ul><ol><li>two</li></ol><blockquote>q</blockquote>"
        "<pre><code>x = 1</code></pre><figure><figcaption>cap</figcaption></figure>"
        "<h3>3</h3><h4>4</h4>"
    )
    assert sanitise_html(html) == html


@pytest.mark.parametrize(
    ("html", "clean"),
    [
        ("<script>alert(1)</script>ok", "ok"),
        ("<style>p{}</style>ok", "ok"),
        ("<iframe src='https://evil'>x</iframe>ok", "ok"),
        ("<h1>big</h1>", "big"),
        ("<img src=x onerror=alert(1)>", ""),
        ("<p style='color:red' class='c' id='i'>p</p>", "<p>p</p>"),
        ("<!-- note --><p>p</p>", "<p>p</p>"),
        ("<div><span>text</span></div>", "text"),
    ],
)
def test_everything_else_is_stripped(html: str, clean: str) -> None:
    assert sanitise_html(html) == clean


@pytest.mark.parametrize(
    "href", ["https://example.com/a", "http://example.com", "mailto:press@example.com"]
)
def test_links_keep_safe_schemes_and_get_rel(href: str) -> None:
    assert sanitise_html(f'<a href="{href}" target="_blank">x</a>') == (
        f'<a href="{href}" rel="noopener nofollow">x</a>'
    )


@pytest.mark.parametrize(
    "href", ["javascript:alert(1)", "data:text/html,x", "/relative", "ftp://x"]
)
def test_unsafe_or_relative_links_lose_their_href(href: str) -> None:
    assert sanitise_html(f'<a href="{href}">x</a>') == '<a rel="noopener nofollow">x</a>'
