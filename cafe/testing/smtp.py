"""A local SMTP sink (aiosmtpd) that records messages and can be told to fail.

Used by the outbox tests to see real SMTP replies: 250, a temporary 4xx, a permanent
5xx, or a server that is not there at all.
"""

import asyncio
import socket
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Handler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.sink._lock:
            self.sink.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.sink._take_hold():
            # Keep the client waiting for the answer (a sender stuck mid-message)
            # until the test releases it; the server goes on serving others.
            self.sink.holding.set()
            while not self.sink._released.is_set():
                await asyncio.sleep(0.05)
            return "451 Intente más tarde"
        reply = self.sink._next_failure("RCPT")
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        reply = self.sink._next_failure("DATA")
        if reply:
            return reply
        # Parsed when read (``messages``): the sink shares its process with a load
        # generator in the benchmark, and must not compete with it for the GIL.
        with self.sink._lock:
            self.sink._received.append(envelope.content)
        return "250 Message accepted for delivery"


class SmtpSink:
    def __init__(self):
        self.port = free_port()
        self._received: list[bytes] = []
        self.sessions = 0  # SMTP sessions opened (EHLO commands)
        self._parsed = []
        self._failures: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._holds = 0
        self._pass_before_hold = 0
        self.holding = threading.Event()  # set while a RCPT is held
        self._released = threading.Event()
        self._controller = self._new_controller()

    def _new_controller(self) -> Controller:
        return Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list:
        """The messages received so far, parsed (each once)."""
        with self._lock:
            for raw in self._received[len(self._parsed) :]:
                self._parsed.append(message_from_bytes(raw, policy=policy.default))
            return list(self._parsed)

    def start(self):
        self._controller.start()

    def stop(self):
        self._released.set()
        self._controller.stop()

    def restart(self) -> None:
        """Stop and start again on the same port: the open sessions are dropped, as
        a server drops its idle clients."""
        self._controller.stop()
        self._controller = self._new_controller()
        self._controller.start()

    def hold_next_recipient(self, *, after: int = 0) -> None:
        """Leave the next RCPT command (or the one after ``after`` more that pass)
        unanswered until ``release()``: the message never reaches DATA, so it is not
        delivered."""
        with self._lock:
            self._holds += 1
            self._pass_before_hold = after
            self.holding.clear()
            self._released.clear()

    def release(self) -> None:
        self._released.set()

    def _take_hold(self) -> bool:
        with self._lock:
            if self._holds and self._pass_before_hold:
                self._pass_before_hold -= 1
            elif self._holds:
                self._holds -= 1
                return True
        return False

    def fail_next(self, reply: str, *, times: int = 1, stage: str = "DATA") -> None:
        """Answer the next ``times`` RCPT or DATA commands with ``reply``."""
        with self._lock:
            self._failures.extend([(stage, reply)] * times)

    def _next_failure(self, stage: str) -> str | None:
        with self._lock:
            for i, (failing_stage, reply) in enumerate(self._failures):
                if failing_stage == stage:
                    del self._failures[i]
                    return reply
        return None
