"""A newsroom's own domain: the hostname rules, the use case, its URLs, the replica's map of
domains and the middleware that picks the newsroom by host."""

from ipaddress import ip_network

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from newsroom_shared.events.publisher import NewsroomCreated
from newsroom_testing.clock import FakeClock
from publisher.adapters.preview_links import SignedLinks
from publisher.adapters.site_map import SiteDirectory
from publisher.domain.domains import normalise_host, require_domain
from publisher.domain.errors import AlreadyExistsError, InvalidInputError
from publisher.domain.newsroom import NewsroomChanges
from publisher.entrypoints.web.custom_domains import CustomDomains
from publisher.entrypoints.web.sites import ORIGINAL_PATH_KEY, SITE_KEY
from publisher.service import newsrooms
from publisher.service.ports import Caller, Site


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("news.acme.example", "news.acme.example"),
        ("News.ACME.example.", "news.acme.example"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        ("a-b.c-d.example", "a-b.c-d.example"),
    ],
)
def test_a_public_hostname_is_a_domain(given: str, stored: str) -> None:
    assert require_domain("domain", given) == stored


@pytest.mark.parametrize(
    ("given", "why"),
    [
        ("localhost", "at least two labels"),
        ("acme", "at least two labels"),
        ("news.localhost", "not public"),
        ("shop.local", "not public"),
        ("x.invalid", "not public"),
        ("127.0.0.1", "IP address"),
        ("-acme.example", "not a DNS label"),
        ("acme..example", "not a DNS label"),
        ("acme_news.example", "not a DNS label"),
        ("news.acme.example:8080", "not a DNS label"),
        ("bücher.example", "xn--"),
        ("https://acme.example", "not a DNS label"),
        ("a" * 64 + ".example", "not a DNS label"),
        (("a" * 60 + ".") * 5 + "example", "at most 253"),
    ],
)
def test_anything_else_is_refused_with_the_reason(given: str, why: str) -> None:
    with pytest.raises(InvalidInputError, match=why):
        require_domain("domain", given)


def test_a_request_host_is_compared_without_port_case_or_trailing_dot() -> None:
    assert normalise_host("News.Acme.Example.:443") == "news.acme.example"
    assert normalise_host("[::1]:8000") == "[::1]:8000"  # never a domain of ours


async def test_staff_set_change_and_remove_a_domain_unique_across_tenants(uow, deps) -> None:
    a, b = Caller("a" * 24, "k"), Caller("b" * 24, "k")
    room = await newsrooms.create_newsroom(uow, deps, a, name="Acme", default_language="en")
    other = await newsrooms.create_newsroom(uow, deps, b, name="Other", default_language="en")
    changed = await newsrooms.change_newsroom(
        uow, deps, a, room.id, NewsroomChanges(domain="News.Acme.example")
    )
    assert (changed.domain, changed.version) == ("news.acme.example", 2)
    assert deps.sites.forgotten == 1  # this replica's map of domains is read again at once
    with pytest.raises(AlreadyExistsError, match="taken"):
        await newsrooms.change_newsroom(
            uow, deps, b, other.id, NewsroomChanges(domain="news.acme.example")
        )
    await newsrooms.change_newsroom(uow, deps, a, room.id, NewsroomChanges(name="Acme Corp"))
    assert deps.sites.forgotten == 1  # no domain change, nothing to forget
    cleared = await newsrooms.change_newsroom(
        uow, deps, a, room.id, NewsroomChanges(clear_domain=True)
    )
    assert cleared.domain is None
    assert deps.sites.forgotten == 2
    freed = await newsrooms.change_newsroom(
        uow, deps, b, other.id, NewsroomChanges(domain="news.acme.example")
    )
    assert freed.domain == "news.acme.example"


