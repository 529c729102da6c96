"""Catalog files on disk: where the shipped ones are, reading YAML, and collecting problems.

A ``Reader`` collects the shape problems of one file while the dataclasses of
``engine.plan_spec`` are built from it: a missing or mistyped field is
recorded as a ``Problem`` (file, place, field, what is wrong) and replaced
by a harmless default, so one pass reports every problem of the file, not
only the first. The faces word each problem from the message catalog.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import reprlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from engine.errors import InvalidDefinition, NotFound, Problem
from engine.plan_spec import Window
from engine.text import excerpt

PLAN_FORMAT = "dondoc-plan/1"
AGENCIES_FORMAT = "dondoc-agencies/1"

#: A place in a file: (kind, name), e.g. ("task", "2.1"); None for the top level.
Where = tuple[str, str] | None

_MISSING = object()
# The longest text a catalog field may hold, and the largest catalog file read.
MAX_TEXT = 5_000
MAX_FILE_BYTES = 5 * 1024 * 1024
# What a stored text may not hold: C0 controls other than tab and line breaks
# (CR LF from a Windows annex), DEL, and lone surrogates.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
# The kind of value a field must hold, as the problem names it (``kind.<name>``).
_KIND_NAMES = {
    str: "text",
    int: "integer",
    list: "list",
    dict: "mapping",
    bool: "flag",
    dt.date: "date",
}


def catalog_dir() -> Path:
    """The folder of shipped catalog files (found next to this module, so it works installed)."""
    return Path(__file__).resolve().parent


def catalog_roots() -> list[Path]:
    """Catalog folders, searched in order: ``DONDOC_CATALOG_PATH`` (``:``-separated),
    the ``[catalog] paths`` of ``config.toml``, then the shipped catalog.

    Each may hold ``plans/`` and ``agencies/``: a province's own files, used
    without touching the package.
    """
    from engine.config_file import config_path, read_section

    listed = [p for p in os.environ.get("DONDOC_CATALOG_PATH", "").split(os.pathsep) if p]
    path, explicit = config_path()
    if explicit or path.is_file():
        configured = read_section(path, "catalog", required=False).get("paths") or []
        listed += [str(p) for p in configured if isinstance(p, str)]
    return [*(Path(p).expanduser() for p in listed), catalog_dir()]


def _plan_files() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for root in catalog_roots():
        for path in sorted((root / "plans").glob("*.yaml")):
            found.setdefault(path.stem, path)
    return found


def list_plan_ids() -> list[str]:
    """Ids of the plans in every catalog folder's ``plans/``, sorted."""
    return sorted(_plan_files())


def plan_path(plan_id: str) -> Path:
    """The file of a plan id (the first catalog folder that has it); NotFound names the known ids."""
    files = _plan_files()
    if plan_id not in files:
        raise NotFound("no_shipped_plan", plan=plan_id, known=sorted(files))
    return files[plan_id]


