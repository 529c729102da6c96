"""What a page needs to name things as people do: agencies, people, history, days.

A page's work function (or a command) builds one ``Namer`` in its unit of work
(``Namer.read(session, lang)``) and hands it to the template as ``N``:
``N.agency(code)`` is the short name with the full one on hover,
``N.event(row, workflow)`` a history row as a sentence, ``N.date(day)`` a day as
people write it in the page's language. Codes stay in addresses and forms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from engine.id_sets import id_pages
from engine.models import User
from engine.names import AgencyNames
from engine.workdays import VIETNAM_TZ
from notifiers.history_text import People, Person, event_details, event_sentence, who
from notifiers.i18n import Words, words


class Namer:
    def __init__(self, lang: str, names: AgencyNames, people: People) -> None:
        self.lang = lang
        self.w: Words = words(lang)
        self.names = names
        self.people = people
        self._shown: dict[str, Markup] = {}

    @classmethod
    def read(cls, session: Session, lang: str) -> Namer:
        # People are read when a page names them, not all at once: a national deployment
        # has tens of thousands, and reading them was most of every page's time (issue 17).
        bind = session.get_bind()
        wanted = select(User.name, User.full_name, User.agency_code)

        def lookup(name: str) -> Person | None:
            query = wanted.where(User.name == name)
            if session.in_transaction() or isinstance(bind, Connection):
                row = session.execute(query).first()
            else:
                # The board renders its templates after the unit of work has closed.
                with bind.connect() as conn:
                    row = conn.execute(query).first()
            return Person(row[0], row[1], row[2]) if row is not None else None

        return cls(lang, AgencyNames.read(session), People(lookup=lookup))

    def expect(self, session: Session, names: Iterable[str]) -> None:
        """Read the people a page is about to name in one statement, not one each."""
        wanted = self.people.missing(names)
        for cond in id_pages(session, User.name, wanted):
            query = select(User.name, User.full_name, User.agency_code).where(cond)
            for name, full_name, agency in session.execute(query):
                self.people.know(Person(name, full_name, agency))
        for name in self.people.missing(wanted):
            self.people.know(Person(name, None, None))

    def agency(self, code: str | None) -> Markup:
        """The short name, the full name on hover (and to screen readers through ``title``)."""
        if not code:
            return Markup("")
        shown = self._shown.get(code)
        if shown is None:
            # A page names the same few agencies on every row (a worklist: 100 names, a
            # dozen agencies): each is written once per page.
            short, full = self.names.short(code, self.lang), self.names.full(code, self.lang)
            if short == full:
                shown = escape(short)
            else:
                shown = Markup('<span title="{}">{}</span>').format(full, short)
            self._shown[code] = shown
        return shown

    def agencies(self, codes: Iterable[str]) -> Markup:
        shown = [self.agency(c) for c in codes]
        return Markup(", ").join(shown) if shown else escape(self.w("board.none"))

    def agency_text(self, code: str) -> str:
        """The short name as plain text (options of a list, titles)."""
        return self.names.short(code, self.lang)

    def agencies_text(self, codes: Iterable[str]) -> str:
        return ", ".join(self.agency_text(c) for c in codes)

    def agency_full(self, code: str) -> str:
        return self.names.full(code, self.lang)

    def person(self, actor: str) -> str:
        return who(self.w, actor, self.people, self.names)

    def event(self, row: dict[str, Any], workflow: str) -> str:
        return event_sentence(self.w, row, workflow, self.people, self.names)

    def details(self, row: dict[str, Any]) -> list[str]:
        return event_details(self.w, row, self.names)

    def date(self, value: str | dt.date | None) -> str:
        return self.w.date(value)

    def moment(self, value: str | dt.datetime | None) -> str:
        """A stored (UTC) moment in Vietnam's time, written as the language writes it."""
        if not value:
            return "—"
        moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
        local = moment.astimezone(VIETNAM_TZ)
        return f"{self.w.date(local.date())} {local:%H:%M}"

    def province(self, slug: str) -> str:
        return self.names.province(slug)

    def occurrence(self, code: str, year: int | None) -> str:
        """``2.1`` or ``1.2 (năm 2015)``: task codes as printed, the year in words."""
        return self.w("words.code_in_year", code=code, year=year) if year else code
