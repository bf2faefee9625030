"""Scopes, key layout and the JSON form of entries."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from gateway.cache.codec import CodecError, Entry, MissingTenant, decode_entry, encode_entry
from gateway.cache.keys import KeyLayout, scope_for
from tests.cache.support import make_tenant


def test_scope_hashes_the_whole_header_and_hides_the_token() -> None:
    a = scope_for("Bearer token-of-a")
    assert a != scope_for("Bearer token-of-b")
    assert a == scope_for("Bearer token-of-a")
    assert "token-of-a" not in a
    assert len(a) == 64
    keyed = scope_for("Bearer token-of-a", secret=b"k1")
    assert keyed not in {a, scope_for("Bearer token-of-a", secret=b"k2")}
    layout = KeyLayout("p:")
    assert "token-of-a" not in layout.tenant(a, "t-1") + layout.generation(a)


def test_odd_tenant_ids_are_hashed_into_keys() -> None:
    layout = KeyLayout("p:")
    assert layout.tenant("s", "abc-123").endswith(":abc-123")
    weird = layout.tenant("s", "x" * 500 + ":\n*")
    assert len(weird) < 120
    assert weird != layout.tenant("s", "x" * 500 + ":\n?")


def test_tenant_entry_round_trips_through_json() -> None:
    tenant = make_tenant(balance=2**53 + 1)
    entry = Entry("gen", 1.5, 60.0, tenant=tenant)
    text = encode_entry(entry)
    assert json.loads(text)["tenant"]["balance"] == 2**53 + 1  # an exact integer
    back = decode_entry(text)
    assert back == entry
    assert back.tenant is not None
    assert back.tenant.api_key == "secret-api-key"
    assert back.tenant.is_complete
    partial = replace(tenant, present=frozenset({"full_name"}))
    assert decode_entry(encode_entry(Entry("g", 0, 1, tenant=partial))).tenant == partial


def test_missing_entry_round_trips_without_request_id() -> None:
    missing = MissingTenant("no such tenant", "resource_not_found", 200, "req-1")
    back = decode_entry(encode_entry(Entry("g", 2.0, 5.0, missing=missing)))
    assert back.missing == replace(missing, request_id=None)
    assert back.tenant is None


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"v": 99, "g": "0", "at": 1, "fresh": 1, "missing": {}}',
        '{"v": 1, "g": "0", "at": 1, "fresh": 1}',
        '{"v": 1, "g": 0, "at": 1, "fresh": 1, "missing": '
        '{"message": "m", "code": null, "http": null}}',
        b"\x80\x04pickle",
        42,
    ],
)
def test_anything_else_is_a_codec_error(text: object) -> None:
    with pytest.raises(CodecError):
        decode_entry(text)


def test_types_are_checked_on_decoding() -> None:
    body = json.loads(encode_entry(Entry("g", 0, 1, tenant=make_tenant())))
    body["tenant"]["balance"] = True  # a bool is not a balance
    with pytest.raises(CodecError):
        decode_entry(json.dumps(body))
    body["tenant"]["balance"] = 1.5  # nor is a float
    with pytest.raises(CodecError):
        decode_entry(json.dumps(body))