class Reader:
    """Collects the problems of one file while building its dataclasses."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def problem(self, where: Where, key: str, what: str, /, **facts: Any) -> None:
        """Record that field ``key`` at ``where`` has problem ``what`` (a code), with its facts."""
        self.problems.append(Problem(what, facts, source=self.source, where=where, field=key))

    def get(
        self,
        data: Mapping[str, Any],
        key: str,
        where: Where,
        kind: type,
        default: Any,
        required: bool = True,
    ) -> Any:
        value = data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.problem(where, key, "missing")
            return default
        # bool is an int in Python; a yes/no where a number belongs is a typo.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.problem(where, key, "wrong_kind", kind=_KIND_NAMES[kind], value=_shown(value))
            return default
        if isinstance(value, str) and not self._fit(where, key, value):
            return default
        return value

    def _fit(self, where: Where, key: str, value: str) -> bool:
        """Whether a text can be stored as it is on both databases; a problem recorded if not."""
        if len(value) > MAX_TEXT:
            self.problem(where, key, "text_too_long", length=len(value), limit=MAX_TEXT)
            return False
        if _CONTROL.search(value):
            # PostgreSQL refuses a NUL and a lone surrogate; a terminal escape
            # in a title would be replayed by every listing.
            self.problem(where, key, "control_characters_in_text", value=_shown(value))
            return False
        return True

    def text(self, data: Mapping[str, Any], key: str, where: Where, required: bool = True) -> str:
        return str(self.get(data, key, where, str, "", required))

    def texts(self, data: Mapping[str, Any], key: str, where: Where) -> tuple[str, ...]:
        items = self.get(data, key, where, list, [], required=False)
        good = []
        for item in items:
            if isinstance(item, str):
                if self._fit(where, key, item):
                    good.append(item)
            else:
                self.problem(where, key, "not_quoted_text", value=_shown(item))
        return tuple(good)

    def mappings(
        self, data: Mapping[str, Any], key: str, where: Where, required: bool = False
    ) -> list[dict[str, Any]]:
        items = self.get(data, key, where, list, [], required)
        good = []
        for index, item in enumerate(items, start=1):
            if isinstance(item, dict):
                good.append(item)
            else:
                self.problem(where, key, "entry_not_mapping", entry=index, value=_shown(item))
        return good

    def window(
        self, data: Mapping[str, Any], key: str, where: Where, required: bool = False
    ) -> Window | None:
        raw = self.get(data, key, where, dict, None, required)
        if raw is None:
            return None
        ends = [raw.get("start"), raw.get("end")]
        if not all(isinstance(year, int) and not isinstance(year, bool) for year in ends):
            self.problem(where, key, "window_years", value=_shown(raw))
            return None
        return Window(start=ends[0], end=ends[1])

    def finish(self, what: str) -> None:
        """Raise ``InvalidDefinition`` listing every problem found, if any."""
        if self.problems:
            raise InvalidDefinition(
                "invalid_file", problems=self.problems, file=self.source, what=what
            )


# Bounded like the words it makes: a 16 KB alias bomb expanded to 312 MB
# through a full repr before it was cut to 80 characters.
_REPR = reprlib.Repr()
_REPR.maxstring, _REPR.maxother, _REPR.maxlist, _REPR.maxdict, _REPR.maxlevel = 80, 80, 4, 4, 2


def _shown(value: Any) -> str:
    """A value as a problem quotes it: short, whatever it holds, control characters escaped."""
    text = excerpt(_REPR.repr(value), 80)
    return text


class _CatalogLoader(yaml.SafeLoader):
    """YAML without aliases: a catalog file has no use for them, and a few kilobytes of
    nested aliases expand to gigabytes (an alias bomb)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in catalog files", event.start_mark
            )
        return super().compose_node(parent, index)


def read_yaml(path: Path) -> Any:
    """The YAML document at ``path``; NotFound or InvalidDefinition naming the file."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InvalidDefinition(
                "catalog_too_large", file=str(path), size=path.stat().st_size, limit=MAX_FILE_BYTES
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise NotFound("no_catalog_file", path=str(path)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidDefinition("catalog_unreadable", file=str(path), reason=str(exc)) from exc
    try:
        return yaml.load(text, Loader=_CatalogLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InvalidDefinition(
            "catalog_not_yaml",
            file=str(path),
            line=mark.line + 1 if mark else "?",
            column=mark.column + 1 if mark else "?",
            reason=getattr(exc, "problem", None) or str(exc),
        ) from exc


def read_top(path: Path, expected_format: str) -> tuple[Reader, dict[str, Any]]:
    """The file's top mapping and a reader for it, once its ``format`` key is the one expected."""
    data = read_yaml(path)
    reader = Reader(str(path))
    if not isinstance(data, dict):
        raise InvalidDefinition("catalog_not_mapping", file=str(path), format=expected_format)
    found = data.get("format")
    if found != expected_format:
        if found is None:
            reader.problem(None, "format", "format_missing", expected=expected_format)
        else:
            reader.problem(
                None, "format", "wrong_format", found=_shown(found), expected=expected_format
            )
        reader.finish("catalog_file")  # a wrong kind of file: other checks would only add noise
    return reader, data
