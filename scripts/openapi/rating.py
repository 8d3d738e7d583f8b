# Stored ratings: their history, list members and the level statistics.
PATHS = {
  "/api/v1/subjects/{code}/rating/history": {"get": {"summary": "The changes of a subject's stored rating, newest first", "tags": ["ratings"],
      "description": "An entry is written whenever the stored score or level changed: by re-rating after each ingest batch, by the daily job and by `credence rate --all`. Natural persons only for viewers of their full file (404 for the public).",
      "parameters": [p("code", "USCC or resident ID number")] + paging,
      "responses": {**ok("a page of changes and the subject's code", {"allOf": [page(ref("RatingChange")), {"type": "object", "properties": {"code": {"type": "string"}}}]}),
                    "400": err("bad offset or limit"), "404": err("no subject with this code, or a person viewed by the public")}}},
  "/api/v1/lists/{list}/members": {"get": {"summary": "The members of a public list, searchable by name or code", "tags": ["lists"], "security": [],
      "description": "From the stored ratings (memberships active on their day, of public lists, published for the subject's kind), in code order. Resident ID numbers are masked for viewers who may not see the person's file; the public finds persons by their whole ID number only.",
      "parameters": [p("list", "list key (GET /api/v1/lists)"), q("q", "part of a name, or the start of a code")] + paging,
      "responses": {**ok("a page of members with the list's name and type", {"allOf": [page(ref("ListMember")), {"type": "object", "properties": {"list": {"type": "string"}, "name": text(), "type": {"type": "string", "enum": ["blacklist", "redlist"]}}}]}),
                    "400": err("bad paging or too long q"), "404": err("no public list with this key")}}},
  "/api/v1/stats/ratings": {"get": {"summary": "Rating levels counted by county, industry and subject kind", "tags": ["statistics", "ratings"], "security": [],
      "description": "From the stored ratings. Natural persons are counted for signed-in roles only.",
      "responses": ok("the level distribution", ref("RatingStats"))}},
}

SCHEMAS = {
  "ListMember": {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string"},
      "region": {"type": "string"}, "region_name": {"type": "string"}, "as_of": {"type": "string", "format": "date", "description": "the day of the rating that saw the membership"}}},
  "LevelCounts": {"type": "object", "properties": {"levels": {"type": "object", "properties": {"A+": {"type": "integer"}, "A": {"type": "integer"}, "B": {"type": "integer"}, "C": {"type": "integer"}, "D": {"type": "integer"}}}, "total": {"type": "integer"}}},
  "RatingGroup": {"allOf": [ref("LevelCounts"), {"type": "object", "properties": {"key": {"type": "string", "description": "division code, GB/T 4754 section (empty: unknown) or subject kind"}, "name": {"type": "string", "description": "division name (by_county only)"}}}]},
  "RatingStats": {"allOf": [ref("LevelCounts"), {"type": "object", "properties": {
      "by_county": {"type": "array", "items": ref("RatingGroup")}, "by_industry": {"type": "array", "items": ref("RatingGroup")}, "by_kind": {"type": "array", "items": ref("RatingGroup")}}}]},
  "RatingChange": {"type": "object", "properties": {
      "as_of": {"type": "string", "format": "date-time", "description": "the day of the rating, at 00:00:00Z"},
      "score": {"type": "integer"}, "level": {"type": "string", "enum": ["A+", "A", "B", "C", "D"]},
      "model_version": {"type": "string"},
      "digest": {"type": "string", "description": "hex SHA-256 of the full rating JSON stored then"}}},
}
