#include "auth/auth.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "common/random.h"

namespace credence::auth {
namespace {

namespace fs = std::filesystem;

constexpr Timestamp kNow = Timestamp::FromSeconds(1'795'320'000);  // 2026-11-22T04:00:00Z
constexpr int64_t kMinute = 60;

class AccountsTest : public ::testing::Test {
 protected:
  AccountsTest() : clock_(kNow), random_(7) {}

  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("credence-auth-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    auto opened = store::Store::Open("sqlite:" + (dir_ / "credence.db").string());
    ASSERT_TRUE(opened) << opened.error().ToString();
    store_ = std::move(*opened);
    store::Subject subject;
    subject.code = "91330302MA2AB1CD2X";
    subject.name = "温州示例有限公司";
    subject.created_at = kNow;
    subject.updated_at = kNow;
    auto txn = store_->BeginWrite();
    ASSERT_TRUE(txn);
    ASSERT_TRUE((*txn)->InsertSubject(subject));
    ASSERT_TRUE((*txn)->Commit());
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  void Advance(int64_t seconds) {
    clock_.Set(Timestamp::FromSeconds(clock_.Now().seconds() + seconds));
  }

  FixedClock clock_;
  SeededRandom random_;
  fs::path dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(AccountsTest, PasswordsAreStoredAsArgon2idAndVerified) {
  auto hash = HashPassword("correct horse battery");
  ASSERT_TRUE(hash);
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(hash->find("correct horse"), std::string::npos);
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse battery"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse batterz"));
  EXPECT_FALSE(VerifyPassword("", "correct horse battery"));
  EXPECT_FALSE(VerifyPassword("not a hash", "correct horse battery"));
  EXPECT_FALSE(CheckPasswordRules("short"));
  EXPECT_FALSE(CheckPasswordRules(std::string(129, 'a')));
  EXPECT_TRUE(CheckPasswordRules("ten chars!"));
}

TEST_F(AccountsTest, SubjectAccountIsBoundToAnExistingSubjectAndActivatedOnce) {
  AccountSpec spec;
  spec.subject_code = "91330302MA2AB1CD2X";
  auto created = CreateAccount(*store_, random_, clock_, spec, std::nullopt, "operator#token:1");
  ASSERT_TRUE(created) << created.error().ToString();
  EXPECT_EQ(created->account.login, "91330302MA2AB1CD2X");
  EXPECT_EQ(created->account.display_name, "温州示例有限公司");
  EXPECT_EQ(created->activation_code.size(), 20u);
  EXPECT_EQ(created->account.password_hash, "");
  EXPECT_NE(created->account.activation_hash, created->activation_code);

  Authenticator authenticator(*store_, clock_);
  // Not activated: no password works.
  EXPECT_FALSE(authenticator.Login("91330302MA2AB1CD2X", "", "10.0.0.1", random_));

  EXPECT_FALSE(ActivateAccount(*store_, clock_, "91330302MA2AB1CD2X", "wrong-code-000000000",
                               "a good password"));
  EXPECT_FALSE(
      ActivateAccount(*store_, clock_, "91330302MA2AB1CD2X", created->activation_code, "short"));
  ASSERT_TRUE(ActivateAccount(*store_, clock_, "91330302MA2AB1CD2X", created->activation_code,
                              "a good password"));
  auto again = ActivateAccount(*store_, clock_, "91330302MA2AB1CD2X", created->activation_code,
                               "another password");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kUnauthenticated);

  auto session = authenticator.Login("91330302MA2AB1CD2X", "a good password", "10.0.0.1", random_);
  ASSERT_TRUE(session) << session.error().ToString();
  auto principal = authenticator.Authenticate("", session->secret);
  ASSERT_TRUE(principal);
  EXPECT_EQ(principal->role, Role::kSubject);
  EXPECT_EQ(principal->subject_code, "91330302MA2AB1CD2X");
  EXPECT_EQ(principal->csrf_token, session->csrf_token);
  EXPECT_TRUE(principal->via_session());
  EXPECT_EQ(principal->ActorName(), "subject#account:" + std::to_string(created->account.id));
}

TEST_F(AccountsTest, ActivationCodesExpireAfterFourteenDays) {
  AccountSpec spec;
  spec.role = Role::kAuditor;
  spec.login = "audit.office";
  auto created = CreateAccount(*store_, random_, clock_, spec, std::nullopt, "cli");
  ASSERT_TRUE(created);
  Advance(14 * 24 * 3600);
  EXPECT_FALSE(ActivateAccount(*store_, clock_, "audit.office", created->activation_code,
                               "a good password"));
}

TEST_F(AccountsTest, BadSpecsAreRefusedWithTheField) {
  AccountSpec unknown;
  unknown.subject_code = "91330302MA2AB1CD3Y";
  auto missing = CreateAccount(*store_, random_, clock_, unknown, std::nullopt, "cli");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);

  AccountSpec code_as_login;
  code_as_login.role = Role::kLender;
  code_as_login.login = "330302198001011234";
  auto refused = CreateAccount(*store_, random_, clock_, code_as_login, std::nullopt, "cli");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().reason(), "login");

