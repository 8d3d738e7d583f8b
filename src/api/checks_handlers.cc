// Credit checks of joint rewards and punishments (FORMATS.md "Credit checks"): a department asks
// which measures apply to a subject in a business scenario, every check is recorded, and the
// department reports per measure what it did.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "api/api_internal.h"
#include "checks/checks.h"
#include "lists/lists.h"

namespace credence::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

constexpr size_t kMaxFeedbackItems = 1000;

// Who may read checks: departments (their own), operators and auditors.
Result<auth::Principal> RequireCheckReader(Services& s, const Request& request) {
  return RequireRole(s, request,
                     {auth::Role::kDepartment, auth::Role::kOperator, auth::Role::kAuditor});
}

Status RequireChecks(const Services& s) {
  if (s.measures == nullptr || s.lists == nullptr || s.rating_models == nullptr) {
    return Fail(Error::Unavailable("credit checks are not configured on this server"));
  }
  return OkStatus();
}

// A code as departments send it: normalised, 18 letters and digits (legacy codes that fail their
// check character are still looked up: a check must not refuse what the file holds).
Result<std::string> CheckedCode(const JsonValue& value, std::string_view field) {
  if (!value.is_string()) {
    return Fail(Error::InvalidArgument("subject", "a subject code must be a string")
                    .At(0, std::string(field)));
  }
  std::string code = ids::NormalizeCode(value.as_string());
  bool well_formed = code.size() == 18 && std::all_of(code.begin(), code.end(), [](char c) {
                       return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
                     });
  if (!well_formed) {
    return Fail(Error::InvalidArgument(
                    "subject", fmt::format("\"{}\" is not a unified social credit code or resident "
                                           "ID number (18 letters and digits)",
                                           value.as_string().substr(0, 40)))
                    .At(0, std::string(field)));
  }
  return code;
}

// The measures part of a check's answer, kept with the check as the department saw it.
std::string MeasuresJson(const std::vector<checks::MeasureHit>& hits) {
  JsonWriter json;
  json.StartArray();
  for (const checks::MeasureHit& hit : hits) {
    const checks::Measure& measure = *hit.measure;
    json.StartObject()
        .Field("key", measure.key)
        .Field("kind", checks::MeasureKindKey(measure.kind))
        .Key("name");
    WriteText(json, measure.name);
    json.Field("legal_basis", measure.LegalBasisText()).Key("action_required");
    WriteText(json, measure.action);
    json.Key("memoranda").StartArray();
    for (const std::string& memorandum : measure.memoranda) json.String(memorandum);
    json.EndArray().Key("departments").StartArray();
    for (const std::string& department : measure.departments) json.String(department);
    json.EndArray().Key("duration_months");
    if (measure.duration_months > 0) {
      json.Int(measure.duration_months);
    } else {
      json.Null();
    }
    json.Key("grounds").StartArray();
    for (const std::string& ground : hit.grounds) json.String(ground);
    json.EndArray().EndObject();
  }
  json.EndArray();
  return json.Take();
}

void WriteCheck(JsonWriter& json, const store::CreditCheck& check, Date today) {
  json.StartObject()
      .Field("id", check.id)
      .Field("subject", check.subject_code)
      .Field("found", check.subject_id != 0)
      .Field("department", check.department)
      .Field("scenario", check.scenario)
      .Key("level");
  if (check.level.empty()) {
    json.Null();
  } else {
    json.String(check.level);
  }
  json.Key("lists").StartArray();
  for (const std::string& list : check.lists) json.String(list);
  json.EndArray()
      .Key("measures")
      .Raw(check.result_json)
      .Field("region", check.region)
      .Field("checked_at", check.checked_at.ToString())
      .Field("feedback_due", check.feedback_due.ToString())
      .Key("answered_at");
  if (check.answered_at) {
    json.String(check.answered_at->ToString());
  } else {
    json.Null();
  }
  json.Field("overdue", checks::IsOverdue(check, today)).Key("feedback").StartArray();
  for (const store::CheckFeedback& feedback : check.feedback) {
    json.StartObject()
        .Field("key", feedback.measure)
        .Field("action", feedback.action)
        .Field("reason", feedback.reason)
        .Field("actor", feedback.actor)
        .Field("at", feedback.at.ToString())
        .EndObject();
  }
  json.EndArray().EndObject();
}

