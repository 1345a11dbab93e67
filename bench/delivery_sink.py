"""A local SMTP sink (aiosmtpd) in its own process, for the delivery benchmark: it accepts
every message, counts them and their Message-IDs, and on request hands back the raw messages
it received (so a baseline can send exactly the same bytes again).

`Sink()` starts it (spawned, so no Django state is shared) and picks a free port; `count()`,
`take()` (the messages received since the last take, and forget them), `duplicates()` (how many
Message-IDs arrived more than once) and `stop()` talk to it over a pipe."""

from __future__ import annotations

import multiprocessing
import socket
from typing import Any


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Handler:
    def __init__(self) -> None:
        self.count = 0
        self.keep: list[tuple[str, list[str], bytes]] = []
        self.ids: dict[bytes, int] = {}

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = bytes(envelope.content)
        self.count += 1
        self.keep.append((envelope.mail_from, list(envelope.rcpt_tos), content))
        head = content.split(b"\r\n\r\n", 1)[0]
        for line in head.split(b"\r\n"):
            if line[:11].lower() == b"message-id:":
                key = line[11:].strip()
                self.ids[key] = self.ids.get(key, 0) + 1
                break
        return "250 OK"


def _serve(port: int, pipe: Any) -> None:
    from aiosmtpd.controller import Controller

    handler = _Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=port, data_size_limit=50_000_000)
    controller.start()
    pipe.send("ready")
    while True:
        command = pipe.recv()
        if command == "count":
            pipe.send(handler.count)
        elif command == "take":
            pipe.send(handler.keep)
            handler.keep = []
        elif command == "duplicates":
            pipe.send(sum(1 for seen in handler.ids.values() if seen > 1))
        elif command == "reset":
            handler.count, handler.keep, handler.ids = 0, [], {}
            pipe.send("ok")
        else:
            controller.stop()
            pipe.send("stopped")
            return


class Sink:
    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.port = _free_port()
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(self.port, child), daemon=True)
        self._process.start()
        if not self._pipe.poll(30) or self._pipe.recv() != "ready":
            raise RuntimeError("the SMTP sink did not start")

    def _ask(self, command: str) -> Any:
        self._pipe.send(command)
        return self._pipe.recv()

    def count(self) -> int:
        return int(self._ask("count"))

    def take(self) -> list[tuple[str, list[str], bytes]]:
        return list(self._ask("take"))

    def duplicates(self) -> int:
        return int(self._ask("duplicates"))

    def reset(self) -> None:
        self._ask("reset")

    def stop(self) -> None:
        try:
            self._ask("stop")
        finally:
            self._process.join(10)
