"""Loading ``[notify]`` settings from the config file and the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import InvalidInput
from notifiers.channels import channel_for
from notifiers.config import load_config, parse_smtp_url
from notifiers.email import EmailChannel
from notifiers.file import FileChannel
from notifiers.message import Message
from notifiers.webhook import WebhookChannel
from tests.words import english, refused

PASSWORD = "Mat-Khau-Rat-Bi-Mat"
SECRET = "webhook-secret-9c1e"


def write_config(folder: Path, body: str) -> Path:
    path = folder / "config.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_file_settings_are_read(tmp_path):
    path = write_config(
        tmp_path,
        f"""
[notify]
smtp_url = "smtps://sxsh%40example.vn:{PASSWORD}@mail.example.vn"
smtp_from = "Sở Công Thương <sxsh@example.vn>"
webhook_secret = "{SECRET}"
outbox_dir = "outbox"
timeout = 3
""",
    )
    config = load_config(env={}, path=path)

    assert config.smtp is not None
    assert (config.smtp.host, config.smtp.port, config.smtp.security) == (
        "mail.example.vn",
        465,
        "ssl",
    )
    assert config.smtp.username == "sxsh@example.vn"
    assert config.smtp.password == PASSWORD
    assert config.sender == "Sở Công Thương <sxsh@example.vn>"
    assert config.webhook_secret == SECRET
    # A relative outbox in the file is relative to the file, not to the cwd.
    assert config.outbox_dir == tmp_path / "outbox"
    assert config.timeout == 3.0


def test_environment_overrides_the_file(tmp_path):
    path = write_config(
        tmp_path,
        """
[notify]
smtp_url = "smtp://file-host:25"
smtp_from = "file@example.vn"
webhook_secret = "from-file"
outbox_dir = "from-file"
""",
    )
    env = {
        "DONDOC_CONFIG": str(path),
        "DONDOC_SMTP_URL": "smtp://env-host:587?starttls=1",
        "DONDOC_SMTP_FROM": "env@example.vn",
        "DONDOC_WEBHOOK_SECRET": "from-env",
        "DONDOC_OUTBOX_DIR": str(tmp_path / "env-outbox"),
    }
    config = load_config(env=env)

    assert config.smtp is not None
    assert (config.smtp.host, config.smtp.port, config.smtp.security) == (
        "env-host",
        587,
        "starttls",
    )
    assert config.sender == "env@example.vn"
    assert config.webhook_secret == "from-env"
    assert config.outbox_dir == tmp_path / "env-outbox"


def test_nothing_configured_gives_file_delivery_in_the_user_data_folder(tmp_path):
    config = load_config(env={}, path=write_config(tmp_path, ""))

    assert config.smtp is None
    assert config.webhook_secret is None
    assert config.outbox_dir.parts[-2:] == ("dondoc", "outbox")
    assert "no DONDOC_SMTP_URL configured" in config.describe()


def test_email_without_smtp_is_written_to_the_outbox(tmp_path):
    config = load_config(env={"DONDOC_OUTBOX_DIR": str(tmp_path)}, path=write_config(tmp_path, ""))
    channel = channel_for("email", config)
    channel.send(Message(key="k-1", to=("a@example.vn",), subject="s", text="t"))

    assert isinstance(channel, FileChannel)
    assert "not configured" in channel.describe()
    assert (tmp_path / "k-1.eml").is_file()


def test_repr_and_describe_mask_the_password_and_the_secret():
    config = load_config(
        env={
            "DONDOC_SMTP_URL": f"smtp://sct:{PASSWORD}@mail.example.vn:587?starttls=1",
            "DONDOC_SMTP_FROM": "sct@example.vn",
            "DONDOC_WEBHOOK_SECRET": SECRET,
        },
        path=None,
    )

    for shown in (repr(config), config.describe(), repr(config.smtp), str(config)):
        assert PASSWORD not in shown
        assert SECRET not in shown
    assert "smtp://sct:***@mail.example.vn:587?starttls=1" in config.describe()
    assert "***" in repr(config)
    assert PASSWORD not in repr(channel_for("email", config))
    assert SECRET not in repr(channel_for("webhook", config))
    assert PASSWORD not in channel_for("email", config).describe()


def test_channel_for_builds_each_kind():
    config = load_config(
        env={
            "DONDOC_SMTP_URL": "smtp://mail.example.vn",
            "DONDOC_SMTP_FROM": "sct@example.vn",
        },
        path=None,
    )

    assert isinstance(channel_for("email", config), EmailChannel)
    assert isinstance(channel_for("webhook", config), WebhookChannel)
    assert channel_for("file", config).name == "file"
    assert channel_for("console", config).name == "console"
    with refused(
        InvalidInput, "There is no channel 'sms'; use one of email, webhook, file, console."
    ):
        channel_for("sms", config)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        (f"http://u:{PASSWORD}@mail.example.vn", "must start with smtp:// or smtps://"),
        (f"smtp://u:{PASSWORD}@mail.example.vn:port", "is malformed"),
        (f"smtp://u:{PASSWORD}@:25", "has no host name"),
        (f"smtp://u:{PASSWORD}@mail.example.vn?tls=1", "unknown option 'tls'"),
        (f"smtps://u:{PASSWORD}@mail.example.vn?starttls=1", "already encrypted"),
        (f"smtp://u:{PASSWORD}@mail.example.vn?starttls=maybe", "needs starttls=1"),
    ],
)
def test_invalid_smtp_url_is_one_sentence_without_the_password(url, says):
    with pytest.raises(InvalidInput) as error:
        load_config(env={"DONDOC_SMTP_URL": url, "DONDOC_SMTP_FROM": "a@b.vn"}, path=None)

    assert says in english(error.value)
    assert "DONDOC_SMTP_URL" in english(error.value)
    assert PASSWORD not in english(error.value)
    assert english(error.value).endswith(".")


def test_default_ports_follow_the_security():
    assert parse_smtp_url("smtp://h").port == 25
    assert parse_smtp_url("smtp://h?starttls=1").port == 587
    assert parse_smtp_url("smtps://h").port == 465
    assert parse_smtp_url("smtp://h:2525").port == 2525


def test_smtp_without_a_sender_is_refused():
    with refused(InvalidInput, "no sender address; set DONDOC_SMTP_FROM"):
        load_config(env={"DONDOC_SMTP_URL": "smtp://mail.example.vn"}, path=None)


def test_named_config_file_must_exist(tmp_path):
    missing = tmp_path / "missing.toml"
    with refused(InvalidInput, "does not exist"):
        load_config(env={"DONDOC_CONFIG": str(missing)})


def test_unknown_key_and_bad_timeout_are_named(tmp_path):
    typo = write_config(tmp_path, '[notify]\nsmtp_uri = "smtp://h"\n')
    with refused(InvalidInput, "unknown keys smtp_uri"):
        load_config(env={}, path=typo)
    slow = write_config(tmp_path, "[notify]\ntimeout = -1\n")
    with refused(InvalidInput, r"\[notify\] timeout must be a positive number"):
        load_config(env={}, path=slow)


def test_invalid_toml_names_the_file_without_its_content(tmp_path):
    broken = write_config(tmp_path, f'[notify]\nsmtp_url = "smtp://u:{PASSWORD}@h\n')
    with pytest.raises(InvalidInput) as error:
        load_config(env={}, path=broken)
    assert str(broken) in english(error.value)
    assert PASSWORD not in english(error.value)
