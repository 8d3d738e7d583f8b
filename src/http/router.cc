// Request and response helpers, the error-to-status mapping and the route table. Nothing here
// knows about sockets; server_restinio.cc drives it.
#include <algorithm>
#include <array>

#include "common/json.h"
#include "http/http.h"

namespace credence::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A path split at '/', without the leading one: "/a/b/" -> {"a", "b", ""}, "/" -> {}.
// Segments are views into `path`, or into `decoded` when a segment holds escapes.
class PathSegments {
 public:
  static constexpr size_t kMaxSegments = 32;

  explicit PathSegments(std::string_view path) {
    if (!path.empty() && path.front() == '/') path.remove_prefix(1);
    if (path.empty()) return;
    size_t start = 0;
    while (true) {
      const size_t slash = path.find('/', start);
      const std::string_view raw = path.substr(start, slash - start);
      if (count_ == kMaxSegments) {
        too_many_ = true;
        return;
      }
      if (raw.find('%') == std::string_view::npos) {
        segments_[count_++] = raw;
      } else {
        decoded_[count_] = PercentDecode(raw);
        segments_[count_] = decoded_[count_];
        ++count_;
      }
      if (slash == std::string_view::npos) break;
      start = slash + 1;
    }
  }

  size_t size() const { return count_; }
  bool too_many() const { return too_many_; }
  std::string_view operator[](size_t index) const { return segments_[index]; }

 private:
  std::array<std::string_view, kMaxSegments> segments_{};
  // Only the segments that needed decoding use their slot; std::string's default constructor
  // does not allocate, so the unused slots cost nothing but stack.
  std::array<std::string, kMaxSegments> decoded_{};
  size_t count_ = 0;
  bool too_many_ = false;
};

bool IsParamSegment(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

std::vector<std::string> SplitPattern(std::string_view pattern) {
  std::vector<std::string> segments;
  if (!pattern.empty() && pattern.front() == '/') pattern.remove_prefix(1);
  if (pattern.empty()) return segments;
  size_t start = 0;
  while (true) {
    const size_t slash = pattern.find('/', start);
    segments.emplace_back(pattern.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return segments;
}

bool SegmentsMatch(const std::vector<std::string>& pattern, const PathSegments& path) {
  if (pattern.size() != path.size()) return false;
  // Back to front: routes share their leading segments ("api", "v1"), so mismatches show late.
  for (size_t i = pattern.size(); i-- > 0;) {
    if (IsParamSegment(pattern[i])) {
      if (path[i].empty()) return false;
    } else if (pattern[i] != path[i]) {
      return false;
    }
  }
  return true;
}

// True when `a` is more specific than `b` (both match the same path): at the leftmost segment
// where one has a literal and the other a parameter, the literal wins.
bool MoreSpecific(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const bool a_param = IsParamSegment(a[i]);
    const bool b_param = IsParamSegment(b[i]);
    if (a_param != b_param) return !a_param;
  }
  return false;
}

}  // namespace

std::string_view MethodName(Method method) {
  switch (method) {
    case Method::kGet: return "GET";
    case Method::kHead: return "HEAD";
    case Method::kPost: return "POST";
    case Method::kPut: return "PUT";
    case Method::kPatch: return "PATCH";
    case Method::kDelete: return "DELETE";
    case Method::kOptions: return "OPTIONS";
  }
  return "GET";
}

std::string PercentDecode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int high = HexValue(text[i + 1]);
      const int low = HexValue(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_as_space && c == '+' ? ' ' : c);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view piece = query.substr(start, end - start);
    if (!piece.empty()) {
      const size_t equals = piece.find('=');
      if (equals == std::string_view::npos) {
        pairs.emplace_back(PercentDecode(piece, true), std::string());
      } else {
        pairs.emplace_back(PercentDecode(piece.substr(0, equals), true),
                           PercentDecode(piece.substr(equals + 1), true));
      }
    }
    start = end + 1;
  }
  return pairs;
}

std::optional<std::string_view> Request::Query(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::string_view Request::Header(std::string_view lower_name) const {
  for (const auto& [key, value] : headers) {
    if (key == lower_name) return value;
  }
  return {};
}

std::string_view Request::Param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) return value;
  }
  return {};
}

