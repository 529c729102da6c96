"""Contact addresses as dondoc accepts them: webhook URLs and e-mail addresses.

Checked when an address is set (``engine.directory.set_contacts``) and again
by the webhook channel for addresses stored before the check existed, so one
malformed address is refused with a sentence instead of failing at send time.
"""

from __future__ import annotations

import ipaddress
import re
import socket
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


def board_webhook_problem(url: str) -> str | None:
    """What the board refuses in a webhook typed by a coordinator, or None.

    Beyond ``webhook_problem``: ``https`` only, except to this machine
    (loopback, where a local relay listens); and no address inside the
    office's networks (private ranges, link-local such as the cloud metadata
    169.254.169.254, multicast, reserved): a form must not point dondoc's
    server at what only it can reach. The host is resolved and every address
    it resolves to is checked ("private"); a host that does not resolve is
    "unresolvable".
    """
    problem = webhook_problem(url)
    if problem is not None:
        return problem
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme != "https":
        # Plain http only to this machine, named as such: no lookup needed to refuse it.
        return None if _loopback_name(host) else "scheme_https"
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, parts.port or 443)}
    except (OSError, UnicodeError):
        return "unresolvable"
    addresses = [ipaddress.ip_address(str(a).split("%", 1)[0]) for a in found]
    if any(not a.is_loopback and (not a.is_global or a.is_multicast) for a in addresses):
        return "private"
    return None


def _loopback_name(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
