"""The hand-written OpenAPI 3 document of the REST API (``/api/v1/openapi.json``).

Hand-written because the handlers return the engine's own dicts
(``engine.views``); the schemas below describe those dicts field by field,
and the API tests check responses against them.

long-module: one document, schema by schema, reads best whole; splitting it
would scatter the description of each answer away from its path.
"""

from __future__ import annotations

from typing import Any

from engine.listing import MAX_OFFSET
from engine.views import STATUS_FILTERS

_STR = {"type": "string"}
_INT = {"type": "integer"}
_DATE = {"type": "string", "format": "date"}
_NULL_STR = {"type": "string", "nullable": True}
_STRS = {"type": "array", "items": _STR}
# What engine.transition accepts as a note or a field: no control characters
# other than newline and tab, and limited lengths.
_TEXT = r"^[^\u0000-\u0008\u000b-\u001f]*$"
# engine.days: the years dondoc handles.
_SUPPORTED_YEAR = "^(19|2[0-9])[0-9]{2}-"
_NOTE = {"type": "string", "maxLength": 10_000, "pattern": _TEXT}
_FIELD = {"type": "string", "maxLength": 2_000, "pattern": _TEXT}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _ok(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _page(item: str) -> dict[str, Any]:
    """A list's page (``web.paging``): the rows, how many in all, where the next page is."""
    return {
        "type": "object",
        "required": ["items", "total", "limit", "offset", "next"],
        "properties": {
            "items": {"type": "array", "items": _ref(item)},
            "total": {"type": "integer", "minimum": 0},
            "limit": {"type": "integer", "minimum": 1},
            "offset": {"type": "integer", "minimum": 0},
            "next": {"type": "string", "nullable": True},
        },
    }


# Every list answers a page: 100 rows unless ``limit`` asks otherwise (at most 1,000).
_PAGING = [
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
    },
    {
        "name": "offset",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
    },
]


_AS_OF = {
    "name": "as_of",
    "in": "query",
    "required": False,
    "description": (
        "Day on which status categories are computed (default: today in Vietnam); "
        "the working calendar covers 1990 to 2199."
    ),
    "schema": {**_DATE, "pattern": "^(199[0-9]|2[01][0-9][0-9])-[0-9]{2}-[0-9]{2}$"},
}
_REF = {
    "name": "ref",
    "in": "path",
    "required": True,
    "description": "PLAN:CODE, or PLAN:CODE@YEAR for a yearly task, e.g. kon-tum-2013:2.1.",
    # engine.refs' grammar, so that generated clients (and schemathesis) know it.
    "schema": {
        "type": "string",
        "pattern": r"^[a-z0-9][a-z0-9-]{0,78}:[0-9A-Za-z][0-9A-Za-z.\-]{0,38}(@[0-9]{4})?$",
    },
}
# A free-text parameter: anything but a NUL (web.limits refuses a NUL in the address with 400).
_PARAM = {"type": "string", "pattern": "^[^\\u0000]*$"}
_COMMON_ERRORS = {
    "400": _error("A NUL character in the address."),
    "401": _error("No, unknown or revoked bearer token."),
    "422": _error("A malformed parameter (date, status, reference)."),
}

_NUM_OR_NULL = {"type": "number", "nullable": True}
# engine.kpi.Buckets.figures: the four buckets (1270/BC-TCTTTg), the rest, and both rates.
_FIGURES = {
    "type": "object",
    "required": [
        "completed_on_time", "completed_late", "within_deadline", "overdue", "suspended",
        "cancelled", "completed", "total", "completion_rate", "expected_reports", "reported",
        "update_rate",
    ],
    "properties": {
        **{
            k: _INT
            for k in (
                "completed_on_time", "completed_late", "within_deadline", "overdue", "suspended",
                "cancelled", "completed", "total", "expected_reports", "reported",
            )
        },
        "completion_rate": {
            **_NUM_OR_NULL,
            "description": "completed / (completed + overdue unfinished); null when neither",
        },
        "update_rate": {
            **_NUM_OR_NULL,
            "description": "reported / expected_reports in the period; null when none owed one",
        },
    },
}  # fmt: skip
_PERIOD = {
    "name": "period",
    "in": "query",
    "required": False,
    "description": "A reporting period: 2018 (15/12/2017-14/12/2018) or 2018-H1 (to 14/6/2018).",
    "schema": {"type": "string", "pattern": "^(199[0-9]|2[01][0-9][0-9])(-H1)?$"},
}

