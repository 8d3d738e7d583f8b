// Accounts and sessions (login, logout, activation, operator-created accounts) and the
// subject's own view: its full file, rating and access log.
#include <fmt/format.h>

#include "api/api_internal.h"
#include "common/log.h"
#include "ids/ids.h"

namespace credence::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

constexpr int64_t kMaxAuthBodyBytes = 4096;

Result<JsonValue> JsonBody(const Request& request) {
  if (request.body.empty()) {
    return Fail(Error::InvalidArgument("body", "the request needs a JSON object body"));
  }
  CREDENCE_ASSIGN_OR_RETURN(JsonValue body, ParseJson(request.body));
  if (!body.is_object()) {
    return Fail(Error::InvalidArgument("body", "the request body must be a JSON object"));
  }
  return body;
}

std::string StringField(const JsonValue& body, std::string_view key) {
  return std::string(body.GetString(key).value_or(""));
}

// The login as stored: staff logins as written (they start with a lower-case letter), subject
// codes normalised like everywhere else (full-width digits, spaces and dashes, lower-case x).
std::string LoginOf(const JsonValue& body) {
  std::string login = StringField(body, "login");
  if (!login.empty() && login.front() >= 'a' && login.front() <= 'z') return login;
  return ids::NormalizeCode(login);
}

std::string SessionCookie(std::string_view secret, int64_t max_age_seconds) {
  return fmt::format("{}={}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={}",
                     auth::kSessionCookie, secret, max_age_seconds);
}

// An account as its holder (or the operator who made it) sees it. The login of a resident's
// account is its ID number: shown only to these two.
void WriteAccount(JsonWriter& json, const policy::Catalog& catalog, const store::Account& account) {
  json.StartObject()
      .Field("id", account.id)
      .Field("login", account.login)
      .Field("role", account.role)
      .Field("display_name", account.display_name);
  if (!account.department.empty()) {
    json.Field("department", account.department);
    if (const auto* department = catalog.FindDepartment(account.department)) {
      json.Key("department_name");
      WriteText(json, department->name);
    }
  }
  if (!account.region.empty()) json.Field("region", account.region);
  if (!account.subject_code.empty()) json.Field("subject_code", account.subject_code);
  json.Field("activated", !account.password_hash.empty())
      .Field("created_at", account.created_at.ToString())
      .EndObject();
}

Result<Response> Login(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(JsonValue body, JsonBody(request));
  std::string login = LoginOf(body);
  auto session = s.authenticator->Login(login, StringField(body, "password"),
                                        request.remote_address, *s.random);
  if (!session) {
    // Neither the login (a resident's is an ID number) nor the password is logged.
    LogInfo("auth.login_refused", {{"address", request.remote_address},
                                   {"reason", std::string(session.error().reason())}});
    return Fail(session.error());
  }
  LogInfo("auth.login", {{"account", session->account.id}, {"role", session->account.role}});
  JsonWriter json;
  json.StartObject().Key("account");
  WriteAccount(json, *s.catalog, session->account);
  json.Field("csrf_token", session->csrf_token)
      .Field("expires_at", session->session.expires_at.ToString())
      .EndObject();
  Response response = Response::Json(json.Take());
  response.headers.emplace_back("Set-Cookie",
                                SessionCookie(session->secret, auth::kSessionSeconds));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

Result<Response> Logout(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal caller, Caller(s, request));
  // Only a request that proved its session (with the CSRF token) ends it; the cookie is cleared
  // either way.
  if (caller.via_session()) {
    CREDENCE_RETURN_IF_ERROR(
        s.authenticator->Logout(auth::CookieValue(request.Header("cookie"), auth::kSessionCookie)));
  }
  Response response = Response::Text("", "text/plain", 204);
  response.headers.emplace_back("Set-Cookie", SessionCookie("", 0));
  return response;
}

Result<Response> Activate(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(JsonValue body, JsonBody(request));
  CREDENCE_RETURN_IF_ERROR(
      auth::ActivateAccount(*s.store, *s.clock, ids::NormalizeCode(StringField(body, "login")),
                            StringField(body, "activation_code"), StringField(body, "password")));
  return Response::Text("", "text/plain", 204);
}

Result<Response> GetSession(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal caller, Caller(s, request));
  if (caller.account_id == 0) {
    return Fail(Error::NotFound("no session: this caller uses an API token (see /api/v1/me)"));
  }
  CREDENCE_ASSIGN_OR_RETURN(auto account, s.store->GetAccount(caller.account_id));
  if (!account) return Fail(Error::NotFound("the account no longer exists"));
  JsonWriter json;
  json.StartObject().Key("account");
  WriteAccount(json, *s.catalog, *account);
  json.Field("csrf_token", caller.csrf_token).EndObject();
  Response response = Response::Json(json.Take());
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

Result<auth::Role> ParseAccountRole(std::string_view key) {
  auto role = auth::ParseRole(key);
  if (!role || *role == auth::Role::kPublic) {
    return Fail(Error::InvalidArgument(
        "role", fmt::format("role must be subject, department, lender, operator or auditor, "
                            "not '{}'",
                            key)));
  }
  return *role;
}

