"""One write per response: the coalescing transport, the protocol, and the gateway using it.

The transport's behaviour is asserted on what reaches the transport it wraps (a recorder):
on loopback the kernel may merge two sends into one read, so a client cannot tell them
apart. The gateway's own tests (real ``serve`` process) check that every shape of HTTP/1.1
exchange still comes back whole and in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import uvicorn
from starlette.responses import PlainTextResponse
from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from gateway.cli import serve_cmd, workers
from gateway.graphiql.assets import ASSETS_PATH, STATIC_DIR
from gateway.http.coalesce import (
    FLUSH_AT,
    HTTP_PROTOCOL,
    CoalescingHttpToolsProtocol,
    CoalescingTransport,
)
from gateway.settings import Settings
from tests.servers import ServerProcess, free_port


class Recorder(asyncio.Transport):
    """Records what reaches it; passes it on to ``real`` when there is one."""

    def __init__(self, real: asyncio.Transport | None = None) -> None:
        super().__init__()
        self.real = real
        self.calls: list[tuple[str, bytes]] = []
        self.closing = False
        self.buffered = 0

    @property
    def writes(self) -> list[bytes]:
        return [data for call, data in self.calls if call == "write"]

    def write(self, data: bytes | bytearray | memoryview[Any]) -> None:
        if self.is_closing():  # as uvloop's closed transport does
            raise RuntimeError("write to a closed transport")
        self.calls.append(("write", bytes(data)))
        if self.real is not None:
            self.real.write(data)

    def close(self) -> None:
        self.calls.append(("close", b""))
        self.closing = True
        if self.real is not None:
            self.real.close()

    def abort(self) -> None:
        self.calls.append(("abort", b""))
        self.closing = True
        if self.real is not None:
            self.real.abort()

    def write_eof(self) -> None:
        self.calls.append(("write_eof", b""))

    def can_write_eof(self) -> bool:
        return True

    def is_closing(self) -> bool:
        return self.closing or (self.real is not None and self.real.is_closing())

    def get_write_buffer_size(self) -> int:
        return self.buffered

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        if self.real is not None:
            return self.real.get_extra_info(name, default)
        return {"peername": ("127.0.0.1", 4321)}.get(name, default)

    def pause_reading(self) -> None:
        self.calls.append(("pause_reading", b""))
        if self.real is not None:
            self.real.pause_reading()

    def resume_reading(self) -> None:
        self.calls.append(("resume_reading", b""))
        if self.real is not None:
            self.real.resume_reading()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        if self.real is not None:
            self.real.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        assert self.real is not None
        return self.real.get_protocol()


@pytest.fixture
async def loop_errors() -> AsyncIterator[list[dict[str, Any]]]:
    """What the running loop's exception handler receives (a failing callback)."""
    loop = asyncio.get_running_loop()
    errors: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _loop, context: errors.append(context))
    yield errors
    loop.set_exception_handler(None)


async def _next_iteration() -> None:
    # The flush was scheduled before this task's wake-up: it has run when this returns.
    await asyncio.sleep(0)


# The transport on its own.


