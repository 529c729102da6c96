"""The sign-in throttle holds under parallel attempts on both databases (issue 18).

Under READ COMMITTED, 40 parallel wrong attempts on PostgreSQL each read
fewer than five failures and 17 passwords were checked, the right one among
them. Attempts on one name now take a lock, so at most five are checked.
"""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

from engine import auth, db

PASSWORD = "correct horse battery"
ATTEMPTS = 40


def test_forty_parallel_wrong_sign_ins_check_at_most_five_passwords(
    kon_tum: sessionmaker[Session], db_url: str
) -> None:
    with db.transaction(kon_tum) as s:
        auth.set_password(s, "lan", PASSWORD)
    engine = db.make_engine(db_url, create=False)
    if engine.dialect.name == "postgresql":
        engine.dispose()
        engine = create_engine(engine.url, pool_size=ATTEMPTS, max_overflow=0)
    factory = db.session_factory(engine)
    start = threading.Barrier(ATTEMPTS)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def attempt(i: int) -> None:
        password = f"wrong password {i}"
        start.wait(timeout=30)
        try:
            with db.transaction(factory) as s:
                try:
                    auth.check_password(s, "LAN" if i % 2 else "lan", password)
                    code = "signed_in"
                except auth.AuthenticationFailed as exc:
                    code = exc.code
        except Exception as exc:  # noqa: BLE001 - counted, and the test fails on it
            code = type(exc).__name__
        with lock:
            outcomes[code] += 1

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(ATTEMPTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    engine.dispose()
    print(f"\nthrottle race on {engine.dialect.name}: {dict(outcomes)}")
    assert outcomes == {"wrong_password": auth.MAX_FAILURES, "throttled": ATTEMPTS - 5}
