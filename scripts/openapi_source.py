#!/usr/bin/env python3
"""Writes docs/openapi.json. The document is committed; edit here and re-run, or edit the JSON."""
import json, sys

def ref(name): return {"$ref": f"#/components/schemas/{name}"}
def text(): return ref("Text")
def err(desc): return {"description": desc, "content": {"application/json": {"schema": ref("Error")}}}
def ok(desc, schema, status="200"):
    return {status: {"description": desc, "content": {"application/json": {"schema": schema}}}}
def page(item): return {"allOf": [ref("PageEnvelope"), {"type": "object", "properties": {"items": {"type": "array", "items": item}}}]}
def q(name, desc, schema=None, required=False):
    return {"name": name, "in": "query", "required": required, "description": desc, "schema": schema or {"type": "string"}}
def p(name, desc): return {"name": name, "in": "path", "required": True, "description": desc, "schema": {"type": "string"}}
paging = [q("offset", "items to skip", {"type": "integer", "minimum": 0, "default": 0}),
          q("limit", "page size", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20})]
auth_errors = {"401": err("missing or unknown token"), "403": err("this role may not do this")}

paths = {
  "/healthz": {"get": {"summary": "Liveness", "tags": ["system"], "security": [],
      "responses": ok("the server is up", {"type": "object", "properties": {"status": {"type": "string"}, "version": {"type": "string"}}})}},
  "/metrics": {"get": {"summary": "Prometheus metrics: requests and latency per route, ingest rows by outcome", "tags": ["system"], "security": [],
      "responses": {"200": {"description": "text exposition format", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
  "/api/v1/openapi.json": {"get": {"summary": "This document", "tags": ["system"], "security": [],
      "responses": ok("OpenAPI 3 document", {"type": "object"})}},
  "/api/v1/ids/{code}": {"get": {"summary": "Check a Unified Social Credit Code or resident ID number", "tags": ["identifiers"], "security": [],
      "parameters": [p("code", "the code as written; spaces and '-' are ignored")],
      "responses": ok("the verdict (also for invalid codes)", ref("IdCheck"))}},
  "/api/v1/policy": {"get": {"summary": "The policy catalog in force: categories, record kinds, departments", "tags": ["policy"], "security": [],
      "responses": ok("catalog summary", ref("Policy"))}},
  "/api/v1/stats": {"get": {"summary": "Platform statistics", "tags": ["statistics"], "security": [],
      "responses": ok("counts", ref("Stats"))}},
  "/api/v1/me": {"get": {"summary": "Who the caller is", "tags": ["auth"],
      "responses": {**ok("the caller's role", ref("Me")), "401": err("unknown or revoked token")}}},
  "/api/v1/audit/head": {"get": {"summary": "The audit log's head: entry count and hash", "tags": ["audit"],
      "description": "Roles: auditor, operator.",
      "responses": {**ok("head", ref("AuditHead")), **auth_errors}}},
  "/api/v1/subjects": {"get": {"summary": "Search subjects by name or code", "tags": ["credit files"], "security": [],
      "description": "Exact code first, then exact name, name prefix and substring. Names are matched after normalisation (full-width, traditional characters, bracket variants). The public finds residents only by their full ID number.",
      "parameters": [q("q", "a name (or part of one) or a code", required=True)] + paging,
      "responses": {**ok("matching subjects, best first", {"allOf": [page(ref("SubjectSummary")), {"type": "object", "properties": {"total_capped": {"type": "boolean"}}}]}), "400": err("missing or too long q")}}},
  "/api/v1/subjects/{code}": {"get": {"summary": "A subject's credit file profile", "tags": ["credit files"],
      "description": "Anonymous callers get the public view (only what the catalog makes public; resident ID numbers masked). Department, operator (within its region), lender and auditor tokens get the full view; a subject its own. Staff who get the full view must state a purpose (X-Purpose header, percent-encoded UTF-8, or ?purpose=): 400 purpose_required otherwise; the read is recorded in the subject's access log (GET /api/v1/me/access-log).",
      "parameters": [p("code", "USCC or resident ID number")],
      "responses": {**ok("profile", ref("Profile")), "404": err("no subject with this code"), "401": err("bad token")}}},
  "/api/v1/subjects/{code}/records": {"get": {"summary": "A subject's records, newest decision first", "tags": ["credit files"],
      "parameters": [p("code", "USCC or resident ID number"), q("category", "a catalog category key"),
                     q("status", "active, withdrawn, restored or expired (full view)")] + paging,
      "responses": {**ok("a page of records", page(ref("Record"))), "400": err("unknown category or status"), "404": err("no subject with this code")}}},
  "/api/v1/subjects/{code}/rating": {"get": {"summary": "A subject's credit rating with its reasons", "tags": ["ratings"],
      "description": "The stored rating, kept current by re-rating the subjects of each ingest batch before the ingest replies and by a daily job (computed on read when none is stored yet, and for ?at). Rated from the subject's current records by the policy's model for its kind, as of its day (Asia/Shanghai) or ?at. Deterministic: the same records, policy and day give the same bytes. For the public, contributions, top_factors and what_if leave out records the public does not see that day (score, level and caps stay); natural persons are rated only for viewers of their full file (404 for the public).",
      "parameters": [p("code", "USCC or resident ID number"), q("at", "rate as of this day, YYYY-MM-DD (authorised roles only; 403 for the public)", {"type": "string", "format": "date"})],
      "responses": {**ok("the rating", ref("Rating")), "400": err("at is not a date"), "403": err("at given by the public"), "404": err("no subject with this code, a person viewed by the public, or a kind the policy does not rate")}}},
  "/api/v1/lists": {"get": {"summary": "The red lists and blacklists the policy defines", "tags": ["lists"],
      "description": "Public lists for everyone; lists that are not public for signed-in roles only. Membership is derived from records (a company's listing never lists its legal representative).",
      "responses": {**ok("the list definitions", ref("Lists"))}}},
  "/api/v1/records/{id}": {"get": {"summary": "A record with every version it has had", "tags": ["credit files"],
      "description": "Roles: department, operator (within its region), auditor. Nothing is overwritten: every change is a new version. Staff who get the full view must state a purpose (X-Purpose header, percent-encoded UTF-8, or ?purpose=): 400 purpose_required otherwise; the read is recorded in the subject's access log (GET /api/v1/me/access-log).",
      "parameters": [p("id", "record id")],
      "responses": {**ok("record and versions", ref("RecordHistory")), "404": err("no such record"), **auth_errors}}},
  "/api/v1/ingest/batches": {
    "post": {"summary": "Submit a department feed batch (NDJSON or CSV)", "tags": ["ingest"],
      "description": "Role: department. The department comes from the token, never from the records. Every valid row is applied and every invalid row reported, in one transaction: a crash leaves the whole batch or none of it. submitted = accepted + updated + unchanged + rejected.",
      "parameters": [q("format", "auto (default), ndjson or csv; otherwise from Content-Type"), q("name", "file name to record with the batch (else from Content-Disposition)")],
      "requestBody": {"required": True, "content": {"application/x-ndjson": {"schema": {"type": "string"}}, "text/csv": {"schema": {"type": "string"}}}},
      "responses": {**ok("the batch report", ref("BatchReport"), "201"), "400": err("unreadable input (encoding, empty)"), "413": err("body larger than the configured limit"), **auth_errors}},
    "get": {"summary": "Batch history (departments see their own)", "tags": ["ingest"],
      "parameters": [q("department", "filter (operators, auditors)")] + paging,
      "responses": {**ok("a page of batches", page(ref("BatchSummary"))), **auth_errors}}},
  "/api/v1/ingest/batches/{batch}": {"get": {"summary": "A batch's report", "tags": ["ingest"],
      "parameters": [p("batch", "b-000042 or 42")],
      "responses": {**ok("the batch report", ref("BatchReport")), "404": err("no such batch"), **auth_errors}}},
}

schemas = {
  "Text": {"type": "object", "properties": {"zh": {"type": "string"}, "en": {"type": "string"}}},
  "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
      "code": {"type": "string", "description": "invalid_argument, not_found, conflict, unauthenticated, permission_denied, failed_precondition, resource_exhausted, unavailable, internal"},
      "reason": {"type": "string", "description": "a stable machine-readable reason, e.g. checksum, too_large"},
      "message": {"type": "string"},
      "details": {"type": "array", "items": {"type": "object", "properties": {"line": {"type": "integer"}, "field": {"type": "string"}, "reason": {"type": "string"}, "message": {"type": "string"}}}}}}}},
  "PageEnvelope": {"type": "object", "properties": {"items": {"type": "array"}, "total": {"type": "integer"}, "offset": {"type": "integer"}, "limit": {"type": "integer"}}},
  "Rating": {"type": "object", "description": "FORMATS.md Rating; fields in this order.", "properties": {"code": {"type": "string"}, "level": {"type": "string", "enum": ["A+", "A", "B", "C", "D"]}, "score": {"type": "integer"}, "model_version": {"type": "string"}, "policy_version": {"type": "string"}, "as_of": {"type": "string", "format": "date-time"}, "base": {"type": "integer"},
      "contributions": {"type": "array", "items": {"type": "object", "properties": {"factor": {"type": "string"}, "points": {"type": "integer"}, "record": {"type": "object", "nullable": True, "properties": {"department": {"type": "string"}, "source_ref": {"type": "string"}, "id": {"type": "integer"}}}, "decided_at": {"type": "string", "format": "date", "nullable": True}}}},
      "top_factors": {"type": "array", "maxItems": 4, "items": {"type": "object", "properties": {"factor": {"type": "string"}, "points": {"type": "integer"}, "record": {"type": "object", "nullable": True, "properties": {"department": {"type": "string"}, "source_ref": {"type": "string"}, "id": {"type": "integer"}}}, "text": {"type": "object", "properties": {"zh-CN": {"type": "string"}, "en": {"type": "string"}}}}}},
      "caps": {"type": "array", "items": {"type": "object", "properties": {"rule": {"type": "string"}, "level": {"type": "string"}, "text": {"type": "object"}}}},
      "what_if": {"type": "array", "items": {"type": "object", "properties": {"record": {"type": "object", "nullable": True, "properties": {"department": {"type": "string"}, "source_ref": {"type": "string"}, "id": {"type": "integer"}}}, "if": {"type": "string", "enum": ["restored", "expired"]}, "score": {"type": "integer"}, "level": {"type": "string"}, "expires_on": {"type": "string", "format": "date", "nullable": True}, "restorable_from": {"type": "string", "format": "date"}}}}}},
  "Lists": {"type": "object", "properties": {"policy_version": {"type": "string"}, "items": {"type": "array", "items": {"type": "object", "properties": {
      "key": {"type": "string"}, "name": text(), "type": {"type": "string", "enum": ["blacklist", "redlist", "abnormal"]}, "family": {"type": "string"}, "public": {"type": "boolean"}, "legal_basis": {"type": "string"},
      "source_kinds": {"type": "array", "items": {"type": "string"}}, "subject_kinds": {"type": "array", "items": {"type": "string"}},
      "extension": {"type": "object", "properties": {"allowed": {"type": "boolean"}, "min_months": {"type": "integer"}, "max_months": {"type": "integer"}}},
      "removal_events": {"type": "array", "items": {"type": "object", "properties": {"key": {"type": "string"}, "name": text()}}},
      "ends_with_record_expiry": {"type": "boolean"}, "lists_legal_representative": {"type": "boolean"}}}}}},
  "IdCheck": {"type": "object", "properties": {"input": {"type": "string"}, "normalized": {"type": "string"}, "valid": {"type": "boolean"},
      "kind": {"type": "string", "enum": ["uscc", "resident_id", "unknown"]},
      "failure": {"type": "string", "nullable": True, "enum": ["length", "format", "checksum", "org_code", "division", "region", "date", None]},
      "message": {"type": "string"}, "division_code": {"type": "string"}, "division_name": {"type": "string"},
      "organisation_type": {"type": "string"}, "organisation_type_name": {"type": "string"}}},
  "Policy": {"type": "object", "properties": {"version": {"type": "string"}, "edition": {"type": "string"},
      "categories": {"type": "array", "items": {"type": "object", "properties": {"key": {"type": "string"}, "name": text(), "order": {"type": "integer"}}}},
      "kinds": {"type": "array", "items": {"type": "object", "properties": {"key": {"type": "string"}, "name": text(), "category": {"type": "string"}, "polarity": {"type": "string"}, "tiered": {"type": "boolean"}, "restorable": {"type": "boolean"}, "legal_basis": {"type": "string"}, "public_legal_person": {"type": "boolean"}, "public_natural_person": {"type": "boolean"}, "departments": {"type": "array", "items": {"type": "string"}}, "required_fields": {"type": "array", "items": {"type": "string"}}}}},
      "departments": {"type": "array", "items": {"type": "object", "properties": {"key": {"type": "string"}, "name": text(), "code": {"type": "string"}}}}}},
  "Stats": {"type": "object", "description": "Grouped counts are recomputed at most once a minute (computed_at).", "properties": {"subjects": {"type": "integer"}, "records": {"type": "integer"}, "batches": {"type": "integer"}, "catalog_version": {"type": "string"}, "computed_at": {"type": "string", "format": "date-time"},
      "by_region": {"type": "array", "items": {"type": "object", "properties": {"region": {"type": "string"}, "region_name": {"type": "string"}, "subjects": {"type": "integer"}}}},
      "by_kind": {"type": "array", "items": {"type": "object", "properties": {"kind": {"type": "string"}, "name": text(), "count": {"type": "integer"}}}}}},
  "Me": {"type": "object", "properties": {"role": {"type": "string", "enum": ["public", "subject", "department", "lender", "operator", "auditor"]}, "department": {"type": "string"}, "department_name": text(), "region": {"type": "string"}, "subject": {"type": "string", "description": "subject tokens: the code the holder acts for"}, "token": {"type": "integer"}}},
  "AuditHead": {"type": "object", "properties": {"entries": {"type": "integer"}, "seq": {"type": "integer"}, "head_hash": {"type": "string"}, "at": {"type": "string", "format": "date-time"}}},
  "SubjectSummary": {"type": "object", "properties": {"code": {"type": "string", "description": "resident ID numbers masked for the public"}, "name": {"type": "string"},
      "kind": {"type": "string", "enum": ["enterprise", "public_institution", "social_organisation", "individual_business", "person", "government_organ"]},
      "region": {"type": "string"}, "region_name": {"type": "string"}, "status": {"type": "string", "enum": ["provisional", "registered", "deregistered"]}}},
  "Profile": {"allOf": [ref("SubjectSummary"), {"type": "object", "properties": {
      "code_kind": {"type": "string"}, "industry": {"type": "string"}, "registered_on": {"type": "string", "format": "date", "nullable": True},
      "legal_representative": {"type": "string"}, "code_flagged": {"type": "boolean"}, "view": {"type": "string", "enum": ["public", "full"]},
      "catalog_version": {"type": "string"},
      "counts": {"type": "array", "items": {"type": "object", "properties": {"category": {"type": "string"}, "name": text(), "visible": {"type": "integer"}, "total": {"type": "integer", "description": "full view only"}}}},
      "visible_records": {"type": "integer"}, "created_at": {"type": "string", "format": "date-time"}, "updated_at": {"type": "string", "format": "date-time"}}}]},
  "Record": {"type": "object", "properties": {"id": {"type": "integer"}, "kind": {"type": "string"}, "kind_name": text(), "category": {"type": "string"},
      "department": {"type": "string"}, "department_name": text(), "source_ref": {"type": "string"}, "decided_at": {"type": "string", "format": "date"},
      "tier": {"type": "string", "enum": ["", "minor", "general", "serious"]}, "document_no": {"type": "string"}, "legal_basis": {"type": "string"},
      "status": {"type": "string", "enum": ["active", "withdrawn", "restored", "expired"]}, "status_reason": {"type": "string"},
      "publicity_state": {"type": "string", "enum": ["publishing", "restorable", "ended", "unpublished", "withdrawn", "restored", "expired"]},
      "under_objection": {"type": "boolean", "description": "an objection to the record is being verified"},
      "objection_case": {"type": "integer", "nullable": True, "description": "the open objection, or the unverifiable one whose note stands beside the record"},
      "objection_note": {"type": "string", "nullable": True, "description": "the grounds of an objection that could not be verified, kept beside the record"},
      "publicity": {"type": "object", "properties": {"start": {"type": "string", "format": "date"}, "min_end": {"type": "string", "format": "date", "nullable": True}, "max_end": {"type": "string", "format": "date", "nullable": True}, "published": {"type": "boolean"}}},
      "version": {"type": "integer"}, "flagged": {"type": "boolean"}, "batch": {"type": "integer"},
      "payload": {"type": "object", "description": "the record as the department submitted it (feed field names); ID numbers masked for the public"},
      "updated_at": {"type": "string", "format": "date-time"}}},
  "RecordHistory": {"type": "object", "properties": {"subject": {"type": "string"}, "current": ref("Record"), "versions": {"type": "array", "items": ref("Record")}}},
  "BatchReport": {"type": "object", "required": ["batch", "submitted", "accepted", "updated", "unchanged", "rejected", "errors"], "properties": {
      "batch": {"type": "string", "example": "b-000042"}, "format": {"type": "string", "enum": ["ndjson", "csv", "csv_penalty", "csv_license"]},
      "submitted": {"type": "integer"}, "accepted": {"type": "integer"}, "updated": {"type": "integer"}, "unchanged": {"type": "integer"}, "rejected": {"type": "integer"},
      "flagged": {"type": "integer", "description": "accepted rows flagged for review (legacy codes)"},
      "warnings": {"type": "array", "items": {"type": "string"}}, "seconds": {"type": "number"},
      "errors": {"type": "array", "items": {"type": "object", "properties": {"line": {"type": "integer", "description": "1-based input line; for CSV the header is line 1"}, "field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}}}}}},
  "BatchSummary": {"type": "object", "properties": {"batch": {"type": "string"}, "department": {"type": "string"}, "actor": {"type": "string"}, "format": {"type": "string"}, "source_name": {"type": "string"},
      "started_at": {"type": "string", "format": "date-time"}, "finished_at": {"type": "string", "format": "date-time"},
      "submitted": {"type": "integer"}, "accepted": {"type": "integer"}, "updated": {"type": "integer"}, "unchanged": {"type": "integer"}, "rejected": {"type": "integer"}}},
}

# Each area of the API keeps its paths and schemas in scripts/openapi/<area>.py, a module that
# defines PATHS and SCHEMAS with the helpers above (given to it as globals); merged by file name.
import glob, os, runpy
helpers = {"ref": ref, "text": text, "err": err, "ok": ok, "page": page, "q": q, "p": p,
           "paging": paging, "auth_errors": auth_errors}
for part_file in sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), "openapi", "*.py"))):
    part = runpy.run_path(part_file, init_globals=helpers)
    for key, value in part.get("PATHS", {}).items():
        assert key not in paths, f"{part_file}: path {key} defined twice"
        paths[key] = value
    for key, value in part.get("SCHEMAS", {}).items():
        assert key not in schemas, f"{part_file}: schema {key} defined twice"
        schemas[key] = value

doc = {"openapi": "3.0.3",
  "info": {"title": "Credence API", "version": "1", "description": "Public credit information platform: credit files, department feeds, identifiers and policy. Errors always use the Error body; lists always use the page envelope (offset, limit, total)."},
  "servers": [{"url": "/"}],
  "security": [{"bearer": []}, {}],
  "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "API token from `credence token create`"}}, "schemas": schemas},
  "paths": paths}
json.dump(doc, open(sys.argv[1] if len(sys.argv) > 1 else "docs/openapi.json", "w"), ensure_ascii=False, indent=1)
