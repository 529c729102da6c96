"""What every command shares: the global options, the database, and how errors leave.

``Context`` holds ``--db``, ``--as`` and ``--lang`` and opens the database on
first use. ``DondocGroup`` is the boundary that keeps tracebacks off the
screen: an engine error becomes one sentence on stderr with the error's own
exit code (``DondocError.exit_code``), usage errors exit 2, and a closed pipe
(``dondoc tasks | head -1``) ends the command quietly with exit code 0.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from engine.models import User
    from notifiers.i18n import Words


@dataclass
class Context:
    """Global options, and the database engine opened on first use."""

    db: str | None
    user: str | None
    lang: str
    _engine: Engine | None = field(default=None, repr=False)

    def engine(self, *, ready: bool = True) -> Engine:
        from engine import db

        if self._engine is None:
            # Only the commands that set a database up (ready=False) may create its file.
            self._engine = db.make_engine(self.db, create=not ready)
        if ready:
            db.ensure_ready(self._engine)
        return self._engine

    @contextmanager
    def session(self, *, ready: bool = True, reads: bool = False) -> Iterator[Session]:
        """One transaction: committed when the command's work is done.

        ``reads`` for a command that only reads: it never holds SQLite's write lock.
        """
        from engine import db

        factory = db.session_factory(self.engine(ready=ready))
        with db.transaction(factory, reads=reads) as session:
            yield session

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()

    @property
    def w(self) -> Words:
        """The message catalog in the chosen language: every word the command prints."""
        from notifiers.i18n import words

        return words(self.lang)

    def acting_user(self, session: Session) -> User | None:
        """The user of ``--as``, or None: without it the command acts as the administrator
        who holds the database. Commands that administer the database
        (``catalog load``, ``users add``, ``agencies set``) do not ask: they
        always act as that administrator (README, "The command line")."""
        from engine.users import get_user

        return get_user(session, self.user) if self.user else None


pass_ctx = click.make_pass_decorator(Context)


class CommandError(click.ClickException):
    """One sentence on stderr and the exit code the refusal calls for."""

    def __init__(self, message: str, exit_code: int = 1, lang: str | None = None) -> None:
        super().__init__(message)
        # ClickException declares exit_code on the class; click reads it from the instance.
        vars(self)["exit_code"] = exit_code
        # The language is read now: by the time click shows the error its context is gone.
        found = click.get_current_context(silent=True)
        obj = found.find_object(Context) if found is not None else None
        self.lang = lang or (obj.lang if obj is not None else "vi")

    def show(self, file: Any = None) -> None:
        """``Lỗi: …`` in Vietnamese, ``Error: …`` in English, on stderr."""
        from notifiers.i18n import words

        click.echo(words(self.lang)("cli.error", message=self.format_message()), err=True)


def error_text(exc: BaseException, lang: str) -> str | None:
    """The sentence (and, for a file, its problems one per line) of an error we know."""
    from sqlalchemy.exc import DBAPIError, OperationalError
    from sqlalchemy.orm.exc import StaleDataError

    from engine.errors import DondocError, InvalidDefinition
    from notifiers.i18n import words

    w = words(lang)
    if isinstance(exc, InvalidDefinition) and exc.problems:
        lines = [w.error(exc)] + [f"  - {w.problem(p)}" for p in exc.problems]
        return "\n".join(lines)
    if isinstance(exc, DondocError):
        # The command line words some errors its own way, naming its options.
        return w.error(exc, face="cli")
    if isinstance(exc, OSError) and exc.filename is not None:
        # The system refused a path the user gave (too long, not a folder, no
        # permission): its own reason, about that path.
        from engine.text import excerpt

        path = excerpt(str(exc.filename), 80)
        return w("error.cannot_use_path", path=path, reason=exc.strerror or type(exc).__name__)
    if isinstance(exc, StaleDataError):
        # A row changed by another process between read and write (a catalog
        # load racing an advance on PostgreSQL): nothing was written.
        return w("error.conflict")
    if isinstance(exc, OperationalError) and "database is locked" in str(exc.orig):
        return w("error.database_busy")
    if isinstance(exc, OperationalError | DBAPIError):
        detail = str(getattr(exc, "orig", exc)).strip().splitlines()
        first = detail[0].rstrip(".") if detail else type(exc).__name__
        return w("error.database_refused", reason=first)
    return None


def _translate(exc: BaseException, lang: str) -> click.ClickException | None:
    from engine.errors import DondocError

    text = error_text(exc, lang)
    if text is None:
        return None
    return CommandError(text, exc.exit_code if isinstance(exc, DondocError) else 1)


def _is_broken_pipe(exc: BaseException) -> bool:
    return isinstance(exc, BrokenPipeError) or (
        isinstance(exc, OSError) and exc.errno == errno.EPIPE
    )


def quiet_after_broken_pipe() -> None:
    """The reader went away (``| head``): send what is left to /dev/null and stop quietly.

    Python flushes stdout once more at exit; pointing the descriptor at
    /dev/null keeps that flush from raising a second BrokenPipeError.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # a captured stdout (tests) has no descriptor
        pass
    finally:
        os.close(devnull)


def _check_arguments(ctx: click.Context, args: list[str]) -> None:
    """Refuse an argument no database can store: a NUL, or bytes that are not UTF-8.

    Python keeps such bytes of ``argv`` as lone surrogates (``\\udcff``); they
    used to fail deep inside a command as an unexpected encoding error.
    """
    from engine.text import excerpt, storable
    from notifiers.i18n import words

    given = [*args, *(v for v in ctx.params.values() if v)]
    for value in given:
        if isinstance(value, str) and not storable(value):
            # Checked before the root command's callback: the language is its option's value.
            lang = str(ctx.params.get("lang") or "vi")
            raise CommandError(words(lang)("cli.argument_not_text", value=excerpt(value)), 2, lang)


class DondocGroup(click.Group):
    """A group whose commands report engine errors as one plain sentence."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if ctx.parent is None:
            raw = list(args)
            rest = super().parse_args(ctx, args)
            _check_arguments(ctx, raw)
            return rest
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - the boundary that keeps tracebacks off screen
            if _is_broken_pipe(exc):
                quiet_after_broken_pipe()
                raise click.exceptions.Exit(0) from None
            obj = ctx.find_object(Context)
            lang = obj.lang if obj is not None else "vi"
            translated = _translate(exc, lang)
            if translated is not None:
                raise translated from exc
            if os.environ.get("DONDOC_DEBUG"):
                raise
            from notifiers.i18n import words

            raise CommandError(
                words(lang)("error.unexpected", kind=type(exc).__name__, detail=str(exc)[:300])
            ) from exc
        finally:
            obj = ctx.find_object(Context)
            if obj is not None and ctx.parent is None:
                obj.close()
