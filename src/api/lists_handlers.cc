// Lists: the definitions of the red lists and blacklists of the policy.
#include "api/api_internal.h"
#include "lists/lists.h"

namespace credence::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

void WriteList(JsonWriter& json, const lists::ListDefinition& list) {
  json.StartObject().Field("key", list.key).Key("name");
  WriteText(json, list.name);
  json.Field("type", lists::ListTypeKey(list.type))
      .Field("family", lists::ListFamilyKey(list.family))
      .Field("public", list.is_public)
      .Field("legal_basis", list.legal_basis)
      .Key("source_kinds")
      .StartArray();
  for (const std::string& kind : list.kinds) json.String(kind);
  json.EndArray().Key("subject_kinds").StartArray();
  for (ids::SubjectKind kind : list.subject_kinds) json.String(ids::SubjectKindKey(kind));
  json.EndArray()
      .Key("extension")
      .StartObject()
      .Field("allowed", list.extension.allowed)
      .Field("min_months", static_cast<int64_t>(list.extension.min_months))
      .Field("max_months", static_cast<int64_t>(list.extension.max_months))
      .EndObject()
      .Key("removal_events")
      .StartArray();
  for (const lists::RemovalEvent& event : list.removal_events) {
    json.StartObject().Field("key", event.key).Key("name");
    WriteText(json, event.name);
    json.EndObject();
  }
  json.EndArray()
      .Field("ends_with_record_expiry", list.ends_with_record_expiry)
      .Field("lists_legal_representative", list.lists_legal_representative)
      .EndObject();
}

// Public lists for everyone; lists that are not public only for signed-in roles.
Result<Response> ListLists(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal viewer, Caller(s, request));
  if (s.lists == nullptr) return Fail(Error::Unavailable("lists are not configured"));
  JsonWriter json;
  json.StartObject().Field("policy_version", s.lists->policy_version()).Key("items").StartArray();
  for (const lists::ListDefinition& list : s.lists->lists()) {
    if (!list.is_public && viewer.is_public()) continue;
    WriteList(json, list);
  }
  json.EndArray().EndObject();
  return Response::Json(json.Take());
}

}  // namespace

void RegisterListRoutes(http::Router& router, Services& services) {
  Services* s = &services;
  router.Add(Method::kGet, "/api/v1/lists",
             [s](const Request& r) { return Handle([&] { return ListLists(*s, r); }); });
}

}  // namespace credence::api
