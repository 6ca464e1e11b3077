"""The two servers of benchmark P4, each run in its own process by ``bench/page_reads.py``:
``python -m bench.page_servers system|baseline --port P``.

- ``system``: the publisher app as ``python -m publisher`` builds it (settings from the
  ``PUBLISHER_*`` environment), every MongoDB command it sends counted; ``GET
  /__bench/commands`` answers the counts so far and starts them again.
- ``baseline``: a bare FastAPI app with one route at the release page's path rendering a
  Jinja2 page of about ``--bytes`` bytes (autoescaped, from a template compiled once) on every
  request, as a plain server-rendered endpoint does.

Both on uvicorn with the same options: one worker, uvloop and httptools, no access log.
"""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from jinja2 import Environment

from bench.counting import counted_app

PAGE_PATH = "/{newsroom_slug}/releases/{release_id}"
TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }} | {{ newsroom }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="canonical" href="{{ url }}"><meta property="og:title" content="{{ title }}">
<meta property="og:description" content="{{ lead }}"></head>
<body><header><a href="/{{ slug }}/">{{ newsroom }}</a>
<nav>{% for tag in tags %}<a href="/{{ slug }}/tags/{{ tag }}/">{{ tag }}</a> {% endfor %}</nav>
</header><main><article><h1>{{ title }}</h1><p class="lead">{{ lead }}</p>
{% for paragraph in paragraphs %}<p>{{ paragraph }}</p>
{% endfor %}</article>
<aside><h2>Press contacts</h2><ul>{% for c in contacts %}
<li>{{ c.name }}, {{ c.role }}: <a href="mailto:{{ c.email }}">{{ c.email }}</a></li>
{% endfor %}</ul></aside></main><footer>{{ newsroom }}</footer></body></html>
"""
SENTENCE = (
    "Acme's new rocket skates reach the shops in March, after two years of tests in the "
    "desert with coyotes and roadrunners alike & <lots> of feedback. "
)


def baseline_app(size: int) -> FastAPI:
    template = Environment(autoescape=True).from_string(TEMPLATE)
    context: dict[str, Any] = {
        "title": "Acme launches the Roadrunner 2",
        "newsroom": "Acme Newsroom",
        "slug": "acme",
        "url": "https://news.example/acme/releases/1",
        "lead": SENTENCE,
        "tags": ["launch", "rockets", "skates"],
        "contacts": [{"name": "Ann Press", "role": "PR", "email": "ann@acme.example"}],
        "paragraphs": [],
    }
    while len(template.render(context)) < size:
        context["paragraphs"].append(SENTENCE * 3)
    app = FastAPI()

    @app.get(PAGE_PATH, response_class=HTMLResponse)
    async def release_page(newsroom_slug: str, release_id: str) -> HTMLResponse:
        return HTMLResponse(template.render(context))

    return app


def system_app() -> FastAPI:
    def create() -> FastAPI:
        from publisher.main import create_app  # after the listener: its client must see it

        return create_app()

    return counted_app(create)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kind", choices=["system", "baseline"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--bytes", type=int, default=20_000, help="the baseline page's size")
    args = parser.parse_args()
    app = system_app() if args.kind == "system" else baseline_app(args.bytes)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
