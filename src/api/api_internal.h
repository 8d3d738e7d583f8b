// Helpers shared by the handler files of the api module; not part of its contract.
#pragma once

#include <array>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "api/api.h"
#include "common/json.h"

namespace credence::api {

struct Paging {
  int64_t offset = 0;
  int64_t limit = 20;
};

// A path or query parameter that must be an integer ≥ 0; the error names the parameter.
Result<int64_t> ParseNonNegative(std::string_view name, std::string_view text);

// ?offset=&limit= with bounds: offset ≥ 0, 1 ≤ limit ≤ max_limit. Errors name the parameter.
Result<Paging> ParsePaging(const http::Request& request, int64_t default_limit = 20,
                           int64_t max_limit = 100);

// --- the authorisation policy (access_policy.cc) ---

// What a role may do on a route. The guard refuses kDeny (401 for the public, 403 with reason
// "role_not_allowed" for the others); every other decision lets the handler run, and the handler
// (through files.h and the scope checks beside it) shows what the decision says:
enum class Access : uint8_t {
  kDeny,
  kAllow,   // allowed; files.h decides between the public and the full view of a subject
  kOwn,     // a subject: its own file in full (others' as the public sees them); a department:
            // its own records and batches only
  kRegion,  // an operator: subjects inside its region in full (others' as the public sees them)
};
struct RouteAccess {
  std::string_view route;         // "GET /api/v1/subjects/{code}"
  std::array<Access, 6> by_role;  // indexed by auth::Role
};
std::span<const RouteAccess> AccessPolicy();
// nullptr when the route has no row (the guard then refuses everyone).
const RouteAccess* FindRouteAccess(http::Method method, std::string_view pattern);
// The handler the router runs for a route: the policy check, the caller's purpose, CSRF for
// sessions and the per-caller rate limit in front of handler.
http::Handler GuardRoute(Services& services, http::Method method, std::string_view pattern,
                         http::Handler handler);

// Who is calling: the principal the guard resolved (tokens, session cookies, X-Purpose), or,
// outside a guarded route, from the Authorization header (the public when absent).
Result<auth::Principal> Caller(Services& services, const http::Request& request);
// As Caller, but the public is refused (401) and only the listed roles pass (403 otherwise).
// The policy table already decides roles; this remains for checks inside a handler.
Result<auth::Principal> RequireRole(Services& services, const http::Request& request,
                                    std::initializer_list<auth::Role> roles);

// Runs a handler body that returns a Result, turning errors into the one error body.
http::Response Handle(const std::function<Result<http::Response>()>& body);

// {"zh": …, "en": …}
void WriteText(JsonWriter& json, const policy::Text& text);
// The one pagination envelope: {"items": [...], "total", "offset", "limit"}. Start opens the
// object and the items array; End closes the array and writes the counts, leaving the object
// open for further fields — the caller writes EndObject().
void WritePageEnvelopeStart(JsonWriter& json);
void WritePageEnvelopeEnd(JsonWriter& json, int64_t total, int64_t offset, int64_t limit);

void WriteSubjectSummary(JsonWriter& json, const store::Subject& subject);
// The profile object of GET /api/v1/subjects/{code} (and of the subject's own view).
void WriteProfile(JsonWriter& json, const policy::Catalog& catalog, const files::Profile& profile);
void WriteRecord(JsonWriter& json, const policy::Catalog& catalog, const files::RecordView& view);

void RegisterSubjectRoutes(http::Router& router, Services& services);
void RegisterIngestRoutes(http::Router& router, Services& services);
void RegisterSystemRoutes(http::Router& router, Services& services);
void RegisterRatingRoutes(http::Router& router, Services& services);
void RegisterListRoutes(http::Router& router, Services& services);
void RegisterTransparencyRoutes(http::Router& router, Services& services);
void RegisterQualityRoutes(http::Router& router, Services& services);
void RegisterDueProcessRoutes(http::Router& router, Services& services);
void RegisterCheckRoutes(http::Router& router, Services& services);

void RegisterCertificateRoutes(http::Router& router, Services& services);

// Every current record of a subject, read page by page (ListRecords bounds one page).
Result<std::vector<store::Record>> AllRecords(store::Store& store, int64_t subject_id);
void RegisterAccountRoutes(http::Router& router, Services& services);

// The subject's rating on as_of from its current records, its reasons cut to what this viewer
// may see (records the public does not see on that day are left out of contributions,
// top_factors and what_if; score, level and caps stay). nullopt when the policy rates no
// subject of its kind; Unavailable when the services carry no rating models.
Result<std::optional<rating::Rating>> RateSubject(Services& s, const auth::Principal& viewer,
                                                  const store::Subject& subject, Date as_of);

}  // namespace credence::api
