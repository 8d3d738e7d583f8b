// Due process: objections, restoration applications, credit commitments, the subject's
// notifications and the operators' escalation list (dueprocess/dueprocess.h).
#include <charconv>

#include <fmt/format.h>

#include "api/api_internal.h"
#include "common/hash.h"
#include "dueprocess/dueprocess.h"

namespace credence::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

Result<dueprocess::DueProcess*> Workflows(Services& s) {
  if (s.dueprocess == nullptr) {
    return Fail(Error::Unavailable("due process is not configured on this server"));
  }
  return s.dueprocess;
}

Result<int64_t> IdParam(const Request& request, std::string_view name) {
  std::string_view text = request.Param(name);
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return Fail(Error::InvalidArgument("parameter", fmt::format("'{}' is not an id", text)));
  }
  return id;
}

Result<JsonValue> Body(const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(JsonValue body, ParseJson(request.body));
  if (!body.is_object()) return Fail(Error::InvalidArgument("body", "the body must be an object"));
  return body;
}

// A text member; absent is empty, any other type an error naming the field.
Result<std::string> TextField(const JsonValue& body, std::string_view key) {
  const JsonValue* value = body.Find(key);
  if (value == nullptr || value->is_null()) return std::string();
  if (!value->is_string()) {
    return Fail(Error::InvalidArgument(std::string(key), fmt::format("{} must be text", key)));
  }
  return value->as_string();
}

Result<bool> BoolField(const JsonValue& body, std::string_view key) {
  const JsonValue* value = body.Find(key);
  if (value == nullptr || !value->is_bool()) {
    return Fail(
        Error::InvalidArgument(std::string(key), fmt::format("{} must be true or false", key)));
  }
  return value->as_bool();
}

Result<int64_t> IdField(const JsonValue& body, std::string_view key) {
  const JsonValue* value = body.Find(key);
  if (value == nullptr || value->type() != JsonValue::Type::kInt || value->as_int() <= 0) {
    return Fail(Error::InvalidArgument(std::string(key), fmt::format("{} must be an id", key)));
  }
  return value->as_int();
}

// [{"name": "...", "content_base64": "..."}] (standard or URL-safe base64).
Result<std::vector<dueprocess::Upload>> Attachments(const JsonValue& body) {
  std::vector<dueprocess::Upload> uploads;
  const JsonValue* list = body.Find("attachments");
  if (list == nullptr || list->is_null()) return uploads;
  if (!list->is_array()) {
    return Fail(Error::InvalidArgument("attachments", "attachments must be a list"));
  }
  for (const JsonValue& item : list->as_array()) {
    std::optional<std::string_view> encoded = item.GetString("content_base64");
    if (!encoded) {
      return Fail(Error::InvalidArgument("attachments",
                                         "each attachment needs content_base64 (and a name)"));
    }
    std::string url_safe;
    url_safe.reserve(encoded->size());
    for (char c : *encoded) {
      if (c == '+') {
        url_safe += '-';
      } else if (c == '/') {
        url_safe += '_';
      } else if (c != '=' && c != '\n' && c != '\r') {
        url_safe += c;
      }
    }
    dueprocess::Upload upload;
    upload.name = std::string(item.GetString("name").value_or(""));
    if (!Base64UrlDecode(url_safe, &upload.content)) {
      return Fail(Error::InvalidArgument("attachments", "an attachment is not valid base64"));
    }
    uploads.push_back(std::move(upload));
  }
  return uploads;
}

void WriteOptionalDay(JsonWriter& json, std::string_view key, const std::optional<Date>& day) {
  json.Key(key);
  if (day) {
    json.String(day->ToString());
  } else {
    json.Null();
  }
}

void WriteCase(JsonWriter& json, const policy::Catalog& catalog, const dueprocess::CaseView& view) {
  const store::Case& c = view.case_;
  json.StartObject()
      .Field("id", c.id)
      .Field("kind", c.kind)
      .Field("status", c.status)
      .Field("open", c.open)
      .Key("subject")
      .StartObject()
      .Field("code", view.subject_code)
      .Field("name", view.subject_name)
      .EndObject()
      .Key("record_id");
  if (c.record_id != 0) {
    json.Int(c.record_id);
  } else {
    json.Null();
  }
  json.Field("department", c.department).Key("department_name");
  const policy::Department* department = catalog.FindDepartment(c.department);
  WriteText(json,
            department != nullptr ? department->name : policy::Text{c.department, c.department});
  json.Field("filed_at", c.filed_at.ToString())
      .Field("updated_at", c.updated_at.ToString())
      .Field("due_on", c.due_on.ToString());
  WriteOptionalDay(json, "answer_due_on", c.answer_due_on);
  json.Field("overdue", view.overdue)
      .Field("working_days_left", static_cast<int64_t>(view.working_days_left))
      .Key("escalated_to");
  if (view.escalated_to.empty()) {
    json.Null();
  } else {
    json.String(view.escalated_to);
  }
  json.Field("version", static_cast<int64_t>(c.version)).Key("detail").Value(view.detail);
  json.EndObject();
}

