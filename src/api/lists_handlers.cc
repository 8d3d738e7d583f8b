// Lists: the definitions of the red lists and blacklists of the policy.
#include <fmt/format.h>

#include "api/api_internal.h"
#include "lists/lists.h"
#include "text/text.h"

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

// The members of a public list, as the stored ratings saw them, in code order. Natural persons'
// ID numbers are masked for those who may not see their files, and the public finds persons by
// their whole ID number only.
Result<Response> ListMembers(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal viewer, Caller(s, request));
  CREDENCE_ASSIGN_OR_RETURN(Paging paging, ParsePaging(request));
  if (s.lists == nullptr) return Fail(Error::Unavailable("lists are not configured"));
  std::string_view key = request.Param("list");
  const lists::ListDefinition* list = s.lists->Find(key);
  if (list == nullptr || !list->is_public) {
    return Fail(Error::NotFound(fmt::format("no public list {}", key)));
  }
  std::string_view q = request.Query("q").value_or("");
  if (q.size() > 200)
    return Fail(Error::InvalidArgument("parameter", "q is longer than 200 bytes"));
  store::ListMemberQuery query;
  query.list = list->key;
  query.search = text::NormalizeName(q);
  query.search_persons = !viewer.is_public();
  query.offset = paging.offset;
  query.limit = paging.limit;
  CREDENCE_ASSIGN_OR_RETURN(auto page, s.store->ListListMembers(query));
  JsonWriter json;
  WritePageEnvelopeStart(json);
  for (const store::ListMember& member : page.items) {
    store::Subject subject = s.files->Redact(viewer, member.subject);
    json.StartObject()
        .Field("code", subject.code)
        .Field("name", subject.name)
        .Field("kind", ids::SubjectKindKey(subject.kind))
        .Field("region", subject.region)
        .Field("region_name", ids::DivisionFullName(subject.region))
        .Field("as_of", member.as_of.ToString())
        .EndObject();
  }
  WritePageEnvelopeEnd(json, page.total, page.offset, page.limit);
  json.Field("list", list->key).Key("name");
  WriteText(json, list->name);
  json.Field("type", lists::ListTypeKey(list->type)).EndObject();
  return Response::Json(json.Take());
}

}  // namespace

void RegisterListRoutes(http::Router& router, Services& services) {
  Services* s = &services;
  router.Add(Method::kGet, "/api/v1/lists",
             [s](const Request& r) { return Handle([&] { return ListLists(*s, r); }); });
  router.Add(Method::kGet, "/api/v1/lists/{list}/members",
             [s](const Request& r) { return Handle([&] { return ListMembers(*s, r); }); });
}

}  // namespace credence::api
