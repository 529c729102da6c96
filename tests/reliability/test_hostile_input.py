"""Hostile input: fuzzed catalog files and annexes, malformed and malicious CLI arguments."""

from __future__ import annotations

import copy
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from cli import cli
from engine import db
from engine.models import Agency, Event, Occurrence, OutboxMessage, Plan, Task
from tasks_catalog import schema
from tasks_catalog.loading import load_plan_file

KON_TUM = yaml.safe_load(schema.plan_path("kon-tum-2013").read_text(encoding="utf-8"))
NASTY = [
    "",
    "x" * 200_000,
    "Sở Công Thương \u200b\u202e\ufeff 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🏭",
    "\x00\x07\x1b[31m\r\nBcc: evil@example.com",
    "'; DROP TABLE events; --",
    "{{ 7*7 }} {% raw %}",
    "<script>alert(1)</script>",
    "9999-99-99",
]
value = st.one_of(
    st.sampled_from(NASTY),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.lists(st.sampled_from(NASTY), max_size=3),
    st.dictionaries(st.sampled_from(["code", "start", "x"]), st.sampled_from(NASTY), max_size=2),
    st.text(max_size=40),
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        items: Any = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return
    for key, child in items:
        yield (*prefix, key)
        yield from _paths(child, (*prefix, key))


PATHS = list(_paths(KON_TUM))


def _mutate(doc: dict[str, Any], path: tuple[Any, ...], action: str, new: Any) -> None:
    parent: Any = doc
    for key in path[:-1]:
        parent = parent[key]
    if action == "drop":
        del parent[path[-1]]
    else:
        parent[path[-1]] = new


mutation = st.tuples(st.sampled_from(PATHS), st.sampled_from(["drop", "replace"]), value)


def _fingerprint(factory: sessionmaker[Session]) -> tuple[Any, ...]:
    with factory() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(model))
            for model in (Plan, Task, Occurrence, Event, Agency, OutboxMessage)
        ) + (s.scalar(select(func.sum(Occurrence.version))), s.scalar(select(func.max(Task.title))))


def _clean(result: Result) -> None:
    """Success, or exit 1 with an 'Error:' sentence; never a traceback or an internal error."""
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    assert "Unexpected internal error" not in result.output, result.output
    if result.exit_code == 1:
        assert "Error: " in result.output


