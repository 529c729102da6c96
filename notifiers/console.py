"""The console channel: prints each message to a text stream, for trying things out."""

from __future__ import annotations

import sys
from typing import TextIO

from notifiers.message import DeliveryFailed, Message


class ConsoleChannel:
    """Prints messages to ``stream`` (standard output when none is given)."""

    name = "console"

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    def describe(self) -> str:
        return "console: messages are printed, not sent"

    def send(self, message: Message) -> None:
        # Looked up at each send, not at construction, so a redirected or
        # captured sys.stdout is honoured.
        stream = self._stream or sys.stdout
        lines = [f"To: {', '.join(message.to)}"]
        if message.cc:
            lines.append(f"Cc: {', '.join(message.cc)}")
        lines += [f"Subject: {message.subject}", f"Key: {message.key}", "", message.text, ""]
        try:
            stream.write("\n".join(lines) + "\n")
            stream.flush()
        except (OSError, ValueError) as error:  # ValueError: the stream is closed
            raise DeliveryFailed(
                "console_failed",
                key=message.key,
                reason=str(error),
                permanent=False,
                channel=self.name,
            ) from None
