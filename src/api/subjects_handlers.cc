// Credit files: search, profiles, records and record history.
#include <charconv>

#include <fmt/format.h>

#include "api/api_internal.h"
#include "ids/ids.h"

namespace credence::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

void WriteOptionalDate(JsonWriter& json, std::string_view key, const std::optional<Date>& date) {
  json.Key(key);
  if (date) {
    json.String(date->ToString());
  } else {
    json.Null();
  }
}

Result<Response> SearchSubjects(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal viewer, Caller(s, request));
  CREDENCE_ASSIGN_OR_RETURN(Paging paging, ParsePaging(request));
  std::string_view query = request.Query("q").value_or("");
  if (query.empty()) {
    return Fail(Error::InvalidArgument("parameter", "q (a name or a code) is required"));
  }
  if (query.size() > 200) {
    return Fail(Error::InvalidArgument("parameter", "q is longer than 200 bytes"));
  }
  // Residents are found by the public only by their full ID number, never by name.
  search::SearchOptions options;
  options.match_resident_names = !viewer.is_public();
  search::SearchResult found = s.index->Search(query, paging.offset, paging.limit, options);
  CREDENCE_ASSIGN_OR_RETURN(auto subjects, s.subjects->GetSubjects(found.subject_ids));
  JsonWriter json;
  WritePageEnvelopeStart(json);
  for (const store::Subject& subject : subjects) {
    WriteSubjectSummary(json, s.files->Redact(viewer, subject));
  }
  WritePageEnvelopeEnd(json, found.total, paging.offset, paging.limit);
  json.Field("total_capped", found.total_capped).EndObject();
  return Response::Json(json.Take());
}

Result<Response> GetProfile(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal viewer, Caller(s, request));
  CREDENCE_ASSIGN_OR_RETURN(files::Profile profile,
                            s.files->GetProfile(viewer, request.Param("code"), s.clock->Today()));
  JsonWriter json;
  WriteProfile(json, *s.catalog, profile);
  return Response::Json(json.Take());
}

}  // namespace

void WriteProfile(JsonWriter& json, const policy::Catalog& catalog, const files::Profile& profile) {
  const store::Subject& subject = profile.subject;
  json.StartObject()
      .Field("code", subject.code)
      .Field("name", subject.name)
      .Field("kind", ids::SubjectKindKey(subject.kind))
      .Field("code_kind", ids::CodeKindKey(subject.code_kind))
      .Field("region", subject.region)
      .Field("region_name", profile.region_name)
      .Field("industry", subject.industry);
  WriteOptionalDate(json, "registered_on", subject.registered_on);
  json.Field("status", store::SubjectStatusKey(subject.status))
      .Field("legal_representative", subject.legal_representative)
      .Field("code_flagged", subject.code_flagged)
      .Field("view", profile.full_view ? "full" : "public")
      .Field("catalog_version", catalog.version())
      .Key("counts")
      .StartArray();
  for (const files::CategoryCount& count : profile.counts) {
    json.StartObject().Field("category", count.category).Key("name");
    WriteText(json, *count.name);
    json.Field("visible", count.visible);
    if (profile.full_view) json.Field("total", count.total);
    json.EndObject();
  }
  json.EndArray().Field("visible_records", profile.visible_records);
  if (profile.full_view) {
    json.Field("created_at", subject.created_at.ToString())
        .Field("updated_at", subject.updated_at.ToString());
  }
  json.EndObject();
}

namespace {

Result<Response> ListRecords(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal viewer, Caller(s, request));
  CREDENCE_ASSIGN_OR_RETURN(Paging paging, ParsePaging(request));
  files::RecordFilter filter;
  filter.category = std::string(request.Query("category").value_or(""));
  filter.offset = paging.offset;
  filter.limit = paging.limit;
  if (auto status = request.Query("status"); status && !status->empty()) {
    filter.status = store::ParseRecordStatus(*status);
    if (!filter.status) {
      return Fail(Error::InvalidArgument(
          "parameter", fmt::format("status must be active, withdrawn, restored or expired, not "
                                   "'{}'",
                                   *status)));
    }
  }
  CREDENCE_ASSIGN_OR_RETURN(
      auto page, s.files->ListRecords(viewer, request.Param("code"), filter, s.clock->Today()));
  JsonWriter json;
  WritePageEnvelopeStart(json);
  for (const files::RecordView& view : page.items) WriteRecord(json, *s.catalog, view);
  WritePageEnvelopeEnd(json, page.total, page.offset, page.limit);
  json.EndObject();
  return Response::Json(json.Take());
}