Response CaseResponse(Services& s, const dueprocess::CaseView& view, int status = 200) {
  JsonWriter json;
  WriteCase(json, *s.catalog, view);
  return Response::Json(json.Take(), status);
}

Result<Response> ListCases(Services& s, const Request& request, std::string_view kind) {
  CREDENCE_ASSIGN_OR_RETURN(auto* workflows, Workflows(s));
  CREDENCE_ASSIGN_OR_RETURN(
      auth::Principal caller,
      RequireRole(s, request,
                  {auth::Role::kSubject, auth::Role::kDepartment, auth::Role::kOperator}));
  CREDENCE_ASSIGN_OR_RETURN(Paging paging, ParsePaging(request));
  dueprocess::CaseFilter filter;
  filter.kind = std::string(kind);
  filter.offset = paging.offset;
  filter.limit = paging.limit;
  if (auto open = request.Query("open")) {
    if (*open != "true" && *open != "false") {
      return Fail(Error::InvalidArgument("parameter", "open must be true or false"));
    }
    filter.open = *open == "true";
  }
  CREDENCE_ASSIGN_OR_RETURN(auto page, workflows->List(caller, filter));
  JsonWriter json;
  WritePageEnvelopeStart(json);
  for (const auto& view : page.items) WriteCase(json, *s.catalog, view);
  WritePageEnvelopeEnd(json, page.total, page.offset, page.limit);
  json.Field("today", s.clock->Today().ToString()).EndObject();
  return Response::Json(json.Take());
}

Result<Response> FileObjection(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auto* workflows, Workflows(s));
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal caller,
                            RequireRole(s, request, {auth::Role::kSubject}));
  CREDENCE_ASSIGN_OR_RETURN(JsonValue body, Body(request));
  CREDENCE_ASSIGN_OR_RETURN(int64_t record_id, IdField(body, "record_id"));
  CREDENCE_ASSIGN_OR_RETURN(std::string grounds, TextField(body, "grounds"));
  CREDENCE_ASSIGN_OR_RETURN(auto uploads, Attachments(body));
  CREDENCE_ASSIGN_OR_RETURN(auto view,
                            workflows->FileObjection(caller, record_id, grounds, uploads));
  return CaseResponse(s, view, 201);
}

Result<Response> DecideObjection(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auto* workflows, Workflows(s));
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal caller,
                            RequireRole(s, request, {auth::Role::kDepartment}));
  CREDENCE_ASSIGN_OR_RETURN(int64_t id, IdParam(request, "id"));
  CREDENCE_ASSIGN_OR_RETURN(JsonValue body, Body(request));
  dueprocess::ObjectionDecision decision;
  CREDENCE_ASSIGN_OR_RETURN(decision.outcome, TextField(body, "outcome"));
  CREDENCE_ASSIGN_OR_RETURN(decision.reasons, TextField(body, "reasons"));
  if (const JsonValue* changes = body.Find("changes")) decision.changes = *changes;
  CREDENCE_ASSIGN_OR_RETURN(auto view, workflows->DecideObjection(caller, id, decision));
  return CaseResponse(s, view);
}

Result<Response> ApplyForRestoration(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auto* workflows, Workflows(s));
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal caller,
                            RequireRole(s, request, {auth::Role::kSubject}));
  CREDENCE_ASSIGN_OR_RETURN(JsonValue body, Body(request));
  CREDENCE_ASSIGN_OR_RETURN(int64_t record_id, IdField(body, "record_id"));
  CREDENCE_ASSIGN_OR_RETURN(std::string proof, TextField(body, "proof"));
  CREDENCE_ASSIGN_OR_RETURN(std::string commitment, TextField(body, "commitment"));
  CREDENCE_ASSIGN_OR_RETURN(auto uploads, Attachments(body));
  CREDENCE_ASSIGN_OR_RETURN(
      auto view, workflows->ApplyForRestoration(caller, record_id, proof, commitment, uploads));
  return CaseResponse(s, view, 201);
}

