"""Seed documents for the importer tests: copies of ``shared/seeds``, kept with the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

SEEDS = Path(__file__).parent / "seeds"
KON_TUM = SEEDS / "000_7db08ddbce11439f.txt"
DONG_THAP = SEEDS / "001_d1bb074b5b152c58.txt"
NGHE_AN = SEEDS / "002_a94e524c6b8e937a.txt"
CAO_BANG = SEEDS / "003_f9612a428a09794b.txt"
BINH_PHUOC = SEEDS / "004_702304ab80ef9a92.txt"


@pytest.fixture(scope="session")
def kon_tum():
    from tasks_catalog.importer import import_annex

    return import_annex(KON_TUM, plan_id="kon-tum-2013", province="kon-tum")
