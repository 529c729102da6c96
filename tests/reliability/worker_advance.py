"""One racing process of the concurrency test: N advances with the version read just before.

Usage: python worker_advance.py DB_URL TAG N REF [REF ...]
Prints one JSON line: {"tag", "accepted", "conflicts", "busy", "other"}; every note is
"TAG#i" so the test can find this worker's events in the history.
"""

from __future__ import annotations

import json
import random
import sys

from sqlalchemy.exc import OperationalError

from engine import db
from engine.errors import Conflict
from engine.lookup import load_occurrence
from engine.transition import advance
from engine.users import get_user


def main() -> None:
    url, tag, count, refs = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
    engine = db.make_engine(url)
    factory = db.session_factory(engine)
    rng = random.Random(tag)
    accepted = conflicts = busy = 0
    other: list[str] = []
    for i in range(count):
        ref = rng.choice(refs)
        try:
            with db.transaction(factory) as s:
                occ = load_occurrence(s, ref)
                version, state = occ.version, occ.state
        except OperationalError as exc:
            # SQLite's busy timeout (15 s) ran out while the others held the write lock.
            if "locked" not in str(exc):
                raise
            busy += 1
            continue
        if state == "suspended":
            trigger, fields = "resume", {}
        else:
            trigger = rng.choice(["comment", "comment", "suspend"])
            fields = {"reason": "chờ kinh phí"} if trigger == "suspend" else {}
        try:
            with db.transaction(factory) as s:
                advance(
                    s,
                    get_user(s, "lan"),
                    ref,
                    trigger,
                    note=f"{tag}#{i}",
                    fields=fields,
                    expected_version=version,
                )
            accepted += 1
        except Conflict:
            conflicts += 1
        except OperationalError as exc:
            if "locked" not in str(exc):
                other.append(f"OperationalError: {exc}")
            busy += 1
        except Exception as exc:  # noqa: BLE001 - anything else is a finding, reported to the test
            other.append(f"{type(exc).__name__}: {exc}")
    engine.dispose()
    print(
        json.dumps(
            {"tag": tag, "accepted": accepted, "conflicts": conflicts, "busy": busy, "other": other}
        )
    )


if __name__ == "__main__":
    main()