// Looks the subject up and decides the measures; the check is not stored yet.
Result<store::CreditCheck> PrepareCheck(Services& s, const auth::Principal& caller,
                                        const std::string& code, checks::Scenario scenario,
                                        Timestamp now, Date today) {
  store::CreditCheck check;
  check.department = caller.department;
  check.actor = caller.ActorName();
  check.subject_code = code;
  check.scenario = std::string(checks::ScenarioKey(scenario));
  check.checked_at = now;
  check.feedback_due = lists::AddWorkingDays(today, s.measures->settings().feedback_working_days);
  CREDENCE_ASSIGN_OR_RETURN(std::optional<store::Subject> subject,
                            s.store->FindSubjectByCode(code));
  std::vector<checks::MeasureHit> hits;
  if (subject) {
    check.subject_id = subject->id;
    check.region = subject->region;
    // The level comes from the rating, as every other reader of it gets it.
    CREDENCE_ASSIGN_OR_RETURN(std::optional<rating::Rating> rating,
                              RateSubject(s, caller, *subject, today));
    std::optional<rating::Level> level;
    if (rating) {
      level = rating->level;
      check.level = std::string(rating::LevelKey(rating->level));
    }
    CREDENCE_ASSIGN_OR_RETURN(std::vector<store::Record> records,
                              AllRecords(*s.store, subject->id));
    std::vector<lists::Membership> memberships =
        lists::DeriveMemberships(*s.lists, *subject, records, today);
    for (const lists::Membership& membership : memberships) {
      if (!membership.active) continue;
      const std::string& key = membership.list->key;
      if (std::find(check.lists.begin(), check.lists.end(), key) == check.lists.end()) {
        check.lists.push_back(key);
      }
    }
    checks::SubjectStanding standing{&*subject, level, memberships, records};
    hits = checks::SelectMeasures(*s.measures, standing, scenario, today);
  }
  for (const checks::MeasureHit& hit : hits) check.measures.push_back(hit.measure->key);
  check.result_json = MeasuresJson(hits);
  return check;
}

Result<checks::Scenario> ScenarioOf(const JsonValue& body) {
  const JsonValue* scenario = body.Find("scenario");
  if (scenario == nullptr || !scenario->is_string()) {
    return Fail(Error::InvalidArgument("scenario", "scenario is required (a scenario key)")
                    .At(0, "scenario"));
  }
  std::optional<checks::Scenario> parsed = checks::ParseScenario(scenario->as_string());
  if (!parsed) {
    return Fail(Error::InvalidArgument("scenario", fmt::format("unknown scenario \"{}\"",
                                                               scenario->as_string().substr(0, 60)))
                    .At(0, "scenario"));
  }
  return *parsed;
}

