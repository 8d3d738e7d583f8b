# Credit certificates: signed QR tokens (FORMATS.md, "Certificates").
PATHS = {
  "/api/v1/subjects/{code}/certificates": {"post": {"summary": "Issue a credit certificate for a subject", "tags": ["certificates"],
      "description": "Roles: the subject itself, a department on its behalf, an operator. The level is the subject's rating today; a subject on a blacklist, or of a kind the policy does not rate, gets none (409). The token is \"CC1:\" + Base45(zlib(COSE_Sign1)) signed with the platform's Ed25519 key.",
      "parameters": [p("code", "USCC or resident ID number")],
      "responses": {**ok("the certificate", ref("IssuedCertificate"), "201"), "404": err("no subject with this code"), "409": err("blacklisted or not rated"), "503": err("certificates not configured"), **auth_errors}}},
  "/api/v1/certificates/verify": {"post": {"summary": "Verify a certificate token and give its current status", "tags": ["certificates"], "security": [],
      "description": "Verified against this platform's keys and every imported trust list. status: valid, expired, revoked (the subject is on a blacklist now), superseded (its level has changed), invalid (failed_step says where: prefix, base45, zlib, cbor, cose, unknown_key, signature, not_yet_valid).",
      "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "required": ["token"], "properties": {"token": {"type": "string"}}}}}},
      "responses": {**ok("the verdict", ref("CertificateVerification")), "400": err("no token"), "413": err("longer than 8 KiB")}}},
  "/api/v1/certificates/{serial}": {"get": {"summary": "An issued certificate and its status now", "tags": ["certificates"], "security": [],
      "parameters": [p("serial", "the certificate's serial number")],
      "responses": {**ok("the certificate", ref("CertificateStatus")), "404": err("no certificate with this serial")}}},
  "/api/v1/certificates/{serial}/qr.png": {"get": {"summary": "The certificate's QR code as PNG (alphanumeric mode, level Q)", "tags": ["certificates"], "security": [],
      "parameters": [p("serial", "the certificate's serial number")],
      "responses": {"200": {"description": "PNG image", "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}}, "404": err("no certificate with this serial")}}},
  "/api/v1/certificates/{serial}/qr.svg": {"get": {"summary": "The certificate's QR code as SVG", "tags": ["certificates"], "security": [],
      "parameters": [p("serial", "the certificate's serial number")],
      "responses": {"200": {"description": "SVG image", "content": {"image/svg+xml": {"schema": {"type": "string"}}}}, "404": err("no certificate with this serial")}}},
  "/api/v1/trust-list": {"get": {"summary": "This platform's certificate verification keys, a JWK Set", "tags": ["certificates"], "security": [],
      "responses": {"200": {"description": "JWK Set (RFC 7517); nbf/exp bound when each key signed", "content": {"application/jwk-set+json": {"schema": ref("JwkSet")}}}}}},
  "/api/v1/trust-list.jws": {"get": {"summary": "The same JWK Set signed by the platform, as a compact JWS", "tags": ["certificates"], "security": [],
      "responses": {"200": {"description": "compact JWS, alg EdDSA", "content": {"application/jose": {"schema": {"type": "string"}}}}}}},
}

SCHEMAS = {
  "IssuedCertificate": {"type": "object", "properties": {"serial": {"type": "string"}, "token": {"type": "string"}, "expires": {"type": "string", "format": "date-time"}, "level": {"type": "string"}}},
  "CertificateClaims": {"type": "object", "properties": {k: {"type": "string"} for k in ["serial", "type", "code", "name", "level", "evaluated", "issuer_name", "digest", "issuer", "issued_at", "expires"]}},
  "CertificateVerification": {"type": "object", "properties": {"valid": {"type": "boolean"}, "status": {"type": "string", "enum": ["valid", "expired", "revoked", "superseded", "invalid"]},
      "failed_step": {"type": "string", "nullable": True}, "detail": {"type": "string"}, "claims": {"allOf": [ref("CertificateClaims")], "nullable": True}}},
  "CertificateStatus": {"type": "object", "properties": {k: {"type": "string"} for k in ["serial", "code", "type", "level", "issued_at", "expires", "token"]} | {"status": {"type": "string", "enum": ["valid", "expired", "revoked", "superseded", "invalid"]}}},
  "JwkSet": {"type": "object", "properties": {"keys": {"type": "array", "items": {"type": "object", "properties": {k: {"type": "string"} for k in ["kty", "crv", "x", "y", "kid", "alg", "use"]} | {"nbf": {"type": "integer"}, "exp": {"type": "integer"}}}}}},
}