// A yes/no decision of a department on case {id}: {"<flag>": bool, "reasons": "..."}.
using YesNoDecision = Result<dueprocess::CaseView> (dueprocess::DueProcess::*)(
    const auth::Principal&, int64_t, bool, std::string_view);
Result<Response> DecideYesNo(Services& s, const Request& request, std::string_view flag,
                             YesNoDecision decide) {
  CREDENCE_ASSIGN_OR_RETURN(auto* workflows, Workflows(s));
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal caller,
                            RequireRole(s, request, {auth::Role::kDepartment}));
  CREDENCE_ASSIGN_OR_RETURN(int64_t id, IdParam(request, "id"));
  CREDENCE_ASSIGN_OR_RETURN(JsonValue body, Body(request));
  CREDENCE_ASSIGN_OR_RETURN(bool yes, BoolField(body, flag));
  CREDENCE_ASSIGN_OR_RETURN(std::string reasons, TextField(body, "reasons"));
  CREDENCE_ASSIGN_OR_RETURN(auto view, (workflows->*decide)(caller, id, yes, reasons));
  return CaseResponse(s, view);
}

Result<Response> RestorationOutlook(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auto* workflows, Workflows(s));
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal caller,
                            RequireRole(s, request, {auth::Role::kSubject}));
  CREDENCE_ASSIGN_OR_RETURN(auto outlook, workflows->Outlook(caller));
  JsonWriter json;
  json.StartObject().Field("today", s.clock->Today().ToString()).Key("items").StartArray();
  for (const dueprocess::RestorationOutlook& item : outlook) {
    json.StartObject().Field("record_id", item.record_id).Field("kind", item.kind).Key("kind_name");
    const policy::RecordKind* kind = s.catalog->FindKind(item.kind);
    WriteText(json, kind != nullptr ? kind->name : policy::Text{item.kind, item.kind});
    json.Field("document_no", item.document_no).Field("publicity_state", item.publicity_state);
    WriteOptionalDay(json, "restorable_from", item.restorable_from);
    WriteOptionalDay(json, "expires_on", item.expires_on);
    json.Field("may_apply_now", item.may_apply_now).Key("reason");
    if (item.reason.empty()) {
      json.Null();
    } else {
      json.String(item.reason);
    }
    json.EndObject();
  }
  json.EndArray().EndObject();
  return Response::Json(json.Take());
}

Result<Response> SignCommitment(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auto* workflows, Workflows(s));
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal caller,
                            RequireRole(s, request, {auth::Role::kSubject}));
  CREDENCE_ASSIGN_OR_RETURN(JsonValue body, Body(request));
  CREDENCE_ASSIGN_OR_RETURN(std::string type, TextField(body, "type"));
  CREDENCE_ASSIGN_OR_RETURN(std::string department, TextField(body, "department"));
  CREDENCE_ASSIGN_OR_RETURN(std::string matter, TextField(body, "matter"));
  CREDENCE_ASSIGN_OR_RETURN(std::string text, TextField(body, "text"));
  CREDENCE_ASSIGN_OR_RETURN(std::string deadline_text, TextField(body, "deadline"));
  Result<Date> deadline = Date::Parse(deadline_text);
  if (!deadline) {
    return Fail(Error::InvalidArgument("deadline", "deadline must be a date, YYYY-MM-DD"));
  }
  CREDENCE_ASSIGN_OR_RETURN(
      auto view, workflows->SignCommitment(caller, type, department, matter, text, *deadline));
  return CaseResponse(s, view, 201);
}

Result<Response> GetCase(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auto* workflows, Workflows(s));
  CREDENCE_ASSIGN_OR_RETURN(
      auth::Principal caller,
      RequireRole(s, request,
                  {auth::Role::kSubject, auth::Role::kDepartment, auth::Role::kOperator}));
  CREDENCE_ASSIGN_OR_RETURN(int64_t id, IdParam(request, "id"));
  CREDENCE_ASSIGN_OR_RETURN(auto view, workflows->Get(caller, id));
  return CaseResponse(s, view);
}

Result<Response> GetAttachment(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auto* workflows, Workflows(s));
  CREDENCE_ASSIGN_OR_RETURN(
      auth::Principal caller,
      RequireRole(s, request,
                  {auth::Role::kSubject, auth::Role::kDepartment, auth::Role::kOperator}));
  CREDENCE_ASSIGN_OR_RETURN(int64_t id, IdParam(request, "id"));
  std::string_view index_text = request.Param("index");
  int32_t index = -1;
  auto [end, ec] = std::from_chars(index_text.data(), index_text.data() + index_text.size(), index);
  if (ec != std::errc() || end != index_text.data() + index_text.size()) {
    return Fail(Error::InvalidArgument("parameter", "index must be a number"));
  }
  CREDENCE_ASSIGN_OR_RETURN(auto content, workflows->ReadAttachment(caller, id, index));
  Response response = Response::Text(std::move(content.bytes), content.content_type);
  // Served as a download, never rendered in the portal's origin.
  response.headers.push_back({"Content-Disposition", "attachment"});
  response.headers.push_back({"X-Content-Type-Options", "nosniff"});
  return response;
}

