"""The response cache's parts on their own: store bounds and expiry, which requests it
may answer and their canonical form, how long an answer may be kept.
"""

from __future__ import annotations

import json

import pytest

from gateway.cache import CacheConfig, CacheRead, CacheState
from gateway.fastpath import ResponseStore
from gateway.fastpath.probe import lifetime
from gateway.fastpath.request import Memo, caller_of, canonical_body
from gateway.omi.models import Tenant


class Clock:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_store_expires_entries_and_keeps_within_its_bounds() -> None:
    clock = Clock()
    store = ResponseStore(max_entries=2, max_bytes=10, clock=clock)
    store.put(b"a", b"1234", ttl=5)
    assert store.get(b"a") is not None
    clock.now += 5
    assert store.get(b"a") is None
    assert len(store) == 0
    store.put(b"a", b"1234", ttl=5)
    store.put(b"b", b"1234", ttl=5)
    store.put(b"c", b"1234", ttl=5)  # three entries: the oldest goes
    assert (store.get(b"a"), len(store)) == (None, 2)
    store.put(b"d", b"12345678", ttl=5)  # 4 + 4 + 8 bytes > 10: the oldest go
    assert store.get(b"d") is not None
    assert store.size_bytes <= 10
    store.put(b"e", b"x" * 11, ttl=5)  # larger than the whole store: not kept
    store.put(b"f", b"x", ttl=0)  # no lifetime: not kept
    assert store.get(b"e") is None
    assert store.get(b"f") is None


def test_store_answers_the_length_with_the_body() -> None:
    store = ResponseStore()
    store.put(b"k", b'{"data":{}}', ttl=1, operation_name="Q")
    entry = store.get(b"k")
    assert entry is not None
    assert (entry.headers, entry.operation_name) == (((b"content-length", b"11"),), "Q")


def _scope(method: str = "POST", **headers: str) -> dict[str, object]:
    raw = [(name.replace("_", "-").encode(), value.encode()) for name, value in headers.items()]
    return {"type": "http", "method": method, "headers": raw}


def may_answer(scope: dict[str, object]) -> bool:
    return caller_of(scope) is not None


def test_only_json_posts_not_streamed_and_not_too_long_may_be_answered() -> None:
    assert may_answer(_scope(content_type="application/json"))
    assert may_answer(_scope(content_type="application/json; charset=utf-8"))
    assert not may_answer(_scope("GET", content_type="application/json"))
    assert not may_answer(_scope(content_type="text/plain"))
    assert not may_answer(_scope())
    assert not may_answer(_scope(content_type="application/json", accept="multipart/mixed"))
    assert not may_answer(_scope(content_type="application/json", content_length="70000"))
    assert not may_answer(_scope(content_type="application/json", content_length="x"))


@pytest.mark.parametrize(
    ("headers", "caller"),
    [
        ({}, (None, None)),
        ({"authorization": "Bearer abc"}, ("Bearer abc", None)),
        ({"authorization": "bearer  abc "}, ("bearer  abc ", None)),  # as the header is
        ({"authorization": "Basic abc"}, (None, None)),
        ({"authorization": "Bearer "}, (None, None)),
        ({"origin": "https://a.example"}, (None, b"https://a.example")),
        ({"origin": ""}, (None, b"")),
    ],
)
def test_the_caller_is_its_bearer_header_and_origin(
    headers: dict[str, str], caller: tuple[str | None, bytes | None]
) -> None:
    assert caller_of(_scope(content_type="application/json", **headers)) == caller


def test_the_first_authorization_and_origin_headers_count() -> None:
    scope = _scope(content_type="application/json")
    scope["headers"] = [
        (b"content-type", b"application/json"),
        (b"authorization", b"Basic x"),
        (b"authorization", b"Bearer later"),
        (b"origin", b"https://first.example"),
        (b"origin", b"https://second.example"),
    ]
    assert caller_of(scope) == (None, b"https://first.example")