async def test_a_newsroom_is_created_on_its_domain_which_its_events_name(uow, deps) -> None:
    a, b = Caller("a" * 24, "k"), Caller("b" * 24, "k")
    room = await newsrooms.create_newsroom(
        uow, deps, a, name="Acme", default_language="en", domain="News.Acme.example."
    )
    assert (room.domain, room.version) == ("news.acme.example", 1)
    assert deps.sites.forgotten == 1
    created = [e for e in uow.events if isinstance(e, NewsroomCreated)]
    assert [e.domain for e in created] == ["news.acme.example"]
    with pytest.raises(AlreadyExistsError, match=r"domain 'news\.acme\.example' is taken"):
        await newsrooms.create_newsroom(
            uow, deps, b, name="Other", default_language="en", domain="news.acme.example"
        )
    with pytest.raises(InvalidInputError, match="not public"):
        await newsrooms.create_newsroom(
            uow, deps, b, name="Other", default_language="en", domain="news.localhost"
        )
    plain = await newsrooms.create_newsroom(uow, deps, b, name="Plain", default_language="en")
    assert plain.domain is None
    assert deps.sites.forgotten == 1  # no domain, nothing to forget


async def test_the_platforms_own_host_is_no_newsrooms_domain(uow, deps, caller) -> None:
    room = await newsrooms.create_newsroom(uow, deps, caller, name="Acme", default_language="en")
    with pytest.raises(InvalidInputError, match="platform's own host"):
        await newsrooms.change_newsroom(
            uow, deps, caller, room.id, NewsroomChanges(domain=deps.links.site_host())
        )
    with pytest.raises(InvalidInputError, match="platform's own host"):
        await newsrooms.create_newsroom(
            uow, deps, caller, name="Acme", default_language="en", domain=deps.links.site_host()
        )


async def test_urls_of_a_newsroom_on_its_domain(uow, deps, caller) -> None:
    links = SignedLinks("https://p.example", "s", web_origin="https://www.news.example/")
    room = await newsrooms.create_newsroom(uow, deps, caller, name="Acme", default_language="en")
    assert links.newsroom_url(room) == "https://www.news.example/acme/"
    room.domain = "news.acme.example"
    assert links.newsroom_url(room) == "https://news.acme.example/"
    assert links.release_url(room, "r1") == "https://news.acme.example/releases/r1"
    plain = SignedLinks("p", "s", web_origin="http://127.0.0.1:8000", domain_scheme="http")
    assert plain.release_url(room, "r1") == "http://news.acme.example/releases/r1"
    assert plain.site_host() == "127.0.0.1"