Result<Response> ListNotifications(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auto* workflows, Workflows(s));
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal caller,
                            RequireRole(s, request, {auth::Role::kSubject}));
  CREDENCE_ASSIGN_OR_RETURN(Paging paging, ParsePaging(request));
  CREDENCE_ASSIGN_OR_RETURN(auto page,
                            workflows->Notifications(caller, paging.offset, paging.limit));
  JsonWriter json;
  WritePageEnvelopeStart(json);
  for (const store::Notification& notification : page.items) {
    json.StartObject()
        .Field("id", notification.id)
        .Field("at", notification.at.ToString())
        .Field("topic", notification.topic)
        .Field("case_id", notification.case_id)
        .Key("message")
        .Raw(notification.body)
        .EndObject();
  }
  WritePageEnvelopeEnd(json, page.total, page.offset, page.limit);
  json.EndObject();
  return Response::Json(json.Take());
}

Result<Response> ListEscalations(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auto* workflows, Workflows(s));
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal caller,
                            RequireRole(s, request, {auth::Role::kOperator}));
  CREDENCE_ASSIGN_OR_RETURN(Paging paging, ParsePaging(request));
  CREDENCE_ASSIGN_OR_RETURN(auto page, workflows->Escalations(caller, paging.offset, paging.limit));
  JsonWriter json;
  WritePageEnvelopeStart(json);
  for (const auto& view : page.items) WriteCase(json, *s.catalog, view);
  WritePageEnvelopeEnd(json, page.total, page.offset, page.limit);
  json.Field("today", s.clock->Today().ToString()).EndObject();
  return Response::Json(json.Take());
}

}  // namespace

void RegisterDueProcessRoutes(http::Router& router, Services& services) {
  Services* s = &services;
  auto add = [&](Method method, std::string pattern,
                 std::function<Result<Response>(Services&, const Request&)> body,
                 http::RouteOptions options = {}) {
    router.Add(
        method, std::move(pattern),
        [s, body](const Request& r) { return Handle([&] { return body(*s, r); }); }, options);
  };
  // Filings carry attachments as base64: room for the policy's largest set of them.
  http::RouteOptions filing;
  if (services.dueprocess_settings != nullptr) {
    const dueprocess::Settings& settings = *services.dueprocess_settings;
    filing.max_body_bytes =
        settings.attachment_max_bytes * settings.attachment_max_files * 4 / 3 + (256 << 10);
  }
  add(Method::kPost, "/api/v1/objections", FileObjection, filing);
  add(Method::kGet, "/api/v1/objections",
      [](Services& s, const Request& r) { return ListCases(s, r, dueprocess::kObjection); });
  add(Method::kPost, "/api/v1/objections/{id}/decision", DecideObjection);
  add(Method::kPost, "/api/v1/restorations", ApplyForRestoration, filing);
  add(Method::kGet, "/api/v1/restorations",
      [](Services& s, const Request& r) { return ListCases(s, r, dueprocess::kRestoration); });
  add(Method::kGet, "/api/v1/restorations/outlook", RestorationOutlook);
  add(Method::kPost, "/api/v1/restorations/{id}/decision", [](Services& s, const Request& r) {
    return DecideYesNo(s, r, "approve", &dueprocess::DueProcess::DecideRestoration);
  });
  add(Method::kPost, "/api/v1/commitments", SignCommitment);
  add(Method::kGet, "/api/v1/commitments",
      [](Services& s, const Request& r) { return ListCases(s, r, dueprocess::kCommitment); });
  add(Method::kPost, "/api/v1/commitments/{id}/decision", [](Services& s, const Request& r) {
    return DecideYesNo(s, r, "kept", &dueprocess::DueProcess::DecideCommitment);
  });
  add(Method::kGet, "/api/v1/cases/{id}", GetCase);
  add(Method::kGet, "/api/v1/cases/{id}/attachments/{index}", GetAttachment);
  add(Method::kGet, "/api/v1/notifications", ListNotifications);
  add(Method::kGet, "/api/v1/escalations", ListEscalations);
}

}  // namespace credence::api
