#include "api/api.h"

#include <charconv>

#include <fmt/format.h>

#include "api/api_internal.h"
#include "common/log.h"

namespace credence::api {

Result<int64_t> ParseNonNegative(std::string_view name, std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) {
    return Fail(Error::InvalidArgument(
        "parameter", fmt::format("{} must be a non-negative integer, not '{}'", name, text)));
  }
  return value;
}

Result<Paging> ParsePaging(const http::Request& request, int64_t default_limit, int64_t max_limit) {
  Paging paging{0, default_limit};
  if (auto offset = request.Query("offset")) {
    CREDENCE_ASSIGN_OR_RETURN(paging.offset, ParseNonNegative("offset", *offset));
  }
  if (auto limit = request.Query("limit")) {
    CREDENCE_ASSIGN_OR_RETURN(paging.limit, ParseNonNegative("limit", *limit));
    if (paging.limit < 1 || paging.limit > max_limit) {
      return Fail(Error::InvalidArgument("parameter",
                                         fmt::format("limit must be between 1 and {}", max_limit)));
    }
  }
  return paging;
}

Result<auth::Principal> RequireRole(Services& services, const http::Request& request,
                                    std::initializer_list<auth::Role> roles) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal principal, Caller(services, request));
  if (principal.is_public()) {
    return Fail(Error::Unauthenticated("this endpoint needs a token (Authorization: Bearer …)"));
  }
  for (auth::Role role : roles) {
    if (principal.role == role) return principal;
  }
  std::string allowed;
  for (auth::Role role : roles) {
    if (!allowed.empty()) allowed += ", ";
    allowed += auth::RoleKey(role);
  }
  return Fail(Error::PermissionDenied(fmt::format("a {} token may not do this; allowed: {}",
                                                  auth::RoleKey(principal.role), allowed)));
}

http::Response Handle(const std::function<Result<http::Response>()>& body) {
  Result<http::Response> result = body();
  if (result) return std::move(*result);
  if (result.error().code() == ErrorCode::kInternal) {
    LogError("api.internal_error", {{"message", result.error().message()}});
  }
  return http::Response::FromError(result.error());
}

void WriteText(JsonWriter& json, const policy::Text& text) {
  json.StartObject().Field("zh", text.zh).Field("en", text.en).EndObject();
}

void WritePageEnvelopeStart(JsonWriter& json) { json.StartObject().Key("items").StartArray(); }

void WritePageEnvelopeEnd(JsonWriter& json, int64_t total, int64_t offset, int64_t limit) {
  json.EndArray().Field("total", total).Field("offset", offset).Field("limit", limit);
}

void RegisterRoutes(http::Router& router, Services& services) {
  if (services.subjects == nullptr) services.subjects = services.store;
  router.SetGuard(
      [&services](http::Method method, std::string_view pattern, http::Handler handler) {
        return GuardRoute(services, method, pattern, std::move(handler));
      });
  RegisterAccountRoutes(router, services);
  RegisterSystemRoutes(router, services);
  RegisterSubjectRoutes(router, services);
  RegisterRatingRoutes(router, services);
  RegisterListRoutes(router, services);
  RegisterCheckRoutes(router, services);
  RegisterCertificateRoutes(router, services);
  RegisterIngestRoutes(router, services);
  RegisterTransparencyRoutes(router, services);
  RegisterQualityRoutes(router, services);
  RegisterDueProcessRoutes(router, services);
}

}  // namespace credence::api
