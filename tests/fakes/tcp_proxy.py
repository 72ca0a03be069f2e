"""A TCP proxy between a server process and PostgreSQL, for breaking the database connection on purpose.

The server's `--database-url` points at the proxy; the test then cuts every open connection (as a
failover, a firewall reset or a PostgreSQL restart does) or stops listening for a while (connection
refused: the database is unreachable), and brings it back. It forwards bytes only and knows nothing
of the PostgreSQL protocol, so what the server sees is exactly what a real network fault looks like.
"""

from __future__ import annotations

import asyncio
import contextlib
import re

from tests.fakes.base import free_port


class TcpProxy:
    """Listens on 127.0.0.1:`port` and forwards each connection to `target_host`:`target_port`."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target_host = target_host
        self.target_port = target_port
        self.port = 0
        self.accepted = 0  # connections accepted since start
        self.cut_count = 0  # connections cut by `cut()`
        self._server: asyncio.Server | None = None
        self._links: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._flowing = asyncio.Event()
        self._flowing.set()

    def url_for(self, database_url: str) -> str:
        """`database_url` with its host and port replaced by the proxy's."""
        return re.sub(r"@[^/@]+/", f"@127.0.0.1:{self.port}/", database_url, count=1)

    @property
    def open_connections(self) -> int:
        return len(self._links)

    async def start(self) -> TcpProxy:
        self.port = self.port or free_port()
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port, reuse_address=True)
        return self

    async def _accept(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._forward(client_reader, client_writer)
        except asyncio.CancelledError:
            pass  # stop(): the link is torn down below
        finally:
            self._tasks.discard(task)

    async def _forward(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(self.target_host, self.target_port)
        except OSError:
            client_writer.transport.abort()
            return
        link = (client_writer, upstream_writer)
        self._links.add(link)
        try:
            await asyncio.gather(self._pump(client_reader, upstream_writer), self._pump(upstream_reader, client_writer))
        finally:
            self._links.discard(link)
            for writer in link:
                writer.transport.abort()

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while data := await reader.read(65536):
                await self._flowing.wait()
                writer.write(data)
                await writer.drain()
        writer.transport.abort()

    def cut(self) -> int:
        """Drop every open connection at once, both sides, without a goodbye; returns how many."""
        links = list(self._links)
        for link in links:
            for writer in link:
                writer.transport.abort()
        self._links.clear()
        self.cut_count += len(links)
        return len(links)

    def stall(self) -> None:
        """Keep every connection open but pass no more bytes: a database that hangs instead of failing
        (a lock pile-up, a network black hole). New connections are accepted and hang too."""
        self._flowing.clear()

    def resume(self) -> None:
        self._flowing.set()

    async def go_down(self) -> int:
        """Stop listening (new connections are refused) and cut the open ones: the database is gone."""
        if self._server is not None:
            self._server.close()
            self._server = None
        return self.cut()

    async def come_back(self) -> None:
        """Listen again on the same port."""
        if self._server is None:
            await self.start()

    async def stop(self) -> None:
        self.resume()
        await self.go_down()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
