// Data quality of the department feeds: the operators' dashboard.
#include <charconv>

#include <fmt/format.h>

#include "api/api_internal.h"
#include "quality/quality.h"

namespace credence::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

void WriteReasons(JsonWriter& json, const std::vector<quality::ReasonCount>& reasons) {
  json.StartArray();
  for (const quality::ReasonCount& reason : reasons) {
    json.StartObject().Field("code", reason.code).Field("rows", reason.rows).EndObject();
  }
  json.EndArray();
}

Result<Response> GetQuality(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal caller,
                            RequireRole(s, request, {auth::Role::kOperator, auth::Role::kAuditor}));
  if (s.quality == nullptr) return Fail(Error::Unavailable("data quality is not configured"));
  int days = 30;
  if (auto text = request.Query("days")) {
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), days);
    if (ec != std::errc() || end != text->data() + text->size() || days < 1 || days > 366) {
      return Fail(Error::InvalidArgument(
          "parameter", fmt::format("days must be a whole number from 1 to 366, not '{}'", *text)));
    }
  }
  CREDENCE_ASSIGN_OR_RETURN(
      quality::QualityReport report,
      quality::Assess(*s.store, *s.catalog, *s.quality, s.clock->Now(), days));
  JsonWriter json;
  json.StartObject()
      .Field("from", report.from.ToString())
      .Field("to", report.to.ToString())
      .Field("days", static_cast<int64_t>(report.days))
      .Field("batches", report.batches)
      .Field("submitted", report.submitted)
      .Field("rejected", report.rejected)
      .Field("code_errors", report.code_errors)
      .Key("reasons");
  WriteReasons(json, report.reasons);
  json.Key("departments").StartArray();
  for (const quality::DepartmentQuality& department : report.departments) {
    json.StartObject().Field("department", department.department).Key("name");
    WriteText(json, department.name);
    json.Field("batches", department.batches)
        .Field("submitted", department.submitted)
        .Field("accepted", department.accepted)
        .Field("updated", department.updated)
        .Field("unchanged", department.unchanged)
        .Field("rejected", department.rejected)
        .Field("code_errors", department.code_errors)
        .Key("last_batch_at");
    if (department.last_batch_at) {
      json.String(department.last_batch_at->ToString());
    } else {
      json.Null();
    }
    json.Key("days_since_last_batch");
    if (department.days_since_last_batch) {
      json.Int(*department.days_since_last_batch);
    } else {
      json.Null();
    }
    json.Field("expected_feed_days", static_cast<int64_t>(department.expected_feed_days))
        .Field("late", department.late)
        .Key("reasons");
    WriteReasons(json, department.reasons);
    json.EndObject();
  }
  json.EndArray().Key("daily").StartArray();
  for (const quality::DayVolume& volume : report.daily) {
    json.StartObject()
        .Field("day", volume.day.ToString())
        .Field("department", volume.department)
        .Field("submitted", volume.submitted)
        .Field("rejected", volume.rejected)
        .EndObject();
  }
  json.EndArray().EndObject();
  return Response::Json(json.Take());
}

}  // namespace

void RegisterQualityRoutes(http::Router& router, Services& services) {
  Services* s = &services;
  router.Add(Method::kGet, "/api/v1/quality",
             [s](const Request& r) { return Handle([&] { return GetQuality(*s, r); }); });
}

}  // namespace credence::api
