// Errors as values: every operation a caller can recover from returns Result<T> or Status.
//
// An Error carries a code (what kind of failure, which decides e.g. the HTTP status in exactly
// one place), a short machine-readable reason ("checksum", "length", "not_allowed"), a message a
// person can act on, and for input errors where it happened (1-based line, field name).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

namespace credence {

enum class ErrorCode : uint8_t {
  kInvalidArgument,     // bad input from the caller
  kNotFound,            // the thing named does not exist
  kConflict,            // the request conflicts with current state (e.g. duplicate)
  kUnauthenticated,     // no or unknown credentials
  kPermissionDenied,    // known caller, not allowed
  kFailedPrecondition,  // state does not allow the operation yet
  kResourceExhausted,   // too large, too many
  kUnavailable,         // transient: try again
  kInternal,            // a bug or a broken invariant
};

std::string_view ErrorCodeName(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string reason, std::string message)
      : code_(code), reason_(std::move(reason)), message_(std::move(message)) {}

  static Error InvalidArgument(std::string reason, std::string message) {
    return {ErrorCode::kInvalidArgument, std::move(reason), std::move(message)};
  }
  static Error NotFound(std::string message) {
    return {ErrorCode::kNotFound, "not_found", std::move(message)};
  }
  static Error Conflict(std::string reason, std::string message) {
    return {ErrorCode::kConflict, std::move(reason), std::move(message)};
  }
  static Error Unauthenticated(std::string message) {
    return {ErrorCode::kUnauthenticated, "unauthenticated", std::move(message)};
  }
  static Error PermissionDenied(std::string message) {
    return {ErrorCode::kPermissionDenied, "forbidden", std::move(message)};
  }
  static Error FailedPrecondition(std::string reason, std::string message) {
    return {ErrorCode::kFailedPrecondition, std::move(reason), std::move(message)};
  }
  static Error ResourceExhausted(std::string reason, std::string message) {
    return {ErrorCode::kResourceExhausted, std::move(reason), std::move(message)};
  }
  static Error Unavailable(std::string message) {
    return {ErrorCode::kUnavailable, "unavailable", std::move(message)};
  }
  static Error Internal(std::string message) {
    return {ErrorCode::kInternal, "internal", std::move(message)};
  }

  // Where the error is, for input errors. line is 1-based; 0 means "no line".
  Error& At(int64_t line, std::string field) & {
    line_ = line;
    field_ = std::move(field);
    return *this;
  }
  Error&& At(int64_t line, std::string field) && {
    line_ = line;
    field_ = std::move(field);
    return std::move(*this);
  }
  // Prefixes the message with context, e.g. the file being read.
  Error&& Context(std::string_view context) &&;

  ErrorCode code() const { return code_; }
  const std::string& reason() const { return reason_; }
  const std::string& message() const { return message_; }
  int64_t line() const { return line_; }
  const std::string& field() const { return field_; }

  // Further errors of the same operation (e.g. every invalid key of a policy file).
  const std::vector<Error>& details() const { return details_; }
  void AddDetail(Error detail) { details_.push_back(std::move(detail)); }

  // "reason: message (line 7, field subject.code)" — for logs and the command line.
  std::string ToString() const;

 private:
  ErrorCode code_;
  std::string reason_;
  std::string message_;
  int64_t line_ = 0;
  std::string field_;
  std::vector<Error> details_;
};

template <typename T>
using Result = tl::expected<T, Error>;
using Status = tl::expected<void, Error>;

inline Status OkStatus() { return {}; }
inline tl::unexpected<Error> Fail(Error error) { return tl::unexpected<Error>(std::move(error)); }

}  // namespace credence

#define CREDENCE_CONCAT_INNER(a, b) a##b
#define CREDENCE_CONCAT(a, b) CREDENCE_CONCAT_INNER(a, b)

// Returns the error of a Status or Result expression from the enclosing function.
#define CREDENCE_RETURN_IF_ERROR(expr)                                                   \
  do {                                                                                   \
    auto&& credence_status_ = (expr);                                                    \
    if (!credence_status_) return ::tl::unexpected(std::move(credence_status_).error()); \
  } while (false)

// Evaluates a Result expression; on error returns it, otherwise moves the value into lhs.
#define CREDENCE_ASSIGN_OR_RETURN(lhs, expr)                                                 \
  auto CREDENCE_CONCAT(credence_result_, __LINE__) = (expr);                                 \
  if (!CREDENCE_CONCAT(credence_result_, __LINE__))                                          \
    return ::tl::unexpected(std::move(CREDENCE_CONCAT(credence_result_, __LINE__)).error()); \
  lhs = std::move(*CREDENCE_CONCAT(credence_result_, __LINE__))