Response Response::Json(std::string body, int status) {
  Response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

Response Response::Text(std::string body, std::string content_type, int status) {
  Response response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  return response;
}

Response Response::FromError(const Error& error) {
  JsonWriter writer;
  writer.StartObject().Key("error").StartObject();
  writer.Field("code", ErrorCodeName(error.code()))
      .Field("reason", error.reason())
      .Field("message", error.message());
  if (error.line() > 0) writer.Field("line", error.line());
  if (!error.field().empty()) writer.Field("field", error.field());
  writer.Key("details").StartArray();
  for (const Error& detail : error.details()) {
    writer.StartObject();
    if (detail.line() > 0) writer.Field("line", detail.line());
    if (!detail.field().empty()) writer.Field("field", detail.field());
    writer.Field("reason", detail.reason()).Field("message", detail.message());
    writer.EndObject();
  }
  writer.EndArray().EndObject().EndObject();

  Response response = Json(writer.Take(), HttpStatusFor(error));
  if (error.code() == ErrorCode::kUnauthenticated) {
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
  }
  return response;
}

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kFailedPrecondition: return 409;
    case ErrorCode::kResourceExhausted: return 429;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

int HttpStatusFor(const Error& error) {
  if (error.code() == ErrorCode::kResourceExhausted && error.reason() == "too_large") return 413;
  return HttpStatusFor(error.code());
}

void Router::Add(Method method, std::string pattern, Handler handler, RouteOptions options) {
  if (guard_) handler = guard_(method, pattern, std::move(handler));
  Route route{method, std::move(pattern), {}, std::move(handler), options};
  route.segments = SplitPattern(route.pattern);
  const size_t size = route.segments.size();
  if (routes_by_size_.size() <= size) routes_by_size_.resize(size + 1);
  routes_by_size_[size].push_back(static_cast<uint32_t>(routes_.size()));
  routes_.push_back(std::move(route));
}

Router::Match Router::Find(Method method, std::string_view path) const {
  Match match;
  const PathSegments segments(path);
  if (segments.too_many() || segments.size() >= routes_by_size_.size()) return match;

  const Route* best = nullptr;
  const Route* best_get = nullptr;  // for HEAD without a HEAD route
  uint32_t methods_seen = 0;
  for (const uint32_t index : routes_by_size_[segments.size()]) {
    const Route& route = routes_[index];
    if (!SegmentsMatch(route.segments, segments)) continue;
    match.path_known = true;
    methods_seen |= 1u << static_cast<unsigned>(route.method);
    if (route.method == method) {
      if (best == nullptr || MoreSpecific(route.segments, best->segments)) best = &route;
    } else if (method == Method::kHead && route.method == Method::kGet) {
      if (best_get == nullptr || MoreSpecific(route.segments, best_get->segments)) {
        best_get = &route;
      }
    }
  }
  if (best == nullptr) best = best_get;

  if (best == nullptr) {
    if (match.path_known) {
      // A GET route answers HEAD too, so HEAD is allowed wherever GET is.
      if (methods_seen & (1u << static_cast<unsigned>(Method::kGet))) {
        methods_seen |= 1u << static_cast<unsigned>(Method::kHead);
      }
      for (Method candidate : {Method::kGet, Method::kHead, Method::kPost, Method::kPut,
                               Method::kPatch, Method::kDelete, Method::kOptions}) {
        if (methods_seen & (1u << static_cast<unsigned>(candidate))) {
          match.allowed_methods.push_back(candidate);
        }
      }
    }
    return match;
  }

  match.handler = &best->handler;
  match.options = &best->options;
  match.pattern = best->pattern;
  match.route_index = static_cast<int>(best - routes_.data());
  for (size_t i = 0; i < best->segments.size(); ++i) {
    const std::string& segment = best->segments[i];
    if (IsParamSegment(segment)) {
      match.params.emplace_back(segment.substr(1, segment.size() - 2), std::string(segments[i]));
    }
  }
  return match;
}

std::vector<std::string> Router::Routes() const {
  std::vector<std::string> out;
  out.reserve(routes_.size());
  for (const Route& route : routes_) {
    out.push_back(std::string(MethodName(route.method)) + " " + route.pattern);
  }
  return out;
}

std::vector<Router::RouteInfo> Router::List() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const Route& route : routes_) out.push_back({route.method, route.pattern, route.options});
  return out;
}

}  // namespace credence::http
