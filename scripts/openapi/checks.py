# Credit checks of joint rewards and punishments (FORMATS.md "Credit checks").
scenario_keys = ["administrative_approval", "law_enforcement", "convenience_services",
                 "public_resource_trading", "financing", "risk_prevention", "industry_supervision",
                 "social_governance", "other_government_affairs", "government_integrity"]

PATHS = {
  "/api/v1/checks": {
    "post": {"summary": "Check a subject (or a batch) before handling its business", "tags": ["credit checks"],
      "description": "Role: department. Gives the subject's rating level, its active lists and every measure of joint rewards and punishments that applies in the scenario, each with its legal basis and what the department must do. Every check is recorded; feedback on its measures is due by feedback_due. A batch ({\"subjects\": [...]}) answers an array in the same order; codes without a credit file are answered with found = false and no measures.",
      "requestBody": {"required": True, "content": {"application/json": {"schema": ref("CheckRequest")}}},
      "responses": {**ok("the check, or an array of checks for a batch", {"oneOf": [ref("CreditCheck"), {"type": "array", "items": ref("CreditCheck")}]}, "201"),
                    "400": err("bad body, scenario or subject code (details name subjects[i])"), "413": err("body too large"),
                    "429": err("more subjects than the policy's batch_max_subjects"), **auth_errors, "503": err("no measures configured")}},
    "get": {"summary": "Recorded checks (departments see their own), newest first", "tags": ["credit checks"],
      "description": "Roles: department, operator, auditor. overdue=true: checks with measures still waiting for feedback after their feedback day.",
      "parameters": [q("overdue", "true: only overdue checks", {"type": "string", "enum": ["true", "false"]}), q("department", "filter (operators, auditors)")] + paging,
      "responses": {**ok("a page of checks", page(ref("CreditCheck"))), "400": err("bad parameter"), **auth_errors}}},
  "/api/v1/checks/statistics": {"get": {"summary": "Checks, hits, feedback rate and measures applied", "tags": ["credit checks"],
      "description": "Roles: department (its own checks), operator, auditor. Grouped by department, scenario or county (the subject's division code); from and to are days (Asia/Shanghai), both included, by default the last 30 days.",
      "parameters": [q("by", "grouping", {"type": "string", "enum": ["department", "scenario", "county"], "default": "department"}),
                     q("from", "first day YYYY-MM-DD"), q("to", "last day YYYY-MM-DD")],
      "responses": {**ok("one row per group and the total", ref("CheckStatistics")), "400": err("bad parameter"), **auth_errors}}},
  "/api/v1/checks/{id}": {"get": {"summary": "A recorded check with its feedback", "tags": ["credit checks"],
      "description": "Roles: the department that ran it, operator, auditor.",
      "parameters": [p("id", "check id")],
      "responses": {**ok("the check", ref("CreditCheck")), "400": err("bad id"), "404": err("no such check of this department"), **auth_errors}}},
  "/api/v1/checks/{id}/feedback": {"post": {"summary": "Report what was done about each measure", "tags": ["credit checks"],
      "description": "Role: the department that ran the check. Per measure: applied, not_applied (a reason is required) or exempted (by law). Feedback on a measure is given once; the check is answered when every measure has feedback.",
      "parameters": [p("id", "check id")],
      "requestBody": {"required": True, "content": {"application/json": {"schema": ref("CheckFeedbackRequest")}}},
      "responses": {**ok("the check with its feedback", ref("CreditCheck")), "400": err("unknown measure, bad action, missing reason (details name measures[i])"),
                    "404": err("no such check of this department"), "409": err("a measure already has feedback"), **auth_errors}}},
}

stats_row = {"type": "object", "properties": {"key": {"type": "string"}, "checks": {"type": "integer"}, "hits": {"type": "integer", "description": "checks where a measure applied"},
    "measures": {"type": "integer"}, "feedback": {"type": "integer"}, "feedback_rate": {"type": "number", "description": "feedback / measures (1 when no measure)"},
    "applied": {"type": "integer"}, "not_applied": {"type": "integer"}, "exempted": {"type": "integer"}, "overdue": {"type": "integer"}}}

SCHEMAS = {
  "CheckRequest": {"type": "object", "required": ["scenario"], "properties": {
      "subject": {"type": "string", "description": "a USCC or resident ID number"},
      "subjects": {"type": "array", "items": {"type": "string"}, "description": "a batch (e.g. the bidders of a procurement)"},
      "scenario": {"type": "string", "enum": scenario_keys}}},
  "CheckMeasure": {"type": "object", "properties": {
      "key": {"type": "string"}, "kind": {"type": "string", "enum": ["punishment", "reward"]}, "name": text(),
      "legal_basis": {"type": "string", "description": "documents and articles, e.g. 《中华人民共和国政府采购法》第二十二条"},
      "action_required": text(), "memoranda": {"type": "array", "items": {"type": "string"}},
      "departments": {"type": "array", "items": {"type": "string"}},
      "duration_months": {"type": "integer", "nullable": True},
      "grounds": {"type": "array", "items": {"type": "string"}, "description": "list:KEY, level:L or record:ID"}}},
  "CheckFeedback": {"type": "object", "properties": {"key": {"type": "string"}, "action": {"type": "string", "enum": ["applied", "not_applied", "exempted"]},
      "reason": {"type": "string"}, "actor": {"type": "string"}, "at": {"type": "string", "format": "date-time"}}},
  "CreditCheck": {"type": "object", "properties": {
      "id": {"type": "integer"}, "subject": {"type": "string"}, "found": {"type": "boolean", "description": "false: no credit file for the code"},
      "department": {"type": "string"}, "scenario": {"type": "string", "enum": scenario_keys},
      "level": {"type": "string", "nullable": True}, "lists": {"type": "array", "items": {"type": "string"}},
      "measures": {"type": "array", "items": ref("CheckMeasure")}, "region": {"type": "string"},
      "checked_at": {"type": "string", "format": "date-time"}, "feedback_due": {"type": "string", "format": "date"},
      "answered_at": {"type": "string", "format": "date-time", "nullable": True}, "overdue": {"type": "boolean"},
      "feedback": {"type": "array", "items": ref("CheckFeedback")}}},
  "CheckFeedbackRequest": {"type": "object", "required": ["measures"], "properties": {"measures": {"type": "array", "items": {"type": "object", "required": ["key", "action"], "properties": {
      "key": {"type": "string"}, "action": {"type": "string", "enum": ["applied", "not_applied", "exempted"]}, "reason": {"type": "string"}}}}}},
  "CheckStatistics": {"type": "object", "properties": {"by": {"type": "string"}, "from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"},
      "items": {"type": "array", "items": stats_row}, "total": stats_row}},
}
