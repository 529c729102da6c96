"""Showing workflows: Mermaid diagrams, text summaries and JSON-ready data."""

from __future__ import annotations

import json

import workflows
from notifiers.workflow_text import labelled, render_mermaid, render_text


def test_mermaid_diagram_has_start_end_and_labelled_edges() -> None:
    lines = render_mermaid(workflows.get("directive")).splitlines()
    assert lines[0] == "stateDiagram-v2"
    for expected in [
        "    [*] --> drafting",
        "    drafting --> consulting: consult",
        "    submitted --> issued: issue",
        "    appraisal --> drafting: return_for_revision",
        "    consulting --> suspended: suspend",
        "    suspended --> appraisal: resume",
        "    suspended --> cancelled: cancel",
        "    issued --> [*]",
        "    cancelled --> [*]",
        "    consulting: Lấy ý kiến góp ý",
    ]:
        assert expected in lines
    assert "    suspended --> issued: resume" not in lines


def test_mermaid_can_leave_out_the_common_triggers() -> None:
    text = render_mermaid(workflows.get("generic"), lang="en", common=False)
    assert text == (
        "stateDiagram-v2\n"
        "    not_started: Not started\n"
        "    in_progress: In progress\n"
        "    done: Done\n"
        "    [*] --> not_started\n"
        "    not_started --> in_progress: start\n"
        "    in_progress --> done: complete\n"
        "    done --> [*]\n"
    )


def test_text_summary_shows_states_triggers_and_required_fields_in_english() -> None:
    text = render_text(workflows.get("directive"), lang="en")
    assert text.startswith("directive: Drafting a directive or decision\n")
    assert "  consulting  In consultation  (time limit 30 days)" in text
    assert "  issued      Issued  (final, completed)" in text
    assert (
        "  issue: submitted -> issued  [Issue]\n      requires: document_number, document_date"
        in text
    )
    assert "  resume: suspended -> (the state before suspension)  [Resume]" in text


def test_text_summary_is_vietnamese_by_default() -> None:
    text = render_text(workflows.get("generic"))
    assert text.startswith("generic: Nhiệm vụ chung\n")
    assert "Trạng thái:" in text
    assert "      cần ít nhất một trong: evidence_document, evidence_figure, evidence_link" in text


def test_to_dict_round_trips_through_json_with_every_state_and_trigger() -> None:
    wf = workflows.get("support_team")
    data = json.loads(json.dumps(labelled(workflows.to_dict(wf), wf), ensure_ascii=False))
    assert data["name"] == "support_team"
    assert data["initial"] == "proposal"
    assert [s["name"] for s in data["states"]] == list(wf.states)
    establish = next(t for t in data["transitions"] if t["trigger"] == "establish")
    assert establish == {
        "trigger": "establish",
        "label_vi": "Thành lập",
        "label_en": "Establish",
        "sources": ["decision_pending"],
        "dest": "established",
        "returns_to_prior": False,
        "requires": ["decision_number"],
        "requires_any": [],
        "evidence": False,
    }
    resume = next(t for t in data["transitions"] if t["trigger"] == "resume")
    assert resume["returns_to_prior"] is True


def test_to_dict_alone_holds_no_words() -> None:
    # Definitions are structure; their labels come from the message catalog.
    data = workflows.to_dict(workflows.get("directive"))
    assert "title_vi" not in data
    assert all("label_vi" not in s for s in data["states"])
    assert all("label_en" not in t for t in data["transitions"])
