// The HTTP server behind our own request, response and router types. RESTinio and Asio are
// confined to server_restinio.cc; handlers never see them.
//
// Handlers are plain functions from Request to Response. Routes marked `blocking` (large
// uploads, long jobs) run on a separate worker pool so that they never stall quick requests.
// Every response is counted and timed per route in the metrics registry.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/metrics.h"
#include "common/result.h"

namespace credence::http {

enum class Method : uint8_t { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions };
std::string_view MethodName(Method method);

// Decodes %XX escapes; with plus_as_space also '+' (query strings and form bodies). Malformed
// escapes ("%4", "%zz") are kept as written rather than rejected.
std::string PercentDecode(std::string_view text, bool plus_as_space = false);
// "a=1&b=x+y&c" -> {{"a","1"},{"b","x y"},{"c",""}}: decoded, in order, empty pieces skipped.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query);

struct Request {
  Method method = Method::kGet;
  std::string path;                                        // decoded path, without the query string
  std::string target;                                      // as received
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::vector<std::pair<std::string, std::string>> params;   // from the route pattern
  std::string body;
  std::string remote_address;  // the peer's IP address, e.g. "127.0.0.1"

  // First query parameter with this name.
  std::optional<std::string_view> Query(std::string_view name) const;
  // Header by lower-case name; empty when absent.
  std::string_view Header(std::string_view lower_name) const;
  // Route parameter ({code} in "/api/v1/subjects/{code}"); empty when absent.
  std::string_view Param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Response Json(std::string body, int status = 200);
  static Response Text(std::string body, std::string content_type, int status = 200);
  // The one error body, with the HTTP status from HttpStatusFor:
  //   {"error": {"code": "not_found", "reason": "...", "message": "...", "details": [...]}}
  // code is ErrorCodeName; "line" and "field" follow "message" when the error has them; details
  // is always present ([] when none), each {"line"?, "field"?, "reason", "message"}.
  // Unauthenticated answers also carry "WWW-Authenticate: Bearer".
  static Response FromError(const Error& error);
};

// The mapping from error codes to HTTP statuses, the only one in the code base:
// InvalidArgument 400, NotFound 404, Conflict 409, Unauthenticated 401, PermissionDenied 403,
// FailedPrecondition 409 (the state of the resource forbids the operation now; the body's code
// tells it apart from Conflict), ResourceExhausted 429, Unavailable 503, Internal 500.
int HttpStatusFor(ErrorCode code);
// As above, except that ResourceExhausted with reason "too_large" is 413 rather than 429.
int HttpStatusFor(const Error& error);

using Handler = std::function<Response(const Request&)>;

struct RouteOptions {
  bool blocking = false;  // run on the worker pool
  // Largest accepted body; larger requests get 413 without reaching the handler. 0: the
  // server's default.
  int64_t max_body_bytes = 0;
};

// The route table. Not thread-safe while routes are added; Find is safe from any number of
// threads once it is complete. A Server keeps a reference: add no routes after constructing one.
class Router {
 public:
  // Wraps every handler added from now on: guard(method, pattern, handler) returns the handler
  // the route will run. The API puts its authorisation policy in front of every route this way,
  // so that no route can be added without passing through it.
  using Guard = std::function<Handler(Method method, std::string_view pattern, Handler handler)>;
  void SetGuard(Guard guard) { guard_ = std::move(guard); }

  // pattern: "/api/v1/subjects/{code}" — a {name} segment matches one non-empty path segment.
  void Add(Method method, std::string pattern, Handler handler, RouteOptions options = {});

  struct Match {
    const Handler* handler = nullptr;
    const RouteOptions* options = nullptr;
    std::string_view pattern;  // for metrics labels
    std::vector<std::pair<std::string, std::string>> params;
    bool path_known = false;  // some route has this path (405 rather than 404)
    int route_index = -1;     // position in List() of the matched route; -1 when none
    // When the path is known but not for this method: the methods it has, for the Allow header.
    std::vector<Method> allowed_methods;
  };
  // path: as received, still percent-encoded, without the query string. Segments are decoded
  // before they are compared, and parameter values are decoded. When several routes match, the
  // one with a literal segment where the others have a parameter wins (leftmost difference
  // decides). HEAD finds the GET route of the path when no HEAD route is registered.
  Match Find(Method method, std::string_view path) const;

  // Every "METHOD pattern", for the OpenAPI completeness test.
  std::vector<std::string> Routes() const;

  struct RouteInfo {
    Method method;
    std::string_view pattern;
    RouteOptions options;
  };
  // The routes in registration order (Match::route_index indexes this).
  std::vector<RouteInfo> List() const;

 private:
  struct Route {
    Method method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    RouteOptions options;
  };
  std::vector<Route> routes_;
  Guard guard_;
  // Indexes into routes_ by segment count: a path is only compared with routes of its length.
  std::vector<std::vector<uint32_t>> routes_by_size_;
};

struct ServerOptions {
  std::string address = "0.0.0.0";
  uint16_t port = 8080;
  int io_threads = 2;                // Default: 2 (one per core on the reference machine)
  int worker_threads = 2;            // for blocking routes
  int64_t max_body_bytes = 1 << 20;  // Default: 1 MiB; routes may raise it
  // Files served for GET and HEAD paths no route matches (the portal); index.html for unknown
  // paths that do not start with /api/ or /assets/ (the portal routes in the browser). Files
  // under /assets/ carry content hashes in their names and are cached for a year; index.html is
  // revalidated on every load. Paths with ".." segments are refused. A folder that does not
  // exist yet is looked for again on later requests (the portal may be built after the server
  // starts). Empty: none.
  std::filesystem::path static_dir;
};

class Server {
 public:
  Server(ServerOptions options, const Router& router, MetricsRegistry& metrics);
  ~Server();
  // Serves until Stop() or SIGTERM/SIGINT; then stops accepting, lets in-flight requests
  // finish (up to 10 s), and returns. on_listening is called once the port is bound, with the
  // bound port (the one the system chose when options.port is 0). Fails with Unavailable when
  // the address cannot be bound. Call at most once per Server.
  //
  // Requests: routed with Router::Find (404 and 405 answers carry the JSON error body, 405 an
  // Allow header). A body larger than the route's max_body_bytes gets 413; a body larger than
  // every route's limit is cut off while it arrives and its connection closed. Handlers that
  // throw produce a 500 and an error log line. HEAD on a GET route sends the GET headers only.
  Status Run(const std::function<void(uint16_t port)>& on_listening = {});
  // Safe from any thread, before, during or after Run; idempotent.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace credence::http
