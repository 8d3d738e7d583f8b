// Who is calling: API tokens for systems, password accounts and browser sessions for people,
// and the throttles that protect them. Roles follow DESIGN.md.
//
// Secrets are stored only hashed: a token or session secret as its SHA-256 (they are 256-bit
// random, so a fast hash suffices), a password as an argon2id string (libsodium crypto_pwhash),
// an activation code as its SHA-256 (random, single use, short-lived).
//
// How accounts come to exist (what a real platform does): an operator creates every account.
// A subject account is bound to a subject already in the store (its USCC or ID number is the
// login); the operator hands the one-time activation code to the subject through an official
// channel (the service hall after checking the legal representative's identity documents, or a
// letter to the registered address). The subject activates the account by choosing a password
// with that code; the code is valid for 14 days and works once. Self-registration by code alone
// is not offered: knowing a USCC or ID number proves nothing. Staff accounts (departments,
// lenders, operators, auditors) are created the same way. `credence demo` creates activated
// accounts with known passwords for the tour.
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
  int64_t account_id = 0;    // set when the caller logged in with a password
  int64_t session_id = 0;    // set when the caller came with a session cookie
  std::string csrf_token;    // the session's CSRF token (sessions only)
  // The purpose the caller states for reading a subject's non-public data (X-Purpose header or
  // ?purpose=); required of staff for such reads, recorded in the subject's access log.
  std::string purpose;
  // How this caller appears in the audit log: "department:court#token:4", "public", ...
  std::string ActorName() const;
  bool is_public() const { return role == Role::kPublic; }
  bool via_session() const { return session_id != 0; }
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

// --- passwords and accounts ---

// Passwords are 10 to 128 bytes. The argon2id parameters are libsodium's "interactive" ones
// (2 passes over 64 MiB): ~0.1 s per hash on the reference machine.
Status CheckPasswordRules(std::string_view password);
Result<std::string> HashPassword(std::string_view password);
bool VerifyPassword(std::string_view hash, std::string_view password);

struct AccountSpec {
  Role role = Role::kSubject;
  std::string login;         // staff accounts; subject accounts log in with their code
  std::string subject_code;  // subject accounts: must name a subject in the store
  std::string department;    // department accounts: required
  std::string region;        // operator accounts: division code scope ("" = whole city)
  std::string display_name;  // shown in the portal; a subject's name when empty
};

struct NewAccount {
  store::Account account;
  std::string activation_code;  // shown once; empty when the account was given a password
};

// Creates and stores an account (audited as "account.create"). With a password the account is
// active at once (the demo); otherwise it carries an activation code valid for 14 days.
// InvalidArgument for a bad spec, NotFound for an unknown subject, Conflict for a taken login.
Result<NewAccount> CreateAccount(store::Store& store, Random& random, const Clock& clock,
                                 const AccountSpec& spec, std::optional<std::string_view> password,
                                 std::string_view actor);

// Sets the first password of an account with its activation code (which then stops working).
// Unauthenticated when the login, the code or its validity does not fit — without saying which.
Status ActivateAccount(store::Store& store, const Clock& clock, std::string_view login,
                       std::string_view activation_code, std::string_view password);

// --- throttles ---

// Failed logins per account and per address in a sliding window. An account with too many
// recent failures is locked (even the right password is refused) until the window passes; an
// address likewise. Thread-safe; memory is bounded (old entries are dropped).
class LoginThrottle {
 public:
  struct Limits {
    int account_failures = 5;      // Default: 5 failures lock an account …
    int address_failures = 30;     // Default: 30 failures lock an address …
    int64_t window_seconds = 900;  // … for 15 minutes after the last one
  };
  explicit LoginThrottle(const Clock& clock) : LoginThrottle(clock, Limits{}) {}
  LoginThrottle(const Clock& clock, Limits limits);
  // ResourceExhausted (429) while the login or the address is locked.
  Status Check(std::string_view login, std::string_view address);
  void RecordFailure(std::string_view login, std::string_view address);
  // A successful login clears the account's failures (not the address's).
  void RecordSuccess(std::string_view login);

 private:
  struct Failures {
    int count = 0;
    Timestamp last;
  };
  bool Locked(const Failures& failures, int limit, Timestamp now) const;
  void Bump(std::unordered_map<std::string, Failures>& map, std::string key, Timestamp now);
  const Clock& clock_;
  Limits limits_;
  std::mutex mutex_;
  std::unordered_map<std::string, Failures> by_account_;
  std::unordered_map<std::string, Failures> by_address_;
};

// Requests per caller (token, session or address): a token bucket refilled at
// requests_per_second up to burst. Thread-safe; memory bounded. Runs on real time (the clock
// given), not on the business clock: a server started with --now still refills.
class RateLimiter {
 public:
  RateLimiter(const Clock& clock, double requests_per_second, double burst);
  // false when the caller has used up its bucket.
  bool Allow(std::string_view caller);

 private:
  struct Bucket {
    double tokens = 0;
    Timestamp refilled_at;
  };
  const Clock& clock_;
  double rate_;
  double burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

// --- sessions ---

inline constexpr std::string_view kSessionCookie = "credence_session";
// Default: a session ends 8 hours after login (a working day), or at logout.
inline constexpr int64_t kSessionSeconds = 8 * 3600;

struct NewSession {
  std::string secret;      // the cookie value; shown once, only its hash is stored
  std::string csrf_token;  // to be sent as X-CSRF-Token with state-changing requests
  store::Session session;
  store::Account account;
};

// The CSRF token of a session: derived from its secret, so nothing more is stored, and
// unguessable without the cookie (which scripts of other sites cannot read).
std::string CsrfTokenFor(std::string_view session_secret);

// The value of one cookie in a Cookie header ("a=1; credence_session=xyz"); empty when absent.
std::string_view CookieValue(std::string_view cookie_header, std::string_view name);

// Resolves "Authorization: Bearer <secret>" values to principals. Thread-safe; remembers
// resolved tokens for a short time so that a request costs no store read.
class Authenticator {
 public:
  Authenticator(store::Store& store, const Clock& clock,
                LoginThrottle::Limits login_limits = LoginThrottle::Limits{});
  // Empty header → the public principal. Unknown, malformed or revoked → Unauthenticated.
  Result<Principal> Authenticate(std::string_view authorization_header);
  // As above; without an Authorization header, a session cookie (its secret) is resolved:
  // unknown, expired, revoked or of a disabled account → Unauthenticated.
  Result<Principal> Authenticate(std::string_view authorization_header,
                                 std::string_view session_secret);
  // Checks the password (through the throttle; a wrong login costs the same time as a wrong
  // password) and opens a session. Unauthenticated for wrong credentials or an account not yet
  // activated or disabled, ResourceExhausted while throttled.
  Result<NewSession> Login(std::string_view login, std::string_view password,
                           std::string_view address, Random& random);
  // Ends the session with this secret; ending an unknown or ended session is not an error.
  Status Logout(std::string_view session_secret);
  // Forget cached tokens and sessions (after a revocation).
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
  struct CachedSession {
    Principal principal;
    Timestamp fetched_at;
    Timestamp expires_at;
  };
  std::unordered_map<std::string, CachedSession> sessions_;  // keyed by hash
  LoginThrottle throttle_;
};

}  // namespace credence::auth
