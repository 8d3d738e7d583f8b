# Due process: objections, credit restoration, credit commitments (src/dueprocess/dueprocess.h).
# Subjects file and read their own cases; departments read and decide the cases addressed to
# them; operators read every case and the escalation list. Deadlines are in working days of the
# holiday calendar (policy/calendar.toml, policy/dueprocess.toml).

_roles = "Roles: subject (its own cases), department (cases addressed to it), operator (all)."
_case_errors = {"404": err("no such case, or not one the caller may read"), **auth_errors}
_decision_errors = {"400": err("bad outcome, missing reasons, bad changes"), "404": err("no such case"),
                    "409": err("already decided (code failed_precondition, reason decided), or the record can no longer be restored"), **auth_errors}
_filing_errors = {"400": err("missing or too long text; attachment over the limits or of a type not accepted (reason attachment)"),
                  "404": err("no such record"), "409": err("an open case already exists (already_open), or the record does not allow it (lifecycle reason: not_restorable, too_early, expired, withdrawn)"),
                  "413": err("body too large"), **auth_errors}
_open = q("open", "true: only cases waiting for a decision; false: only decided ones", {"type": "boolean"})

def _list(summary):
    return {"get": {"summary": summary, "tags": ["due process"], "description": _role_note,
                    "parameters": [_open] + paging,
                    "responses": {**ok("cases, earliest deadline first", {"allOf": [page(ref("Case")), {"type": "object", "properties": {"today": {"type": "string", "format": "date"}}}]}), **auth_errors}}}
_role_note = _roles

PATHS = {
  "/api/v1/objections": {
    **_list("Objections: the subject's own, or a department's queue with deadlines"),
    "post": {"summary": "Object to one of the subject's records", "tags": ["due process"],
      "description": "Role: subject. The record is marked under objection at once in every view and goes to its department, due in objection_working_days working days.",
      "requestBody": {"required": True, "content": {"application/json": {"schema": ref("ObjectionFiling")}}},
      "responses": {**ok("the case", ref("Case"), "201"), **_filing_errors}}},
  "/api/v1/objections/{id}/decision": {"post": {"summary": "Decide an objection: corrected, removed, upheld or unverifiable", "tags": ["due process"],
      "description": "Role: the record's department. corrected writes a new version of the record through the ingest (the record's content with `changes`); removed withdraws it; upheld and unverifiable need reasons.",
      "parameters": [p("id", "case id")],
      "requestBody": {"required": True, "content": {"application/json": {"schema": ref("ObjectionDecision")}}},
      "responses": {**ok("the decided case", ref("Case")), **_decision_errors}}},
  "/api/v1/restorations": {
    **_list("Credit restoration applications"),
    "post": {"summary": "Apply for credit restoration of a restorable record", "tags": ["due process"],
      "description": "Role: subject. Needs proof of fulfilment and the text of a restoration-type credit commitment (filed beside it as a commitment case). The department decides within restoration_decision_working_days (due_on); the platform answers within restoration_answer_working_days (answer_due_on).",
      "requestBody": {"required": True, "content": {"application/json": {"schema": ref("RestorationFiling")}}},
      "responses": {**ok("the case", ref("Case"), "201"), **_filing_errors}}},
  "/api/v1/restorations/outlook": {"get": {"summary": "For each negative record of the subject: from when restoration may be applied for, and when publicity ends by itself", "tags": ["due process"],
      "description": "Role: subject.",
      "responses": {**ok("the outlook", ref("RestorationOutlook")), **auth_errors}}},
  "/api/v1/restorations/{id}/decision": {"post": {"summary": "Approve or refuse a restoration application", "tags": ["due process"],
      "description": "Role: the record's department. Approval restores the record (hidden from public views at once); a refusal needs reasons.",
      "parameters": [p("id", "case id")],
      "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "required": ["approve"], "properties": {"approve": {"type": "boolean"}, "reasons": {"type": "string"}}}}}},
      "responses": {**ok("the decided case", ref("Case")), **_decision_errors}}},
  "/api/v1/commitments": {
    **_list("Credit commitments"),
    "post": {"summary": "Sign a credit commitment", "tags": ["due process"],
      "description": "Role: subject. Types: approval, voluntary, industry, restoration. The department must be one that records commitments.",
      "requestBody": {"required": True, "content": {"application/json": {"schema": ref("CommitmentFiling")}}},
      "responses": {**ok("the case", ref("Case"), "201"), "400": err("unknown type or department, past deadline, missing text"), **auth_errors}}},
  "/api/v1/commitments/{id}/decision": {"post": {"summary": "Decide whether a commitment was kept", "tags": ["due process"],
      "description": "Role: the department it was made to. The decision enters the file as a commitment record (status kept or broken, source_ref CMT-<case id>); broken needs reasons.",
      "parameters": [p("id", "case id")],
      "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "required": ["kept"], "properties": {"kept": {"type": "boolean"}, "reasons": {"type": "string"}}}}}},
      "responses": {**ok("the decided case", ref("Case")), **_decision_errors}}},
  "/api/v1/cases/{id}": {"get": {"summary": "One objection, application or commitment", "tags": ["due process"], "description": _roles,
      "parameters": [p("id", "case id")],
      "responses": {**ok("the case", ref("Case")), **_case_errors}}},
  "/api/v1/cases/{id}/attachments/{index}": {"get": {"summary": "An attachment of a case, as a download", "tags": ["due process"], "description": _roles,
      "parameters": [p("id", "case id"), p("index", "0-based attachment index")],
      "responses": {"200": {"description": "the file", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}, "image/png": {"schema": {"type": "string", "format": "binary"}}, "image/jpeg": {"schema": {"type": "string", "format": "binary"}}}}, **_case_errors}}},
  "/api/v1/notifications": {"get": {"summary": "The subject's notifications, newest first", "tags": ["due process"],
      "description": "Role: subject.", "parameters": paging,
      "responses": {**ok("notifications", page(ref("Notification"))), **auth_errors}}},
  "/api/v1/escalations": {"get": {"summary": "Open cases past their deadline, escalated to the operators", "tags": ["due process"],
      "description": "Role: operator.", "parameters": paging,
      "responses": {**ok("overdue cases, earliest deadline first", {"allOf": [page(ref("Case")), {"type": "object", "properties": {"today": {"type": "string", "format": "date"}}}]}), **auth_errors}}},
}