def test_canonical_form_ignores_layout_but_not_content() -> None:
    query = "query Q($id: ID!) { tenant(id: $id) { id } }"
    one = canonical_body(json.dumps({"query": query, "variables": {"id": "1", "b": 2}}).encode())
    same = canonical_body(
        json.dumps({"variables": {"b": 2, "id": "1"}, "query": query}, indent=3).encode()
    )
    assert one is not None
    assert one == same
    assert canonical_body(json.dumps({"query": query, "variables": {"id": "2"}}).encode()) != one
    named = canonical_body(json.dumps({"query": query, "operationName": "Q"}).encode())
    unnamed = canonical_body(json.dumps({"query": query}).encode())
    assert named != unnamed
    # Empty and missing variables mean the same to GraphQL.
    assert canonical_body(json.dumps({"query": query, "variables": {}}).encode()) == unnamed


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'[{"query": "{ __typename }"}]',  # a batch
        b'{"query": ""}',
        b'{"query": 1}',
        b'{"query": "{ a }", "variables": []}',
        b'{"query": "{ a }", "operationName": 3}',
        b'{"query": "{ a }", "extensions": {"persistedQuery": {}}}',
    ],
)
def test_bodies_the_cache_leaves_to_strawberry(body: bytes) -> None:
    assert canonical_body(body) is None


def test_memo_computes_once_and_stays_bounded() -> None:
    seen: list[bytes] = []

    def upper(data: bytes) -> bytes:
        seen.append(data)
        return data.upper()

    memo = Memo(upper, max_entries=2)
    assert [memo.get(b"1", b"a"), memo.get(b"1", b"a"), memo.get(b"2", b"b")] == [
        b"A",
        b"A",
        b"B",
    ]
    assert seen == [b"a", b"b"]
    memo.get(b"3", b"c")  # full: forgets, then remembers "c"
    assert memo.get(b"3", b"c") == b"C"
    assert seen == [b"a", b"b", b"c"]


def _tenant(status: str) -> Tenant:
    return Tenant(id="t1", status=status)


CONFIG = CacheConfig(ttl=60, pending_ttl=2, not_found_ttl=5)


def test_lifetime_follows_the_detail_cache() -> None:
    activated = CacheRead(_tenant("activated"), CacheState.MISS)
    pending = CacheRead(_tenant("pending"), CacheState.MISS)
    missing = CacheRead(None, CacheState.MISS)
    assert lifetime([], CONFIG) == 60
    assert lifetime([activated], CONFIG) == 60
    assert lifetime([activated, pending], CONFIG) == 2
    assert lifetime([missing], CONFIG) == 5
    assert lifetime([missing], CacheConfig(ttl=60, not_found_ttl=0)) == 0


def test_stale_bypassed_and_ageless_hits_are_not_kept() -> None:
    activated = _tenant("activated")
    assert lifetime([CacheRead(activated, CacheState.STALE, age_seconds=3)], CONFIG) == 0
    assert lifetime([CacheRead(activated, CacheState.BYPASS)], CONFIG) == 0
    assert lifetime([CacheRead(activated, CacheState.HIT)], CONFIG) == 0
    # A hit whose age is known lives what is left of its freshness.
    assert lifetime([CacheRead(activated, CacheState.HIT, age_seconds=45)], CONFIG) == 15
    assert lifetime([CacheRead(activated, CacheState.HIT, age_seconds=75)], CONFIG) == 0


def test_store_answers_with_the_first_answers_headers_and_the_bodys_length() -> None:
    store = ResponseStore()
    store.put(("scope", "g", None, b"q"), b"[]", ttl=1, headers=((b"vary", b"Origin"),))
    entry = store.get(("scope", "g", None, b"q"))
    assert entry is not None
    assert entry.headers == ((b"vary", b"Origin"), (b"content-length", b"2"))
    assert store.get(("scope", "g", b"", b"q")) is None  # an empty Origin is another key
