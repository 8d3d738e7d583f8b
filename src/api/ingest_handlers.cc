// Department feeds over HTTP: submit a batch, read its report, list batch history.
#include <fmt/format.h>

#include "api/api_internal.h"

namespace credence::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

Result<ingest::Format> FormatOf(const Request& request) {
  if (auto format = request.Query("format"); format && !format->empty()) {
    auto parsed = ingest::ParseFormat(*format);
    if (!parsed) {
      return Fail(Error::InvalidArgument(
          "parameter", fmt::format("format must be auto, ndjson or csv, not '{}'", *format)));
    }
    return *parsed;
  }
  std::string_view type = request.Header("content-type");
  if (type.find("ndjson") != std::string_view::npos ||
      type.find("jsonl") != std::string_view::npos) {
    return ingest::Format::kNdjson;
  }
  if (type.find("csv") != std::string_view::npos) return ingest::Format::kCsv;
  return ingest::Format::kAuto;
}

// The uploaded file's name, for the batch history: ?name=, else the Content-Disposition
// filename* (RFC 6266, UTF-8) or filename parameter, else "http". Paths are cut to the base name.
std::string SourceName(const Request& request) {
  std::string name;
  if (auto query = request.Query("name"); query && !query->empty()) {
    name = std::string(*query);
  } else {
    std::string_view disposition = request.Header("content-disposition");
    if (size_t at = disposition.find("filename*="); at != std::string_view::npos) {
      std::string_view value = disposition.substr(at + 10);
      value = value.substr(0, value.find(';'));
      if (size_t quote = value.find("''"); quote != std::string_view::npos) {
        value.remove_prefix(quote + 2);
      }
      name = http::PercentDecode(value);
    } else if (size_t plain = disposition.find("filename="); plain != std::string_view::npos) {
      std::string_view value = disposition.substr(plain + 9);
      value = value.substr(0, value.find(';'));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      name = std::string(value);
    }
  }
  if (size_t slash = name.find_last_of("/\\"); slash != std::string::npos) {
    name.erase(0, slash + 1);
  }
  if (name.empty()) return "http";
  return name.size() > 200 ? name.substr(0, 200) : name;
}

Result<Response> SubmitBatch(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal caller, Caller(s, request));
  CREDENCE_ASSIGN_OR_RETURN(ingest::Format format, FormatOf(request));
  ingest::BatchInput input;
  input.department = caller.department;
  input.actor = caller.ActorName();
  input.source_name = SourceName(request);
  input.format = format;
  input.data = request.body;
  CREDENCE_ASSIGN_OR_RETURN(ingest::BatchReport report, s.ingestor->Submit(input));
  Response response = Response::Json(ingest::BatchReportJson(report), 201);
  response.headers.emplace_back("Location",
                                "/api/v1/ingest/batches/" + ingest::BatchName(report.batch_id));
  return response;
}

// Departments see their own batches; operators and auditors see all.
Status CheckBatchAccess(const auth::Principal& caller, const store::Batch& batch) {
  if (caller.role == auth::Role::kDepartment && caller.department != batch.department) {
    return Fail(Error::PermissionDenied("this batch belongs to another department"));
  }
  return OkStatus();
}

Result<Response> GetBatch(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal caller, Caller(s, request));
  auto id = ingest::ParseBatchName(request.Param("batch"));
  if (!id) {
    return Fail(Error::InvalidArgument(
        "parameter", fmt::format("'{}' is not a batch id (b-000042)", request.Param("batch"))));
  }
  CREDENCE_ASSIGN_OR_RETURN(auto batch, s.store->GetBatch(*id));
  if (!batch) return Fail(Error::NotFound(fmt::format("no batch {}", request.Param("batch"))));
  CREDENCE_RETURN_IF_ERROR(CheckBatchAccess(caller, *batch));
  return Response::Json(batch->report_json);
}

Result<Response> ListBatches(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal caller, Caller(s, request));
  CREDENCE_ASSIGN_OR_RETURN(Paging paging, ParsePaging(request));
  std::string department = caller.role == auth::Role::kDepartment
                               ? caller.department
                               : std::string(request.Query("department").value_or(""));
  CREDENCE_ASSIGN_OR_RETURN(auto page,
                            s.store->ListBatches(department, paging.offset, paging.limit));
  JsonWriter json;
  WritePageEnvelopeStart(json);
  for (const store::Batch& batch : page.items) {
    json.StartObject()
        .Field("batch", ingest::BatchName(batch.id))
        .Field("department", batch.department)
        .Field("actor", batch.actor)
        .Field("format", batch.format)
        .Field("source_name", batch.source_name)
        .Field("started_at", batch.started_at.ToString())
        .Field("finished_at", batch.finished_at.ToString())
        .Field("submitted", batch.submitted)
        .Field("accepted", batch.accepted)
        .Field("updated", batch.updated)
        .Field("unchanged", batch.unchanged)
        .Field("rejected", batch.rejected)
        .EndObject();
  }
  WritePageEnvelopeEnd(json, page.total, page.offset, page.limit);
  json.EndObject();
  return Response::Json(json.Take());
}

}  // namespace

void RegisterIngestRoutes(http::Router& router, Services& services) {
  Services* s = &services;
  http::RouteOptions upload;
  upload.blocking = true;
  upload.max_body_bytes = s->catalog->ingest().max_body_bytes;
  router.Add(
      Method::kPost, "/api/v1/ingest/batches",
      [s](const Request& r) { return Handle([&] { return SubmitBatch(*s, r); }); }, upload);
  router.Add(Method::kGet, "/api/v1/ingest/batches",
             [s](const Request& r) { return Handle([&] { return ListBatches(*s, r); }); });
  router.Add(Method::kGet, "/api/v1/ingest/batches/{batch}",
             [s](const Request& r) { return Handle([&] { return GetBatch(*s, r); }); });
}

}  // namespace credence::api
