"""The gateway's configuration: one frozen ``Settings``, read from the environment once.

Every option has an ``OMI_GATEWAY_*`` environment variable; the command line overrides
it (``Settings.from_env(os.environ).override(...)``). Nothing here is read at import
time: the command line builds a ``Settings`` in ``run`` and hands it to ``create_app``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from gateway.cache import CacheConfig, open_backend
from gateway.edge.config import EdgeConfig, parse_origins

__all__ = [
    "CACHE_OPTIONS",
    "EDGE_OPTIONS",
    "ENV_PREFIX",
    "LOG_FORMATS",
    "LOG_LEVELS",
    "OPS_OPTIONS",
    "OPTIONS",
    "RESILIENCE_OPTIONS",
    "SPEED_OPTIONS",
    "Option",
    "Settings",
    "SettingsError",
    "parse_delay",
]

ENV_PREFIX = "OMI_GATEWAY_"
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
LOG_FORMATS = ("text", "json")


class SettingsError(ValueError):
    """A configuration value is invalid; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Option:
    """One setting as a user sees it: its field, environment variable, flag and meaning."""

    field: str
    flag: str
    help: str

    @property
    def env(self) -> str:
        """The environment variable that sets this option."""
        return ENV_PREFIX + self.field.upper()


# The one list of options: the CLI, the README's table and the tests read it.
OPTIONS: tuple[Option, ...] = (
    Option("host", "--host", "interface to listen on"),
    Option("port", "--port", "port of the GraphQL endpoint"),
    Option("upstream", "--upstream", "base URL of the OMI partner API (none: the sandbox)"),
    Option("sandbox", "--sandbox", "run the embedded OMI sandbox and use it as upstream"),
    Option("sandbox_port", "--sandbox-port", "port of the embedded sandbox"),
    Option(
        "sandbox_activation_delay",
        "--sandbox-activation-delay",
        "seconds until a new sandbox tenant activates: N or MIN-MAX",
    ),
    Option("dev", "--dev", "development mode: introspection and field suggestions on"),
    Option("connect_timeout", "--connect-timeout", "seconds to connect to OMI"),
    Option("read_timeout", "--read-timeout", "seconds to wait for OMI's answer"),
    Option("pool_timeout", "--pool-timeout", "seconds to wait for a free upstream connection"),
    Option("max_connections", "--max-connections", "upstream connection pool size"),
    Option("log_level", "--log-level", "one of " + ", ".join(LOG_LEVELS)),
)

# The detail cache's options (issue 4): environment only, no command-line flag.
CACHE_OPTIONS: tuple[Option, ...] = (
    Option(
        "cache_url",
        "",
        "detail cache backend: redis://[:password@]host:port/db, rediss://"
        " (none: in memory, one process)",
    ),
    Option("cache_ttl", "", "seconds a tenant's detail stays fresh; 0 turns the cache off"),
    Option("cache_max_stale", "", "seconds past freshness a detail may answer while OMI is down"),
    Option("cache_prefix", "", "prefix of every cache key (replicas sharing data share it)"),
    Option("cache_debug", "", "add extensions.cacheStatus (HIT, MISS, STALE) to responses"),
)

# Operating it (issue 6): flags and environment variables, documented in the README's
# "Operating it" section.
OPS_OPTIONS: tuple[Option, ...] = (
    Option("log_format", "--log-format", "log lines as text (default) or json"),
    Option("workers", "--workers", "worker processes (needs --upstream when more than 1)"),
    Option("grace_period", "--grace-period", "seconds in-flight requests get after SIGTERM"),
    Option("readiness_timeout", "--readiness-timeout", "seconds /readyz waits for OMI, Redis"),
    Option("metrics", "", "serve Prometheus metrics on /metrics (default on)"),
)

# Upstream trouble and money (issue 5): environment only, documented in the README's
# "Idempotency and retries" section.
RESILIENCE_OPTIONS: tuple[Option, ...] = (
    Option("request_timeout", "", "seconds a GraphQL request may spend on OMI, retries included"),
    Option("retries", "", "retries of a read after a connect error, a drop, HTTP 502/503/504"),
    Option("breaker_threshold", "", "consecutive failed OMI calls that open the breaker; 0: off"),
    Option("breaker_cool_down", "", "seconds an open breaker fails fast before one probe"),
    Option("idempotency_ttl", "", "seconds an idempotency key keeps its first result"),
    Option("idempotency_wait", "", "seconds a repeat waits for the first request with its key"),
)

