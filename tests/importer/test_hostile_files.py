"""Tiny hostile files do bounded work and are refused with a sentence (issue 18)."""

from __future__ import annotations

import os
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import Workbook

from cli import cli
from engine.errors import InvalidInput
from engine.files import write_atomically
from tasks_catalog import schema
from tasks_catalog.importer import MAX_TEXT_BYTES, import_annex
from tasks_catalog.importer.xlsx_tables import MAX_UNPACKED

ARGS = ["--plan-id", "x-2013", "--province", "x"]


def _validate(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["catalog", "validate", str(path)])
    return result.exit_code, result.output


def test_a_yaml_alias_bomb_is_refused_at_once_with_a_short_sentence(tmp_path: Path) -> None:
    lines = ["format: dondoc-plan/1", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join([*lines, "id: *a8", "tasks: *a8"]) + "\n")
    assert bomb.stat().st_size < 2_000
    started = time.monotonic()
    code, output = _validate(bomb)
    assert time.monotonic() - started < 5
    assert code == 1
    assert "aliases (*name) are not allowed in catalog files" in output
    assert len(output) < 600


def test_control_characters_and_long_text_in_a_catalog_are_refused_by_validate(
    tmp_path: Path,
) -> None:
    data = yaml.safe_load(schema.plan_path("kon-tum-2013").read_text(encoding="utf-8"))
    data["tasks"][0]["title"] = "Tiêu đề\x1b[2J\x00"
    data["tasks"][1]["title"] = "x" * 200_000
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code, output = _validate(path)
    assert code == 1
    assert "holds control characters or characters that are not text" in output
    assert "\x1b" not in output and "\\x1b[2J" in output
    assert "is 200000 characters long; at most 5000" in output
    assert len(output) < 2_000


def test_an_xlsx_with_one_cell_at_xfd1048576_is_refused_without_building_the_grid(
    tmp_path: Path,
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "STT"
    sheet["XFD1048576"] = "x"
    path = tmp_path / "far.xlsx"
    book.save(path)
    assert path.stat().st_size < 10_000
    started = time.monotonic()
    with pytest.raises(InvalidInput) as refused:
        import_annex(path, plan_id="x-2013", province="x")
    assert time.monotonic() - started < 5
    assert refused.value.code == "sheet_too_large"


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"0" * (1 << 20)
            for _ in range(MAX_UNPACKED // len(chunk) + 2):
                member.write(chunk)
    assert path.stat().st_size < 1_000_000
    result = CliRunner().invoke(
        cli, ["catalog", "import", str(path), *ARGS, "-o", str(tmp_path / "o.yaml")]
    )
    assert result.exit_code == 1
    assert "unpacks to" in result.output and "Unexpected" not in result.output
    assert not (tmp_path / "o.yaml").exists()


def test_an_annex_text_past_the_limit_is_refused_with_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("STT\tNội dung\n" + "1\tx\n" * (MAX_TEXT_BYTES // 4))
    result = CliRunner().invoke(
        cli, ["catalog", "import", str(path), *ARGS, "-o", str(tmp_path / "o.yaml")]
    )
    assert result.exit_code == 1
    assert "dondoc imports at most" in result.output


def test_an_output_is_replaced_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "draft.yaml"
    target.write_text("previous draft")
    write_atomically(target, "new draft")
    assert target.read_text() == "new draft"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draft.yaml"]
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "draft.yaml").write_text("previous draft")
    os.chmod(folder, 0o500)
    try:
        if os.access(folder, os.W_OK):  # root writes anywhere: nothing to check here
            return
        with pytest.raises(InvalidInput):
            write_atomically(folder / "draft.yaml", "new draft")
        assert (folder / "draft.yaml").read_text() == "previous draft"
    finally:
        os.chmod(folder, 0o700)
