"""History rows as sentences: what the board and the mails read."""

from __future__ import annotations

from engine.names import AgencyName, AgencyNames
from notifiers.history_text import People, Person, event_details, event_sentence
from notifiers.i18n import words

NAMES = AgencyNames(
    {
        "kon-tum/sct": AgencyName(
            "kon-tum/sct",
            "Sở Công Thương tỉnh Kon Tum",
            "Kon Tum Department of Industry and Trade",
            "Sở Công Thương",
            "Department of Industry and Trade",
        )
    }
)
PEOPLE = People({"lan": Person("lan", "Nguyễn Thị Lan", "kon-tum/sct")})


def test_a_step_reads_as_who_did_what() -> None:
    row = {"actor": "lan", "trigger": "submit", "from": "appraisal", "to": "submitted"}
    sentence = event_sentence(words("vi"), row, "directive", PEOPLE, NAMES)
    assert sentence.startswith("Nguyễn Thị Lan (Sở Công Thương) trình")
    assert "→ «" in sentence


def test_the_catalog_is_named_as_the_system() -> None:
    row = {"actor": "catalog", "trigger": "create", "from": None, "to": "drafting"}
    assert event_sentence(words("vi"), row, "directive", PEOPLE, NAMES).startswith(
        "Hệ thống (nạp kế hoạch) tạo nhiệm vụ"
    )


def test_details_write_days_as_people_do_and_keep_older_odd_values() -> None:
    w = words("vi")
    assert event_details(w, {"fields": {"document_date": "2014-06-10"}}) == [
        "Ngày ban hành: 10/06/2014"
    ]
    # History recorded before values were checked may hold a day that does not exist.
    assert event_details(w, {"fields": {"document_date": "2014-02-31"}}) == [
        "Ngày ban hành: 2014-02-31"
    ]
    window = {
        "fields": {
            "window_start": ["2013-10-24", "2014-01-01"],
            "due": ["2014-12-31", "2015-12-31"],
        }
    }
    assert event_details(w, window) == [
        "Thời gian thực hiện đổi từ 24/10/2013 – 31/12/2014 thành 01/01/2014 – 31/12/2015"
    ]