// POST /api/v1/checks: one subject ({"subject"}) or a batch ({"subjects": [...]}).
Result<Response> RunChecks(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal caller,
                            RequireRole(s, request, {auth::Role::kDepartment}));
  CREDENCE_RETURN_IF_ERROR(RequireChecks(s));
  CREDENCE_ASSIGN_OR_RETURN(JsonValue body, ParseJson(request.body));
  if (!body.is_object())
    return Fail(Error::InvalidArgument("body", "the body must be a JSON object"));
  CREDENCE_ASSIGN_OR_RETURN(checks::Scenario scenario, ScenarioOf(body));
  const JsonValue* one = body.Find("subject");
  const JsonValue* many = body.Find("subjects");
  if ((one == nullptr) == (many == nullptr)) {
    return Fail(
        Error::InvalidArgument("subject", "give either subject (one code) or subjects (a list)"));
  }
  std::vector<std::string> codes;
  if (one != nullptr) {
    CREDENCE_ASSIGN_OR_RETURN(std::string code, CheckedCode(*one, "subject"));
    codes.push_back(std::move(code));
  } else {
    size_t most = static_cast<size_t>(s.measures->settings().batch_max_subjects);
    if (!many->is_array() || many->as_array().empty()) {
      return Fail(Error::InvalidArgument("subjects", "subjects must be a non-empty list of codes")
                      .At(0, "subjects"));
    }
    if (many->as_array().size() > most) {
      return Fail(Error::ResourceExhausted(
          "too_many_subjects", fmt::format("a batch check names at most {} subjects, not {}", most,
                                           many->as_array().size())));
    }
    Error invalid = Error::InvalidArgument("subjects", "some subject codes are not valid");
    for (size_t i = 0; i < many->as_array().size(); ++i) {
      Result<std::string> code = CheckedCode(many->as_array()[i], fmt::format("subjects[{}]", i));
      if (!code) {
        if (invalid.details().size() < 100) invalid.AddDetail(std::move(code).error());
        continue;
      }
      codes.push_back(std::move(*code));
    }
    if (!invalid.details().empty()) return Fail(std::move(invalid));
  }

  Timestamp now = s.clock->Now();
  Date today = now.ShanghaiDate();
  std::vector<store::CreditCheck> prepared;
  prepared.reserve(codes.size());
  for (const std::string& code : codes) {
    CREDENCE_ASSIGN_OR_RETURN(store::CreditCheck check,
                              PrepareCheck(s, caller, code, scenario, now, today));
    prepared.push_back(std::move(check));
  }
  {
    CREDENCE_ASSIGN_OR_RETURN(std::unique_ptr<store::WriteTxn> txn, s.store->BeginWrite());
    CREDENCE_RETURN_IF_ERROR(txn->InsertChecks(prepared));
    CREDENCE_RETURN_IF_ERROR(txn->Commit());
  }
  if (s.metrics != nullptr) {
    s.metrics->GetCounter("credence_credit_checks_total", "Subjects checked by departments")
        .Add(static_cast<int64_t>(prepared.size()));
  }
  JsonWriter json;
  if (one != nullptr) {
    WriteCheck(json, prepared.front(), today);
  } else {
    json.StartArray();
    for (const store::CreditCheck& check : prepared) WriteCheck(json, check, today);
    json.EndArray();
  }
  return Response::Json(json.Take(), 201);
}

Result<int64_t> CheckId(const Request& request) {
  std::string_view text = request.Param("id");
  int64_t id = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) {
    return Fail(
        Error::InvalidArgument("parameter", "a check id is a positive whole number").At(0, "id"));
  }
  return id;
}

// The check, if the caller may see it: its own department, operators and auditors.
Result<store::CreditCheck> VisibleCheck(Services& s, const auth::Principal& caller, int64_t id) {
  CREDENCE_ASSIGN_OR_RETURN(std::optional<store::CreditCheck> check, s.store->GetCheck(id));
  if (!check ||
      (caller.role == auth::Role::kDepartment && check->department != caller.department)) {
    return Fail(Error::NotFound(fmt::format("no credit check {} of this department", id)));
  }
  return std::move(*check);
}

Result<Response> GetCheck(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal caller, RequireCheckReader(s, request));
  CREDENCE_ASSIGN_OR_RETURN(int64_t id, CheckId(request));
  CREDENCE_ASSIGN_OR_RETURN(store::CreditCheck check, VisibleCheck(s, caller, id));
  JsonWriter json;
  WriteCheck(json, check, s.clock->Today());
  return Response::Json(json.Take());
}

