"""``redact`` skips its patterns when no trigger word is in an ASCII text (issue 7): it
must cut exactly what the patterns alone would cut, for any text.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.observability.redact import _PATTERNS, REDACTED, redact

# Words the patterns look for, in several cases and scripts, and near misses.
WORDS = st.sampled_from(
    [
        "Bearer", "basic", "BEARER", "apiKey", "api_key", "PassWord", "passwd", "PASSWD",
        "access_token", "refreshToken", "secret", "token", "TOKEN", "key", "\u017fecret",
        "bas\u0131c", "api\u212aey", "pa\u017f\u017fword", "bear", "pass", "tokn", "request_id",
    ]
)  # fmt: skip
SEPARATORS = st.sampled_from([" ", "\t", "=", ": ", '"=', '": "', "", "&", ","])
VALUES = st.text(alphabet="abcXYZ019.-_~+/=&,}\"' ", max_size=6)
CREDENTIALS = st.tuples(WORDS, SEPARATORS, VALUES).map("".join)
TEXTS = st.lists(st.one_of(CREDENTIALS, st.text(max_size=4)), max_size=6).map(" ".join)


def _patterns_only(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


@settings(max_examples=500)
@given(TEXTS)
def test_redact_cuts_what_the_patterns_cut(text: str) -> None:
    assert redact(text) == _patterns_only(text)


def test_a_request_line_without_trigger_words_is_left_as_it_is() -> None:
    line = "2026-01-01T00:00:00.000Z INFO gateway.request graphql request request_id=ab12"
    assert redact(line) is line
    assert redact(line + " op=Bearer xyz").endswith(f"Bearer {REDACTED}")
