"""``dondoc quickstart`` on the embedded SQLite default: sweep, digest, outbox files, and harmless reruns."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from cli import cli
from engine import auth, db


def test_quickstart_writes_the_messages_as_eml_files_and_a_rerun_adds_none(
    tmp_path: Path, mail_env: Path
) -> None:
    runner = CliRunner(env={"DONDOC_DB": str(tmp_path / "embedded.sqlite3")})
    first = runner.invoke(cli, ["quickstart", "--as-of", "2015-03-16"], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    # Plans and tasks as people cite them: the document, the province, the printed code.
    assert "Quyết định 835/QĐ-UBND — Kon Tum: loaded." in first.output
    assert "Escalation sweep:" in first.output
    assert "Quyết định 835/QĐ-UBND — Kon Tum: 1.2 (2013)" in first.output
    # The lead by its full name: after the 2025 mergers a short name names several departments.
    assert "1.3 (2013) — Kon Tum Department of Industry and Trade —" in first.output
    assert "kon-tum-2013" not in first.output
    assert f"are .eml files in {mail_env}" in first.output
    files = sorted(p.name for p in mail_env.glob("*.eml"))
    assert any(name.startswith("digest-kon-tum-2013-kon-tum-sct-2015-W12") for name in files)
    assert any(name.startswith("esc") for name in files)

    second = runner.invoke(cli, ["quickstart", "--as-of", "2015-03-16"], catch_exceptions=False)
    assert second.exit_code == 0, second.output
    assert "Quyết định 835/QĐ-UBND — Kon Tum: unchanged." in second.output
    assert "Outbox: sent 0, to retry 0, dead 0." in second.output
    assert sorted(p.name for p in mail_env.glob("*.eml")) == files


def test_quickstart_makes_a_demonstration_coordinator_and_says_where_the_board_is(
    tmp_path: Path, mail_env: Path
) -> None:
    database = tmp_path / "embedded.sqlite3"
    runner = CliRunner(env={"DONDOC_DB": str(database)})
    first = runner.invoke(cli, ["quickstart", "--as-of", "2015-03-16"], catch_exceptions=False)
    shown = re.search(
        r"demo \(Quang Ngai Department of Industry and Trade\), password: (\S+) —", first.output
    )
    assert shown, first.output
    assert (
        "open http://127.0.0.1:8000/?as_of=2015-03-16 in a browser and sign in as demo"
        in first.output
    )
    factory = db.session_factory(db.make_engine(str(database)))
    with db.transaction(factory) as s:
        user = auth.check_password(s, "demo", shown.group(1))
        # Kon Tum merged into Quảng Ngãi on 1/7/2025: today the plan is Quảng Ngãi's to coordinate.
        assert (user.role, user.agency_code) == ("coordinator", "quang-ngai/sct")
    # Shown once: a second run says the account exists and how to set a new password.
    second = runner.invoke(cli, ["quickstart"], catch_exceptions=False)
    assert shown.group(1) not in second.output
    assert (
        "its password was shown the first time (set a new one: dondoc users passwd demo)"
        in second.output
    )
    assert "open http://127.0.0.1:8000/ in a browser" in second.output
