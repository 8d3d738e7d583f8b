# Stored ratings: their history, list members and the level statistics.
PATHS = {
  "/api/v1/subjects/{code}/rating/history": {"get": {"summary": "The changes of a subject's stored rating, newest first", "tags": ["ratings"],
      "description": "An entry is written whenever the stored score or level changed: by re-rating after each ingest batch, by the daily job and by `credence rate --all`. Natural persons only for viewers of their full file (404 for the public).",
      "parameters": [p("code", "USCC or resident ID number")] + paging,
      "responses": {**ok("a page of changes and the subject's code", {"allOf": [page(ref("RatingChange")), {"type": "object", "properties": {"code": {"type": "string"}}}]}),
                    "400": err("bad offset or limit"), "404": err("no subject with this code, or a person viewed by the public")}}},
}

SCHEMAS = {
  "RatingChange": {"type": "object", "properties": {
      "as_of": {"type": "string", "format": "date-time", "description": "the day of the rating, at 00:00:00Z"},
      "score": {"type": "integer"}, "level": {"type": "string", "enum": ["A+", "A", "B", "C", "D"]},
      "model_version": {"type": "string"},
      "digest": {"type": "string", "description": "hex SHA-256 of the full rating JSON stored then"}}},
}
