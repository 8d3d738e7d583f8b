// Health, metrics, the API description, identifiers, policy, statistics and the caller.
#include <algorithm>
#include <fstream>
#include <mutex>
#include <sstream>

#include <fmt/format.h>

#include "api/api_internal.h"
#include "common/hash.h"
#include "ids/ids.h"

namespace credence::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

Result<Response> CheckId(const Request& request) {
  ids::CodeCheck check = ids::CheckCode(request.Param("code"));
  JsonWriter json;
  json.StartObject()
      .Field("input", check.input)
      .Field("normalized", check.normalized)
      .Field("valid", check.valid)
      .Field("kind", ids::CodeKindKey(check.kind))
      .Key("failure");
  if (check.valid) {
    json.Null();
  } else {
    json.String(ids::FailureNameFor(check.kind, check.failure));
  }
  json.Field("message", check.message)
      .Field("division_code", check.division_code)
      .Field("division_name", check.division_name);
  if (check.kind == ids::CodeKind::kUscc) {
    json.Field("organisation_type", check.organisation_type)
        .Field("organisation_type_name", check.organisation_type_name);
  }
  json.EndObject();
  // A resident's birth date and sex are personal data: the verdict is enough.
  return Response::Json(json.Take());
}

Result<Response> GetPolicy(Services& s) {
  const policy::Catalog& catalog = *s.catalog;
  JsonWriter json;
  json.StartObject()
      .Field("version", catalog.version())
      .Field("edition", catalog.edition())
      .Key("categories")
      .StartArray();
  for (const policy::Category& category : catalog.categories()) {
    json.StartObject().Field("key", category.key).Key("name");
    WriteText(json, category.name);
    json.Field("order", category.order).EndObject();
  }
  json.EndArray().Key("kinds").StartArray();
  for (const policy::RecordKind& kind : catalog.kinds()) {
    json.StartObject().Field("key", kind.key).Key("name");
    WriteText(json, kind.name);
    json.Field("category", kind.category)
        .Field("polarity", policy::PolarityKey(kind.polarity))
        .Field("tiered", kind.tiered)
        .Field("restorable", kind.restorable)
        .Field("legal_basis", kind.legal_basis)
        .Field("public_legal_person", kind.public_legal_person)
        .Field("public_natural_person", kind.public_natural_person)
        .Key("departments")
        .StartArray();
    for (const std::string& department : kind.departments) json.String(department);
    json.EndArray().Key("required_fields").StartArray();
    for (const std::string& field : kind.required_fields) json.String(field);
    json.EndArray().EndObject();
  }
  json.EndArray().Key("departments").StartArray();
  for (const policy::Department& department : catalog.departments()) {
    json.StartObject().Field("key", department.key).Key("name");
    WriteText(json, department.name);
    json.Field("code", department.code).EndObject();
  }
  json.EndArray().EndObject();
  return Response::Json(json.Take());
}

// Statistics change by the batch, not by the request: the grouped counts (which scan the
// tables) are computed at most once a minute and shared.
class StatsCache {
 public:
  Result<Response> Get(Services& s) {
    Timestamp now = s.clock->Now();
    std::lock_guard lock(mutex_);
    if (!body_.empty() && now.micros() - computed_at_.micros() < kMaxAgeMicros) {
      return Response::Json(body_);
    }
    CREDENCE_ASSIGN_OR_RETURN(store::StoreStats stats, s.store->Stats());
    CREDENCE_ASSIGN_OR_RETURN(auto regions, s.store->CountSubjectsByRegion());
    CREDENCE_ASSIGN_OR_RETURN(auto kinds, s.store->CountRecordsByKind());
    JsonWriter json;
    json.StartObject()
        .Field("subjects", stats.subjects)
        .Field("records", stats.records)
        .Field("batches", stats.batches)
        .Field("catalog_version", s.catalog->version())
        .Field("computed_at", now.ToString())
        .Key("by_region")
        .StartArray();
    for (const store::GroupCount& region : regions) {
      json.StartObject()
          .Field("region", region.key)
          .Field("region_name", ids::DivisionFullName(region.key))
          .Field("subjects", region.count)
          .EndObject();
    }
    json.EndArray().Key("by_kind").StartArray();
    for (const store::GroupCount& kind : kinds) {
      json.StartObject().Field("kind", kind.key).Key("name");
      const policy::RecordKind* known = s.catalog->FindKind(kind.key);
      WriteText(json, known != nullptr ? known->name : policy::Text{kind.key, kind.key});
      json.Field("count", kind.count).EndObject();
    }
    json.EndArray().EndObject();
    body_ = json.Take();
    computed_at_ = now;
    return Response::Json(body_);
  }

