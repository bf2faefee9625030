"""No failure shows the caller's token, the API key, the URL or a request body."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from gateway.omi import OmiError
from tests.omi.fake import API_KEY, BASE_URL, CALLS, NEW_TENANT, TOKEN, FakeOmi, failure

# What no failure may show; each call also hides the secret it sends (a key, a password).
# (authenticate sends no token, so it cannot know one to hide.)
SHOWN_NEVER = [BASE_URL, "omi.invalid", "/api/"]
TOKENS = [TOKEN, TOKEN.removeprefix("Bearer ")]
CALL_SECRETS = {
    "authenticate": [API_KEY],
    "create_tenant": [*TOKENS, NEW_TENANT.password],
    "get_tenant": TOKENS,
    "list_tenants": TOKENS,
    "top_up": TOKENS,
}
ECHO = f"bad token {TOKEN} key {API_KEY} at {BASE_URL}/api/x pw {NEW_TENANT.password}"


def answers() -> Iterator[tuple[str, Any]]:
    """Every kind of failure, with OMI echoing the secrets back wherever it can."""
    yield "401-text", httpx.Response(401, text=ECHO)
    yield "401-json", httpx.Response(401, json=failure(ECHO))
    yield "401-code-shaped-token", httpx.Response(401, json=failure("s3cr3t-partner-token-7f1e"))
    yield "403", httpx.Response(403, json=failure(ECHO))
    yield "404", httpx.Response(404, text=ECHO)
    yield "429", httpx.Response(429, text=ECHO)
    yield "503", httpx.Response(503, json=failure(ECHO))
    yield "418", httpx.Response(418, text=ECHO)
    yield "400-envelope", httpx.Response(400, json=failure(ECHO))
    yield "sentence", httpx.Response(200, json=failure(ECHO))
    yield "garbage", httpx.Response(200, text=ECHO)
    yield "bad-status", httpx.Response(200, json={"status_code": ECHO})
    for error in (
        httpx.ConnectError,
        httpx.ReadTimeout,
        httpx.RemoteProtocolError,
        httpx.LocalProtocolError,
        httpx.DecodingError,
        httpx.TooManyRedirects,
    ):
        yield error.__name__, error(ECHO)


ANSWERS = list(answers())
# A payload of the wrong shape, echoing secrets; top_up reads no payload, so not there.
BAD_PAYLOAD = httpx.Response(
    200,
    json={
        "status_code": 9999,
        "payload": {"id": 1.5, "items": [{"id": ECHO, "balance": ECHO}], "balance": ECHO},
    },
)


def check(error: OmiError, call: str) -> None:
    shown = [str(error), repr(error), error.message, str(error.args), str(error.omi_code)]
    for text in shown:
        for secret in SHOWN_NEVER + CALL_SECRETS[call]:
            assert secret not in text, (secret, text)
    # Nothing chained either: a logged traceback prints causes and contexts.
    assert error.__cause__ is None
    assert error.__suppress_context__ or error.__context__ is None


@pytest.mark.parametrize("answer", [a for _, a in ANSWERS], ids=[n for n, _ in ANSWERS])
@pytest.mark.parametrize("call", sorted(CALLS))
async def test_failures_never_show_secrets(fake: FakeOmi, call: str, answer: Any) -> None:
    fake.answer = answer
    with pytest.raises(OmiError) as caught:
        await CALLS[call](fake.client)
    check(caught.value, call)


@pytest.mark.parametrize("call", sorted(set(CALLS) - {"top_up"}))
async def test_payload_failures_never_show_secrets(fake: FakeOmi, call: str) -> None:
    fake.answer = BAD_PAYLOAD
    with pytest.raises(OmiError) as caught:
        await CALLS[call](fake.client)
    check(caught.value, call)


async def test_a_sentence_keeps_its_words_but_not_the_secrets(fake: FakeOmi) -> None:
    fake.answer = httpx.Response(200, json=failure(ECHO))
    with pytest.raises(OmiError) as caught:
        await CALLS["create_tenant"](fake.client)
    assert (
        caught.value.omi_code
        == "bad token [redacted] key super-secret-api-key-19ab at [url] pw [redacted]"
    )