// Operators create accounts: a county operator only subject accounts of subjects in its county;
// staff accounts only the city hub.
Result<Response> CreateAccount(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal caller, Caller(s, request));
  CREDENCE_ASSIGN_OR_RETURN(JsonValue body, JsonBody(request));
  auth::AccountSpec spec;
  CREDENCE_ASSIGN_OR_RETURN(spec.role, ParseAccountRole(StringField(body, "role")));
  spec.login = StringField(body, "login");
  spec.subject_code = ids::NormalizeCode(StringField(body, "subject_code"));
  spec.department = StringField(body, "department");
  spec.region = StringField(body, "region");
  spec.display_name = StringField(body, "display_name");
  if (!spec.department.empty() && s.catalog->FindDepartment(spec.department) == nullptr) {
    return Fail(Error::InvalidArgument(
        "department",
        fmt::format("unknown department '{}' (see policy/departments.toml)", spec.department)));
  }
  if (!caller.region.empty()) {
    if (spec.role != auth::Role::kSubject) {
      return Fail(Error::PermissionDenied("only the city hub's operators create staff accounts"));
    }
    CREDENCE_ASSIGN_OR_RETURN(auto subject, s.store->FindSubjectByCode(spec.subject_code));
    if (subject && !s.files->SeesFullFile(caller, *subject)) {
      return Fail(Error::PermissionDenied("this subject is outside your region"));
    }
  }
  CREDENCE_ASSIGN_OR_RETURN(
      auth::NewAccount created,
      auth::CreateAccount(*s.store, *s.random, *s.clock, spec, std::nullopt, caller.ActorName()));
  JsonWriter json;
  json.StartObject().Key("account");
  WriteAccount(json, *s.catalog, created.account);
  json.Field("activation_code", created.activation_code).EndObject();
  Response response = Response::Json(json.Take(), 201);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

// The subject of a subject caller; the policy lets only subjects reach the /me routes.
Result<store::Subject> OwnSubject(Services& s, const auth::Principal& caller) {
  CREDENCE_ASSIGN_OR_RETURN(auto subject, s.store->FindSubjectByCode(caller.subject_code));
  if (!subject) return Fail(Error::NotFound("the subject bound to this account has no file"));
  return std::move(*subject);
}

Result<Response> GetOwnFile(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal caller, Caller(s, request));
  CREDENCE_ASSIGN_OR_RETURN(store::Subject subject, OwnSubject(s, caller));
  Date today = s.clock->Today();
  CREDENCE_ASSIGN_OR_RETURN(files::Profile profile,
                            s.files->GetProfile(caller, subject.code, today));
  files::RecordFilter filter;
  filter.limit = 100;
  CREDENCE_ASSIGN_OR_RETURN(auto records,
                            s.files->ListRecords(caller, subject.code, filter, today));
  JsonWriter json;
  json.StartObject().Key("profile");
  WriteProfile(json, *s.catalog, profile);
  json.Key("rating");
  auto rating = RateSubject(s, caller, subject, today);
  if (rating && *rating) {
    rating::WriteRatingJson(**rating, json);
  } else {
    json.Null();  // not rated by the policy, or no rating models on this server
  }
  json.Key("records");
  WritePageEnvelopeStart(json);
  for (const files::RecordView& view : records.items) WriteRecord(json, *s.catalog, view);
  WritePageEnvelopeEnd(json, records.total, records.offset, records.limit);
  json.EndObject().EndObject();
  return Response::Json(json.Take());
}

Result<Response> GetOwnAccessLog(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal caller, Caller(s, request));
  CREDENCE_ASSIGN_OR_RETURN(Paging paging, ParsePaging(request));
  CREDENCE_ASSIGN_OR_RETURN(store::Subject subject, OwnSubject(s, caller));
  CREDENCE_ASSIGN_OR_RETURN(auto page, s.files->AccessLog(subject, paging.offset, paging.limit));
  JsonWriter json;
  WritePageEnvelopeStart(json);
  for (const store::AccessEntry& entry : page.items) {
    json.StartObject()
        .Field("at", entry.at.ToString())
        .Field("actor", entry.actor)
        .Field("role", entry.role)
        .Field("department", entry.department);
    if (const auto* department = s.catalog->FindDepartment(entry.department)) {
      json.Key("department_name");
      WriteText(json, department->name);
    }
    json.Field("purpose", entry.purpose).Field("what", entry.what).EndObject();
  }
  WritePageEnvelopeEnd(json, page.total, page.offset, page.limit);
  json.EndObject();
  return Response::Json(json.Take());
}

}  // namespace

void RegisterAccountRoutes(http::Router& router, Services& services) {
  Services* s = &services;
  // Password hashing takes ~0.1 s: logins and activations run on the worker pool, with small
  // bodies.
  http::RouteOptions slow;
  slow.blocking = true;
  slow.max_body_bytes = kMaxAuthBodyBytes;
  http::RouteOptions small;
  small.max_body_bytes = kMaxAuthBodyBytes;
  router.Add(
      Method::kPost, "/api/v1/auth/login",
      [s](const Request& r) { return Handle([&] { return Login(*s, r); }); }, slow);
  router.Add(
      Method::kPost, "/api/v1/auth/logout",
      [s](const Request& r) { return Handle([&] { return Logout(*s, r); }); }, small);
  router.Add(
      Method::kPost, "/api/v1/auth/activate",
      [s](const Request& r) { return Handle([&] { return Activate(*s, r); }); }, slow);
  router.Add(Method::kGet, "/api/v1/auth/session",
             [s](const Request& r) { return Handle([&] { return GetSession(*s, r); }); });
  router.Add(
      Method::kPost, "/api/v1/accounts",
      [s](const Request& r) { return Handle([&] { return CreateAccount(*s, r); }); }, slow);
  router.Add(Method::kGet, "/api/v1/me/file",
             [s](const Request& r) { return Handle([&] { return GetOwnFile(*s, r); }); });
  router.Add(Method::kGet, "/api/v1/me/access-log",
             [s](const Request& r) { return Handle([&] { return GetOwnAccessLog(*s, r); }); });
}

}  // namespace credence::api
