// The one authorisation policy of the API: every route × every role. The guard installed by
// RegisterRoutes consults it before any handler runs; api_test.cc enumerates every registered
// route and fails when one has no row here.
#include <array>

#include <fmt/format.h>
#include <sodium.h>

#include "api/api_internal.h"

namespace credence::api {
namespace {

using auth::Role;
using http::Method;
using http::Request;
using http::Response;

constexpr Access Deny = Access::kDeny;
constexpr Access Allow = Access::kAllow;
constexpr Access Own = Access::kOwn;
constexpr Access Region = Access::kRegion;

// One line per route. Columns follow auth::Role: public, subject, department, lender, operator,
// auditor. To add a route, add its line here (the matrix test names any route without one).
// What each decision means is documented on Access in api_internal.h.
// clang-format off
constexpr RouteAccess kPolicy[] = {
    // route                                   public  subject dept    lender  operator auditor
    {"GET /healthz",                           {Allow,  Allow,  Allow,  Allow,  Allow,  Allow}},
    {"GET /metrics",                           {Allow,  Allow,  Allow,  Allow,  Allow,  Allow}},
    {"GET /api/v1/openapi.json",               {Allow,  Allow,  Allow,  Allow,  Allow,  Allow}},
    {"GET /api/v1/ids/{code}",                 {Allow,  Allow,  Allow,  Allow,  Allow,  Allow}},
    {"GET /api/v1/policy",                     {Allow,  Allow,  Allow,  Allow,  Allow,  Allow}},
    {"GET /api/v1/stats",                      {Allow,  Allow,  Allow,  Allow,  Allow,  Allow}},
    {"GET /api/v1/me",                         {Allow,  Allow,  Allow,  Allow,  Allow,  Allow}},
    {"GET /api/v1/lists",                      {Allow,  Allow,  Allow,  Allow,  Allow,  Allow}},
    {"GET /api/v1/audit/head",                 {Deny,   Deny,   Deny,   Deny,   Allow,  Allow}},
    {"GET /api/v1/subjects",                   {Allow,  Allow,  Allow,  Allow,  Allow,  Allow}},
    {"GET /api/v1/subjects/{code}",            {Allow,  Own,    Allow,  Allow,  Region, Allow}},
    {"GET /api/v1/subjects/{code}/records",    {Allow,  Own,    Allow,  Allow,  Region, Allow}},
    {"GET /api/v1/subjects/{code}/rating",     {Allow,  Own,    Allow,  Allow,  Region, Allow}},
    {"GET /api/v1/subjects/{code}/rating/history",
                                               {Allow,  Own,    Allow,  Allow,  Region, Allow}},
    {"GET /api/v1/stats/ratings",              {Allow,  Allow,  Allow,  Allow,  Allow,  Allow}},
    {"GET /api/v1/lists/{list}/members",       {Allow,  Allow,  Allow,  Allow,  Allow,  Allow}},
    {"GET /api/v1/records/{id}",               {Deny,   Deny,   Allow,  Deny,   Region, Allow}},
    {"POST /api/v1/ingest/batches",            {Deny,   Deny,   Own,    Deny,   Deny,   Deny}},
    {"GET /api/v1/ingest/batches",             {Deny,   Deny,   Own,    Deny,   Allow,  Allow}},
    {"GET /api/v1/ingest/batches/{batch}",     {Deny,   Deny,   Own,    Deny,   Allow,  Allow}},
    {"POST /api/v1/auth/login",                {Allow,  Allow,  Allow,  Allow,  Allow,  Allow}},
    {"POST /api/v1/auth/logout",               {Allow,  Allow,  Allow,  Allow,  Allow,  Allow}},
    {"POST /api/v1/auth/activate",             {Allow,  Allow,  Allow,  Allow,  Allow,  Allow}},
    {"GET /api/v1/auth/session",               {Deny,   Allow,  Allow,  Allow,  Allow,  Allow}},
    {"POST /api/v1/accounts",                  {Deny,   Deny,   Deny,   Deny,   Region, Deny}},
    {"GET /api/v1/me/file",                    {Deny,   Own,    Deny,   Deny,   Deny,   Deny}},
    {"GET /api/v1/me/access-log",              {Deny,   Own,    Deny,   Deny,   Deny,   Deny}},
    // data quality of the department feeds
    {"GET /api/v1/quality",                    {Deny,   Deny,   Deny,   Deny,   Allow,  Allow}},
    // transparency: anyone may check the log
    {"GET /api/v1/transparency/head",          {Allow,  Allow,  Allow,  Allow,  Allow,  Allow}},
    {"GET /api/v1/transparency/leaves",        {Allow,  Allow,  Allow,  Allow,  Allow,  Allow}},
    {"GET /api/v1/transparency/leaves/{index}/inclusion",
                                               {Allow,  Allow,  Allow,  Allow,  Allow,  Allow}},
    {"GET /api/v1/transparency/records/{id}/versions/{version}/inclusion",
                                               {Allow,  Allow,  Allow,  Allow,  Allow,  Allow}},
    {"GET /api/v1/transparency/consistency",   {Allow,  Allow,  Allow,  Allow,  Allow,  Allow}},
    // due process: subjects file, the record's department decides, operators see escalations
    {"POST /api/v1/objections",                {Deny,   Own,    Deny,   Deny,   Deny,   Deny}},
    {"GET /api/v1/objections",                 {Deny,   Own,    Own,    Deny,   Region, Deny}},
    {"POST /api/v1/objections/{id}/decision",  {Deny,   Deny,   Own,    Deny,   Deny,   Deny}},
    {"POST /api/v1/restorations",              {Deny,   Own,    Deny,   Deny,   Deny,   Deny}},
    {"GET /api/v1/restorations",               {Deny,   Own,    Own,    Deny,   Region, Deny}},
    {"GET /api/v1/restorations/outlook",       {Deny,   Own,    Deny,   Deny,   Deny,   Deny}},
    {"POST /api/v1/restorations/{id}/decision",{Deny,   Deny,   Own,    Deny,   Deny,   Deny}},
    {"POST /api/v1/commitments",               {Deny,   Own,    Deny,   Deny,   Deny,   Deny}},
    {"GET /api/v1/commitments",                {Deny,   Own,    Own,    Deny,   Region, Deny}},
    {"POST /api/v1/commitments/{id}/decision", {Deny,   Deny,   Own,    Deny,   Deny,   Deny}},
    {"GET /api/v1/cases/{id}",                 {Deny,   Own,    Own,    Deny,   Region, Deny}},
    {"GET /api/v1/cases/{id}/attachments/{index}",
                                               {Deny,   Own,    Own,    Deny,   Region, Deny}},
    {"GET /api/v1/notifications",              {Deny,   Own,    Deny,   Deny,   Deny,   Deny}},
    {"GET /api/v1/escalations",                {Deny,   Deny,   Deny,   Deny,   Region, Deny}},
    // credit checks: departments check and answer; operators and auditors read
    {"POST /api/v1/checks",                    {Deny,   Deny,   Own,    Deny,   Deny,   Deny}},
    {"GET /api/v1/checks",                     {Deny,   Deny,   Own,    Deny,   Allow,  Allow}},
    {"GET /api/v1/checks/statistics",          {Deny,   Deny,   Own,    Deny,   Allow,  Allow}},
    {"GET /api/v1/checks/{id}",                {Deny,   Deny,   Own,    Deny,   Allow,  Allow}},
    {"POST /api/v1/checks/{id}/feedback",      {Deny,   Deny,   Own,    Deny,   Deny,   Deny}},
    // certificates: issued for a subject (by itself, a department or an operator); anyone verifies
    {"POST /api/v1/subjects/{code}/certificates",
                                               {Deny,   Own,    Allow,  Deny,   Region, Deny}},
    {"POST /api/v1/certificates/verify",       {Allow,  Allow,  Allow,  Allow,  Allow,  Allow}},
    {"GET /api/v1/certificates/{serial}",      {Allow,  Allow,  Allow,  Allow,  Allow,  Allow}},
    {"GET /api/v1/certificates/{serial}/qr.png",
                                               {Allow,  Allow,  Allow,  Allow,  Allow,  Allow}},
    {"GET /api/v1/certificates/{serial}/qr.svg",
                                               {Allow,  Allow,  Allow,  Allow,  Allow,  Allow}},
    {"GET /api/v1/trust-list",                 {Allow,  Allow,  Allow,  Allow,  Allow,  Allow}},
    {"GET /api/v1/trust-list.jws",             {Allow,  Allow,  Allow,  Allow,  Allow,  Allow}},
};
// clang-format on

// The principal the guard resolved for the request this thread is serving (handlers run on the
// thread that routed them), so that Caller does not authenticate a second time.
thread_local const auth::Principal* current_principal = nullptr;

bool IsStateChanging(Method method) {
  return method != Method::kGet && method != Method::kHead && method != Method::kOptions;
}

bool SameSecret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

constexpr size_t kMaxPurposeBytes = 300;

Result<auth::Principal> ResolvePrincipal(Services& s, const Request& request,
                                         const RouteAccess& access) {
  std::string_view session = auth::CookieValue(request.Header("cookie"), auth::kSessionCookie);
  Result<auth::Principal> resolved =
      s.authenticator->Authenticate(request.Header("authorization"), session);
  auth::Principal principal;
  if (resolved) {
    principal = std::move(*resolved);
  } else if (request.Header("authorization").empty()) {
    // A stale session cookie leaves the caller the public, so that public pages keep working.
    principal = auth::Principal{};
  } else {
    return Fail(resolved.error());
  }
  // A session acts on a state-changing request only with its CSRF token: without it the request
  // is the public's (routes the public may use still work, such as logging in again).
  if (principal.via_session() && IsStateChanging(request.method) &&
      !SameSecret(request.Header("x-csrf-token"), principal.csrf_token)) {
    if (access.by_role[0] == Access::kDeny) {
      return Fail(Error::PermissionDenied("missing or wrong X-CSRF-Token for this session"));
    }
    principal = auth::Principal{};
  }
  std::string_view purpose = request.Header("x-purpose");
  if (purpose.empty()) purpose = request.Query("purpose").value_or("");
  if (purpose.size() > kMaxPurposeBytes) {
    return Fail(Error::InvalidArgument(
        "purpose", fmt::format("the stated purpose is longer than {} bytes", kMaxPurposeBytes)));
  }
  principal.purpose = http::PercentDecode(purpose);
  return principal;
}

std::string RateKey(const auth::Principal& principal) {
  if (principal.session_id != 0) return fmt::format("session:{}", principal.session_id);
  return fmt::format("token:{}", principal.token_id);
}

}  // namespace

std::span<const RouteAccess> AccessPolicy() { return kPolicy; }

const RouteAccess* FindRouteAccess(Method method, std::string_view pattern) {
  for (const RouteAccess& access : kPolicy) {
    std::string_view route = access.route;
    size_t space = route.find(' ');
    if (route.substr(0, space) == http::MethodName(method) && route.substr(space + 1) == pattern) {
      return &access;
    }
  }
  return nullptr;
}

Result<auth::Principal> Caller(Services& services, const Request& request) {
  if (current_principal != nullptr) return *current_principal;
  return services.authenticator->Authenticate(request.Header("authorization"));
}

http::Handler GuardRoute(Services& services, Method method, std::string_view pattern,
                         http::Handler handler) {
  const RouteAccess* access = FindRouteAccess(method, pattern);
  std::string route = fmt::format("{} {}", http::MethodName(method), pattern);
  Services* s = &services;
  return [s, access, route, handler = std::move(handler)](const Request& request) {
    if (access == nullptr) {
      // Fails closed: a route without a decision serves nobody (and the matrix test fails).
      return Response::FromError(
          Error::PermissionDenied(fmt::format("no authorisation decision for {}", route)));
    }
    Result<auth::Principal> principal = ResolvePrincipal(*s, request, *access);
    if (!principal) return Response::FromError(principal.error());
    Access decision = access->by_role[static_cast<size_t>(principal->role)];
    if (decision == Access::kDeny) {
      if (principal->is_public()) {
        return Response::FromError(
            Error::Unauthenticated("this endpoint needs you to log in or a token"));
      }
      return Response::FromError(
          Error(ErrorCode::kPermissionDenied, "role_not_allowed",
                fmt::format("the {} role may not use {}", auth::RoleKey(principal->role), route)));
    }
    if (!principal->is_public() && s->rate_limiter != nullptr &&
        !s->rate_limiter->Allow(RateKey(*principal))) {
      Response limited = Response::FromError(Error::ResourceExhausted(
          "rate_limited", "too many requests for this token or session; slow down"));
      limited.headers.emplace_back("Retry-After", "1");
      return limited;
    }
    // Reset however the handler ends (an exception caught by the server included), so that
    // no later request on this thread can see this one's caller.
    struct CurrentPrincipal {
      explicit CurrentPrincipal(const auth::Principal* principal) { current_principal = principal; }
      ~CurrentPrincipal() { current_principal = nullptr; }
    } scope(&*principal);
    return handler(request);
  };
}

}  // namespace credence::api