SCHEMAS: dict[str, Any] = {
    "Stats": {
        "type": "object",
        "required": ["as_of", "period", "filters", "total", "by_plan", "by_agency"],
        "properties": {
            "as_of": _DATE,
            "period": {
                "type": "object",
                "required": ["key", "start", "end"],
                "properties": {"key": _STR, "start": _DATE, "end": _DATE},
            },
            "filters": {"type": "object"},
            "total": _FIGURES,
            "by_plan": {"type": "object", "additionalProperties": _FIGURES},
            "by_agency": {"type": "object", "additionalProperties": _FIGURES},
        },
    },
    "Error": {
        "type": "object",
        "required": ["error", "detail", "code"],
        "properties": {
            # The same sentence, in the language Accept-Language asks for (Vietnamese by default).
            "error": _STR,
            "detail": _STR,
            # Stable across languages, for scripts: e.g. no_task, not_allowed.backdate.
            "code": _STR,
            "missing": _STRS,
        },
    },
    "Plan": {
        "type": "object",
        "required": ["id", "province", "legal_ref", "issued", "period", "responsible", "by_status"],
        "properties": {
            "id": _STR,
            "province": _STR,
            "legal_ref": _STR,
            "issued": _DATE,
            "period": _STR,
            "responsible": _STR,
            "title_vi": _STR,
            "title_en": _STR,
            "tasks": _INT,
            "occurrences": _INT,
            "by_status": {"type": "object", "additionalProperties": _INT},
        },
    },
    "TaskRow": {
        "type": "object",
        "required": ["ref", "plan", "code", "state", "status_category", "due", "version"],
        "properties": {
            "ref": _STR,
            "plan": _STR,
            "code": _STR,
            "year": {"type": "integer", "nullable": True},
            # A half-year or quarter of a recurring task ("2027-H1"); null otherwise.
            "period": {"type": "string", "nullable": True},
            "title": _STR,
            "workflow": _STR,
            "state": _STR,
            "status_category": _STR,
            "start": _DATE,
            "due": _DATE,
            "owner": _NULL_STR,
            "leads": _STRS,
            "co_agencies": _STRS,
            "version": _INT,
            "role": {"type": "string", "nullable": True, "enum": ["owner", "lead", "co", None]},
        },
    },
    "Transition": {
        "type": "object",
        "properties": {
            "trigger": _STR,
            "dest": _NULL_STR,
            "requires": _STRS,
            "requires_any": _STRS,
            "label_vi": _STR,
            "label_en": _STR,
        },
    },
    "HistoryEntry": {
        "type": "object",
        "properties": {
            "seq": _INT,
            "at": {"type": "string", "format": "date-time"},
            "actor": _STR,
            "trigger": _STR,
            "from": _NULL_STR,
            "to": _STR,
            "note": _STR,
            "fields": {"type": "object", "additionalProperties": _STR},
        },
    },
    "Escalation": {
        "type": "object",
        "properties": {
            "level": _INT,
            "kind": _STR,
            "target": _STR,
            "cc": _STRS,
            "at": _DATE,
            "days_overdue": _INT,
        },
    },
    "Occurrence": {
        "type": "object",
        "required": ["ref", "plan", "code", "state", "version", "window", "allowed", "history"],
        "properties": {
            "ref": _STR,
            "plan": _STR,
            "code": _STR,
            "year": {"type": "integer", "nullable": True},
            # A half-year or quarter of a recurring task ("2027-H1"); null otherwise.
            "period": {"type": "string", "nullable": True},
            "section": _STR,
            "title": _STR,
            "actions": _STRS,
            "result": _STR,
            "workflow": _STR,
            "state": _STR,
            "state_label": _STR,
            "status_category": _STR,
            "as_of": _DATE,
            "version": _INT,
            "window": {
                "type": "object",
                "properties": {"start": _DATE, "due": _DATE, "planned_due": _DATE},
            },
            "completed_at": {"type": "string", "format": "date-time", "nullable": True},
            "owner": _NULL_STR,
            "leads": _STRS,
            "co_agencies": _STRS,
            "depends_on": _STRS,
            "responsible": _STR,
            "archived": {"type": "boolean"},
            "allowed": {"type": "array", "items": _ref("Transition")},
            "history": {"type": "array", "items": _ref("HistoryEntry")},
            "escalations": {"type": "array", "items": _ref("Escalation")},
        },
    },
    "PendingEscalation": {
        "type": "object",
        "required": ["ref", "kind", "level", "target", "days_overdue"],
        "properties": {
            "ref": _STR,
            "kind": _STR,
            "level": _INT,
            "target": _STR,
            "days_overdue": _INT,
            "cc": _STRS,
            "scope": _STR,
            "caught_up": {"type": "boolean"},
        },
    },
    "AuditProblem": {
        "type": "object",
        "required": ["ref", "seq", "event_id", "problem", "sentence"],
        "properties": {
            "ref": _STR,
            "seq": {"type": "integer", "nullable": True},
            "event_id": {"type": "integer", "nullable": True},
            "problem": _STR,
            "sentence": _STR,
        },
    },
    "Audit": {
        "type": "object",
        "required": ["ok", "occurrences", "events", "problems"],
        "properties": {
            "ok": {"type": "boolean"},
            "occurrences": _INT,
            "events": _INT,
            "problems": {"type": "array", "items": _ref("AuditProblem")},
        },
    },
    "AdvanceRequest": {
        "type": "object",
        "required": ["trigger"],
        "properties": {
            "trigger": {"type": "string", "minLength": 1, "example": "consult"},
            "fields": {
                "type": "object",
                "additionalProperties": {"oneOf": [_FIELD, {"type": "number"}]},
                # A field's name: one line, no control characters, at most 100 characters.
                "propertyNames": {"maxLength": 100, "pattern": r"^[^\u0000-\u001f\u007f-\u009f]*$"},
                "example": {"document_number": "05/CT-UBND", "document_date": "2014-06-10"},
            },
            "note": _NOTE,
            # A coordinator's correction: the day (or time, Vietnam time) the step happened.
            "at": {
                "anyOf": [
                    {"type": "string", "format": "date", "pattern": _SUPPORTED_YEAR},
                    {"type": "string", "format": "date-time", "pattern": _SUPPORTED_YEAR},
                ],
                "example": "2014-06-10",
                "description": "A day (midnight, Vietnam time) or a time; only coordinators.",
            },
        },
    },
}


