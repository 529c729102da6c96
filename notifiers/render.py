"""Jinja2 rendering of digests, reports and messages, with the labels of each language.

HTML templates (``*.html.j2``) are autoescaped, so a task title full of markup
arrives as text; text and Markdown templates are not, but every value passes
through ``oneline`` where a line break would change the layout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from engine.errors import InvalidInput
from tasks_catalog.budget import format_amount

TEMPLATES = Path(__file__).parent / "templates"
FORMATS = {"text": "txt", "html": "html", "md": "md"}

LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "digest": "Báo cáo tình hình thực hiện hằng tuần",
        "report": "Báo cáo kết quả thực hiện năm",
        "as_of": "Tính đến ngày",
        "week": "Tuần",
        "agency": "Cơ quan",
        "all_agencies": "Tất cả cơ quan",
        "plan": "Kế hoạch",
        "total": "Tổng số nhiệm vụ",
        "by_status": "Theo tình trạng",
        "overdue": "Nhiệm vụ quá hạn",
        "due_soon": "Đến hạn trong 14 ngày tới",
        "changes": "Thay đổi trong 7 ngày qua",
        "targets": "Chỉ tiêu của kế hoạch",
        "none": "Không có.",
        "ref": "Mã",
        "task": "Nhiệm vụ",
        "owner": "Chủ trì",
        "due": "Hạn",
        "working_days": "Số ngày làm việc quá hạn",
        "level": "Cấp đôn đốc",
        "state": "Trạng thái",
        "days_left": "Còn (ngày)",
        "when": "Thời điểm",
        "who": "Người thực hiện",
        "change": "Thay đổi",
        "target_year": "Năm",
        "target_past": "đã qua năm chỉ tiêu",
        "footer": "Thư tự động của dondoc. Cập nhật tiến độ bằng lệnh: dondoc advance MÃ SỰ_KIỆN",
        "completed-on-time": "Hoàn thành đúng hạn",
        "completed-late": "Hoàn thành quá hạn",
        "in-progress": "Đang thực hiện trong hạn",
        "overdue-cat": "Quá hạn",
        "not-started": "Chưa triển khai",
        "suspended": "Tạm dừng",
        "cancelled": "Đã hủy",
        "year": "Năm",
        "tasks": "Nhiệm vụ",
        "results": "Kết quả, minh chứng",
        "escalations": "Đôn đốc, nhắc nhở trong năm",
        "budget": "Kinh phí dự kiến",
        "budget_total": "Tổng kinh phí dự kiến",
        "status": "Tình trạng",
        # Escalation and reminder messages; {name} fields are filled by str.format.
        "msg_subject_overdue": "[dondoc] {ref} quá hạn: đôn đốc cấp {level}",
        "msg_subject_state": "[dondoc] {ref} quá thời hạn ở bước {state}: đôn đốc cấp {level}",
        "msg_subject_reminder": "[dondoc] {ref} đến hạn ngày {due} (còn {days} ngày)",
        "msg_heading_overdue": "Đôn đốc cấp {level}: nhiệm vụ quá hạn",
        "msg_heading_state": "Đôn đốc cấp {level}: quá thời hạn ở bước {state}",
        "msg_heading_reminder": "Nhắc việc: còn {days} ngày đến hạn",
        "msg_legal_ref": "Văn bản",
        "msg_owner": "Cơ quan chủ trì",
        "msg_due_overdue": "{due} (quá hạn {days} ngày làm việc)",
        "msg_due_left": "{due}, còn {days} ngày",
        "msg_state_limit": "Thời hạn {days} ngày ở bước {state} đã hết ngày {due}.",
        "msg_level": "Đôn đốc cấp {level}, gửi {target}.",
        "msg_caught_up": (
            "Đã đến cấp {level} trong thời gian dondoc không chạy; "
            "cấp {span} cũng đã được ghi nhận."
        ),
        "msg_told": "Đồng gửi",
        "msg_nobody": "không có",
        "msg_todo": "Cần làm",
        "msg_commands": "Cập nhật tiến độ bằng một trong các lệnh được phép ở bước {state}:",
        "msg_no_command": "Không còn lệnh nào được phép ở bước {state}.",
        "msg_call": "Cần trao đổi, liên hệ {name} ({code}), cơ quan chịu trách nhiệm kế hoạch.",
        "msg_one_of": "hoặc",
    },
    "en": {
        "digest": "Weekly progress digest",
        "report": "Annual implementation report",
        "as_of": "As of",
        "week": "Week",
        "agency": "Agency",
        "all_agencies": "All agencies",
        "plan": "Plan",
        "total": "Tasks in total",
        "by_status": "By status",
        "overdue": "Overdue tasks",
        "due_soon": "Due in the next 14 days",
        "changes": "Changes in the last 7 days",
        "targets": "Targets of the plan",
        "none": "None.",
        "ref": "Ref",
        "task": "Task",
        "owner": "Owner",
        "due": "Due",
        "working_days": "Working days overdue",
        "level": "Escalation level",
        "state": "State",
        "days_left": "Days left",
        "when": "When",
        "who": "Who",
        "change": "Change",
        "target_year": "Year",
        "target_past": "target year passed",
        "footer": "Automatic message from dondoc. Record progress with: dondoc advance REF TRIGGER",
        "completed-on-time": "Completed on time",
        "completed-late": "Completed late",
        "in-progress": "In progress, within deadline",
        "overdue-cat": "Overdue",
        "not-started": "Not started",
        "suspended": "Suspended",
        "cancelled": "Cancelled",
        "year": "Year",
        "tasks": "Tasks",
        "results": "Results and evidence",
        "escalations": "Escalations and reminders of the year",
        "budget": "Planned budget",
        "budget_total": "Planned budget in total",
        "status": "Status",
        "msg_subject_overdue": "[dondoc] {ref} overdue: escalation level {level}",
        "msg_subject_state": (
            "[dondoc] {ref} past the time limit of state {state}: escalation level {level}"
        ),
        "msg_subject_reminder": "[dondoc] {ref} is due on {due} ({days} day(s) left)",
        "msg_heading_overdue": "Escalation level {level}: overdue task",
        "msg_heading_state": "Escalation level {level}: past the time limit of state {state}",
        "msg_heading_reminder": "Reminder: due in {days} day(s)",
        "msg_legal_ref": "Legal reference",
        "msg_owner": "Owner (lead agency)",
        "msg_due_overdue": "{due} ({days} working day(s) overdue)",
        "msg_due_left": "{due}, in {days} day(s)",
        "msg_state_limit": "The {days} days allowed in state {state} ended on {due}.",
        "msg_level": "Escalation level {level}, addressed to {target}.",
        "msg_caught_up": (
            "Reached level {level} while dondoc was not running; level(s) {span} also recorded."
        ),
        "msg_told": "Also told",
        "msg_nobody": "nobody else",
        "msg_todo": "What to do",
        "msg_commands": "Record progress with one of the commands allowed in state {state}:",
        "msg_no_command": "No command is allowed in state {state} any more.",
        "msg_call": "To discuss it, call {name} ({code}), the plan's responsible department.",
        "msg_one_of": "or",
    },
}
# Bar colours per status category, inline because mail clients drop <style>.
COLOURS = {
    "completed-on-time": "#2e7d32",
    "completed-late": "#9e9d24",
    "in-progress": "#1565c0",
    "overdue": "#c62828",
    "not-started": "#757575",
    "suspended": "#ef6c00",
    "cancelled": "#424242",
}


def oneline(value: Any) -> str:
    """Collapse every run of whitespace, line breaks included, into one space."""
    return " ".join(str("" if value is None else value).split())


def _autoescape(name: str | None) -> bool:
    return name is not None and ".html" in name


_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=_autoescape,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_ENV.filters["oneline"] = oneline
# Budgets print as the budget check prints them: 2,000 rather than 2000.0.
_ENV.filters["amount"] = format_amount


def labels(lang: str) -> dict[str, str]:
    if lang not in LABELS:
        raise InvalidInput(f"There is no language {lang!r}; use vi or en.")
    return LABELS[lang]


def render(name: str, fmt: str, data: dict[str, Any], *, lang: str = "vi") -> str:
    """Render ``<name>.<ext>.j2`` for ``fmt`` (text, html or md) over ``data``."""
    if fmt not in FORMATS:
        raise InvalidInput(f"There is no format {fmt!r}; use one of {', '.join(FORMATS)}.")
    template = _ENV.get_template(f"{name}.{FORMATS[fmt]}.j2")
    return template.render(d=data, L=labels(lang), lang=lang, colours=COLOURS)


def category_label(category: str, lang: str) -> str:
    """The name of a status category in ``lang``."""
    key = "overdue-cat" if category == "overdue" else category
    return labels(lang)[key]


_ENV.globals["category_label"] = category_label
