"""Successions in directory files: what catalog validate says, and importing a province's own file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from tasks_catalog import schema
from tests.conftest import Run

CYCLE = """\
format: dondoc-agencies/1
province: kon-tum
name_vi: Kon Tum
agencies:
  - {code: kon-tum/ubnd, name_vi: UBND, name_en: PC}
  - {code: kon-tum/a, name_vi: A, name_en: A, parent: kon-tum/ubnd}
  - {code: kon-tum/b, name_vi: B, name_en: B, parent: kon-tum/ubnd}
successions:
  - {kind: rename, effective: 2025-03-01, from: [kon-tum/a], to: [kon-tum/b], basis: {number: X}}
  - {kind: rename, effective: 2025-04-01, from: [kon-tum/b], to: [kon-tum/a], basis: {number: X}}
  - {kind: split, effective: 2025-04-01, from: [kon-tum/ubnd], to: [kon-tum/a, kon-tum/zz], basis: {number: Y}}
"""

TIEN_GIANG = """\
format: dondoc-agencies/1
province: tien-giang
name_vi: Tiền Giang
agencies:
  - {code: tien-giang/ubnd, name_vi: Ủy ban nhân dân tỉnh Tiền Giang, name_en: Tien Giang PC}
  - {code: tien-giang/sct, name_vi: Sở Công Thương tỉnh Tiền Giang, name_en: Tien Giang DOIT,
     parent: tien-giang/ubnd}
province_merges:
  - {from_province: tien-giang, to_province: dong-thap, effective: 2025-07-01,
     basis: {number: 202/2025/QH15, date: 2025-06-12}}
"""


def test_the_shipped_directories_hold_the_2025_chains() -> None:
    agencies, successions = schema.load_directories()
    assert agencies["kon-tum/stnmt"].valid_until.isoformat() == "2025-02-28"
    assert agencies["kon-tum/snnmt"].valid_until.isoformat() == "2025-06-30"
    assert agencies["quang-ngai/snnmt"].valid_until is None
    ends = {code: s.to_codes for s in successions for code in s.from_codes}
    assert ends["kon-tum/stnmt"] == ("kon-tum/snnmt",)
    assert ends["kon-tum/snnmt"] == ("quang-ngai/snnmt",)
    assert ends["kon-tum/ubnd"] == ("quang-ngai/ubnd",)
    assert ends["binh-phuoc/sct"] == ("dong-nai/sct",)
    assert ends["nghe-an/stnmt"] == ("nghe-an/snnmt",)
    assert ends["cao-bang/ubnd-huyen"] == ("cao-bang/ubnd-xa",)
    assert all(s.basis_number for s in successions)


def test_catalog_validate_says_what_is_wrong_with_a_directory_file(tmp_path: Path) -> None:
    path = tmp_path / "kon-tum.yaml"
    path.write_text(CYCLE, encoding="utf-8")
    result = CliRunner().invoke(cli, ["catalog", "validate", str(path)])
    assert result.exit_code == 1
    assert "the successions form the cycle kon-tum/a → kon-tum/b → kon-tum/a" in result.output
    assert "a split must say who takes the open tasks" in result.output
    assert "'kon-tum/zz' is not a known agency code" in result.output


@pytest.mark.parametrize("name", ["quang-ngai", "dong-nai", "kon-tum", "nghe-an"])
def test_the_shipped_directory_files_validate(name: str) -> None:
    path = Path(schema.catalog_dir()) / "agencies" / f"{name}.yaml"
    result = CliRunner().invoke(cli, ["catalog", "validate", str(path)])
    assert result.exit_code == 0, result.output


def test_a_province_file_from_a_catalog_folder_is_imported_and_followed(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "mine" / "agencies"
    folder.mkdir(parents=True)
    (folder / "tien-giang.yaml").write_text(
        TIEN_GIANG, encoding="utf-8"
    )  # replaces the shipped one
    monkeypatch.setenv("DONDOC_CATALOG_PATH", str(tmp_path / "mine"))
    assert "tien-giang/sct" in schema.load_all_directories()

    imported = run("agencies", "import", str(folder / "tien-giang.yaml"))
    assert imported.exit_code == 0, imported.output
    listed = json.loads(run("agencies", "list", "--province", "tien-giang", "--json").output)
    assert [a["code"] for a in listed] == ["tien-giang/sct", "tien-giang/ubnd"]

    added = run(
        "agencies", "add", "dong-thap/snnmt", "--name", "Sở NN&MT", "--parent", "dong-thap/ubnd"
    )
    assert added.exit_code == 0, added.output
    again = run("agencies", "add", "dong-thap/snnmt", "--name", "Sở NN&MT")
    assert again.exit_code == 1
    assert "already exists" in again.output
    bad = run("agencies", "add", "Bad Code", "--name", "x")
    assert bad.exit_code == 1 and "is not an agency code" in bad.output
