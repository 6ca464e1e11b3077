"""Benchmark P3: posts per second through listening's pipeline (normalise, match, language,
dedupe, sentiment) with 10,000 tenant queries and 1 % of posts matching, on one core, against
naive matching (one regular expression per query) in the same run.

In process, no servers: the figures are CPU per post. What the database adds per mention (the
dedupe read, the insert with its MentionDetected in the outbox, inside the consumer's inbox
transaction) is counted separately, as commands per mention, by the end-to-end figure
(``p3-end-to-end``, not written yet: see bench/README.md).
"""

from __future__ import annotations

import os
import random
import re
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from listening.adapters.language import LangidDetector
from listening.adapters.sentiment import VaderSentiment
from listening.adapters.word_frequency import commonness
from listening.domain.dedupe import minhash, url_key
from listening.domain.matching import Matcher, matches_among
from listening.domain.queries import ListeningQuery
from listening.domain.query_ast import positive_terms
from listening.domain.text import Document

QUERIES = 10_000
TENANTS = 100
MATCHING_SHARE = 0.01
NOW = datetime(2030, 1, 1, tzinfo=UTC)
VOCABULARY = [
    "the",
    "a",
    "new",
    "update",
    "app",
    "phone",
    "price",
    "shop",
    "store",
    "delivery",
    "service",
    "support",
    "team",
    "today",
    "week",
    "really",
    "very",
    "good",
    "bad",
    "great",
    "awful",
    "love",
    "hate",
    "fast",
    "slow",
    "broken",
    "works",
    "again",
    "never",
    "always",
    "customer",
    "order",
    "review",
    "launch",
    "event",
    "city",
    "news",
    "report",
    "market",
    "sale",
    "deal",
    "quality",
    "issue",
    "fix",
    "people",
    "think",
    "said",
    "says",
    "time",
    "year",
    "day",
    "morning",
    "night",
    "home",
    "work",
    "friend",
    "family",
    "coffee",
    "car",
]


def query_text(n: int) -> str:
    """Ten shapes of query, each anchored on the query's own brand words."""
    brand, product = f"brand{n}", f"product{n}"
    shapes = [
        f"{brand} OR {product}",
        f'"{brand} {product}"',
        f"{brand} AND (broken OR slow OR awful)",
        f"{brand} NOT (sale OR deal)",
        f"{brand} NEAR/3 (love OR hate)",
        f"({brand} OR {product}) lang:en",
        f"{brand}* AND support",
        f'"{product} launch" OR {brand}',
        f"{brand} source:webhook",
        f"({brand} OR {product}) NOT spam",
    ]
    return shapes[n % len(shapes)]


def make_queries() -> list[ListeningQuery]:
    return [
        ListeningQuery.create(
            tenant_id=f"t{n % TENANTS}", name=f"q{n}", text=query_text(n), now=NOW
        )
        for n in range(QUERIES)
    ]


def make_posts(count: int, seed: int = 7) -> list[tuple[str, str, str]]:
    """(tenant, url, text): 1 % name a brand of a query of their tenant."""
    rng = random.Random(seed)
    posts = []
    for i in range(count):
        words = rng.choices(VOCABULARY, k=rng.randint(12, 40))
        tenant = rng.randrange(TENANTS)
        if rng.random() < MATCHING_SHARE:
            n = rng.randrange(QUERIES // TENANTS) * TENANTS + tenant
            words[rng.randrange(len(words))] = f"brand{n} product{n} launch broken love support"
        posts.append(
            (f"t{tenant}", f"https://site{i % 50}.example/p/{i}?utm_source=x", " ".join(words))
        )
    return posts


def naive_regexes(queries: list[ListeningQuery]) -> list[tuple[str, re.Pattern[str]]]:
    """One regular expression per query: its positive terms as alternatives (a lower bound on
    the work of a regex matcher: it still ignores NOT, NEAR and the filters)."""
    compiled = []
    for query in queries:
        alternatives = [
            re.escape(" ".join(term.words)) + (r"\w*" if term.kind == "prefix" else r"\b")
            for term in positive_terms(query.tree)
        ]
        compiled.append(
            (query.tenant_id, re.compile(r"\b(?:" + "|".join(alternatives) + ")", re.IGNORECASE))
        )
    return compiled


class Pipeline:
    """The stages of ``listening.service.pipeline.match_post``, the database replaced by a dict
    (the dedupe read and the insert are counted per mention, not timed here)."""

    def __init__(self, matcher: Matcher, *, language_for_every_post: bool = False) -> None:
        self.matcher = matcher
        self.language = LangidDetector()
        self.sentiment = VaderSentiment()
        self.seen: set[tuple[str, str]] = set()
        self.language_for_every_post = language_for_every_post
        self.mentions = 0

    def handle(self, tenant: str, url: str, text: str) -> None:
        document = Document.of(text, source="webhook")
        if self.language_for_every_post:
            language = self.language.detect(text)
        candidates = self.matcher.candidates(document, tenant)
        if not candidates:
            return
        if not self.language_for_every_post:
            language = self.language.detect(text)
        matches = matches_among(candidates, replace(document, language=language))
        if not matches:
            return
        key = (tenant, url_key(url))
        minhash(document.words)  # the near-copy signature, looked up in the database
        if key in self.seen:
            return
        self.seen.add(key)
        self.sentiment.score(text, language)
        self.mentions += 1


class SharedPipeline(Pipeline):
    """The same stages for posts of a source shared by every tenant (Bluesky's firehose,
    ``match_shared_post``): every tenant's candidates from one scan, the language once, the
    boolean trees and the rest per tenant with candidates."""

    def handle(self, tenant: str, url: str, text: str) -> None:
        del tenant  # a shared post has none
        document = Document.of(text, source="bluesky")
        by_tenant = self.matcher.candidates_of_every_tenant(document)
        if not by_tenant:
            return
        language = self.language.detect(text)
        located = replace(document, language=language)
        for owner, candidates in by_tenant.items():
            if not matches_among(candidates, located):
                continue
            key = (owner, url_key(url))
            minhash(document.words)
            if key in self.seen:
                continue
            self.seen.add(key)
            self.sentiment.score(text, language)
            self.mentions += 1


def rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1)


