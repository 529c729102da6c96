"""The board's own words in Vietnamese (the default) and English.

Workflow state and transition labels come from the workflow definitions;
only the page furniture, the status category names and the labels of the
fields that transitions require live here.
"""

from __future__ import annotations

from collections.abc import Callable

LANGS = ("vi", "en")

_WORDS: dict[str, tuple[str, str]] = {
    "app": ("Đôn đốc nhiệm vụ", "Task follow-up"),
    "sign_in": ("Đăng nhập", "Sign in"),
    "sign_out": ("Đăng xuất", "Sign out"),
    "name": ("Tên đăng nhập", "User name"),
    "password": ("Mật khẩu", "Password"),
    "plans": ("Kế hoạch", "Plans"),
    "my_agency": ("Cơ quan tôi", "My agency"),
    "digest": ("Bản tin tuần", "Weekly digest"),
    "plan": ("Kế hoạch", "Plan"),
    "tasks": ("Nhiệm vụ", "Tasks"),
    "task": ("Nhiệm vụ", "Task"),
    "section": ("Mục", "Section"),
    "code": ("Số", "No."),
    "title": ("Tên nhiệm vụ", "Title"),
    "state": ("Trạng thái", "State"),
    "status": ("Tình trạng", "Status"),
    "window": ("Thời gian thực hiện", "Window"),
    "due": ("Hạn", "Due"),
    "start": ("Bắt đầu", "Start"),
    "leads": ("Cơ quan chủ trì", "Lead agencies"),
    "co_agencies": ("Cơ quan phối hợp", "Co-operating agencies"),
    "responsible": ("Cơ quan đầu mối", "Responsible department"),
    "history": ("Lịch sử", "History"),
    "escalations": ("Nhắc nhở, đôn đốc", "Escalations"),
    "actions": ("Nội dung thực hiện", "Actions"),
    "result": ("Kết quả dự kiến", "Expected result"),
    "transitions": ("Thao tác", "Actions you may take"),
    "note": ("Ghi chú", "Note"),
    "comment": ("Góp ý", "Comment"),
    "send": ("Gửi", "Send"),
    "filter": ("Lọc", "Filter"),
    "agency": ("Cơ quan", "Agency"),
    "all": ("Tất cả", "All"),
    "timeline": ("Tiến độ theo thời gian", "Timeline"),
    "when": ("Thời điểm", "When"),
    "who": ("Người thực hiện", "Who"),
    "from_to": ("Chuyển trạng thái", "From → to"),
    "level": ("Cấp", "Level"),
    "target": ("Gửi đến", "To"),
    "days_overdue": ("Số ngày quá hạn", "Working days overdue"),
    "none": ("Không có", "None"),
    "read_only": (
        "Bạn chỉ có quyền xem nhiệm vụ này.",
        "You may only read this task.",
    ),
    "stale": (
        "Người khác vừa thay đổi nhiệm vụ này — hãy tải lại trang.",
        "Someone changed this task — reload.",
    ),
    "reload": ("Tải lại", "Reload"),
    "saved": ("Đã lưu.", "Saved."),
    "owe": ("Việc cơ quan phải làm", "What we owe"),
    "signed_in_as": ("Đăng nhập với tên", "Signed in as"),
    "not_found": ("Không tìm thấy trang.", "Page not found."),
    "forbidden": ("Yêu cầu bị từ chối.", "Request refused."),
    "csrf": (
        "Biểu mẫu đã hết hạn hoặc không hợp lệ; hãy tải lại trang và thử lại.",
        "The form expired or is not valid; reload the page and try again.",
    ),
    "count": ("Số lượng", "Count"),
    "total": ("Tổng", "Total"),
    "period": ("Giai đoạn", "Period"),
    "role": ("Vai trò", "Role"),
    # Status categories (as government follow-up systems report them).
    "completed-on-time": ("Hoàn thành đúng hạn", "Completed on time"),
    "completed-late": ("Hoàn thành quá hạn", "Completed late"),
    "in-progress": ("Đang thực hiện trong hạn", "In progress"),
    "overdue": ("Quá hạn", "Overdue"),
    "not-started": ("Chưa thực hiện", "Not started"),
    "suspended": ("Tạm dừng", "Suspended"),
    "cancelled": ("Đã hủy", "Cancelled"),
    "due-soon": ("Sắp đến hạn", "Due soon"),
    "recorded_on": ("Ngày thực hiện (để trống nếu là hôm nay)", "Recorded on (empty for now)"),
    "fill_in": ("Cần nhập", "Please fill in"),
    "one_of": ("một trong", "one of"),
    "or": ("hoặc", "or"),
    "audit": ("Kiểm tra lịch sử", "Audit"),
    "audit_intact": (
        "Lịch sử toàn vẹn: không sự kiện nào bị sửa, xóa hay đảo thứ tự.",
        "Intact: no event was edited, deleted or reordered.",
    ),
    "audit_broken": ("Lịch sử đã bị thay đổi", "The history was tampered with"),
    "occurrences": ("Số lần thực hiện", "Occurrences"),
    "events": ("Số sự kiện", "Events"),
    "check": ("Kiểm tra", "Check"),
    "coordinators_only": (
        "Chỉ cán bộ điều phối mới dùng được trang này.",
        "Only coordinators may use this page.",
    ),
}

# The fields that workflow transitions require (``requires`` / ``requires_any``
# and the evidence of completion), as the forms label them.
_FIELDS: dict[str, tuple[str, str]] = {
    "document_number": ("Số văn bản", "Document number"),
    "document_date": ("Ngày ban hành", "Date issued"),
    "decision_number": ("Số quyết định", "Decision number"),
    "reason": ("Lý do", "Reason"),
    "evidence_document": ("Văn bản kết quả (số, ký hiệu)", "Evidence: document"),
    "evidence_figure": ("Số liệu kết quả", "Evidence: figure"),
    "evidence_link": ("Đường dẫn kết quả", "Evidence: link"),
}
# HTML input types other than text; a date input posts YYYY-MM-DD as the CLI writes it.
_FIELD_INPUTS = {"document_date": "date"}


def translator(lang: str) -> Callable[[str], str]:
    """A function from a word key to its text in ``lang`` (the key itself if unknown)."""
    index = 1 if lang == "en" else 0

    def t(key: str) -> str:
        pair = _WORDS.get(key)
        return pair[index] if pair else key

    return t


def field_label(name: str, lang: str) -> str:
    """The form label of a transition field (the field's name if it has none)."""
    pair = _FIELDS.get(name)
    return pair[1 if lang == "en" else 0] if pair else name


def field_input(name: str) -> str:
    """The HTML input type for a transition field."""
    return _FIELD_INPUTS.get(name, "text")


def missing_sentence(missing: list[str], lang: str) -> str:
    """One sentence naming the fields a refused transition needs, in ``lang``.

    ``missing`` is ``MissingFields.missing``: names, or alternatives joined by ``|``.
    """
    t = translator(lang)
    parts = []
    for item in missing:
        names = [field_label(n, lang) for n in item.split("|")]
        joiner = " " + t("or") + " "
        parts.append(f"{t('one_of')} {joiner.join(names)}" if len(names) > 1 else names[0])
    return f"{t('fill_in')}: {'; '.join(parts)}."
