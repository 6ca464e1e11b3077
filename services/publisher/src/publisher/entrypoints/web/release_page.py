"""A release's page: its validators and its HTML (the article, or the withdrawal notice)."""

from __future__ import annotations

from newsroom_shared.http.conditional import Validators
from publisher.entrypoints.web.brand import brand_of, logo_version
from publisher.entrypoints.web.embed import Size, embed_code
from publisher.entrypoints.web.gallery import SIZES, pictures
from publisher.entrypoints.web.language import PageLanguage
from publisher.entrypoints.web.metadata import page_meta
from publisher.entrypoints.web.rendering import render, script_json
from publisher.entrypoints.web.responses import code_version
from publisher.entrypoints.web.share import share_links
from publisher.entrypoints.web.translations import alternates, translation_links
from publisher.service.pages import ReleasePage
from publisher.service.ports import Links
from publisher.service.preview import PreviewPage


def release_validators(page: ReleasePage, ui: PageLanguage, services: str = "") -> Validators:
    """From the versions the page is made of (and ``services``: where its comments and press
    kit come from): no page is rendered to compare."""
    release, newsroom = page.view.release, page.view.newsroom
    language = (ui.code, ui.carried)
    media = tuple((image.media_id, image.happened_at, image.caption) for image in page.gallery)
    arranged = page.arranged
    gallery = None if arranged is None else (arranged.gallery_id, arranged.version)
    # A translation published, edited or withdrawn changes the page's list and alternates.
    translated = tuple((t.id, t.version) for t in page.translations)
    parts = (
        media,
        logo_version(page.logo),
        gallery,
        translated,
        release.id,
        release.version,
        newsroom.id,
        newsroom.version,
        language,
        services,
        code_version(),
    )
    changed = max(
        [
            release.updated_at,
            newsroom.updated_at,
            *(i.happened_at for i in page.gallery),
            *([] if arranged is None else [arranged.changed_at]),
            *(t.updated_at for t in page.translations),
            *([] if page.logo is None else [page.logo.happened_at]),
        ]
    )
    return Validators.of(parts, changed)


def release_html(
    page: ReleasePage,
    url: str,
    home_url: str,
    ui: PageLanguage,
    *,
    oembed_url: str,
    links: Links,
    comments_path: str = "",
    media_path: str = "",
) -> str:
    """The article, with the comments widget of ``comments_path`` and the press-kit link of
    ``media_path`` when they are given."""
    view = page.view
    if page.withdrawn:
        brand = brand_of(view.newsroom, page.logo)
        return render("withdrawn.html", ui, view=view, home_url=home_url, brand=brand)
    brand = brand_of(view.newsroom, page.logo)
    logo = None if brand.logo is None else brand.logo.src
    meta = page_meta(view, url, page.card, [image.details for image in page.gallery], logo)
    return render(
        "release.html",
        ui,
        view=view,
        brand=brand,
        meta=meta,
        json_ld=script_json(meta.json_ld),
        # The release's own contacts, else the newsroom's press contacts.
        contacts=view.release.content.contacts or view.newsroom.contacts,
        home_url=home_url,
        share_links=share_links(meta.title, url),
        embed_code=embed_code(url, meta.title, Size.within(None, None)),
        pictures=pictures(page.gallery),
        press_kit=press_kit_url(media_path, page) if page.gallery else "",
        sizes=SIZES,
        oembed_url=oembed_url,
        translations=[
            t
            for t in translation_links(page.translations, view.newsroom, links)
            if t.url != url  # the others: this page is the one the reader has
        ],
        alternates=alternates(page.translations, view.newsroom, links),
        comments_widget=f"{comments_path.rstrip('/')}/widget.js" if comments_path else "",
    )


def press_kit_url(media_path: str, page: ReleasePage) -> str:
    """The media service's ZIP of the release's pictures with their credits and terms (public
    once the release is); "" without the service."""
    if not media_path:
        return ""
    release = page.view.release
    base = f"{media_path.rstrip('/')}/v1/public/{release.tenant_id}"
    return f"{base}/releases/{release.id}/press-kit.zip"


def preview_html(page: PreviewPage, ui: PageLanguage) -> str:
    """An embargoed release for the journalists its preview link was sent to, its pictures
    through signed links (no press kit: it is public only from the lift)."""
    view = page.view
    contacts = view.release.content.contacts or view.newsroom.contacts
    return render(
        "preview.html",
        ui,
        view=view,
        contacts=contacts,
        pictures=pictures(page.gallery),
        press_kit="",
        sizes=SIZES,
    )


def embed_html(page: ReleasePage, url: str, home_url: str, ui: PageLanguage) -> str:
    """The release's card for other sites' frames (``embed.py``)."""
    return render(
        "embed.html", ui, view=page.view, url=url, home_url=home_url, withdrawn=page.withdrawn
    )