async def test_writes_of_one_iteration_reach_the_transport_as_one_write() -> None:
    inner = Recorder()
    transport = CoalescingTransport(inner, asyncio.get_running_loop())
    transport.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
    transport.write(b"ok")
    assert inner.calls == []
    await _next_iteration()
    assert inner.calls == [("write", b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")]


async def test_writes_of_two_iterations_are_two_writes() -> None:
    inner = Recorder()
    transport = CoalescingTransport(inner, asyncio.get_running_loop())
    transport.write(b"first")
    await _next_iteration()
    transport.write(b"second")
    await _next_iteration()
    assert inner.writes == [b"first", b"second"]


async def test_writelines_goes_through_the_buffer() -> None:
    inner = Recorder()
    transport = CoalescingTransport(inner, asyncio.get_running_loop())
    transport.write(b"a")
    transport.writelines([b"b", bytearray(b"c"), memoryview(b"d")])
    await _next_iteration()
    assert inner.writes == [b"abcd"]


async def test_a_buffered_bytearray_is_copied() -> None:
    # A transport's write takes the bytes as they are now, as asyncio's own does.
    inner = Recorder()
    transport = CoalescingTransport(inner, asyncio.get_running_loop())
    data = bytearray(b"before")
    transport.write(data)
    data[:] = b"after!"
    await _next_iteration()
    assert inner.writes == [b"before"]


async def test_close_flushes_then_closes() -> None:
    inner = Recorder()
    transport = CoalescingTransport(inner, asyncio.get_running_loop())
    transport.write(b"head")
    transport.write(b"body")
    transport.close()
    assert inner.calls == [("write", b"headbody"), ("close", b"")]
    assert transport.is_closing()
    await _next_iteration()
    assert inner.calls == [("write", b"headbody"), ("close", b"")]


async def test_write_eof_flushes_first() -> None:
    inner = Recorder()
    transport = CoalescingTransport(inner, asyncio.get_running_loop())
    transport.write(b"last")
    transport.write_eof()
    assert inner.calls == [("write", b"last"), ("write_eof", b"")]
    assert transport.can_write_eof()


async def test_abort_drops_the_buffer() -> None:
    inner = Recorder()
    transport = CoalescingTransport(inner, asyncio.get_running_loop())
    transport.write(b"never sent")
    transport.abort()
    await _next_iteration()
    assert inner.calls == [("abort", b"")]
    assert transport.get_write_buffer_size() == 0


async def test_a_flush_after_the_transport_closed_does_not_raise(
    loop_errors: list[dict[str, Any]],
) -> None:
    inner = Recorder()
    transport = CoalescingTransport(inner, asyncio.get_running_loop())
    transport.write(b"lost with the connection")
    inner.close()  # the connection went away under the buffer
    await _next_iteration()  # the scheduled flush
    transport.write(b"late")
    transport.flush()
    transport.close()  # as uvicorn's connection_lost does
    assert loop_errors == []
    assert inner.writes == []


async def test_the_write_buffer_size_counts_the_buffered_bytes() -> None:
    inner = Recorder()
    inner.buffered = 100
    transport = CoalescingTransport(inner, asyncio.get_running_loop())
    assert transport.get_write_buffer_size() == 100
    transport.write(b"12345")
    transport.write(b"678")
    assert transport.get_write_buffer_size() == 108
    await _next_iteration()
    assert transport.get_write_buffer_size() == 100


async def test_a_large_write_goes_out_at_once() -> None:
    # Past FLUSH_AT the inner transport sees the bytes now, so its flow control
    # (pause_writing above its high-water mark) applies to a long body as before.
    inner = Recorder()
    transport = CoalescingTransport(inner, asyncio.get_running_loop())
    transport.write(b"headers")
    transport.write(b"x" * FLUSH_AT)
    assert inner.writes == [b"headers" + b"x" * FLUSH_AT]
    transport.write(b"tail")
    await _next_iteration()
    assert inner.writes == [b"headers" + b"x" * FLUSH_AT, b"tail"]


async def test_everything_else_is_the_inner_transports() -> None:
    inner = Recorder()
    transport = CoalescingTransport(inner, asyncio.get_running_loop())
    assert transport.get_extra_info("peername") == ("127.0.0.1", 4321)
    assert transport.get_extra_info("sockname", "none") == "none"
    transport.pause_reading()
    transport.resume_reading()
    assert inner.calls == [("pause_reading", b""), ("resume_reading", b"")]
    assert not transport.is_closing()
    inner.closing = True
    assert transport.is_closing()


async def test_bytes_arrive_whole_over_a_real_socket_and_close_sends_them_first() -> None:
    loop = asyncio.get_running_loop()
    ours, theirs = socket.socketpair()
    theirs.setblocking(False)
    real, _ = await loop.connect_accepted_socket(asyncio.Protocol, ours)
    transport = CoalescingTransport(real, loop)
    try:
        transport.write(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n")
        transport.writelines([b"hel", b"lo"])
        transport.close()
        received = b""
        while chunk := await asyncio.wait_for(loop.sock_recv(theirs, 65536), 10):
            received += chunk
    finally:
        theirs.close()
    assert received == b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello"


# The protocol, in a real uvicorn server on loopback.


async def _hello(scope: Scope, receive: Receive, send: Send) -> None:
    await PlainTextResponse("hello")(scope, receive, send)


@contextlib.asynccontextmanager
async def _serving(protocol: type[asyncio.Protocol]) -> AsyncIterator[tuple[int, list[Recorder]]]:
    """A uvicorn server with ``protocol``, whose real transports are recorded."""
    recorders: list[Recorder] = []

    class Recorded(protocol):  # type: ignore[valid-type, misc]
        def connection_made(self, transport: asyncio.Transport) -> None:
            recorders.append(Recorder(transport))
            super().connection_made(recorders[-1])

    port = free_port()
    config = uvicorn.Config(
        _hello, host="127.0.0.1", port=port, http=Recorded, lifespan="off", log_config=None
    )
    server = serve_cmd._Server(config)  # leaves the test process's signal handlers alone
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "the server did not start"
        await asyncio.sleep(0.01)
    try:
        yield port, recorders
    finally:
        server.should_exit = True
        await task


async def _exchange(port: int, requests: int) -> list[bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    answers = []
    try:
        for _ in range(requests):
            writer.write(b"GET / HTTP/1.1\r\nHost: test\r\n\r\n")
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            answers.append(head + await asyncio.wait_for(reader.readexactly(5), 10))
    finally:
        writer.close()
        await writer.wait_closed()
    return answers


@pytest.mark.parametrize(
    ("protocol", "writes_per_response"),
    [(HttpToolsProtocol, 2), (CoalescingHttpToolsProtocol, 1)],
    ids=["uvicorn-stock", "coalescing"],
)
async def test_each_response_is_one_write_on_the_real_transport(
    protocol: type[asyncio.Protocol], writes_per_response: int
) -> None:
    # Stock uvicorn is the control: headers and body are two writes there.
    async with _serving(protocol) as (port, recorders):
        answers = await _exchange(port, requests=3)
    assert all(answer.startswith(b"HTTP/1.1 200 OK\r\n") for answer in answers)
    assert all(answer.endswith(b"\r\n\r\nhello") for answer in answers)
    [recorder] = recorders
    assert len(recorder.writes) == 3 * writes_per_response
    assert b"".join(recorder.writes) == b"".join(answers)


def test_the_protocol_is_the_coalescing_one_where_httptools_is_installed() -> None:
    assert HTTP_PROTOCOL is CoalescingHttpToolsProtocol


# Which servers use it.


class _FakeServer:
    """Stands in for a uvicorn server: started at once, and done at once."""

    started = True
    should_exit = False
    force_exit = False

    async def run_until_stopped(self) -> None:
        return None


async def test_serve_coalesces_the_gateway_but_not_the_embedded_sandbox(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[tuple[int, object]] = []

    def server(
        app: object, settings: Settings, port: int, grace: float | None = None, **kwargs: Any
    ) -> _FakeServer:
        built.append((port, kwargs.get("http", "auto")))
        return _FakeServer()

    async def token(_url: str) -> str:
        return "token"

    monkeypatch.setattr(serve_cmd, "_server", server)
    monkeypatch.setattr(serve_cmd, "_demo_token", token)
    settings = Settings.from_env({}).override(port=18001, sandbox_port=18002)
    assert await serve_cmd._serve(settings) == 0
    assert built == [(18002, "auto"), (18001, HTTP_PROTOCOL)]


def test_workers_coalesce(monkeypatch: pytest.MonkeyPatch) -> None:
    given: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *_args, **kwargs: given.update(kwargs))
    for name in workers.settings_environ(Settings.from_env({})):
        # run_workers sets these for its workers: put back as they were after the test.
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    settings = Settings.from_env({}).override(
        upstream="http://127.0.0.1:9", workers=2, metrics=False
    )
    assert workers.run_workers(settings) == 0
    assert given["http"] is HTTP_PROTOCOL


# The gateway, served for real: every shape of exchange still comes back whole.


@pytest.fixture(scope="module")
def gateway(sandbox: ServerProcess) -> Iterator[ServerProcess]:
    """``omi-gateway serve --upstream <sandbox>`` on loopback."""
    with ServerProcess(["serve", "--upstream", sandbox.url], ready_path="/healthz") as server:
        yield server


def _connect(server: ServerProcess) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


class _Reader:
    """HTTP/1.1 responses with a Content-Length, read off one socket in turn."""

    def __init__(self, sock: socket.socket) -> None:
        self._file = sock.makefile("rb")

    def response(self) -> tuple[int, dict[str, str], bytes]:
        status = int(self._file.readline().split()[1])
        headers: dict[str, str] = {}
        while (line := self._file.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        body = self._file.read(int(headers["content-length"]))
        return status, headers, body

    def line(self) -> bytes:
        """One line (an interim response's)."""
        return self._file.readline()

    def rest(self) -> bytes:
        """Everything until the server closes the connection."""
        return self._file.read()

    def close(self) -> None:
        self._file.close()


def _post(query: str, token: str, *, extra: str = "") -> bytes:
    body = json.dumps({"query": query}).encode()
    head = (
        "POST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n{extra}\r\n"
    )
    return head.encode() + body


TENANTS = "{ tenants(size: 2) { items { fullName } } }"


def _tenant_names(body: bytes) -> list[str]:
    return [item["fullName"] for item in json.loads(body)["data"]["tenants"]["items"]]


def test_a_query_is_answered(gateway: ServerProcess, demo_token: str) -> None:
    with _connect(gateway) as sock:
        sock.sendall(_post(TENANTS, demo_token))
        reader = _Reader(sock)
        status, headers, body = reader.response()
        reader.close()
    assert status == 200
    assert headers["content-type"].startswith("application/json")
    assert len(_tenant_names(body)) == 2


def test_keep_alive_answers_several_requests_on_one_connection(
    gateway: ServerProcess, demo_token: str
) -> None:
    with _connect(gateway) as sock:
        reader = _Reader(sock)
        answers = []
        for alias in ("a", "b", "c", "d"):
            sock.sendall(_post(f"{{ {alias}: __typename }}", demo_token))
            answers.append(reader.response())
        reader.close()
    assert [status for status, _, _ in answers] == [200] * 4
    assert [json.loads(body)["data"] for _, _, body in answers] == [
        {"a": "Query"},
        {"b": "Query"},
        {"c": "Query"},
        {"d": "Query"},
    ]


def test_pipelined_requests_are_answered_whole_and_in_order(
    gateway: ServerProcess, demo_token: str
) -> None:
    with _connect(gateway) as sock:
        sock.sendall(
            _post(TENANTS, demo_token)
            + _post("{ second: __typename }", demo_token)
            + _post("{ third: __typename }", demo_token)
        )
        reader = _Reader(sock)
        answers = [reader.response() for _ in range(3)]
        reader.close()
    assert [status for status, _, _ in answers] == [200] * 3
    assert len(_tenant_names(answers[0][2])) == 2
    assert json.loads(answers[1][2])["data"] == {"second": "Query"}
    assert json.loads(answers[2][2])["data"] == {"third": "Query"}


def test_a_large_response_arrives_whole(gateway: ServerProcess) -> None:
    # About a megabyte: many writes, past FLUSH_AT and the transport's high-water mark.
    path = "graphiql-3.9.0/graphiql.min.js"
    expected = (STATIC_DIR / path).read_bytes()
    assert len(expected) > 10 * FLUSH_AT
    with _connect(gateway) as sock:
        request = f"GET {ASSETS_PATH}/{path} HTTP/1.1\r\nHost: gateway\r\n\r\n"
        sock.sendall(request.encode() * 2)  # twice, pipelined: the second must follow whole
        reader = _Reader(sock)
        answers = [reader.response() for _ in range(2)]
        reader.close()
    for status, _, body in answers:
        assert status == 200
        assert body == expected


def test_connection_close_answers_then_closes(gateway: ServerProcess, demo_token: str) -> None:
    with _connect(gateway) as sock:
        sock.sendall(_post("{ last: __typename }", demo_token, extra="Connection: close\r\n"))
        reader = _Reader(sock)
        status, headers, body = reader.response()
        rest = reader.rest()  # returns once the server has closed the connection
        reader.close()
    assert status == 200
    assert headers["connection"] == "close"
    assert json.loads(body)["data"] == {"last": "Query"}
    assert rest == b""


def test_expect_100_continue_is_answered_before_the_body_is_sent(
    gateway: ServerProcess, demo_token: str
) -> None:
    # uvicorn writes "100 Continue" and then waits for the body: a write held back until
    # the response would leave both sides waiting.
    request = _post("{ continued: __typename }", demo_token, extra="Expect: 100-continue\r\n")
    head, _, body = request.partition(b"\r\n\r\n")
    with _connect(gateway) as sock:
        sock.sendall(head + b"\r\n\r\n")
        reader = _Reader(sock)
        assert reader.line().startswith(b"HTTP/1.1 100 ")
        assert reader.line() == b"\r\n"
        sock.sendall(body)
        status, _, answer = reader.response()
        reader.close()
    assert status == 200
    assert json.loads(answer)["data"] == {"continued": "Query"}