Result<Response> GiveFeedback(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal caller,
                            RequireRole(s, request, {auth::Role::kDepartment}));
  CREDENCE_ASSIGN_OR_RETURN(int64_t id, CheckId(request));
  CREDENCE_ASSIGN_OR_RETURN(JsonValue body, ParseJson(request.body));
  const JsonValue* items = body.Find("measures");
  if (items == nullptr || !items->is_array()) {
    return Fail(
        Error::InvalidArgument("feedback", "measures must be a list of {key, action, reason}")
            .At(0, "measures"));
  }
  if (items->as_array().size() > kMaxFeedbackItems) {
    return Fail(Error::InvalidArgument("feedback", "too many feedback items").At(0, "measures"));
  }
  std::vector<checks::FeedbackInput> inputs;
  for (size_t i = 0; i < items->as_array().size(); ++i) {
    const JsonValue& item = items->as_array()[i];
    checks::FeedbackInput input;
    if (!item.is_object()) {
      return Fail(Error::InvalidArgument("feedback", "each item must be an object")
                      .At(0, fmt::format("measures[{}]", i)));
    }
    input.measure = std::string(item.GetString("key").value_or(""));
    input.action = std::string(item.GetString("action").value_or(""));
    input.reason = std::string(item.GetString("reason").value_or(""));
    inputs.push_back(std::move(input));
  }
  Timestamp now = s.clock->Now();
  // Read the check after taking the write lock: feedback given meanwhile is seen, so that the
  // last missing measure marks the check answered whatever the order of concurrent reports.
  CREDENCE_ASSIGN_OR_RETURN(std::unique_ptr<store::WriteTxn> txn, s.store->BeginWrite());
  CREDENCE_ASSIGN_OR_RETURN(store::CreditCheck check, VisibleCheck(s, caller, id));
  CREDENCE_ASSIGN_OR_RETURN(std::vector<store::CheckFeedback> rows,
                            checks::PrepareFeedback(check, inputs, caller.ActorName(), now));
  std::optional<Timestamp> answered;
  if (checks::FeedbackComplete(check, rows)) answered = now;
  CREDENCE_RETURN_IF_ERROR(txn->AddCheckFeedback(id, rows, answered));
  CREDENCE_RETURN_IF_ERROR(txn->Commit());
  txn.reset();
  CREDENCE_ASSIGN_OR_RETURN(store::CreditCheck updated, VisibleCheck(s, caller, id));
  JsonWriter json;
  WriteCheck(json, updated, now.ShanghaiDate());
  return Response::Json(json.Take());
}

// GET /api/v1/checks: the caller's checks (operators and auditors: all, or ?department=),
// ?overdue=true for those waiting for feedback past their day.
Result<Response> ListChecks(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal caller, RequireCheckReader(s, request));
  CREDENCE_ASSIGN_OR_RETURN(Paging paging, ParsePaging(request));
  store::CheckQuery query;
  query.offset = paging.offset;
  query.limit = paging.limit;
  query.department = caller.role == auth::Role::kDepartment
                         ? caller.department
                         : std::string(request.Query("department").value_or(""));
  Date today = s.clock->Today();
  if (auto overdue = request.Query("overdue")) {
    if (*overdue != "true" && *overdue != "false") {
      return Fail(
          Error::InvalidArgument("parameter", "overdue must be true or false").At(0, "overdue"));
    }
    if (*overdue == "true") query.overdue_on = today;
  }
  CREDENCE_ASSIGN_OR_RETURN(store::Page<store::CreditCheck> page, s.store->ListChecks(query));
  JsonWriter json;
  WritePageEnvelopeStart(json);
  for (const store::CreditCheck& check : page.items) WriteCheck(json, check, today);
  WritePageEnvelopeEnd(json, page.total, page.offset, page.limit);
  json.EndObject();
  return Response::Json(json.Take());
}

