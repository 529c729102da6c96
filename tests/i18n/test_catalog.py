"""The one message catalog: complete in both languages, and the only source of words.

Every key the code, the templates and the registries use is in ``vi`` and in
``en``; the two languages name the same facts; and the templates hold no
words of their own, only calls into the catalog.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from notifiers.i18n import LANGS, po_path, words
from tests.i18n.keys import ROOT, raised_facts, used_keys

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _catalog(lang: str) -> dict[str, tuple[str, ...]]:
    with po_path(lang).open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    out = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        out[key] = tuple(strings)
    return out


CATALOGS = {lang: _catalog(lang) for lang in LANGS}


def _facts(strings: tuple[str, ...]) -> set[str]:
    """The facts a message names; a label or code form counts as the fact it shows."""
    names = {m for s in strings for m in PLACEHOLDER.findall(s)}
    return {re.sub(r"_(label|codes)$", "", n) for n in names} - {"n"}


def test_both_languages_hold_the_same_keys() -> None:
    vi, en = set(CATALOGS["vi"]), set(CATALOGS["en"])
    assert sorted(vi - en) == [], "keys missing in en"
    assert sorted(en - vi) == [], "keys missing in vi"


@pytest.mark.parametrize("lang", LANGS)
def test_keys_are_in_order(lang: str) -> None:
    """Sorted keys: a new message has one place, and two branches adding keys rarely collide."""
    keys = list(CATALOGS[lang])
    misplaced = [b for a, b in zip(keys, keys[1:], strict=False) if b < a]
    assert misplaced == [], f"keys out of order in {lang}: put them in sorted order"


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_has_words(lang: str) -> None:
    empty = [key for key, strings in CATALOGS[lang].items() if not all(s.strip() for s in strings)]
    assert empty == []


def test_every_key_the_code_uses_is_in_both_languages() -> None:
    used = used_keys()
    for lang in LANGS:
        missing = {key: where for key, where in used.items() if key not in CATALOGS[lang]}
        assert missing == {}, f"missing in {lang}"


def test_no_message_is_left_over() -> None:
    # A key nothing uses is a word nobody will read: remove it, or use it.
    unused = sorted(set(CATALOGS["vi"]) - set(used_keys()))
    assert unused == []


def test_both_languages_name_the_same_facts() -> None:
    differ = {
        key: (_facts(CATALOGS["vi"][key]), _facts(CATALOGS["en"][key]))
        for key in CATALOGS["vi"]
        if _facts(CATALOGS["vi"][key]) != _facts(CATALOGS["en"][key])
    }
    assert differ == {}


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_formats(lang: str) -> None:
    for strings in CATALOGS[lang].values():
        for text in strings:
            text % defaultdict(str)  # a stray "%" (not "%%") fails here


def test_vietnamese_is_the_default_and_english_translates() -> None:
    assert words()("status.overdue") == "Quá hạn"
    assert words("en")("status.overdue") == "Overdue"
    assert words("vi").plural("cli.tasks.count", 2) == "2 lần thực hiện."
    assert words("en").plural("cli.tasks.count", 1) == "1 occurrence."
    assert words("en").plural("cli.tasks.count", 2) == "2 occurrences."


# Text a template may hold outside the catalog: the product's name and each
# language's own name on the switch between them.
ALLOWED_WORDS = {"dondoc", "Tiếng Việt", "English", "SXSH", "n", "id", "cc"}
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
TAG = re.compile(r"<[^>]*>", re.S)


@pytest.mark.parametrize(
    "template",
    sorted(
        str(p.relative_to(ROOT))
        for folder in ("web/templates", "notifiers/templates")
        for p in (ROOT / folder).iterdir()
        if p.is_file()
    ),
)
def test_templates_hold_no_words_of_their_own(template: str) -> None:
    text = TAG.sub(" ", JINJA.sub(" ", (ROOT / template).read_text(encoding="utf-8")))
    for allowed in sorted(ALLOWED_WORDS, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(allowed)}(?!\w)", " ", text)
    found = re.findall(r"[^\W\d_]{2,}", text)
    assert found == [], f"words outside the catalog in {template}"


def test_the_catalog_files_are_where_the_package_ships_them() -> None:
    for lang in LANGS:
        path = po_path(lang)
        assert path.is_file()
        assert path.relative_to(ROOT) == Path("notifiers/locale") / lang / "LC_MESSAGES/dondoc.po"


# Labels the catalog adds to facts (notifiers.i18n.Words._labels); state, trigger
# and allowed are labelled only when the workflow is known.
_NEEDS_WORKFLOW = {"state", "trigger", "allowed"}


def _satisfiable(placeholder: str, facts: set[str]) -> bool:
    if placeholder in facts or placeholder == "n":
        return True
    base = re.sub(r"_labels?$", "", placeholder)
    if base == placeholder or base not in facts:
        return False
    needs_workflow = base in _NEEDS_WORKFLOW or base.endswith("_state")
    return not needs_workflow or "workflow" in facts


@pytest.mark.parametrize("lang", LANGS)
def test_every_raise_site_gives_the_facts_its_sentence_names(lang: str) -> None:
    """``InvalidInput("comment_empty", ref=…)`` must give what «%(trigger_label)s» needs."""
    short = []
    for key, facts, where in raised_facts():
        if facts is None or key not in CATALOGS[lang]:
            continue
        named = {p for s in CATALOGS[lang][key] for p in PLACEHOLDER.findall(s)}
        lacking = sorted(p for p in named if not _satisfiable(p, facts))
        if lacking:
            short.append(f"{where} {key}: {lacking}")
    assert short == []
