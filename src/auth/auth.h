// Who is calling, and API tokens. A token is a random secret shown once at creation; only its
// SHA-256 is stored. Roles follow DESIGN.md.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/random.h"
#include "common/result.h"
#include "common/time.h"
#include "store/store.h"

namespace credence::auth {

enum class Role : uint8_t { kPublic, kSubject, kDepartment, kLender, kOperator, kAuditor };
std::string_view RoleKey(Role role);  // "public", "subject", "department", ...
std::optional<Role> ParseRole(std::string_view key);

struct Principal {
  Role role = Role::kPublic;
  int64_t token_id = 0;
  std::string department;    // department role: the department key
  std::string region;        // operator role: division code scope ("" = whole city)
  std::string subject_code;  // subject role: the bound USCC or ID number
  // How this caller appears in the audit log: "department:court#token:4", "public", ...
  std::string ActorName() const;
  bool is_public() const { return role == Role::kPublic; }
};

struct NewToken {
  std::string secret;  // "crd_..." — shown once, never stored
  store::Token token;
};

// Creates and stores a token (audited as "token.create"). department is required for the
// department role and must be empty otherwise; subject_code (the USCC or ID number the holder
// acts for, as stored) likewise for the subject role.
Result<NewToken> CreateToken(store::Store& store, Random& random, const Clock& clock, Role role,
                             std::string_view department, std::string_view region,
                             std::string_view label, std::string_view actor,
                             std::string_view subject_code = "");

// Hex SHA-256 of a token secret, the form stored.
std::string HashSecret(std::string_view secret);

// Resolves "Authorization: Bearer <secret>" values to principals. Thread-safe; remembers
// resolved tokens for a short time so that a request costs no store read.
class Authenticator {
 public:
  Authenticator(store::Store& store, const Clock& clock);
  // Empty header → the public principal. Unknown, malformed or revoked → Unauthenticated.
  Result<Principal> Authenticate(std::string_view authorization_header);
  // Forget cached tokens (after a revocation).
  void Invalidate();

 private:
  store::Store& store_;
  const Clock& clock_;
  std::mutex mutex_;
  struct Cached {
    Principal principal;
    Timestamp fetched_at;
  };
  std::unordered_map<std::string, Cached> cache_;  // keyed by hash
};

}  // namespace credence::auth