@pytest.fixture(scope="module")
def fuzz_db(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A SQLite database with Kon Tum loaded, shared by the fuzz examples."""
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.sqlite3"
    shutil.copy(sqlite_template, path)
    engine = db.make_engine(f"sqlite:///{path}")
    with db.transaction(db.session_factory(engine)) as s:
        load_plan_file(s, schema.plan_path("kon-tum-2013"))
    engine.dispose()
    yield f"sqlite:///{path}"


FUZZ_COUNTS = {"examples": 0, "valid": 0, "refused": 0}


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutations=st.lists(mutation, min_size=1, max_size=4))
def test_fuzzed_catalog_files_are_validated_and_loaded_cleanly_or_refused_leaving_the_database_unchanged(
    fuzz_db: str, mutations: list[tuple[tuple[Any, ...], str, Any]]
) -> None:
    doc = copy.deepcopy(KON_TUM)
    for path, action, new in mutations:
        try:
            _mutate(doc, path, action, new)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this place
    runner = CliRunner()
    engine = db.make_engine(fuzz_db)
    factory = db.session_factory(engine)
    with tempfile.TemporaryDirectory() as folder:
        plan_file = Path(folder) / "kon-tum-2013.yaml"
        plan_file.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        before = _fingerprint(factory)
        checked = runner.invoke(cli, ["catalog", "validate", str(plan_file)])
        _clean(checked)
        loaded = runner.invoke(cli, ["--db", fuzz_db, "catalog", "load", str(plan_file)])
        _clean(loaded)
        if loaded.exit_code != 0:
            assert _fingerprint(factory) == before
        # A file that validate accepts must also load (and the other way round).
        assert (checked.exit_code == 0) == (loaded.exit_code == 0), (
            checked.output,
            loaded.output,
        )
    engine.dispose()
    FUZZ_COUNTS["examples"] += 1
    FUZZ_COUNTS["valid" if checked.exit_code == 0 else "refused"] += 1


def test_fuzz_figures() -> None:
    print(f"\ncatalog fuzz: {FUZZ_COUNTS}")


@settings(max_examples=25, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=300),
        st.lists(
            st.sampled_from(NASTY[2:] + ["| TT | Nhiệm vụ |", "|---|---|", "\t"]), max_size=12
        ).map("\n".join),
    )
)
def test_fuzzed_annex_files_import_or_are_refused_with_a_sentence(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "annex.txt"
        source.write_text(text, encoding="utf-8", errors="surrogatepass")
        result = CliRunner().invoke(
            cli,
            [
                "catalog",
                "import",
                str(source),
                "--plan-id",
                "x-2013",
                "--province",
                "x",
                "-o",
                str(Path(folder) / "out.yaml"),
            ],
        )
    _clean(result)


@pytest.fixture
def kon_tum_cli(kon_tum: sessionmaker[Session], db_url: str) -> sessionmaker[Session]:
    return kon_tum


REFUSED = [
    ["--as", "lan", "advance", "kon-tum-2013", "comment", "--note", "x"],
    ["--as", "lan", "advance", "kon-tum-2013:9.9", "comment", "--note", "x"],
    ["--as", "lan", "advance", "kon-tum-2013:1.3@abc", "comment", "--note", "x"],
    ["--as", "lan", "advance", "kon-tum-2013:1.3@99999999999999999999", "comment", "--note", "x"],
    ["--as", "lan", "advance", "::@", "comment", "--note", "x"],
    ["--as", "lan", "advance", "' OR 1=1 --", "comment", "--note", "x"],
    ["--as", "lan", "advance", "kon-tum-2013:2.1", "explode"],
    ["--as", "lan", "advance", "kon-tum-2013:2.1", "'; DROP TABLE events; --"],
    ["--as", "lan", "advance", "kon-tum-2013:2.1", "comment", "--note", "x" * 1_000_000],
    ["--as", "lan", "advance", "kon-tum-2013:2.1", "comment", "--note", "a\x00b\x1b[31m"],
    ["--as", "lan", "advance", "kon-tum-2013:2.1", "comment", "--note", "a\r\nBcc: x@y.z"],
    ["--as", "lan", "advance", "kon-tum-2013:2.1", "comment", "--field", "novalue"],
    ["--as", "lan", "advance", "kon-tum-2013:2.1", "comment", "--field", "k=" + "y" * 5000],
    ["--as", "lan", "advance", "kon-tum-2013:2.1", "consult", "--at", "2015-13-45"],
    ["--as", "lan", "advance", "kon-tum-2013:2.1", "consult", "--at", "yesterday"],
    ["--as", "lan", "advance", "kon-tum-2013:2.1", "consult", "--at", "2099-01-01"],
    ["--as", "lan", "advance", "kon-tum-2013:2.1", "consult", "--expect-version", "7"],
    ["--as", "lan", "advance", "kon-tum-2013:2.1", "issue", "--field", "document_number=1"],
    ["--as", "kẻ-lạ'; --", "advance", "kon-tum-2013:2.1", "comment", "--note", "x"],
    ["users", "add", "x'; DROP TABLE users; --", "--agency", "kon-tum/sct", "--role", "viewer"],
    ["users", "add", "eve", "--agency", "kon-tum/sct'--", "--role", "viewer"],
    ["agencies", "set", "kon-tum/sct", "--email", "a@b.vn\r\nBcc: evil@example.com"],
    ["agencies", "set", "kon-tum/sct", "--webhook", "file:///etc/passwd"],
    ["--as", "nobody", "advance", "kon-tum-2013:2.1", "comment", "--note", "x"],
    ["tasks", "--as-of", "2015-02-30"],
    ["escalate", "--as-of", "0000-00-00"],
    ["show", "kon-tum-2013:2.1@2015'"],
    ["digest", "--as-of", "{{ 7*7 }}"],
    # Issue 18: each of these was "Unexpected internal error".
    ["escalate", "--dry-run", "--as-of", "0001-01-01"],
    ["escalate", "--as-of", "9999-12-31"],
    ["remind", "--dry-run", "--as-of", "9999-12-31"],
    ["digest", "--as-of", "0001-01-01"],
    ["--as", "lan", "advance", "kon-tum-2013:2.1", "comment", "--at", "0001-01-01"],
    ["notify", "retry", "99999999999999999999999"],
    ["users", "token", "lan", "--revoke", "99999999999999999999999"],
    ["--as", "lan", "advance", "kon-tum-2013:2.1", "consult", "--expect-version", "9" * 25],
    ["report", "annual", "--plan", "kon-tum-2013", "--year", "9" * 25],
    ["export", "ics", "-o", "/proc/no-such-folder/x.ics"],
    ["export", "ics", "-o", "/tmp/" + "a" * 5000 + ".ics"],
    ["agencies", "set", "kon-tum/ubnd", "--webhook", "http://hook..example/x"],
    ["agencies", "set", "kon-tum/ubnd", "--webhook", "http://hook.example:99999/x"],
    ["--as", "lan", "advance", "kon-tum-2013:2.1", "comment", "--note", "a\udcffb"],
    ["tasks", "--plan", "a\udcffb"],
    ["--as", "lan", "advance", "kon-tum-2013:2.1", "comment", "--field", "k\x00\x1b[2J=v"],
    ["--as", "lan", "advance", "kon-tum-2013:2.1", "comment", "--field", "k" * 900 + "=v"],
]
# Options before the command: the database URL itself.
REFUSED_URLS = ["postgresql://x:y@[::1/db", "postgresql://x@h:abc/x", "/tmp/" + "a" * 5000]


def test_malformed_and_malicious_arguments_are_refused_cleanly_and_change_nothing(
    kon_tum_cli: sessionmaker[Session], db_url: str
) -> None:
    runner = CliRunner()
    before = _fingerprint(kon_tum_cli)
    codes = []
    for args in REFUSED:
        result = runner.invoke(cli, ["--db", db_url, *args])
        assert result.exit_code in (1, 2), (args[:6], result.output[:300])
        assert "Traceback" not in result.output and "Unexpected internal" not in result.output
        assert len(result.output.strip().splitlines()) <= 4, (args[:6], result.output[:500])
        codes.append(result.exit_code)
    for url in REFUSED_URLS:
        result = runner.invoke(cli, ["--db", url, "tasks"])
        assert result.exit_code == 1, (url[:40], result.output[:300])
        assert "Unexpected internal" not in result.output and len(result.output.splitlines()) == 1
    assert _fingerprint(kon_tum_cli) == before
    print(
        f"\nhostile arguments: {len(REFUSED)} refused ({codes.count(1)} with exit 1, "
        f"{codes.count(2)} usage errors with exit 2), database unchanged"
    )


STORED_LITERALLY = [
    "'; DROP TABLE events; --",
    "{{ 7*7 }} {% raw %} {{ config }}",
    '<script>alert(1)</script> "><img src=x onerror=alert(1)>',
    "Robert'); DELETE FROM occurrences; --\tvà\nxuống dòng",
    "x" * 10_000,
]


def test_sql_and_template_syntax_in_notes_and_fields_are_stored_literally(
    kon_tum_cli: sessionmaker[Session], db_url: str
) -> None:
    runner = CliRunner()
    for note in STORED_LITERALLY:
        result = runner.invoke(
            cli,
            [
                "--db",
                db_url,
                "--as",
                "lan",
                "advance",
                "kon-tum-2013:2.1",
                "comment",
                "--note",
                note,
                "--field",
                f"evidence={note[:2000]}",
            ],
        )
        assert result.exit_code == 0, result.output
    with db.transaction(kon_tum_cli) as s:
        rows = s.execute(
            select(Event.note, Event.fields).where(Event.actor == "lan").order_by(Event.seq)
        ).all()
        assert s.scalar(select(func.count()).select_from(Event)) > 40  # the table is still there
    assert [n for n, _ in rows] == STORED_LITERALLY
    assert [f["evidence"] for _, f in rows] == [n[:2000] for n in STORED_LITERALLY]
    shown = runner.invoke(cli, ["--db", db_url, "show", REF_21, "--json"])
    assert shown.exit_code == 0
    assert "{{ 7*7 }}" in shown.output


REF_21 = "kon-tum-2013:2.1"