Result<Date> DayParameter(const Request& request, std::string_view name, Date fallback) {
  auto text = request.Query(name);
  if (!text || text->empty()) return fallback;
  Result<Date> day = Date::Parse(*text);
  if (!day) {
    return Fail(
        Error::InvalidArgument("parameter", fmt::format("{} must be a date YYYY-MM-DD", name))
            .At(0, std::string(name)));
  }
  return *day;
}

void WriteStatisticsRow(JsonWriter& json, const checks::CheckStatisticsRow& row) {
  json.StartObject()
      .Field("key", row.key)
      .Field("checks", row.checks)
      .Field("hits", row.hits)
      .Field("measures", row.measures)
      .Field("feedback", row.feedback)
      .Field("feedback_rate", row.feedback_rate())
      .Field("applied", row.applied)
      .Field("not_applied", row.not_applied)
      .Field("exempted", row.exempted)
      .Field("overdue", row.overdue)
      .EndObject();
}

// GET /api/v1/checks/statistics?by=department|scenario|county&from=&to= (days, both included;
// default: the last 30 days). Departments see their own checks only.
Result<Response> CheckStatistics(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal caller, RequireCheckReader(s, request));
  std::string_view by = request.Query("by").value_or("department");
  std::optional<checks::StatisticsGroup> group = checks::ParseStatisticsGroup(by);
  if (!group) {
    return Fail(Error::InvalidArgument("parameter", "by must be department, scenario or county")
                    .At(0, "by"));
  }
  Date today = s.clock->Today();
  CREDENCE_ASSIGN_OR_RETURN(Date to, DayParameter(request, "to", today));
  CREDENCE_ASSIGN_OR_RETURN(Date from, DayParameter(request, "from", to.AddDays(-29)));
  if (to < from) {
    return Fail(Error::InvalidArgument("parameter", "from must not be after to").At(0, "from"));
  }
  checks::CheckStatistics statistics(*group, today);
  CREDENCE_RETURN_IF_ERROR(s.store->ScanChecks(
      Timestamp::StartOfDayShanghai(from), Timestamp::StartOfDayShanghai(to.AddDays(1)),
      [&](const store::CreditCheck& check) -> Status {
        if (caller.role != auth::Role::kDepartment || check.department == caller.department) {
          statistics.Add(check);
        }
        return OkStatus();
      }));
  JsonWriter json;
  json.StartObject()
      .Field("by", by)
      .Field("from", from.ToString())
      .Field("to", to.ToString())
      .Key("items")
      .StartArray();
  for (const checks::CheckStatisticsRow& row : statistics.Rows()) WriteStatisticsRow(json, row);
  json.EndArray().Key("total");
  WriteStatisticsRow(json, statistics.total());
  json.EndObject();
  return Response::Json(json.Take());
}

}  // namespace

void RegisterCheckRoutes(http::Router& router, Services& services) {
  Services* s = &services;
  http::RouteOptions writes;
  writes.blocking = true;
  // A batch of the largest size: codes of 18 characters with quotes and commas, and some room.
  writes.max_body_bytes = 64 + 32 * static_cast<int64_t>(100000);
  router.Add(
      Method::kPost, "/api/v1/checks",
      [s](const Request& r) { return Handle([&] { return RunChecks(*s, r); }); }, writes);
  router.Add(Method::kGet, "/api/v1/checks",
             [s](const Request& r) { return Handle([&] { return ListChecks(*s, r); }); });
  router.Add(Method::kGet, "/api/v1/checks/statistics",
             [s](const Request& r) { return Handle([&] { return CheckStatistics(*s, r); }); });
  router.Add(Method::kGet, "/api/v1/checks/{id}",
             [s](const Request& r) { return Handle([&] { return GetCheck(*s, r); }); });
  http::RouteOptions feedback;
  feedback.blocking = true;
  router.Add(
      Method::kPost, "/api/v1/checks/{id}/feedback",
      [s](const Request& r) { return Handle([&] { return GiveFeedback(*s, r); }); }, feedback);
}

}  // namespace credence::api