# Hostile input (issue 5): environment only, documented in the README's "Limits and
# security" section.
EDGE_OPTIONS: tuple[Option, ...] = (
    Option("max_depth", "", "deepest selection nesting a query may have"),
    Option("max_aliases", "", "aliases a document may use"),
    Option("max_tokens", "", "tokens a document may have (checked while parsing)"),
    Option("max_document_chars", "", "characters a document may have (checked before parsing)"),
    Option("max_body_bytes", "", "bytes a request body may have (413 above)"),
    Option("max_batch", "", "operations a batch (JSON array body) may hold; 0: batching off"),
    Option("cors_origins", "", "comma-separated origins allowed cross-site (none by default)"),
)

# The response cache (issue 7): environment only, documented with the cache's variables.
SPEED_OPTIONS: tuple[Option, ...] = (
    Option(
        "response_cache_ttl",
        "",
        "seconds a cacheable query's whole answer is kept (at most the detail's); 0 turns it off",
    ),
)

# An immutable value, not configuration read at import time.
_EDGE_DEFAULTS = EdgeConfig()

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the gateway is configured with; validated on construction."""

    host: str = "127.0.0.1"
    port: int = 8000
    upstream: str | None = None
    sandbox: bool = False
    sandbox_port: int = 8001
    sandbox_activation_delay: tuple[float, float] = (3.0, 10.0)
    dev: bool = False
    connect_timeout: float = 3.0
    read_timeout: float = 10.0
    pool_timeout: float = 3.0
    max_connections: int = 100
    log_level: str = "info"
    cache_url: str | None = dataclasses.field(default=None, repr=False)  # may hold a password
    cache_ttl: float = 60.0
    cache_max_stale: float = 600.0
    cache_prefix: str = "omi-gateway:"
    cache_debug: bool = False
    log_format: str = "text"
    workers: int = 1
    grace_period: float = 10.0
    readiness_timeout: float = 1.0
    metrics: bool = True
    request_timeout: float = 10.0
    retries: int = 2
    breaker_threshold: int = 5
    breaker_cool_down: float = 10.0
    idempotency_ttl: float = 86_400.0
    idempotency_wait: float = 5.0
    # The edge's limits: their defaults live in one place, EdgeConfig.
    max_depth: int = _EDGE_DEFAULTS.max_depth
    max_aliases: int = _EDGE_DEFAULTS.max_aliases
    max_tokens: int = _EDGE_DEFAULTS.max_tokens
    max_document_chars: int = _EDGE_DEFAULTS.max_document_chars
    max_body_bytes: int = _EDGE_DEFAULTS.max_body_bytes
    max_batch: int = _EDGE_DEFAULTS.max_batch
    cors_origins: str | None = None
    response_cache_ttl: float = 60.0

    def __post_init__(self) -> None:
        for name in ("port", "sandbox_port"):
            value = getattr(self, name)
            if not 1 <= value <= 65535:
                raise SettingsError(f"{name}: {value} is not a TCP port (1-65535)")
        for name in ("connect_timeout", "read_timeout", "pool_timeout"):
            if getattr(self, name) <= 0:
                raise SettingsError(f"{name}: must be a positive number of seconds")
        if self.max_connections < 1:
            raise SettingsError("max_connections: must be at least 1")
        low, high = self.sandbox_activation_delay
        if low < 0 or high < low:
            raise SettingsError(
                "sandbox_activation_delay: expected N or MIN-MAX with 0 <= MIN <= MAX"
            )
        if self.log_level not in LOG_LEVELS:
            raise SettingsError(
                f"log_level: {self.log_level!r} is not one of {', '.join(LOG_LEVELS)}"
            )
        if self.log_format not in LOG_FORMATS:
            raise SettingsError(f"log_format: {self.log_format!r} is not one of text, json")
        if self.workers < 1:
            raise SettingsError("workers: must be at least 1")
        if not 0 <= self.grace_period < math.inf or self.readiness_timeout <= 0:
            raise SettingsError("grace_period >= 0 and readiness_timeout > 0: seconds")
        if self.upstream is not None:
            parts = urlsplit(self.upstream)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise SettingsError("upstream: expected an http:// or https:// URL")
        for name in ("request_timeout", "breaker_cool_down", "idempotency_ttl"):
            if not 0 < getattr(self, name) < math.inf:
                raise SettingsError(f"{name}: must be a positive number of seconds")
        if not 0 <= self.idempotency_wait < math.inf:
            raise SettingsError("idempotency_wait: must be a number of seconds, 0 or more")
        if not 0 <= self.retries <= 10 or self.breaker_threshold < 0:
            raise SettingsError("retries: 0 to 10; breaker_threshold: 0 (off) or more")
        if not 0 <= self.response_cache_ttl < math.inf:
            raise SettingsError("response_cache_ttl: must be a number of seconds, 0 or more")
        if not self.cache_prefix:
            raise SettingsError("cache_prefix: must not be empty")
        if not all(math.isfinite(v) for v in (self.cache_ttl, self.cache_max_stale)):
            raise SettingsError("cache_ttl and cache_max_stale: must be finite numbers of seconds")
        try:
            self.edge_config()
        except ValueError as exc:
            raise SettingsError(str(exc)) from None
        try:
            self.cache_config()
            open_backend(self.cache_url)  # connects to nothing; checks the URL
        except ValueError as exc:  # the message names no password (describe_url)
            raise SettingsError(str(exc)) from None

    def cache_config(self) -> CacheConfig:
        """The detail cache's configuration."""
        return CacheConfig(
            url=self.cache_url,
            ttl=self.cache_ttl,
            max_stale=self.cache_max_stale,
            prefix=self.cache_prefix,
        )

    def edge_config(self) -> EdgeConfig:
        """The limits at the GraphQL endpoint; introspection is open in dev or sandbox mode."""
        return EdgeConfig(
            max_depth=self.max_depth,
            max_aliases=self.max_aliases,
            max_tokens=self.max_tokens,
            max_document_chars=self.max_document_chars,
            max_body_bytes=self.max_body_bytes,
            max_batch=self.max_batch,
            cors_origins=parse_origins(self.cors_origins),
            open_schema=self.dev or self.uses_sandbox,
        )

    @property
    def uses_sandbox(self) -> bool:
        """True when the embedded sandbox must be started (the default without a URL).

        ``serve`` sets ``upstream`` to the running sandbox's URL before building the app.
        """
        return self.sandbox or self.upstream is None

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Settings from ``OMI_GATEWAY_*`` variables; defaults for those not set."""
        values: dict[str, Any] = {}
        every = OPTIONS + CACHE_OPTIONS + OPS_OPTIONS + RESILIENCE_OPTIONS + EDGE_OPTIONS
        for option in every + SPEED_OPTIONS:
            raw = environ.get(option.env)
            if raw is not None:
                values[option.field] = _parse(option, raw.strip())
        try:
            return cls(**values)
        except SettingsError as exc:
            raise SettingsError(f"in the environment: {exc}") from None

    def override(self, **changes: Any) -> Settings:
        """A copy with the given fields changed (``None`` values are ignored).

        ``sandbox`` and ``upstream`` exclude each other: setting one clears the other.
        """
        given = {name: value for name, value in changes.items() if value is not None}
        if given.get("sandbox") and given.get("upstream"):
            raise SettingsError("--upstream and --sandbox exclude each other: choose one")
        if given.get("sandbox"):
            given["upstream"] = None
        elif given.get("upstream"):
            given["sandbox"] = False
        return dataclasses.replace(self, **given)


def parse_delay(raw: str) -> tuple[float, float]:
    """``"5"`` -> (5, 5); ``"3-10"`` -> (3, 10)."""
    low, _, high = raw.partition("-")
    try:
        first = float(low)
        return (first, float(high) if high else first)
    except ValueError:
        raise SettingsError(f"activation delay: {raw!r} is not N or MIN-MAX") from None


def _parse(option: Option, raw: str) -> Any:
    kind = Settings.__dataclass_fields__[option.field].type
    try:
        if kind == "bool":
            lowered = raw.lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
            raise ValueError(raw)
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if option.field == "sandbox_activation_delay":
            return parse_delay(raw)
    except (ValueError, SettingsError):
        raise SettingsError(f"{option.env}: {raw!r} is not a valid {kind}") from None
    if option.field in ("log_level", "log_format"):
        return raw.lower()
    return raw or None