_attachments = {"type": "array", "description": "at most attachment_max_files; PDF, PNG or JPEG recognised by content; names are labels only",
                "items": {"type": "object", "required": ["content_base64"], "properties": {"name": {"type": "string"}, "content_base64": {"type": "string", "format": "byte"}}}}

SCHEMAS = {
  "Case": {"type": "object", "properties": {
      "id": {"type": "integer"}, "kind": {"type": "string", "enum": ["objection", "restoration", "commitment"]},
      "status": {"type": "string", "description": "objection: open, corrected, removed, upheld, unverifiable; restoration: open, approved, refused; commitment: signed, kept, broken"},
      "open": {"type": "boolean"},
      "subject": {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}}},
      "record_id": {"type": "integer", "nullable": True}, "department": {"type": "string"}, "department_name": text(),
      "filed_at": {"type": "string", "format": "date-time"}, "updated_at": {"type": "string", "format": "date-time"},
      "due_on": {"type": "string", "format": "date", "description": "the department's deadline (last day); a commitment's own deadline"},
      "answer_due_on": {"type": "string", "format": "date", "nullable": True, "description": "restoration: the platform's answer deadline"},
      "overdue": {"type": "boolean"}, "working_days_left": {"type": "integer"},
      "escalated_to": {"type": "string", "nullable": True, "enum": ["operator", None]},
      "version": {"type": "integer"},
      "detail": {"type": "object", "description": "grounds or proof, attachments, commitment type/matter/text/deadline, and the decision (outcome, reasons, decided_by, decided_at)"}}},
  "ObjectionFiling": {"type": "object", "required": ["record_id", "grounds"], "properties": {
      "record_id": {"type": "integer"}, "grounds": {"type": "string"}, "attachments": _attachments}},
  "ObjectionDecision": {"type": "object", "required": ["outcome"], "properties": {
      "outcome": {"type": "string", "enum": ["corrected", "removed", "upheld", "unverifiable"]},
      "reasons": {"type": "string"}, "changes": {"type": "object", "description": "corrected: feed fields to change, e.g. {\"amount_yuan\": 20000}"}}},
  "RestorationFiling": {"type": "object", "required": ["record_id", "proof", "commitment"], "properties": {
      "record_id": {"type": "integer"}, "proof": {"type": "string"}, "commitment": {"type": "string", "description": "the text of the restoration commitment"},
      "attachments": _attachments}},
  "CommitmentFiling": {"type": "object", "required": ["type", "department", "matter", "text", "deadline"], "properties": {
      "type": {"type": "string", "enum": ["approval", "voluntary", "industry", "restoration"]}, "department": {"type": "string"},
      "matter": {"type": "string"}, "text": {"type": "string"}, "deadline": {"type": "string", "format": "date"}}},
  "RestorationOutlook": {"type": "object", "properties": {"today": {"type": "string", "format": "date"}, "items": {"type": "array", "items": {"type": "object", "properties": {
      "record_id": {"type": "integer"}, "kind": {"type": "string"}, "kind_name": text(), "document_no": {"type": "string"}, "publicity_state": {"type": "string"},
      "restorable_from": {"type": "string", "format": "date", "nullable": True}, "expires_on": {"type": "string", "format": "date", "nullable": True},
      "may_apply_now": {"type": "boolean"}, "reason": {"type": "string", "nullable": True, "description": "why not now: not_restorable, too_early, expired, not_active, already_open"}}}}}},
  "Notification": {"type": "object", "properties": {"id": {"type": "integer"}, "at": {"type": "string", "format": "date-time"},
      "topic": {"type": "string", "example": "objection.decided"}, "case_id": {"type": "integer"},
      "message": {"type": "object", "properties": {"zh": {"type": "string"}, "en": {"type": "string"}, "kind": {"type": "string"}, "status": {"type": "string"}}}}},
}
