"""The file channel: each message becomes one ``.eml`` file in an outbox folder.

This is the default when no SMTP server is configured, so an offline,
embedded set-up still keeps every notification where a person (or a mail
client) can open it. The file name comes from the idempotency key: sending
the same notification again replaces its file instead of adding a second.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from notifiers.email import build_email
from notifiers.message import DeliveryFailed, Message, key_token


class FileChannel:
    """Writes messages as ``<key>.eml`` files into ``directory``."""

    name = "file"

    def __init__(self, directory: Path, sender: str, *, standing_in_for: str | None = None) -> None:
        """``standing_in_for`` names the channel this one replaces, for ``describe()``."""
        self.directory = Path(directory)
        self.sender = sender
        self.standing_in_for = standing_in_for

    def describe(self) -> str:
        where = f"written as .eml files to {self.directory}"
        if self.standing_in_for:
            return f"{self.standing_in_for}: not configured, so messages are {where}"
        return f"file: messages are {where}"

    def path_for(self, message: Message) -> Path:
        """The file ``message`` is written to."""
        return self.directory / f"{key_token(message.key)}.eml"

    def send(self, message: Message) -> None:
        """Write ``message`` atomically: a reader sees the old file or the new, never half."""
        data = build_email(message, self.sender, channel=self.name).as_bytes()
        target = self.path_for(message)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            # The temporary file sits in the same folder so the rename is atomic;
            # its leading dot keeps mail tools that scan *.eml from seeing it.
            fd, temporary = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(temporary, target)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError as error:
            # A full disk or a permission can be fixed, and the message kept.
            raise DeliveryFailed(
                "file_failed",
                key=message.key,
                path=str(target),
                reason=error.strerror or str(error),
                permanent=False,
                channel=self.name,
            ) from None
