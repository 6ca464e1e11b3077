"""Markup meant to run script, and a check that a piece of HTML holds nothing that could.

The check parses the HTML (as a browser's tokenizer would) instead of searching for strings:
only the safe subset's tags, no attribute but a link's ``href`` (http or https) and ``rel``.
"""

from __future__ import annotations

from html.parser import HTMLParser

from comments.domain.markup import ALLOWED_TAGS, LINK_REL

CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src=x onerror="alert(1)">',
    "<body onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="java\tscript:alert(1)">click</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="//evil.example/">protocol-relative</a>',
    '<a href="https://ok.example/" onclick="alert(1)" style="color:red">styled</a>',
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<input autofocus onfocus="alert(1)">',
    '<details open ontoggle="alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<div style="background-image:url(javascript:alert(1))">x</div>',
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    "<textarea><script>alert(1)</script></textarea>",
    '<blockquote cite="javascript:alert(1)">quoted</blockquote>',
    '<code onmouseover="alert(1)">x</code>',
    "<a href='https://ok.example/\"onmouseover=\"alert(1)'>quote break</a>",
    '<a href="https://ok.example/" target="_blank">tab</a>',
    "<isindex type=image src=1 onerror=alert(1)>",
    '<video><source onerror="alert(1)"></video>',
    '<marquee onstart="alert(1)">x</marquee>',
    "\u003cscript\u003ealert(1)\u003c/script\u003e",
    "<scr\x00ipt>alert(1)</scr\x00ipt>",
]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if tag == "a" and name == "href":
                if not (value or "").lower().startswith(("http://", "https://")):
                    self.problems.append(f"href {value!r}")
            elif tag == "a" and name == "rel":
                if value != LINK_REL:
                    self.problems.append(f"rel {value!r}")
            else:
                self.problems.append(f"attribute {name}={value!r} on <{tag}>")

    def handle_comment(self, data: str) -> None:
        self.problems.append(f"comment {data!r}")


def unsafe_parts(html: str) -> list[str]:
    """What in ``html`` is outside the safe subset (empty when it is safe)."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.problems


def links_have_rel(html: str) -> bool:
    return html.count("<a ") == html.count(f'rel="{LINK_REL}"')