def document() -> dict[str, Any]:
    """The OpenAPI 3.0 document, built fresh (it is small) so it cannot be mutated by a caller."""
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "dondoc REST API",
            "version": "1",
            "description": (
                "Follow-up of government action plans. Authenticate with "
                "'Authorization: Bearer <token>' (issue one with 'dondoc users token NAME')."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
        },
        "paths": {
            "/plans": {
                "get": {
                    "summary": "Loaded plans with their counts by status category",
                    "operationId": "listPlans",
                    "parameters": [_AS_OF, *_PAGING],
                    "responses": {
                        "200": _ok("A page of the plans", _page("Plan")),
                        **_COMMON_ERRORS,
                    },
                }
            },
            "/tasks": {
                "get": {
                    "summary": "One row per occurrence, as 'dondoc tasks --json'",
                    "operationId": "listTasks",
                    "parameters": [
                        {"name": "plan", "in": "query", "required": False, "schema": _PARAM},
                        {"name": "agency", "in": "query", "required": False, "schema": _PARAM},
                        {
                            "name": "status",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "enum": list(STATUS_FILTERS)},
                        },
                        _AS_OF,
                        *_PAGING,
                    ],
                    "responses": {
                        "200": _ok("A page of the rows", _page("TaskRow")),
                        "404": _error("No such plan."),
                        **_COMMON_ERRORS,
                    },
                }
            },
            "/stats": {
                "get": {
                    "summary": "Buckets, completion rate and update rate, as 'dondoc stats --json'",
                    "operationId": "stats",
                    "parameters": [
                        {"name": "plan", "in": "query", "required": False, "schema": _PARAM},
                        {"name": "agency", "in": "query", "required": False, "schema": _PARAM},
                        {"name": "province", "in": "query", "required": False, "schema": _PARAM},
                        _PERIOD,
                        _AS_OF,
                    ],
                    "responses": {
                        "200": _ok("The figures", _ref("Stats")),
                        "404": _error("No such plan."),
                        **_COMMON_ERRORS,
                    },
                }
            },
            "/tasks/{ref}": {
                "get": {
                    "summary": "One occurrence with its history, as 'dondoc show --json'",
                    "operationId": "showTask",
                    "parameters": [_REF, _AS_OF],
                    "responses": {
                        "200": {
                            **_ok("The occurrence", _ref("Occurrence")),
                            "headers": {"ETag": {"schema": _STR}},
                        },
                        "404": _error("No such plan, task or year."),
                        **_COMMON_ERRORS,
                    },
                }
            },
            "/tasks/{ref}/advance": {
                "post": {
                    "summary": "Fire a trigger on an occurrence (one guarded transaction)",
                    "operationId": "advanceTask",
                    "parameters": [
                        _REF,
                        {
                            "name": "If-Match",
                            "in": "header",
                            "required": True,
                            "description": 'The version you read (the ETag), e.g. "3".',
                            "schema": {"type": "string", "pattern": '^(W/)?"?[0-9]{1,9}"?$'},
                        },
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("AdvanceRequest")}},
                    },
                    "responses": {
                        "200": {
                            **_ok("The occurrence after the change", _ref("Occurrence")),
                            "headers": {"ETag": {"schema": _STR}},
                        },
                        "403": _error("The user may not do this on this task."),
                        "404": _error("No such plan, task or year."),
                        "409": _error(
                            "The version is stale, or the current state does not allow the trigger."
                        ),
                        "413": _error("The body is too large."),
                        "422": _error("Missing required fields or malformed input."),
                        "428": _error("No If-Match header."),
                        "400": _COMMON_ERRORS["400"],
                        "401": _COMMON_ERRORS["401"],
                    },
                }
            },
            "/tasks/{ref}/files/{sha256}": {
                "get": {
                    "summary": "A file attached to a step of the occurrence, as a download",
                    "description": "Listed under 'attachments' of the occurrence. A step "
                    "carries files when /advance is posted as multipart/form-data: parts "
                    "'trigger', 'note', 'at', 'fields' (a JSON object) and any file parts.",
                    "operationId": "attachedFile",
                    "parameters": [
                        _REF,
                        {
                            "name": "sha256",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "The file's bytes, with the type checked on upload",
                            "content": {"application/octet-stream": {"schema": _STR}},
                        },
                        "403": _error("The user may not see this task."),
                        "404": _error("No such occurrence or file."),
                        "400": _COMMON_ERRORS["400"],
                        "401": _COMMON_ERRORS["401"],
                    },
                }
            },
            "/escalations": {
                "get": {
                    "summary": "Levels a sweep on as_of would record (dry run; nothing is written)",
                    "operationId": "pendingEscalations",
                    "parameters": [_AS_OF, *_PAGING],
                    "responses": {
                        "200": _ok(
                            "A page of what 'dondoc escalate --dry-run --json' prints",
                            _page("PendingEscalation"),
                        ),
                        **_COMMON_ERRORS,
                    },
                }
            },
            "/digest": {
                "get": {
                    "summary": "The weekly digest's data for a plan and/or an agency",
                    "operationId": "digest",
                    "parameters": [
                        {"name": "plan", "in": "query", "required": False, "schema": _PARAM},
                        {"name": "agency", "in": "query", "required": False, "schema": _PARAM},
                        _AS_OF,
                    ],
                    "responses": {
                        "200": _ok(
                            "Counts by status, overdue, due soon, recent changes",
                            {
                                "type": "object",
                                "required": ["as_of", "week", "total", "counts"],
                                "properties": {
                                    "as_of": _DATE,
                                    "week": _STR,
                                    "total": _INT,
                                    "counts": {"type": "object", "additionalProperties": _INT},
                                    "overdue": {"type": "array", "items": {"type": "object"}},
                                    "due_soon": {"type": "array", "items": {"type": "object"}},
                                    "changes": {"type": "array", "items": {"type": "object"}},
                                },
                            },
                        ),
                        "404": _error("No such plan."),
                        **_COMMON_ERRORS,
                    },
                }
            },
            "/audit": {
                "get": {
                    "summary": "Verify the hash-chained history of a plan (or of every plan)",
                    "description": (
                        "As 'dondoc audit verify --plan PLAN --json': each problem is the first "
                        "bad event of one occurrence. Coordinators only."
                    ),
                    "operationId": "audit",
                    "parameters": [
                        {"name": "plan", "in": "query", "required": False, "schema": _PARAM},
                    ],
                    "responses": {
                        "200": _ok("The audit", _ref("Audit")),
                        "403": _error("Only coordinators run the audit."),
                        "404": _error("No such plan."),
                        "400": _COMMON_ERRORS["400"],
                        "401": _COMMON_ERRORS["401"],
                    },
                }
            },
            "/search": {
                "get": {
                    "summary": "Tasks found by words, as 'dondoc search TEXT --json'",
                    "description": (
                        "Words of the title, actions, expected result, notes and document "
                        "numbers; accents optional; every word must be found. Each row is a "
                        "TaskRow with the plan's legal_ref and province."
                    ),
                    "operationId": "search",
                    "parameters": [
                        {"name": "q", "in": "query", "required": True, "schema": _PARAM},
                        *_PAGING,
                    ],
                    "responses": {
                        "200": _ok("A page of the rows found", _page("TaskRow")),
                        **_COMMON_ERRORS,
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "operationId": "openapi",
                    "security": [],
                    "responses": {"200": _ok("OpenAPI 3 document", {"type": "object"})},
                }
            },
        },
    }
