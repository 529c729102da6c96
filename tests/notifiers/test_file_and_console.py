"""The outbox-file channel and the console channel."""

from __future__ import annotations

import email
import email.message
import email.policy
import io

import pytest

from notifiers.console import ConsoleChannel
from notifiers.file import FileChannel
from notifiers.message import DeliveryFailed, Message
from tests.words import english

SUBJECT = "Nhiệm vụ quá hạn — Sở Công Thương"


def note(key: str, text: str = "Nhiệm vụ 1.2 đã quá hạn.") -> Message:
    return Message(
        key=key, to=("lead@sct.example.vn",), subject=SUBJECT, text=text, html="<p>Nhiệm vụ 1.2</p>"
    )


def test_each_key_becomes_one_eml_file_that_parses_as_email(tmp_path):
    outbox = tmp_path / "outbox"
    channel = FileChannel(outbox, "dondoc@localhost")
    channel.send(note("kon-tum-2013:1.2@2015/level-1"))
    channel.send(note("kon-tum-2013:1.2@2015/level-2"))

    files = sorted(outbox.iterdir())
    assert len(files) == 2
    assert all(f.suffix == ".eml" for f in files)
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert isinstance(parsed, email.message.EmailMessage)
    assert parsed["Subject"] == SUBJECT
    assert parsed["X-Dondoc-Key"] == "kon-tum-2013:1.2@2015/level-1"
    assert parsed.get_body(("plain",)).get_content().strip() == "Nhiệm vụ 1.2 đã quá hạn."


def test_resending_the_same_key_overwrites_instead_of_duplicating(tmp_path):
    channel = FileChannel(tmp_path, "dondoc@localhost")
    channel.send(note("dong-thap-2016:3@2017/reminder-14", text="first"))
    channel.send(note("dong-thap-2016:3@2017/reminder-14", text="second"))

    [only] = list(tmp_path.iterdir())
    assert only == channel.path_for(note("dong-thap-2016:3@2017/reminder-14"))
    parsed = email.message_from_bytes(only.read_bytes(), policy=email.policy.default)
    assert parsed.get_body(("plain",)).get_content().strip() == "second"


def test_key_with_path_characters_stays_inside_the_outbox(tmp_path):
    outbox = tmp_path / "outbox"
    channel = FileChannel(outbox, "dondoc@localhost")
    channel.send(note("../../etc/passwd"))

    [written] = list(outbox.iterdir())
    assert written.parent == outbox
    assert not written.name.startswith(".")
    assert list(tmp_path.iterdir()) == [outbox]


def test_unwritable_outbox_is_a_temporary_failure(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the outbox folder should be")
    with pytest.raises(DeliveryFailed) as failure:
        FileChannel(blocker, "dondoc@localhost").send(note("k"))

    assert failure.value.permanent is False
    assert str(blocker) in english(failure.value)


def test_fallback_file_channel_says_it_stands_in_for_email(tmp_path):
    channel = FileChannel(tmp_path, "dondoc@localhost", standing_in_for="email")
    assert channel.describe() == (
        f"email: not configured, so messages are written as .eml files to {tmp_path}"
    )


def test_console_prints_recipients_subject_key_and_text():
    stream = io.StringIO()
    ConsoleChannel(stream).send(note("cao-bang-2016:2.1"))

    printed = stream.getvalue()
    assert "To: lead@sct.example.vn" in printed
    assert f"Subject: {SUBJECT}" in printed
    assert "Key: cao-bang-2016:2.1" in printed
    assert "Nhiệm vụ 1.2 đã quá hạn." in printed


def test_console_writes_to_standard_output_by_default(capsys):
    ConsoleChannel().send(note("binh-phuoc-2011:1"))
    assert "Key: binh-phuoc-2011:1" in capsys.readouterr().out


def test_closed_stream_is_a_temporary_failure():
    stream = io.StringIO()
    stream.close()
    with pytest.raises(DeliveryFailed) as failure:
        ConsoleChannel(stream).send(note("k"))
    assert failure.value.permanent is False