def pin_to_one_core() -> int | None:
    if not hasattr(os, "sched_setaffinity"):
        return None
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core


async def run(bootstrap: str, mongo_uri: str, events: int, rounds: int) -> dict[str, Any]:
    del bootstrap, mongo_uri  # in process: CPU per post
    core = pin_to_one_core()
    queries = make_queries()
    started = time.perf_counter()
    matcher = Matcher(queries, commonness)  # as the service builds it (bootstrap.py)
    build_s = time.perf_counter() - started
    posts = make_posts(max(events, 20_000))
    naive_posts = posts[: max(50, min(300, events // 100))]
    regexes = naive_regexes(queries)
    warm = Pipeline(matcher)
    warm.language.detect("warm the model up")  # its load (~1 s) is not per post
    results: dict[str, Any] = {
        "benchmark": "p3-matching",
        "queries": QUERIES,
        "tenants": TENANTS,
        "posts": len(posts),
        "naive_posts": len(naive_posts),
        "core": core,
        "matcher_build_s": round(build_s, 3),
        "rounds": [],
    }
    for _ in range(rounds):
        pipeline = Pipeline(matcher)
        pipeline.language = warm.language
        started = time.perf_counter()
        for post in posts:
            pipeline.handle(*post)
        ours_s = time.perf_counter() - started

        shared = SharedPipeline(matcher)
        shared.language = warm.language
        started = time.perf_counter()
        for post in posts:
            shared.handle(*post)
        shared_s = time.perf_counter() - started

        every = Pipeline(matcher, language_for_every_post=True)
        every.language = warm.language
        started = time.perf_counter()
        for post in posts:
            every.handle(*post)
        every_s = time.perf_counter() - started

        started = time.perf_counter()
        naive_hits = 0
        for tenant, _, text in naive_posts:
            folded = text
            naive_hits += sum(
                1 for owner, pattern in regexes if owner == tenant and pattern.search(folded)
            )
        naive_s = time.perf_counter() - started
        # The regexes of other tenants are skipped by the tenant test above; a naive matcher that
        # also ran them (one list for everyone, as a single automaton is) would be slower still.
        started = time.perf_counter()
        for _, _, text in naive_posts:
            for _, pattern in regexes:
                pattern.search(text)
        naive_all_s = time.perf_counter() - started

        ours = rate(len(posts), ours_s)
        results["rounds"].append(
            {
                "ours_posts_per_s": ours,
                "ours_shared_posts_per_s": rate(len(posts), shared_s),
                "ours_language_for_every_post_posts_per_s": rate(len(posts), every_s),
                "naive_tenant_regexes_posts_per_s": rate(len(naive_posts), naive_s),
                "naive_all_regexes_posts_per_s": rate(len(naive_posts), naive_all_s),
                "ratio_to_naive_all": round(ours / rate(len(naive_posts), naive_all_s), 1),
                "mentions": pipeline.mentions,
                "matching_share": round(pipeline.mentions / len(posts), 4),
            }
        )
    return results
