#include "auth/auth.h"

#include <fmt/format.h>

#include "audit/audit.h"
#include "common/hash.h"

namespace credence::auth {
namespace {

constexpr std::string_view kSecretPrefix = "crd_";
// How long a resolved token is trusted without asking the store again. A revocation through
// this process calls Invalidate(); other processes see it within this time.
constexpr int64_t kCacheMicros = 30 * 1000000;

Result<Principal> PrincipalFor(const store::Token& token) {
  auto role = ParseRole(token.role);
  if (!role) return Fail(Error::Internal(fmt::format("token {} has unknown role", token.id)));
  Principal principal;
  principal.role = *role;
  principal.token_id = token.id;
  principal.department = token.department;
  principal.region = token.region;
  principal.subject_code = token.subject_code;
  return principal;
}

}  // namespace

std::string_view RoleKey(Role role) {
  switch (role) {
    case Role::kPublic: return "public";
    case Role::kSubject: return "subject";
    case Role::kDepartment: return "department";
    case Role::kLender: return "lender";
    case Role::kOperator: return "operator";
    case Role::kAuditor: return "auditor";
  }
  return "public";
}

std::optional<Role> ParseRole(std::string_view key) {
  for (Role role : {Role::kPublic, Role::kSubject, Role::kDepartment, Role::kLender,
                    Role::kOperator, Role::kAuditor}) {
    if (RoleKey(role) == key) return role;
  }
  return std::nullopt;
}

std::string Principal::ActorName() const {
  if (role == Role::kPublic) return "public";
  // A caller with an account is named by it (its session is a detail); a system by its token.
  std::string id =
      account_id != 0 ? fmt::format("account:{}", account_id) : fmt::format("token:{}", token_id);
  if (role == Role::kDepartment) return fmt::format("department:{}#{}", department, id);
  return fmt::format("{}#{}", RoleKey(role), id);
}

std::string HashSecret(std::string_view secret) { return HexEncode(Sha256(secret)); }

Result<NewToken> CreateToken(store::Store& store, Random& random, const Clock& clock, Role role,
                             std::string_view department, std::string_view region,
                             std::string_view label, std::string_view actor,
                             std::string_view subject_code) {
  if (role == Role::kPublic) {
    return Fail(Error::InvalidArgument("role", "the public role needs no token"));
  }
  if (role == Role::kDepartment && department.empty()) {
    return Fail(Error::InvalidArgument("department", "a department token needs --department"));
  }
  if (role != Role::kDepartment && !department.empty()) {
    return Fail(Error::InvalidArgument(
        "department",
        fmt::format("only department tokens name a department, not {} tokens", RoleKey(role))));
  }
  if (role == Role::kSubject && subject_code.empty()) {
    return Fail(Error::InvalidArgument("subject", "a subject token needs --subject"));
  }
  if (role != Role::kSubject && !subject_code.empty()) {
    return Fail(Error::InvalidArgument(
        "subject",
        fmt::format("only subject tokens name a subject, not {} tokens", RoleKey(role))));
  }
  NewToken created;
  created.secret = std::string(kSecretPrefix) + Base64UrlEncode(random.Bytes(32));
  store::Token& token = created.token;
  token.hash = HashSecret(created.secret);
  token.prefix = created.secret.substr(0, kSecretPrefix.size() + 6);
  token.role = std::string(RoleKey(role));
  token.department = std::string(department);
  token.region = std::string(region);
  token.label = std::string(label);
  token.subject_code = std::string(subject_code);
  token.created_at = clock.Now();

  CREDENCE_ASSIGN_OR_RETURN(auto txn, store.BeginWrite());
  CREDENCE_RETURN_IF_ERROR(txn->InsertToken(token));
  // The digest covers what the token grants, never the secret.
  audit::Event event{
      std::string(actor), "token.create", fmt::format("token:{}", token.id),
      Sha256(fmt::format("{}|{}|{}|{}|{}|{}", token.hash, token.role, token.department,
                         token.region, token.label, token.subject_code))};
  CREDENCE_RETURN_IF_ERROR(audit::Append(*txn, token.created_at, {&event, 1}));
  CREDENCE_RETURN_IF_ERROR(txn->Commit());
  return created;
}

Authenticator::Authenticator(store::Store& store, const Clock& clock,
                             LoginThrottle::Limits login_limits)
    : store_(store), clock_(clock), throttle_(clock, login_limits) {}

Result<Principal> Authenticator::Authenticate(std::string_view header) {
  if (header.empty()) return Principal{};
  constexpr std::string_view kBearer = "Bearer ";
  if (header.size() <= kBearer.size() || header.substr(0, kBearer.size()) != kBearer) {
    return Fail(Error::Unauthenticated("the Authorization header must be 'Bearer <token>'"));
  }
  std::string_view secret = header.substr(kBearer.size());
  if (secret.substr(0, kSecretPrefix.size()) != kSecretPrefix || secret.size() > 200) {
    return Fail(Error::Unauthenticated("the token is not a Credence token"));
  }
  std::string hash = HashSecret(secret);
  Timestamp now = clock_.Now();
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && now.micros() - it->second.fetched_at.micros() < kCacheMicros) {
      return it->second.principal;
    }
  }
  CREDENCE_ASSIGN_OR_RETURN(auto token, store_.FindTokenByHash(hash));
  if (!token) return Fail(Error::Unauthenticated("unknown token"));
  if (token->revoked_at) return Fail(Error::Unauthenticated("the token has been revoked"));
  CREDENCE_ASSIGN_OR_RETURN(Principal principal, PrincipalFor(*token));
  std::lock_guard lock(mutex_);
  if (cache_.size() > 10000) cache_.clear();  // bounded: tokens are few, guesses are not cached
  cache_[hash] = Cached{principal, now};
  return principal;
}

void Authenticator::Invalidate() {
  std::lock_guard lock(mutex_);
  cache_.clear();
  sessions_.clear();
}

}  // namespace credence::auth
