// Password accounts, browser sessions and the throttles in front of them (auth.h).
#include <sodium.h>

#include <algorithm>

#include <fmt/format.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "common/hash.h"

namespace credence::auth {
namespace {

constexpr size_t kMinPasswordBytes = 10;
constexpr size_t kMaxPasswordBytes = 128;
constexpr int64_t kActivationSeconds = 14 * 24 * 3600;
constexpr int64_t kMicrosPerSecond = 1000000;
// Sessions resolved from the store are trusted this long; Logout drops its own at once.
constexpr int64_t kSessionCacheMicros = 30 * kMicrosPerSecond;
constexpr size_t kMaxTrackedKeys = 100000;

bool EnsureSodium() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

Principal PrincipalForAccount(const store::Account& account, Role role) {
  Principal principal;
  principal.role = role;
  principal.account_id = account.id;
  principal.department = account.department;
  principal.region = account.region;
  principal.subject_code = account.subject_code;
  return principal;
}

// A fixed argon2id hash verified when the login is unknown, so that a wrong login costs the same
// time as a wrong password and logins cannot be enumerated by timing.
const std::string& DummyHash() {
  static const std::string hash = [] {
    auto hashed = HashPassword("credence-timing-equaliser");
    return hashed ? *hashed : std::string();
  }();
  return hash;
}

Error WrongCredentials() { return Error::Unauthenticated("wrong login or password"); }

}  // namespace

Status CheckPasswordRules(std::string_view password) {
  if (password.size() < kMinPasswordBytes) {
    return Fail(Error::InvalidArgument(
        "password", fmt::format("a password needs at least {} characters", kMinPasswordBytes)));
  }
  if (password.size() > kMaxPasswordBytes) {
    return Fail(Error::InvalidArgument(
        "password", fmt::format("a password has at most {} bytes", kMaxPasswordBytes)));
  }
  return OkStatus();
}

Result<std::string> HashPassword(std::string_view password) {
  if (!EnsureSodium()) return Fail(Error::Internal("libsodium could not be initialised"));
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Fail(Error::Unavailable("not enough memory to hash a password; try again"));
  }
  return std::string(hash);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  if (!EnsureSodium() || hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::string terminated(hash);  // crypto_pwhash_str_verify reads a C string
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

Result<NewAccount> CreateAccount(store::Store& store, Random& random, const Clock& clock,
                                 const AccountSpec& spec, std::optional<std::string_view> password,
                                 std::string_view actor) {
  if (spec.role == Role::kPublic) {
    return Fail(Error::InvalidArgument("role", "the public needs no account"));
  }
  NewAccount created;
  store::Account& account = created.account;
  account.role = std::string(RoleKey(spec.role));
  account.display_name = spec.display_name;
  if (spec.role == Role::kSubject) {
    if (spec.subject_code.empty()) {
      return Fail(Error::InvalidArgument("subject", "a subject account needs the subject's code"));
    }
    CREDENCE_ASSIGN_OR_RETURN(auto subject, store.FindSubjectByCode(spec.subject_code));
    if (!subject) {
      return Fail(Error::NotFound("no subject has this code; its records must arrive first"));
    }
    account.login = subject->code;
    account.subject_code = subject->code;
    if (account.display_name.empty()) account.display_name = subject->name;
  } else {
    // Staff logins start with a lower-case letter, so that they never look like a subject
    // code (digits and upper-case letters) and the two kinds of account cannot be confused.
    bool well_formed = !spec.login.empty() && spec.login.size() <= 64 &&
                       spec.login.front() >= 'a' && spec.login.front() <= 'z' &&
                       std::all_of(spec.login.begin(), spec.login.end(), [](char c) {
                         return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                                c == '_' || c == '-';
                       });
    if (!well_formed) {
      return Fail(Error::InvalidArgument(
          "login", "a staff login is 1-64 of a-z 0-9 . _ - and starts with a letter"));
    }
    account.login = spec.login;
  }
  if (spec.role == Role::kDepartment && spec.department.empty()) {
    return Fail(Error::InvalidArgument("department", "a department account needs a department"));
  }
  if (spec.role != Role::kDepartment && !spec.department.empty()) {
    return Fail(Error::InvalidArgument("department", "only department accounts name one"));
  }
  if (spec.role != Role::kOperator && !spec.region.empty()) {
    return Fail(Error::InvalidArgument("region", "only operator accounts are scoped to a region"));
  }
  account.department = spec.department;
  account.region = spec.region;
  account.created_at = clock.Now();
  if (password) {
    CREDENCE_RETURN_IF_ERROR(CheckPasswordRules(*password));
    CREDENCE_ASSIGN_OR_RETURN(account.password_hash, HashPassword(*password));
  } else {
    created.activation_code = Base64UrlEncode(random.Bytes(15));  // 20 characters
    account.activation_hash = HashSecret(created.activation_code);
    account.activation_expires_at =
        Timestamp::FromMicros(account.created_at.micros() + kActivationSeconds * kMicrosPerSecond);
  }
  CREDENCE_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  CREDENCE_RETURN_IF_ERROR(txn->InsertAccount(account));
  // The digest covers what the account grants, never a password or code.
  audit::Event event{std::string(actor), "account.create", fmt::format("account:{}", account.id),
                     Sha256(fmt::format("{}|{}|{}|{}|{}", account.login, account.role,
                                        account.department, account.region, account.subject_code))};
  CREDENCE_RETURN_IF_ERROR(audit::Append(*txn, account.created_at, {&event, 1}));
  CREDENCE_RETURN_IF_ERROR(txn->Commit());
  return created;
}

Status ActivateAccount(store::Store& store, const Clock& clock, std::string_view login,
                       std::string_view activation_code, std::string_view password) {
  CREDENCE_RETURN_IF_ERROR(CheckPasswordRules(password));
  CREDENCE_ASSIGN_OR_RETURN(auto account, store.FindAccountByLogin(login));
  Error refused = Error::Unauthenticated("the login or activation code is wrong or has expired");
  if (!account || account->activation_hash.empty() || account->disabled_at) return Fail(refused);
  std::string hash = HashSecret(activation_code);
  if (sodium_memcmp(hash.data(), account->activation_hash.data(), hash.size()) != 0 ||
      hash.size() != account->activation_hash.size() || !account->activation_expires_at ||
      clock.Now() >= *account->activation_expires_at) {
    return Fail(refused);
  }
  CREDENCE_ASSIGN_OR_RETURN(account->password_hash, HashPassword(password));
  account->activation_hash.clear();
  account->activation_expires_at.reset();
  CREDENCE_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  CREDENCE_RETURN_IF_ERROR(txn->UpdateAccount(*account));
  audit::Event event{fmt::format("{}#account:{}", account->role, account->id), "account.activate",
                     fmt::format("account:{}", account->id), Sha256(account->login)};
  CREDENCE_RETURN_IF_ERROR(audit::Append(*txn, clock.Now(), {&event, 1}));
  return txn->Commit();
}

// --- throttles ---

LoginThrottle::LoginThrottle(const Clock& clock, Limits limits) : clock_(clock), limits_(limits) {}

bool LoginThrottle::Locked(const Failures& failures, int limit, Timestamp now) const {
  return failures.count >= limit &&
         now.micros() - failures.last.micros() < limits_.window_seconds * kMicrosPerSecond;
}

void LoginThrottle::Bump(std::unordered_map<std::string, Failures>& map, std::string key,
                         Timestamp now) {
  if (map.size() >= kMaxTrackedKeys) {
    std::erase_if(map, [&](const auto& entry) {
      return now.micros() - entry.second.last.micros() >= limits_.window_seconds * kMicrosPerSecond;
    });
    if (map.size() >= kMaxTrackedKeys) map.clear();  // a flood of distinct keys: start over
  }
  Failures& failures = map[std::move(key)];
  if (now.micros() - failures.last.micros() >= limits_.window_seconds * kMicrosPerSecond) {
    failures.count = 0;  // the window has passed since the last failure
  }
  ++failures.count;
  failures.last = now;
}

Status LoginThrottle::Check(std::string_view login, std::string_view address) {
  Timestamp now = clock_.Now();
  std::lock_guard lock(mutex_);
  auto account = by_account_.find(std::string(login));
  auto from = by_address_.find(std::string(address));
  if ((account != by_account_.end() && Locked(account->second, limits_.account_failures, now)) ||
      (from != by_address_.end() && Locked(from->second, limits_.address_failures, now))) {
    return Fail(Error::ResourceExhausted(
        "throttled", fmt::format("too many failed logins; try again in {} minutes",
                                 (limits_.window_seconds + 59) / 60)));
  }
  return OkStatus();
}

void LoginThrottle::RecordFailure(std::string_view login, std::string_view address) {
  Timestamp now = clock_.Now();
  std::lock_guard lock(mutex_);
  Bump(by_account_, std::string(login), now);
  Bump(by_address_, std::string(address), now);
}

void LoginThrottle::RecordSuccess(std::string_view login) {
  std::lock_guard lock(mutex_);
  by_account_.erase(std::string(login));
}

RateLimiter::RateLimiter(const Clock& clock, double requests_per_second, double burst)
    : clock_(clock), rate_(requests_per_second), burst_(std::max(burst, 1.0)) {}

bool RateLimiter::Allow(std::string_view caller) {
  Timestamp now = clock_.Now();
  std::lock_guard lock(mutex_);
  if (buckets_.size() >= kMaxTrackedKeys) buckets_.clear();  // full buckets are the default
  auto [it, inserted] = buckets_.try_emplace(std::string(caller), Bucket{burst_, now});
  Bucket& bucket = it->second;
  double elapsed =
      static_cast<double>(now.micros() - bucket.refilled_at.micros()) / kMicrosPerSecond;
  bucket.tokens = std::min(burst_, bucket.tokens + std::max(elapsed, 0.0) * rate_);
  bucket.refilled_at = now;
  if (bucket.tokens < 1.0) return false;
  bucket.tokens -= 1.0;
  return true;
}

// --- sessions ---

std::string CsrfTokenFor(std::string_view session_secret) {
  return HexEncode(Sha256Concat({"credence-csrf|", session_secret})).substr(0, 43);
}

std::string_view CookieValue(std::string_view cookie_header, std::string_view name) {
  while (!cookie_header.empty()) {
    size_t end = cookie_header.find(';');
    std::string_view pair = cookie_header.substr(0, end);
    cookie_header = end == std::string_view::npos ? "" : cookie_header.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    size_t equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == name) {
      return pair.substr(equals + 1);
    }
  }
  return {};
}

Result<NewSession> Authenticator::Login(std::string_view login, std::string_view password,
                                        std::string_view address, Random& random) {
  if (login.empty() || login.size() > 64 || password.size() > kMaxPasswordBytes) {
    return Fail(WrongCredentials());
  }
  CREDENCE_RETURN_IF_ERROR(throttle_.Check(login, address));
  CREDENCE_ASSIGN_OR_RETURN(auto account, store_.FindAccountByLogin(login));
  bool usable = account && !account->password_hash.empty() && !account->disabled_at;
  bool verified = VerifyPassword(usable ? account->password_hash : DummyHash(), password);
  if (!usable || !verified) {
    throttle_.RecordFailure(login, address);
    return Fail(WrongCredentials());
  }
  auto role = ParseRole(account->role);
  if (!role) return Fail(Error::Internal(fmt::format("account {} has unknown role", account->id)));
  throttle_.RecordSuccess(login);

  NewSession created;
  created.secret = Base64UrlEncode(random.Bytes(32));
  created.csrf_token = CsrfTokenFor(created.secret);
  store::Session& session = created.session;
  session.hash = HashSecret(created.secret);
  session.account_id = account->id;
  session.created_at = clock_.Now();
  session.expires_at =
      Timestamp::FromMicros(session.created_at.micros() + kSessionSeconds * kMicrosPerSecond);
  CREDENCE_ASSIGN_OR_RETURN(auto txn, store_.BeginWrite());
  CREDENCE_RETURN_IF_ERROR(txn->InsertSession(session));
  CREDENCE_RETURN_IF_ERROR(txn->Commit());
  created.account = std::move(*account);
  return created;
}

Status Authenticator::Logout(std::string_view session_secret) {
  if (session_secret.empty()) return OkStatus();
  std::string hash = HashSecret(session_secret);
  {
    std::lock_guard lock(mutex_);
    sessions_.erase(hash);
  }
  CREDENCE_ASSIGN_OR_RETURN(auto session, store_.FindSessionByHash(hash));
  if (!session || session->revoked_at) return OkStatus();
  CREDENCE_ASSIGN_OR_RETURN(auto txn, store_.BeginWrite());
  CREDENCE_RETURN_IF_ERROR(txn->RevokeSession(session->id, clock_.Now()));
  return txn->Commit();
}

Result<Principal> Authenticator::Authenticate(std::string_view authorization_header,
                                              std::string_view session_secret) {
  if (!authorization_header.empty() || session_secret.empty()) {
    return Authenticate(authorization_header);
  }
  if (session_secret.size() > 200) return Fail(Error::Unauthenticated("unknown session"));
  std::string hash = HashSecret(session_secret);
  Timestamp now = clock_.Now();
  Error expired = Error::Unauthenticated("the session has ended; log in again");
  {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(hash);
    if (it != sessions_.end() &&
        now.micros() - it->second.fetched_at.micros() < kSessionCacheMicros) {
      if (now >= it->second.expires_at) return Fail(expired);
      Principal principal = it->second.principal;
      principal.csrf_token = CsrfTokenFor(session_secret);
      return principal;
    }
  }
  CREDENCE_ASSIGN_OR_RETURN(auto session, store_.FindSessionByHash(hash));
  if (!session || session->revoked_at || now >= session->expires_at) return Fail(expired);
  CREDENCE_ASSIGN_OR_RETURN(auto account, store_.GetAccount(session->account_id));
  if (!account || account->disabled_at) return Fail(expired);
  auto role = ParseRole(account->role);
  if (!role) return Fail(Error::Internal(fmt::format("account {} has unknown role", account->id)));
  Principal principal = PrincipalForAccount(*account, *role);
  principal.session_id = session->id;
  std::lock_guard lock(mutex_);
  if (sessions_.size() > kMaxTrackedKeys) sessions_.clear();
  sessions_[hash] = CachedSession{principal, now, session->expires_at};
  principal.csrf_token = CsrfTokenFor(session_secret);
  return principal;
}

}  // namespace credence::auth
