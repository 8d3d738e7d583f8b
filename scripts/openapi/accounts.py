# Accounts, sessions and the subject's own view (src/api/account_handlers.cc).
# Browser sessions: POST /api/v1/auth/login sets the HttpOnly cookie credence_session; every
# state-changing request made with that cookie must carry X-CSRF-Token (from the login answer or
# GET /api/v1/auth/session), or it is treated as the public's.
purpose_note = (" Staff (departments, lenders, operators, auditors) reading a subject's non-public data must state a purpose"
                " (X-Purpose header or ?purpose=); the read is recorded in the subject's access log.")

login_body = {"type": "object", "required": ["login", "password"], "properties": {
    "login": {"type": "string", "description": "a subject's USCC or ID number, or a staff login"},
    "password": {"type": "string"}}}

PATHS = {
  "/api/v1/auth/login": {"post": {"summary": "Log in with a password; opens a browser session", "tags": ["auth"], "security": [],
      "description": "Sets the cookie credence_session (HttpOnly, Secure, SameSite=Strict; 8 hours). Failed logins are throttled per account (5 in 15 minutes lock it, even for the right password) and per address (30). Passwords are checked with argon2id.",
      "requestBody": {"required": True, "content": {"application/json": {"schema": login_body}}},
      "responses": {**ok("the session", ref("Session")), "400": err("not a JSON object"), "401": err("wrong login or password, or the account is not activated"),
                    "413": err("body larger than 4 KiB"), "429": err("too many failed logins for this account or address")}}},
  "/api/v1/auth/logout": {"post": {"summary": "End the browser session", "tags": ["auth"], "security": [],
      "description": "Ends the session when the request carries its X-CSRF-Token; the cookie is cleared either way.",
      "responses": {"204": {"description": "logged out"}}}},
  "/api/v1/auth/activate": {"post": {"summary": "Activate an account with its one-time code by choosing a password", "tags": ["auth"], "security": [],
      "description": "Operators create accounts (POST /api/v1/accounts) and hand the activation code to the holder through an official channel; the code is valid for 14 days and works once.",
      "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "required": ["login", "activation_code", "password"], "properties": {
          "login": {"type": "string"}, "activation_code": {"type": "string"}, "password": {"type": "string", "minLength": 10, "maxLength": 128}}}}}},
      "responses": {"204": {"description": "activated: the password now works"}, "400": err("password too short or too long"), "401": err("wrong login or code, or the code has expired or been used")}}},
  "/api/v1/auth/session": {"get": {"summary": "The logged-in account and the session's CSRF token", "tags": ["auth"],
      "responses": {**ok("the session", ref("Session")), "401": err("not logged in"), "404": err("the caller uses an API token")}}},
  "/api/v1/accounts": {"post": {"summary": "Create an account (operators)", "tags": ["auth"],
      "description": "Role: operator. A county operator creates subject accounts for subjects in its county only; staff accounts are created by the city hub. A subject account is bound to a subject already on file (its code is the login). The answer carries the activation code, shown once.",
      "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "required": ["role"], "properties": {
          "role": {"type": "string", "enum": ["subject", "department", "lender", "operator", "auditor"]},
          "subject_code": {"type": "string"}, "login": {"type": "string", "description": "staff: a-z 0-9 . _ -, starting with a letter"},
          "department": {"type": "string"}, "region": {"type": "string"}, "display_name": {"type": "string"}}}}}},
      "responses": {**ok("the account and its activation code", {"type": "object", "properties": {"account": ref("Account"), "activation_code": {"type": "string"}}}, "201"),
                    "400": err("bad role, login, department or region"), "404": err("no subject with this code"), "409": err("the login is taken"), **auth_errors}}},
  "/api/v1/me/file": {"get": {"summary": "The subject's own full file: profile, rating with reasons and what would change it, records", "tags": ["my credit"],
      "description": "Role: subject (its own file only).",
      "responses": {**ok("the own file", ref("OwnFile")), **auth_errors}}},
  "/api/v1/me/access-log": {"get": {"summary": "Who read the subject's non-public data, when and why", "tags": ["my credit"],
      "description": "Role: subject. Newest first." + purpose_note,
      "parameters": paging,
      "responses": {**ok("a page of reads", page(ref("AccessEntry"))), **auth_errors}}},
}

SCHEMAS = {
  "Account": {"type": "object", "properties": {
      "id": {"type": "integer"}, "login": {"type": "string"}, "role": {"type": "string"}, "display_name": {"type": "string"},
      "department": {"type": "string"}, "department_name": text(), "region": {"type": "string"}, "subject_code": {"type": "string"},
      "activated": {"type": "boolean"}, "created_at": {"type": "string", "format": "date-time"}}},
  "Session": {"type": "object", "properties": {"account": ref("Account"), "csrf_token": {"type": "string"},
      "expires_at": {"type": "string", "format": "date-time"}}},
  "OwnFile": {"type": "object", "properties": {"profile": ref("Profile"), "rating": {"oneOf": [ref("Rating"), {"type": "null"}]},
      "records": page(ref("Record"))}},
  "AccessEntry": {"type": "object", "properties": {
      "at": {"type": "string", "format": "date-time"}, "actor": {"type": "string"}, "role": {"type": "string"},
      "department": {"type": "string"}, "department_name": text(), "purpose": {"type": "string"},
      "what": {"type": "string", "description": "profile, records, record:<id> or rating"}}},
}