class Loads:
    def __init__(self, *answers: list[Site] | Exception) -> None:
        self.answers = list(answers)
        self.count = 0

    async def __call__(self) -> list[Site]:
        self.count += 1
        answer = self.answers[min(self.count, len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer


ACME = Site(domain="news.acme.example", slug="acme")


async def test_the_map_of_domains_is_read_once_per_ttl_or_after_a_change_here() -> None:
    clock = FakeClock()
    load = Loads([], [ACME])
    directory = SiteDirectory(load, clock, ttl_s=30)
    assert (await directory.current()).by_domain == {}
    clock.advance(29)
    assert (await directory.current()).by_domain == {}
    assert load.count == 1
    clock.advance(1)  # stale: another replica's change is seen now
    assert (await directory.current()).by_slug == {"acme": ACME}
    assert load.count == 2
    directory.forget()  # a change on this replica: seen at once
    await directory.current()
    assert load.count == 3


async def test_a_failed_reload_keeps_the_last_map() -> None:
    clock = FakeClock()
    directory = SiteDirectory(Loads([ACME], ConnectionError("down")), clock, ttl_s=1)
    await directory.current()
    clock.advance(2)
    assert (await directory.current()).by_domain == {"news.acme.example": ACME}
    with pytest.raises(ConnectionError):
        await SiteDirectory(Loads(ConnectionError("down")), clock, ttl_s=1).current()


async def echo(request: Request) -> JSONResponse:
    site = request.scope.get(SITE_KEY)
    return JSONResponse(
        {
            "path": request.url.path,
            "original": request.scope.get(ORIGINAL_PATH_KEY),
            "site": None if site is None else site.slug,
        }
    )


def client(
    proxies: tuple[str, ...] = (), peer: str = "10.0.0.7", root_path: str = ""
) -> httpx.AsyncClient:
    app = Starlette(routes=[Route("/{path:path}", echo)])
    directory = SiteDirectory(Loads([ACME]), FakeClock(), ttl_s=30)
    wrapped = CustomDomains(app, directory, [ip_network(p) for p in proxies], scheme="https")
    transport = httpx.ASGITransport(wrapped, root_path=root_path, client=(peer, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000")


async def test_on_its_domain_a_newsrooms_pages_are_at_the_root() -> None:
    async with client() as http:
        on_domain = {"Host": "News.Acme.Example:443"}
        answer = (await http.get("/releases/r1?lang=sv", headers=on_domain)).json()
        assert answer == {"path": "/acme/releases/r1", "original": "/releases/r1", "site": "acme"}
        assert (await http.get("/", headers=on_domain)).json()["path"] == "/acme/"
        tag = await http.get("/tags/ai%2Fml/", headers=on_domain)
        assert tag.json()["path"] == "/acme/tags/ai/ml/"
        # The site's own paths stay, knowing the site (robots.txt names the domain's sitemap).
        assert (await http.get("/robots.txt", headers=on_domain)).json()["site"] == "acme"
        assert (await http.get("/oembed", headers=on_domain)).json()["path"] == "/oembed"
        api = await http.get("/v1/public/x", headers=on_domain)
        assert api.json()["path"] == "/v1/public/x"


async def test_under_a_root_path_the_route_path_is_what_counts() -> None:
    # As uvicorn serves the app behind the proxy: its root path in front of every path.
    async with client(root_path="/api/publisher") as http:
        on_domain = {"Host": "news.acme.example"}
        answer = (await http.get("/api/publisher/releases/r1", headers=on_domain)).json()
        expected = "/api/publisher/acme/releases/r1"  # the app routes /acme/releases/r1
        assert answer == {"path": expected, "original": "/releases/r1", "site": "acme"}
        moved = await http.get("/api/publisher/acme/releases/r1")
        assert moved.headers["location"] == "https://news.acme.example/releases/r1"


async def test_slug_urls_of_a_newsroom_with_a_domain_answer_301_there() -> None:
    async with client() as http:
        moved = await http.get("/acme/releases/r1?lang=sv")
        assert moved.status_code == 301
        assert moved.headers["location"] == "https://news.acme.example/releases/r1?lang=sv"
        home = await http.get("/acme")
        assert home.headers["location"] == "https://news.acme.example/"
        on_domain = await http.get("/acme/tags/x/", headers={"Host": "news.acme.example"})
        assert (on_domain.status_code, on_domain.headers["location"]) == (301, "/tags/x/")


async def test_an_unknown_host_is_the_platform() -> None:
    async with client() as http:
        answer = await http.get("/other/releases/r1", headers={"Host": "elsewhere.example"})
        assert answer.json() == {"path": "/other/releases/r1", "original": None, "site": None}


async def test_a_forwarded_host_counts_only_from_a_configured_proxy() -> None:
    forwarded = {"Host": "127.0.0.1:8000", "X-Forwarded-Host": "news.acme.example"}
    async with client() as http:  # no proxy configured
        assert (await http.get("/", headers=forwarded)).json()["site"] is None
    async with client(("10.0.0.0/24",), peer="10.0.1.9") as http:  # not from the proxy
        assert (await http.get("/", headers=forwarded)).json()["site"] is None
    async with client(("10.0.0.0/24",), peer="10.0.0.7") as http:
        assert (await http.get("/", headers=forwarded)).json()["site"] == "acme"
