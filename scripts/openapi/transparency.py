# The transparency log: the audit log as an RFC 6962 Merkle tree (src/audit/audit.h, docs/TRANSPARENCY.md).
hex32 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
tree_size = q("tree_size", "prove against the tree of this many leaves (a signed head's tree_size); default: the current size",
              {"type": "integer", "minimum": 1})
public = "Public: anyone may check the log. Hashes are lowercase hex."
proof_errors = {"400": err("a parameter is not a number, or tree_size is beyond the log or not above the leaf"),
                "503": err("the transparency log is not configured")}

PATHS = {
  "/api/v1/transparency/head": {"get": {"summary": "The current signed tree head", "tags": ["transparency"], "security": [],
      "description": public + " The signature is Ed25519 over signed_data, the RFC 6962 TreeHeadSignature layout: 0x00 (v1), 0x01 (tree_hash), timestamp in ms (8 bytes big-endian), tree_size (8 bytes), root_hash (32 bytes). Keep heads: a later head must be provably consistent with every earlier one.",
      "responses": {**ok("signed tree head", ref("TreeHead")), "503": err("the transparency log is not configured")}}},
  "/api/v1/transparency/leaves": {"get": {"summary": "Leaves of the log (audit entries) in order", "tags": ["transparency"], "security": [],
      "description": public + " Leaf index i is audit entry seq i+1.",
      "parameters": [q("start", "first leaf index", {"type": "integer", "minimum": 0, "default": 0}),
                     q("limit", "leaves to return", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100})],
      "responses": {**ok("leaves from start (fewer at the end of the log)", ref("TransparencyLeaves")), "400": err("bad start or limit")}}},
  "/api/v1/transparency/leaves/{index}/inclusion": {"get": {"summary": "Inclusion proof (audit path) for a leaf", "tags": ["transparency"], "security": [],
      "description": public + " Verify with RFC 9162 §2.1.3.2: the leaf hash, leaf_index, tree_size and audit_path give the signed head's root_hash.",
      "parameters": [p("index", "leaf index (0-based)"), tree_size],
      "responses": {**ok("the leaf and its audit path", ref("InclusionProof")), "404": err("no such leaf"), **proof_errors}}},
  "/api/v1/transparency/records/{id}/versions/{version}/inclusion": {"get": {"summary": "Inclusion proof for a record version", "tags": ["transparency"], "security": [],
      "description": public + " The leaf is the audit entry of object record:{id}@{version} (its insert, revision or withdrawal); its digest is the SHA-256 of that version's content.",
      "parameters": [p("id", "record id"), p("version", "record version, 1 or more"), tree_size],
      "responses": {**ok("the leaf and its audit path", ref("InclusionProof")), "404": err("the log has no entry for this record version"), **proof_errors}}},
  "/api/v1/transparency/consistency": {"get": {"summary": "Consistency proof between two tree sizes", "tags": ["transparency"], "security": [],
      "description": public + " Verify with RFC 9162 §2.1.4.2: proves that the tree of `first` leaves is a prefix of the tree of `second` leaves, i.e. nothing published was rewritten.",
      "parameters": [q("first", "the older tree size", {"type": "integer", "minimum": 1}, required=True),
                     q("second", "the newer tree size; default: the current size", {"type": "integer", "minimum": 1})],
      "responses": {**ok("the consistency path", ref("ConsistencyProof")), **proof_errors}}},
}

leaf = {"type": "object", "properties": {
    "index": {"type": "integer"}, "seq": {"type": "integer"},
    "at": {"type": "string", "format": "date-time"}, "at_micros": {"type": "integer"},
    "actor": {"type": "string"}, "action": {"type": "string"}, "object": {"type": "string"},
    "digest": hex32,
    "leaf_hash": {**hex32, "description": "SHA-256(0x00 || be64(seq) || be64(at_micros) || lp(actor) || lp(action) || lp(object) || digest), lp = be32 length prefix"}}}

SCHEMAS = {
  "TreeHead": {"type": "object", "properties": {
      "tree_size": {"type": "integer"}, "timestamp": {"type": "string", "format": "date-time"},
      "timestamp_ms": {"type": "integer"}, "root_hash": hex32,
      "signature_algorithm": {"type": "string", "enum": ["ed25519"]},
      "signature": {"type": "string", "description": "64 bytes, hex"},
      "public_key": {"type": "string", "description": "32 bytes, hex"},
      "signed_data": {"type": "string", "description": "the 50 signed bytes, hex"}}},
  "TransparencyLeaf": leaf,
  "TransparencyLeaves": {"type": "object", "properties": {"start": {"type": "integer"}, "items": {"type": "array", "items": ref("TransparencyLeaf")}}},
  "InclusionProof": {"type": "object", "properties": {
      "leaf_index": {"type": "integer"}, "tree_size": {"type": "integer"}, "leaf": ref("TransparencyLeaf"),
      "audit_path": {"type": "array", "items": hex32}}},
  "ConsistencyProof": {"type": "object", "properties": {
      "first": {"type": "integer"}, "second": {"type": "integer"}, "consistency_path": {"type": "array", "items": hex32}}},
}
