"""An anchor kept outside the database catches what no check inside can (issue 18)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from cli import cli
from engine import db, search
from engine.lookup import load_occurrence
from engine.models import Escalation, Event, Occurrence, OccurrenceSeal
from engine.seal import reseal_ids
from engine.transition import advance
from engine.users import get_user

REF = "kon-tum-2013:2.1"


def _dondoc(db_url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", db_url, *args])
    return result.exit_code, result.output


def _anchor(db_url: str, tmp_path: Path) -> Path:
    path = tmp_path / "anchor.json"
    code, output = _dondoc(db_url, "audit", "anchor", "--plan", "kon-tum-2013", "-o", str(path))
    assert code == 0, output
    assert output.startswith("Wrote the heads of 48 occurrences to")
    assert REF in json.loads(path.read_text())["heads"]
    return path


def test_later_work_passes_the_anchor(
    kon_tum: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    path = _anchor(db_url, tmp_path)
    with db.transaction(kon_tum) as s:
        advance(s, get_user(s, "lan"), REF, "consult")
    code, output = _dondoc(db_url, "audit", "verify", "--anchor", str(path))
    assert code == 0, output


def test_a_deleted_occurrence_is_named_against_the_anchor(
    kon_tum: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    path = _anchor(db_url, tmp_path)
    with db.transaction(kon_tum) as s:
        occ_id = load_occurrence(s, REF).id
        for model in (Event, OccurrenceSeal, Escalation):
            s.execute(delete(model).where(model.occurrence_id == occ_id))
        # A thorough hand also clears the search index (a foreign key on PostgreSQL).
        search.write_rows(s, [occ_id], [], s.get_bind().dialect.name == "postgresql")
        s.execute(delete(Occurrence).where(Occurrence.id == occ_id))
    assert _dondoc(db_url, "audit", "verify")[0] == 0  # nothing inside the database says so
    code, output = _dondoc(db_url, "audit", "verify", "--anchor", str(path))
    assert code == 1
    assert f"{REF}: its history was deleted (it is in the anchor" in output


def test_a_cut_and_rewritten_chain_is_named_against_the_anchor(
    kon_tum: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    with db.transaction(kon_tum) as s:
        advance(s, get_user(s, "lan"), REF, "consult")
    path = _anchor(db_url, tmp_path)
    with db.transaction(kon_tum) as s:
        occ = load_occurrence(s, REF)
        first = s.scalar(select(Event).where(Event.occurrence_id == occ.id, Event.seq == 1))
        assert first is not None
        # Cut the newest event and move the head back, as a careful forger would.
        s.execute(delete(Event).where(Event.occurrence_id == occ.id, Event.seq == 2))
        s.execute(
            update(Occurrence)
            .where(Occurrence.id == occ.id)
            .values(head_seq=1, head_hash=first.hash, state=first.to_state)
        )
        occ_id = occ.id
    with db.transaction(kon_tum) as s:
        reseal_ids(s, [occ_id])  # and rewrites the seal: nothing inside says so
    assert _dondoc(db_url, "audit", "verify")[0] == 0
    code, output = _dondoc(db_url, "audit", "verify", "--anchor", str(path))
    assert code == 1
    assert f"{REF}: event #2 (id —) is in the anchor but no longer in the history" in output


def test_a_file_that_is_not_an_anchor_is_refused_with_a_sentence(
    kon_tum: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    for text in ("not json", '{"format": "x"}', "[" * 5000):
        bad.write_text(text)
        code, output = _dondoc(db_url, "audit", "verify", "--anchor", str(bad))
        assert code == 1 and "is not a dondoc-anchor/1 anchor file" in output, output
    code, output = _dondoc(db_url, "audit", "anchor", "--plan", "nope")
    assert code == 1 and "No plan 'nope'" in output
