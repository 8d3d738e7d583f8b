#include "common/result.h"

#include <fmt/format.h>

namespace credence {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kPermissionDenied: return "permission_denied";
    case ErrorCode::kFailedPrecondition: return "failed_precondition";
    case ErrorCode::kResourceExhausted: return "resource_exhausted";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

Error&& Error::Context(std::string_view context) && {
  message_ = fmt::format("{}: {}", context, message_);
  return std::move(*this);
}

std::string Error::ToString() const {
  std::string out = fmt::format("{}: {}", reason_, message_);
  if (line_ > 0 && !field_.empty()) {
    out += fmt::format(" (line {}, field {})", line_, field_);
  } else if (line_ > 0) {
    out += fmt::format(" (line {})", line_);
  } else if (!field_.empty()) {
    out += fmt::format(" (field {})", field_);
  }
  for (const Error& detail : details_) out += "\n  " + detail.ToString();
  return out;
}

}  // namespace credence
