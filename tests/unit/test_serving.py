"""api/serving.py: the socket `serve --workers N` listens on gives every connection TCP_NODELAY, so a
keep-alive response is not held back by Nagle's algorithm until the client's delayed ACK (~40 ms)."""

from __future__ import annotations

import asyncio
import socket

from review_workflow.api.serving import TcpConfig


async def _accepted_nodelay(listener: socket.socket) -> int:
    """TCP_NODELAY on the server side of one connection accepted by asyncio from `listener`."""
    seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Report(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            seen.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await asyncio.get_running_loop().create_server(Report, sock=listener)
    port = listener.getsockname()[1]
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        return await asyncio.wait_for(seen, 5)
    finally:
        writer.close()
        server.close()


def test_the_shared_listening_socket_is_tcp_and_its_connections_have_nodelay() -> None:
    config = TcpConfig("review_workflow.api.app:from_environment", factory=True, host="127.0.0.1", port=0)
    listener = config.bind_socket()
    assert listener.proto == socket.IPPROTO_TCP
    assert listener.get_inheritable()  # the worker processes receive it
    assert asyncio.run(_accepted_nodelay(listener)) == 1


def test_a_unix_socket_is_left_as_uvicorn_makes_it(tmp_path: object) -> None:
    path = f"{tmp_path}/api.sock"
    listener = TcpConfig("review_workflow.api.app:from_environment", factory=True, uds=path).bind_socket()
    try:
        assert listener.family == socket.AF_UNIX
    finally:
        listener.close()
