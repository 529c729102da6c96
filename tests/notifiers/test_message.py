"""The Message every channel receives, and the key token derived from it."""

from __future__ import annotations

import pytest

from engine.errors import InvalidInput
from notifiers.message import Message, key_token
from tests.words import refused


def test_recipient_lists_become_tuples_and_repeats_are_sent_once():
    to: list[str] = ["a@x.vn", "b@x.vn"]
    message = Message(key="k", to=to, cc=["a@x.vn"], subject="s", text="t")  # type: ignore[arg-type]
    assert message.to == ("a@x.vn", "b@x.vn")
    assert message.recipients == ("a@x.vn", "b@x.vn")


@pytest.mark.parametrize("key", ["", "   ", "line\nbreak", "tab\there"])
def test_empty_or_control_character_keys_are_refused(key):
    with pytest.raises(InvalidInput):
        Message(key=key, to=("a@x.vn",), subject="s", text="t")


def test_a_message_needs_a_recipient():
    with refused(InvalidInput, "has no recipient"):
        Message(key="k", to=(), subject="s", text="t")


def test_key_token_keeps_safe_keys_and_hashes_the_rest():
    assert key_token("kon-tum-2013_1.2") == "kon-tum-2013_1.2"
    assert key_token("a:b") != key_token("a/b")
    assert key_token("a:b").startswith("a-b-")
    assert key_token("...") not in ("", ".", "..")
    long = key_token("x" * 500)
    assert len(long) <= 100
    assert long != key_token("x" * 499)