 private:
  static constexpr int64_t kMaxAgeMicros = 60ll * 1000000;
  std::mutex mutex_;
  std::string body_;
  Timestamp computed_at_;
};

Result<Response> GetMe(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal caller, Caller(s, request));
  JsonWriter json;
  json.StartObject().Field("role", auth::RoleKey(caller.role));
  if (!caller.department.empty()) {
    json.Field("department", caller.department);
    if (const auto* department = s.catalog->FindDepartment(caller.department)) {
      json.Key("department_name");
      WriteText(json, department->name);
    }
  }
  if (!caller.region.empty()) json.Field("region", caller.region);
  if (!caller.subject_code.empty()) json.Field("subject", caller.subject_code);
  if (caller.token_id != 0) json.Field("token", caller.token_id);
  if (caller.account_id != 0) json.Field("account", caller.account_id);
  json.EndObject();
  return Response::Json(json.Take());
}

Result<Response> GetAuditHead(Services& s) {
  CREDENCE_ASSIGN_OR_RETURN(store::StoreStats stats, s.store->Stats());
  // Sequence numbers are gap-free, so the head is the entry numbered by the count.
  store::AuditEntry head;
  CREDENCE_RETURN_IF_ERROR(
      s.store->ScanAudit(std::max<int64_t>(stats.audit_entries, 1), [&](const auto& entry) {
        head = entry;
        return OkStatus();
      }));
  JsonWriter json;
  json.StartObject()
      .Field("entries", stats.audit_entries)
      .Field("seq", head.seq)
      .Field("head_hash", HexEncode(head.hash))
      .Field("at", head.at.ToString())
      .EndObject();
  return Response::Json(json.Take());
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

void RegisterSystemRoutes(http::Router& router, Services& services) {
  Services* s = &services;
  std::string health = fmt::format(R"({{"status":"ok","version":"{}"}})", s->version);
  router.Add(Method::kGet, "/healthz", [health](const Request&) { return Response::Json(health); });
  router.Add(Method::kGet, "/metrics", [s](const Request&) {
    return Response::Text(s->metrics->RenderPrometheus(), "text/plain; version=0.0.4");
  });
  // Read once: the document is part of the build, not of the data.
  auto openapi = std::make_shared<std::string>(ReadFile(s->openapi_path));
  router.Add(Method::kGet, "/api/v1/openapi.json", [openapi](const Request&) {
    if (openapi->empty()) {
      return Response::FromError(Error::Unavailable("the OpenAPI document was not found"));
    }
    return Response::Json(*openapi);
  });
  router.Add(Method::kGet, "/api/v1/ids/{code}",
             [](const Request& r) { return Handle([&] { return CheckId(r); }); });
  router.Add(Method::kGet, "/api/v1/policy",
             [s](const Request&) { return Handle([&] { return GetPolicy(*s); }); });
  auto stats = std::make_shared<StatsCache>();
  router.Add(Method::kGet, "/api/v1/stats",
             [s, stats](const Request&) { return Handle([&] { return stats->Get(*s); }); });
  router.Add(Method::kGet, "/api/v1/me",
             [s](const Request& r) { return Handle([&] { return GetMe(*s, r); }); });
  router.Add(Method::kGet, "/api/v1/audit/head",
             [s](const Request&) { return Handle([&] { return GetAuditHead(*s); }); });
}

}  // namespace credence::api
