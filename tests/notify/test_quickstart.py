"""``dondoc quickstart`` on the embedded SQLite default: sweep, digest, outbox files, and harmless reruns."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cli import cli


def test_quickstart_writes_the_messages_as_eml_files_and_a_rerun_adds_none(
    tmp_path: Path, mail_env: Path
) -> None:
    runner = CliRunner(env={"DONDOC_DB": str(tmp_path / "embedded.sqlite3")})
    first = runner.invoke(cli, ["quickstart", "--as-of", "2015-03-16"], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert "Plan kon-tum-2013: loaded." in first.output
    assert "Escalation sweep:" in first.output
    assert "kon-tum-2013:1.2@2013" in first.output
    assert f"are .eml files in {mail_env}" in first.output
    files = sorted(p.name for p in mail_env.glob("*.eml"))
    assert any(name.startswith("digest-kon-tum-2013-kon-tum-sct-2015-W12") for name in files)
    assert any(name.startswith("esc") for name in files)

    second = runner.invoke(cli, ["quickstart", "--as-of", "2015-03-16"], catch_exceptions=False)
    assert second.exit_code == 0, second.output
    assert "Plan kon-tum-2013: unchanged." in second.output
    assert "Outbox: sent 0, to retry 0, dead 0." in second.output
    assert sorted(p.name for p in mail_env.glob("*.eml")) == files
