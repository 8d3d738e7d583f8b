// Transparency: the audit log as an RFC 6962 Merkle tree, for anyone to check that a record
// version was published and that the log was never rewritten (audit/audit.h gives the hashes).
// Every route is public: leaves carry ids, actions and content digests, never record content.
#include <fmt/format.h>

#include "api/api_internal.h"

namespace credence::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

constexpr int64_t kMaxLeavesPerPage = 1000;

Result<audit::TransparencyLog*> Log(Services& s) {
  if (s.transparency == nullptr) {
    return Fail(Error::Unavailable("the transparency log is not configured"));
  }
  return s.transparency;
}

// An optional non-negative integer query parameter (0 when absent).
Result<int64_t> QueryNumber(const Request& request, std::string_view name) {
  auto text = request.Query(name);
  if (!text) return int64_t{0};
  return ParseNonNegative(name, *text);
}

void WriteHashes(JsonWriter& json, std::string_view key, const std::vector<audit::Hash>& hashes) {
  json.Key(key).StartArray();
  for (const audit::Hash& hash : hashes) json.String(HexEncode(hash));
  json.EndArray();
}

void WriteLeaf(JsonWriter& json, const store::AuditEntry& entry) {
  json.StartObject()
      .Field("index", entry.seq - 1)
      .Field("seq", entry.seq)
      .Field("at", entry.at.ToString())
      .Field("at_micros", entry.at.micros())
      .Field("actor", entry.actor)
      .Field("action", entry.action)
      .Field("object", entry.object)
      .Field("digest", HexEncode(entry.digest))
      .Field("leaf_hash", HexEncode(audit::LeafHash(audit::LeafData(entry))))
      .EndObject();
}

Result<Response> GetHead(Services& s) {
  CREDENCE_ASSIGN_OR_RETURN(audit::TransparencyLog * log, Log(s));
  CREDENCE_ASSIGN_OR_RETURN(audit::TransparencyLog::SignedHead head, log->Head());
  JsonWriter json;
  json.StartObject()
      .Field("tree_size", head.head.tree_size)
      .Field("timestamp", head.head.timestamp.ToString())
      .Field("timestamp_ms", head.head.timestamp.micros() / 1000)
      .Field("root_hash", HexEncode(head.head.root))
      .Field("signature_algorithm", "ed25519")
      .Field("signature", HexEncode(head.signature))
      .Field("public_key", HexEncode(log->public_key()))
      .Field("signed_data", HexEncode(audit::TreeHeadSignedData(head.head)))
      .EndObject();
  return Response::Json(json.Take());
}

Response InclusionResponse(const audit::TransparencyLog::Inclusion& inclusion) {
  JsonWriter json;
  json.StartObject()
      .Field("leaf_index", inclusion.leaf_index)
      .Field("tree_size", inclusion.tree_size)
      .Key("leaf");
  WriteLeaf(json, inclusion.entry);
  WriteHashes(json, "audit_path", inclusion.path);
  json.EndObject();
  return Response::Json(json.Take());
}

Result<Response> GetLeafProof(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(audit::TransparencyLog * log, Log(s));
  CREDENCE_ASSIGN_OR_RETURN(int64_t index, ParseNonNegative("index", request.Param("index")));
  CREDENCE_ASSIGN_OR_RETURN(int64_t tree_size, QueryNumber(request, "tree_size"));
  CREDENCE_ASSIGN_OR_RETURN(auto inclusion, log->ProveLeaf(index, tree_size));
  return InclusionResponse(inclusion);
}

Result<Response> GetRecordVersionProof(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(audit::TransparencyLog * log, Log(s));
  CREDENCE_ASSIGN_OR_RETURN(int64_t id, ParseNonNegative("id", request.Param("id")));
  CREDENCE_ASSIGN_OR_RETURN(int64_t version, ParseNonNegative("version", request.Param("version")));
  if (version < 1 || version > INT32_MAX) {
    return Fail(Error::InvalidArgument("version", "a record version is 1 or more"));
  }
  CREDENCE_ASSIGN_OR_RETURN(int64_t tree_size, QueryNumber(request, "tree_size"));
  CREDENCE_ASSIGN_OR_RETURN(auto inclusion,
                            log->ProveRecordVersion(id, static_cast<int32_t>(version), tree_size));
  return InclusionResponse(inclusion);
}

Result<Response> GetConsistency(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(audit::TransparencyLog * log, Log(s));
  if (!request.Query("first")) {
    return Fail(Error::InvalidArgument("first", "first (the older tree size) is required"));
  }
  CREDENCE_ASSIGN_OR_RETURN(int64_t first, QueryNumber(request, "first"));
  CREDENCE_ASSIGN_OR_RETURN(int64_t second, QueryNumber(request, "second"));
  CREDENCE_ASSIGN_OR_RETURN(auto consistency, log->ProveConsistency(first, second));
  JsonWriter json;
  json.StartObject().Field("first", consistency.first).Field("second", consistency.second);
  WriteHashes(json, "consistency_path", consistency.path);
  json.EndObject();
  return Response::Json(json.Take());
}

Result<Response> GetLeaves(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(audit::TransparencyLog * log, Log(s));
  CREDENCE_ASSIGN_OR_RETURN(int64_t start, QueryNumber(request, "start"));
  int64_t limit = 100;
  if (request.Query("limit")) {
    CREDENCE_ASSIGN_OR_RETURN(limit, QueryNumber(request, "limit"));
    if (limit < 1 || limit > kMaxLeavesPerPage) {
      return Fail(Error::InvalidArgument(
          "limit", fmt::format("limit must be between 1 and {}", kMaxLeavesPerPage)));
    }
  }
  CREDENCE_ASSIGN_OR_RETURN(std::vector<store::AuditEntry> entries, log->Leaves(start, limit));
  JsonWriter json;
  json.StartObject().Field("start", start).Key("items").StartArray();
  for (const store::AuditEntry& entry : entries) WriteLeaf(json, entry);
  json.EndArray().EndObject();
  return Response::Json(json.Take());
}

}  // namespace

void RegisterTransparencyRoutes(http::Router& router, Services& services) {
  Services* s = &services;
  router.Add(Method::kGet, "/api/v1/transparency/head",
             [s](const Request&) { return Handle([&] { return GetHead(*s); }); });
  router.Add(Method::kGet, "/api/v1/transparency/leaves",
             [s](const Request& r) { return Handle([&] { return GetLeaves(*s, r); }); });
  router.Add(Method::kGet, "/api/v1/transparency/leaves/{index}/inclusion",
             [s](const Request& r) { return Handle([&] { return GetLeafProof(*s, r); }); });
  router.Add(
      Method::kGet, "/api/v1/transparency/records/{id}/versions/{version}/inclusion",
      [s](const Request& r) { return Handle([&] { return GetRecordVersionProof(*s, r); }); });
  router.Add(Method::kGet, "/api/v1/transparency/consistency",
             [s](const Request& r) { return Handle([&] { return GetConsistency(*s, r); }); });
}

}  // namespace credence::api
