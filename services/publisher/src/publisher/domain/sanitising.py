"""Release bodies are staff HTML: we keep a safe rich-text subset and strip everything else."""

from __future__ import annotations

import nh3

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "h2", "h3", "h4", "strong", "em", "u", "a", "ul", "ol", "li",
        "blockquote", "code", "pre", "figure", "figcaption",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener nofollow"
# Tags removed together with their content: their text is code or chrome, never prose.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math",
     "textarea", "select"}
)  # fmt: skip


def sanitise_html(html: str) -> str:
    """The safe subset of ``html``: links only to http(s)/mailto (relative ones dropped)."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
        url_relative="deny",
        strip_comments=True,
    ).strip()
