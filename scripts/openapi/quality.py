# Data quality of the department feeds (the operators' dashboard).
reason_list = {"type": "array", "items": {"type": "object", "properties": {
    "code": {"type": "string", "description": "batch report error code"}, "rows": {"type": "integer"}}}}

PATHS = {
  "/api/v1/quality": {"get": {"summary": "Data quality of the department feeds over a window of days", "tags": ["data quality"],
      "description": "Roles: operator, auditor. Volumes, rejected rows by reason, wrong subject codes (rows whose code was present but invalid), and departments late with their feeds (no batch for longer than policy/quality.toml expects). Computed from the stored batches and their reports.",
      "parameters": [q("days", "window length in calendar days ending today (Shanghai)", {"type": "integer", "minimum": 1, "maximum": 366, "default": 30})],
      "responses": {**ok("the report", ref("QualityReport")), "400": err("days out of range"), **auth_errors}}},
}

SCHEMAS = {
  "QualityReport": {"type": "object", "properties": {
      "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"}, "days": {"type": "integer"},
      "batches": {"type": "integer"}, "submitted": {"type": "integer"}, "rejected": {"type": "integer"}, "code_errors": {"type": "integer"},
      "reasons": reason_list,
      "departments": {"type": "array", "items": {"type": "object", "properties": {
          "department": {"type": "string"}, "name": text(),
          "batches": {"type": "integer"}, "submitted": {"type": "integer"}, "accepted": {"type": "integer"}, "updated": {"type": "integer"},
          "unchanged": {"type": "integer"}, "rejected": {"type": "integer"}, "code_errors": {"type": "integer"},
          "last_batch_at": {"type": "string", "format": "date-time", "nullable": True},
          "days_since_last_batch": {"type": "integer", "nullable": True},
          "expected_feed_days": {"type": "integer"}, "late": {"type": "boolean"}, "reasons": reason_list}}},
      "daily": {"type": "array", "items": {"type": "object", "properties": {
          "day": {"type": "string", "format": "date"}, "department": {"type": "string"},
          "submitted": {"type": "integer"}, "rejected": {"type": "integer"}}}}}},
}
