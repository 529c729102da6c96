"""Contact addresses as dondoc accepts them: webhook URLs and e-mail addresses.

Checked when an address is set (``engine.directory.set_contacts``) and again
by the webhook channel for addresses stored before the check existed, so one
malformed address is refused with a sentence instead of failing at send time.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urlsplit

MAX_URL = 2_000
MAX_EMAIL = 254
_EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def usable_host(parts: SplitResult) -> bool:
    """Whether a URL's host encodes for DNS (IDNA) and its port is a number from 1 to 65535."""
    try:
        port = parts.port
        host = parts.hostname or ""
        host.encode("idna")
    except ValueError:  # UnicodeError is one: an empty label, a label past 63 characters
        return False
    return bool(host) and (port is None or port > 0)


def webhook_problem(url: str) -> str | None:
    """What is wrong with a webhook URL ("scheme", "host"), or None when it is usable."""
    if len(url) > MAX_URL or _CONTROL.search(url) or any(c.isspace() for c in url):
        return "host"
    try:
        parts = urlsplit(url)
    except ValueError:  # a malformed IPv6 bracket
        return "host"
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "scheme"
    return None if usable_host(parts) else "host"


def email_ok(address: str) -> bool:
    """Whether ``address`` is one plain e-mail address whose domain encodes for DNS."""
    if len(address) > MAX_EMAIL or _CONTROL.search(address) or not _EMAIL.match(address):
        return False
    domain = address.rpartition("@")[2]
    try:
        domain.encode("idna")
    except UnicodeError:
        return False
    return True