  AccountSpec department;
  department.role = Role::kDepartment;
  department.login = "court.clerk";
  EXPECT_FALSE(CreateAccount(*store_, random_, clock_, department, std::nullopt, "cli"));
  department.department = "court";
  EXPECT_TRUE(CreateAccount(*store_, random_, clock_, department, std::nullopt, "cli"));
  auto taken = CreateAccount(*store_, random_, clock_, department, std::nullopt, "cli");
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code(), ErrorCode::kConflict);

  AccountSpec scoped_lender;
  scoped_lender.role = Role::kLender;
  scoped_lender.login = "bank";
  scoped_lender.region = "330302";
  EXPECT_FALSE(CreateAccount(*store_, random_, clock_, scoped_lender, std::nullopt, "cli"));
}

TEST_F(AccountsTest, SessionsEndAtLogoutAndAtExpiry) {
  AccountSpec spec;
  spec.role = Role::kOperator;
  spec.login = "lucheng.operator";
  spec.region = "330302";
  ASSERT_TRUE(CreateAccount(*store_, random_, clock_, spec, "operator password", "cli"));
  Authenticator authenticator(*store_, clock_);
  auto first = authenticator.Login("lucheng.operator", "operator password", "10.0.0.2", random_);
  auto second = authenticator.Login("lucheng.operator", "operator password", "10.0.0.2", random_);
  ASSERT_TRUE(first && second);
  EXPECT_NE(first->secret, second->secret);
  EXPECT_NE(first->csrf_token, second->csrf_token);
  auto operator_principal = authenticator.Authenticate("", first->secret);
  ASSERT_TRUE(operator_principal);
  EXPECT_EQ(operator_principal->region, "330302");

  ASSERT_TRUE(authenticator.Logout(first->secret));
  EXPECT_FALSE(authenticator.Authenticate("", first->secret));
  EXPECT_TRUE(authenticator.Logout(first->secret));  // twice is fine
  EXPECT_TRUE(authenticator.Authenticate("", second->secret));

  Advance(kSessionSeconds);
  auto expired = authenticator.Authenticate("", second->secret);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_FALSE(authenticator.Authenticate("", "made-up-session"));
  // A bearer header wins over a cookie, and a bad one is not rescued by the cookie.
  EXPECT_FALSE(authenticator.Authenticate("Bearer crd_nonsense", second->secret));
}

TEST_F(AccountsTest, ThrottleLocksAnAccountAfterFiveFailuresEvenForTheRightPassword) {
  AccountSpec spec;
  spec.role = Role::kLender;
  spec.login = "bank.of.wenzhou";
  ASSERT_TRUE(CreateAccount(*store_, random_, clock_, spec, "lender password", "cli"));
  Authenticator authenticator(*store_, clock_);
  for (int i = 0; i < 5; ++i) {
    auto wrong = authenticator.Login("bank.of.wenzhou", "guess " + std::to_string(i),
                                     "10.0.0." + std::to_string(i), random_);
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code(), ErrorCode::kUnauthenticated);
  }
  auto locked = authenticator.Login("bank.of.wenzhou", "lender password", "10.0.0.9", random_);
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().code(), ErrorCode::kResourceExhausted);
  Advance(15 * kMinute);
  EXPECT_TRUE(authenticator.Login("bank.of.wenzhou", "lender password", "10.0.0.9", random_));
}

TEST(LoginThrottleTest, AnAddressIsLockedAcrossAccounts) {
  FixedClock clock(kNow);
  LoginThrottle throttle(clock, LoginThrottle::Limits{5, 3, 600});
  for (int i = 0; i < 3; ++i) throttle.RecordFailure("user" + std::to_string(i), "10.1.1.1");
  EXPECT_FALSE(throttle.Check("someone.else", "10.1.1.1"));
  EXPECT_TRUE(throttle.Check("someone.else", "10.1.1.2"));
  clock.Set(Timestamp::FromSeconds(kNow.seconds() + 600));
  EXPECT_TRUE(throttle.Check("someone.else", "10.1.1.1"));
}

TEST(RateLimiterTest, BucketRefillsWithTime) {
  FixedClock clock(kNow);
  RateLimiter limiter(clock, 2.0, 3.0);
  EXPECT_TRUE(limiter.Allow("token:1"));
  EXPECT_TRUE(limiter.Allow("token:1"));
  EXPECT_TRUE(limiter.Allow("token:1"));
  EXPECT_FALSE(limiter.Allow("token:1"));
  EXPECT_TRUE(limiter.Allow("token:2"));  // buckets are per caller
  clock.Set(Timestamp::FromMicros(kNow.micros() + 500000));
  EXPECT_TRUE(limiter.Allow("token:1"));  // half a second refills one request
  EXPECT_FALSE(limiter.Allow("token:1"));
}

TEST(CookieTest, ValueIsFoundAmongOthers) {
  EXPECT_EQ(CookieValue("a=1; credence_session=xyz; b=2", kSessionCookie), "xyz");
  EXPECT_EQ(CookieValue("credence_session=abc", kSessionCookie), "abc");
  EXPECT_EQ(CookieValue("xcredence_session=abc", kSessionCookie), "");
  EXPECT_EQ(CookieValue("", kSessionCookie), "");
  EXPECT_EQ(CookieValue(";;;=", kSessionCookie), "");
}

}  // namespace
}  // namespace credence::auth
