"""Files attached to a step: checked by content, kept by SHA-256, named by ``audit verify``."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from engine import attachments
from engine.attachments import Upload, sniff

REF = "kon-tum-2013:2.1"
# The smallest file each reader accepts as what it says it is.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def office(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, data in members.items():
            package.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config file pointing the attachments at a folder of this test."""
    folder = tmp_path / "files"
    config = tmp_path / "config.toml"
    config.write_text(f'[attachments]\nfolder = "{folder}"\nmax_mb = 1\n', encoding="utf-8")
    monkeypatch.setenv("DONDOC_CONFIG", str(config))
    return folder


def test_kinds_are_read_from_the_bytes_not_the_name() -> None:
    docx = office({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"})
    xlsx = office({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<w/>"})
    odt = office({"mimetype": attachments._ODT.encode(), "content.xml": b"<o/>"})
    assert sniff(PDF) == "application/pdf"
    assert sniff(PNG) == "image/png"
    assert sniff(b"\xff\xd8\xff\xe0" + b"\x00" * 16) == "image/jpeg"
    assert sniff(docx).endswith(".document")  # type: ignore[union-attr]
    assert sniff(xlsx).endswith(".sheet")  # type: ignore[union-attr]
    assert sniff(odt) == "application/vnd.oasis.opendocument.text"
    # A zip that is no office document, a program, an HTML page: refused whatever their names.
    assert sniff(office({"a.txt": b"x"})) is None
    assert sniff(b"MZ\x90\x00program") is None
    assert sniff(b"<html><script>alert(1)</script>") is None


def test_a_name_keeps_no_folder_nor_control_characters() -> None:
    assert attachments.clean_name("C:\\Users\\lan\\Chỉ thị 05.pdf") == "Chỉ thị 05.pdf"
    assert attachments.clean_name("../../etc/passwd") == "passwd"
    assert attachments.clean_name("a\x00b\r\n.pdf") == "ab.pdf"
    assert attachments.clean_name("..") == "file"
    long = attachments.clean_name("x" * 500 + ".pdf")
    assert len(long) == attachments.MAX_NAME and long.endswith(".pdf")


def test_the_cli_attaches_a_pdf_and_show_lists_it(
    run, kon_tum: sessionmaker[Session], store: Path, tmp_path: Path
) -> None:
    pdf = tmp_path / "Chỉ thị 05-CT-UBND.pdf"
    pdf.write_bytes(PDF)
    done = run("advance", REF, "consult", "--attach", str(pdf), "--note", "Gửi dự thảo", user="lan")
    assert done.exit_code == 0, done.output
    sha = hashlib.sha256(PDF).hexdigest()
    assert (store / sha[:2] / sha).read_bytes() == PDF
    shown = json.loads(run("show", REF, "--json").output)
    (listed,) = shown["attachments"]
    assert listed["name"] == "Chỉ thị 05-CT-UBND.pdf"
    assert (listed["sha256"], listed["size"], listed["type"]) == (sha, len(PDF), "application/pdf")
    assert (listed["seq"], listed["actor"], listed["trigger"]) == (2, "lan", "consult")
    # The history keeps its fields as before: the files are listed once, under "attachments".
    assert "attachments" not in shown["history"][-1]["fields"]
    text = run("show", REF).output
    assert f"attached file: Chỉ thị 05-CT-UBND.pdf ({len(PDF)} bytes)" in text
    assert run("audit", "verify", user="lan").exit_code == 0


def test_a_comment_may_carry_only_a_file(run, kon_tum, store: Path, tmp_path: Path) -> None:
    scan = tmp_path / "scan.png"
    scan.write_bytes(PNG)
    done = run("advance", REF, "comment", "--attach", str(scan), user="thu")
    assert done.exit_code == 0, done.output
    shown = json.loads(run("show", REF, "--json").output)
    assert [a["name"] for a in shown["attachments"]] == ["scan.png"]


def test_a_program_named_pdf_is_refused_and_nothing_is_recorded(
    run, kon_tum, store: Path, tmp_path: Path
) -> None:
    fake = tmp_path / "bao-cao.pdf"
    fake.write_bytes(b"MZ\x90\x00 this is a program")
    done = run("advance", REF, "consult", "--attach", str(fake), user="lan")
    assert done.exit_code != 0
    assert "The file “bao-cao.pdf” cannot be attached" in done.output
    assert "Traceback" not in done.output
    shown = json.loads(run("show", REF, "--json").output)
    assert shown["state"] == "drafting" and shown["attachments"] == []
    assert not store.exists() or not any(store.rglob("*"))


def test_a_file_past_the_configured_size_is_refused(run, kon_tum, store, tmp_path) -> None:
    big = tmp_path / "lớn.pdf"
    big.write_bytes(PDF + b"0" * (1024 * 1024))
    done = run("advance", REF, "consult", "--attach", str(big), user="lan")
    assert done.exit_code != 0
    assert "The file “lớn.pdf” is 1.0 MB, more than the 1.0 MB an attachment may be." in done.output


def test_a_missing_file_to_attach_is_one_sentence(run, kon_tum, store, tmp_path) -> None:
    done = run("advance", REF, "consult", "--attach", str(tmp_path / "none.pdf"), user="lan")
    assert done.exit_code != 0
    assert "none.pdf cannot be read" in done.output and "Traceback" not in done.output


def test_audit_verify_names_a_swapped_and_a_missing_file(
    run, kon_tum, store: Path, tmp_path: Path
) -> None:
    pdf = tmp_path / "Quyết định.pdf"
    pdf.write_bytes(PDF)
    assert run("advance", REF, "consult", "--attach", str(pdf), user="lan").exit_code == 0
    sha = hashlib.sha256(PDF).hexdigest()
    kept = store / sha[:2] / sha
    kept.write_bytes(PDF.replace(b"1 0 obj", b"2 0 obj"))  # same size, other bytes
    checked = run("audit", "verify", user="lan")
    assert checked.exit_code != 0
    assert (
        f"{REF}: event #2" in checked.output
        and "has an attached file “Quyết định.pdf” that was changed after it was recorded"
        in checked.output
    )
    kept.unlink()
    checked = run("audit", "verify", user="lan")
    assert "“Quyết định.pdf” that was removed from the storage folder" in checked.output


def test_the_field_name_attachments_is_kept_for_files(run, kon_tum, store) -> None:
    done = run("advance", REF, "comment", "--field", "attachments=x", user="lan")
    assert done.exit_code != 0 and "reserved for attached files" in done.output


def test_the_engine_stores_the_same_bytes_once(store: Path) -> None:
    limits = attachments.settings()
    first = attachments.store([Upload("a.pdf", PDF)], limits)
    second = attachments.store([Upload("b.pdf", PDF)], limits)
    assert first[0]["sha256"] == second[0]["sha256"]
    assert len([p for p in store.rglob("*") if p.is_file()]) == 1