Result<Response> GetRecord(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal viewer, Caller(s, request));
  std::string_view id_text = request.Param("id");
  int64_t id = 0;
  auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (ec != std::errc() || end != id_text.data() + id_text.size()) {
    return Fail(
        Error::InvalidArgument("parameter", fmt::format("'{}' is not a record id", id_text)));
  }
  CREDENCE_ASSIGN_OR_RETURN(auto versions, s.store->ListRecordVersions(id));
  if (versions.empty()) return Fail(Error::NotFound(fmt::format("no record {}", id)));
  CREDENCE_ASSIGN_OR_RETURN(auto subject, s.subjects->GetSubject(versions.back().subject_id));
  if (!subject) return Fail(Error::Internal(fmt::format("record {} has no subject", id)));
  CREDENCE_ASSIGN_OR_RETURN(bool full,
                            s.files->OpenFile(viewer, *subject, fmt::format("record:{}", id)));
  if (!full) return Fail(Error::PermissionDenied("this record's subject is outside your scope"));
  Date today = s.clock->Today();
  JsonWriter json;
  json.StartObject().Field("subject", subject->code).Key("current");
  std::vector<files::RecordView> current(1);
  current[0].record = versions.back();
  current[0].publicity_state = s.files->PublicityState(versions.back(), today);
  if (const auto* kind = s.catalog->FindKind(versions.back().kind)) {
    current[0].category = kind->category;
  }
  CREDENCE_RETURN_IF_ERROR(s.files->MarkObjections(subject->id, current, true));
  WriteRecord(json, *s.catalog, current[0]);
  json.Key("versions").StartArray();
  for (const store::Record& version : versions) {
    files::RecordView view;
    view.record = version;
    view.category = current[0].category;
    view.publicity_state = s.files->PublicityState(version, today);
    WriteRecord(json, *s.catalog, view);
  }
  json.EndArray().EndObject();
  return Response::Json(json.Take());
}

}  // namespace

void WriteSubjectSummary(JsonWriter& json, const store::Subject& subject) {
  json.StartObject()
      .Field("code", subject.code)
      .Field("name", subject.name)
      .Field("kind", ids::SubjectKindKey(subject.kind))
      .Field("region", subject.region)
      .Field("region_name", ids::DivisionFullName(subject.region))
      .Field("status", store::SubjectStatusKey(subject.status))
      .EndObject();
}

void WriteRecord(JsonWriter& json, const policy::Catalog& catalog, const files::RecordView& view) {
  const store::Record& record = view.record;
  const policy::RecordKind* kind = catalog.FindKind(record.kind);
  const policy::Department* department = catalog.FindDepartment(record.department);
  json.StartObject().Field("id", record.id).Field("kind", record.kind).Key("kind_name");
  WriteText(json, kind != nullptr ? kind->name : policy::Text{record.kind, record.kind});
  json.Field("category", view.category)
      .Field("department", record.department)
      .Key("department_name");
  WriteText(json, department != nullptr ? department->name
                                        : policy::Text{record.department, record.department});
  json.Field("source_ref", record.source_ref)
      .Field("decided_at", record.decided_at.ToString())
      .Field("tier", record.tier)
      .Field("document_no", record.document_no)
      .Field("legal_basis", record.legal_basis)
      .Field("status", store::RecordStatusKey(record.status))
      .Field("status_reason", record.status_reason)
      .Field("publicity_state", view.publicity_state)
      .Field("under_objection", view.under_objection);
  json.Key("objection_case");
  if (view.objection_case != 0) {
    json.Int(view.objection_case);
  } else {
    json.Null();
  }
  json.Key("objection_note");
  if (!view.objection_note.empty()) {
    json.String(view.objection_note);
  } else {
    json.Null();
  }
  json.Key("publicity").StartObject().Field("start", record.publicity_start.ToString());
  WriteOptionalDate(json, "min_end", record.publicity_min_end);
  WriteOptionalDate(json, "max_end", record.publicity_max_end);
  json.Field("published", record.published)
      .EndObject()
      .Field("version", static_cast<int64_t>(record.version))
      .Field("flagged", record.flagged)
      .Field("batch", record.batch_id)
      .Key("payload")
      .Raw(record.payload.empty() ? std::string_view("{}") : std::string_view(record.payload))
      .Field("updated_at", record.updated_at.ToString())
      .EndObject();
}

void RegisterSubjectRoutes(http::Router& router, Services& services) {
  Services* s = &services;
  router.Add(Method::kGet, "/api/v1/subjects",
             [s](const Request& r) { return Handle([&] { return SearchSubjects(*s, r); }); });
  router.Add(Method::kGet, "/api/v1/subjects/{code}",
             [s](const Request& r) { return Handle([&] { return GetProfile(*s, r); }); });
  router.Add(Method::kGet, "/api/v1/subjects/{code}/records",
             [s](const Request& r) { return Handle([&] { return ListRecords(*s, r); }); });
  router.Add(Method::kGet, "/api/v1/records/{id}",
             [s](const Request& r) { return Handle([&] { return GetRecord(*s, r); }); });
}

}  // namespace credence::api
