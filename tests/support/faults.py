"""Faults of real servers, injected between a client and the server: a TCP proxy in front of the
MongoDB-wire server that drops connections at a chosen command, cuts the database off for a
while, or slows every command down."""

from __future__ import annotations

import asyncio
import contextlib
import struct
from urllib.parse import urlsplit


def command_marker(command: str, collection: str) -> bytes:
    """The bytes of ``{<command>: "<collection>"}`` as they appear in a BSON command document."""
    name = collection.encode() + b"\x00"
    return b"\x02" + command.encode() + b"\x00" + struct.pack("<i", len(name)) + name


class _Hold:
    """An armed hold: ``held`` is set when a matching message arrives, ``released`` when the
    test lets the held connections go."""

    def __init__(self, marker: bytes) -> None:
        self.marker = marker
        self.held = asyncio.Event()
        self.released = asyncio.Event()


class DatabaseProxy:
    """Forwards MongoDB wire messages to ``upstream``; each client message is read whole (the
    first four bytes give its length) so a rule can match the command it carries."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.latency = 0.0
        self.down = False
        self.dropped = 0
        self._rules: list[list[object]] = []  # [marker, remaining drops]
        self._holds: list[_Hold] = []
        self._pairs: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self._server: asyncio.Server | None = None

    @classmethod
    async def in_front_of(cls, mongo_url: str) -> DatabaseProxy:
        """A proxy listening on a free local port, forwarding to the server of ``mongo_url``."""
        address = urlsplit(mongo_url)
        proxy = cls(address.hostname or "127.0.0.1", address.port or 27017)
        await proxy.start()
        return proxy

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    def url(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)

    async def close(self) -> None:
        self.release()
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def drop_on(self, marker: bytes, times: int = 1) -> None:
        """Drop the connection (without forwarding) the next ``times`` messages carrying
        ``marker``: the server never sees them and the client's command fails."""
        self._rules.append([marker, times])

    def hold_on(self, marker: bytes) -> asyncio.Event:
        """Hold every message carrying ``marker`` until :meth:`release`: none reaches the
        server, and the returned event is set once the first is held — the moment to kill the
        client. Holding (not dropping) matters: a dropped connection makes the driver retry the
        write on a new one before the client can be killed."""
        hold = _Hold(marker)
        self._holds.append(hold)
        return hold.held

    def release(self) -> None:
        """Disarm every hold and drop the held messages' connections (their client is gone)."""
        for hold in self._holds:
            hold.released.set()
        self._holds.clear()

    def cut(self) -> None:
        """The database goes away: open connections are dropped, new ones refused."""
        self.down = True
        for client, server in list(self._pairs):
            _close(client)
            _close(server)
        self._pairs.clear()

    def restore(self) -> None:
        self.down = False

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.down:
            self.dropped += 1
            _close(writer)
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            _close(writer)
            return
        pair = (writer, up_writer)
        self._pairs.add(pair)
        try:
            await asyncio.gather(self._requests(reader, up_writer, pair), _pump(up_reader, writer))
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            self._pairs.discard(pair)
            _close(writer)
            _close(up_writer)

    async def _requests(
        self,
        reader: asyncio.StreamReader,
        upstream: asyncio.StreamWriter,
        pair: tuple[asyncio.StreamWriter, asyncio.StreamWriter],
    ) -> None:
        while True:
            header = await reader.readexactly(4)
            (length,) = struct.unpack("<i", header)
            message = header + await reader.readexactly(length - 4)
            hold = self._hold_for(message)
            if hold is not None:
                hold.held.set()
                await hold.released.wait()
                _close(pair[0])
                _close(pair[1])
                return
            if self.down or self._matches(message):
                self.dropped += 1
                _close(pair[0])
                _close(pair[1])
                return
            if self.latency:
                await asyncio.sleep(self.latency)
            upstream.write(message)
            await upstream.drain()

    def _hold_for(self, message: bytes) -> _Hold | None:
        return next((hold for hold in self._holds if hold.marker in message), None)

    def _matches(self, message: bytes) -> bool:
        for rule in self._rules:
            marker, remaining = rule
            if remaining and marker in message:  # type: ignore[operator]
                rule[1] = remaining - 1  # type: ignore[operator]
                return True
        return False


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while data := await reader.read(65536):
        writer.write(data)
        await writer.drain()
    _close(writer)


def _close(writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(Exception):
        writer.close()
