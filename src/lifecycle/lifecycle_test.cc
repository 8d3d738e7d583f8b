#include "lifecycle/lifecycle.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "audit/audit.h"

namespace credence::lifecycle {
namespace {

using store::Record;
using store::RecordStatus;

Date Day(int year, int month, int day) { return *Date::FromCivil(year, month, day); }

// Noon in Asia/Shanghai on that day: the instant of a transition made during that day.
Timestamp Noon(Date day) {
  return Timestamp::FromMicros(Timestamp::StartOfDayShanghai(day).micros() + 12ll * 3600 * 1000000);
}

const policy::Catalog& DefaultCatalog() {
  static const policy::Catalog* catalog = [] {
    Result<policy::Catalog> loaded =
        policy::LoadCatalog(std::filesystem::path(CREDENCE_SOURCE_DIR) / "policy");
    EXPECT_TRUE(loaded.has_value()) << loaded.error().ToString();
    return new policy::Catalog(std::move(*loaded));
  }();
  return *catalog;
}

// A record as ingest stores it: the window from the default policy, written at noon of the
// decision day.
Record MakeRecord(std::string kind, std::string tier, Date decided,
                  std::string_view penalty_category = "") {
  const policy::Catalog& catalog = DefaultCatalog();
  const policy::RecordKind* record_kind = catalog.FindKind(kind);
  EXPECT_NE(record_kind, nullptr) << kind;
  policy::PublicityWindow window =
      catalog.Window(*record_kind, policy::ParseTier(tier).value_or(policy::Tier::kNone), decided,
                     penalty_category);
  Record record;
  record.id = 42;
  record.subject_id = 7;
  record.kind = std::move(kind);
  record.department = record.kind == "dishonest_debtor" ? "court" : "market_regulation";
  record.source_ref = "LC-CF-2024-000123";
  record.decided_at = decided;
  record.tier = std::move(tier);
  record.publicity_start = window.start;
  record.publicity_min_end = window.min_end;
  record.publicity_max_end = window.max_end;
  record.published = window.published;
  record.payload = R"({"source_ref":"LC-CF-2024-000123"})";
  record.content_hash = 1001;
  record.batch_id = 3;
  record.created_at = Noon(decided);
  record.updated_at = Noon(decided);
  return record;
}

PublicityState State(const Record& record, Date today) {
  return StateOn(record, DefaultCatalog(), today);
}

// --- states and boundary days ----------------------------------------------------------------

TEST(StateOnTest, GeneralPenaltyFirstAndLastDaysOfItsPeriods) {
  // Decided 2024-03-05, general tier: minimum 3 months, maximum 12 months.
  Record record = MakeRecord("admin_penalty", "general", Day(2024, 3, 5));
  EXPECT_EQ(State(record, Day(2024, 3, 4)), PublicityState::kPending);
  EXPECT_EQ(State(record, Day(2024, 3, 5)), PublicityState::kPublishing);
  EXPECT_EQ(State(record, Day(2024, 6, 4)), PublicityState::kPublishing);
  EXPECT_EQ(State(record, Day(2024, 6, 5)), PublicityState::kRestorable);
  EXPECT_EQ(State(record, Day(2025, 3, 4)), PublicityState::kRestorable);
  EXPECT_EQ(State(record, Day(2025, 3, 5)), PublicityState::kExpired);
  EXPECT_EQ(RestorableFrom(record, DefaultCatalog()), Day(2024, 6, 5));
  EXPECT_EQ(ExpiresOn(record), Day(2025, 3, 5));
}

TEST(StateOnTest, SeriousPenaltyFirstAndLastDaysOfItsPeriods) {
  Record record = MakeRecord("admin_penalty", "serious", Day(2024, 3, 5));
  EXPECT_EQ(State(record, Day(2025, 3, 4)), PublicityState::kPublishing);
  EXPECT_EQ(State(record, Day(2025, 3, 5)), PublicityState::kRestorable);
  EXPECT_EQ(State(record, Day(2027, 3, 4)), PublicityState::kRestorable);
  EXPECT_EQ(State(record, Day(2027, 3, 5)), PublicityState::kExpired);
}

TEST(StateOnTest, MinorPenaltyIsRestorableAtOnce) {
  Record record = MakeRecord("admin_penalty", "minor", Day(2024, 3, 5));
  EXPECT_EQ(State(record, Day(2024, 3, 5)), PublicityState::kRestorable);
  EXPECT_EQ(State(record, Day(2024, 6, 4)), PublicityState::kRestorable);
  EXPECT_EQ(State(record, Day(2024, 6, 5)), PublicityState::kExpired);
}

TEST(StateOnTest, TwentyNinthOfFebruaryClampsToTheEndMonthsLastDay) {
  Record record = MakeRecord("admin_penalty", "general", Day(2024, 2, 29));
  EXPECT_EQ(RestorableFrom(record, DefaultCatalog()), Day(2024, 5, 29));
  EXPECT_EQ(ExpiresOn(record), Day(2025, 2, 28));
  EXPECT_EQ(State(record, Day(2024, 5, 28)), PublicityState::kPublishing);
  EXPECT_EQ(State(record, Day(2024, 5, 29)), PublicityState::kRestorable);
  EXPECT_EQ(State(record, Day(2025, 2, 27)), PublicityState::kRestorable);
  EXPECT_EQ(State(record, Day(2025, 2, 28)), PublicityState::kExpired);
}

TEST(StateOnTest, RecordDecidedOnTheLastDayOfAMonth) {
  // 2023-11-30 + 3 months ends in a leap February: 2024-02-29.
  Record minor = MakeRecord("admin_penalty", "minor", Day(2023, 11, 30));
  EXPECT_EQ(ExpiresOn(minor), Day(2024, 2, 29));
  EXPECT_EQ(State(minor, Day(2024, 2, 28)), PublicityState::kRestorable);
  EXPECT_EQ(State(minor, Day(2024, 2, 29)), PublicityState::kExpired);
  // 2024-01-31 + 3 months clamps to 2024-04-30; + 12 months is 2025-01-31.
  Record general = MakeRecord("admin_penalty", "general", Day(2024, 1, 31));
  EXPECT_EQ(RestorableFrom(general, DefaultCatalog()), Day(2024, 4, 30));
  EXPECT_EQ(State(general, Day(2024, 4, 29)), PublicityState::kPublishing);
  EXPECT_EQ(State(general, Day(2024, 4, 30)), PublicityState::kRestorable);
  EXPECT_EQ(State(general, Day(2025, 1, 30)), PublicityState::kRestorable);
  EXPECT_EQ(State(general, Day(2025, 1, 31)), PublicityState::kExpired);
}

TEST(StateOnTest, RecordDecidedOnTheLastDayOfAnotherRecordsWindow) {
  // Decided on 2025-03-04, the last public day of a record decided 2024-03-05: the new one is
  // public from that day while the old one expires the next.
  Record old_record = MakeRecord("admin_penalty", "general", Day(2024, 3, 5));
  Record new_record = MakeRecord("admin_penalty", "general", Day(2025, 3, 4));
  EXPECT_EQ(State(old_record, Day(2025, 3, 4)), PublicityState::kRestorable);
  EXPECT_EQ(State(new_record, Day(2025, 3, 4)), PublicityState::kPublishing);
  EXPECT_EQ(State(old_record, Day(2025, 3, 5)), PublicityState::kExpired);
  EXPECT_EQ(State(new_record, Day(2025, 3, 5)), PublicityState::kPublishing);
}

TEST(StateOnTest, WarningsAreInForceButNeverPublished) {
  Record warning = MakeRecord("admin_penalty", "minor", Day(2024, 3, 5), "警告");
  ASSERT_FALSE(warning.published);
  EXPECT_EQ(State(warning, Day(2024, 3, 5)), PublicityState::kUnpublished);
  EXPECT_TRUE(IsInForce(State(warning, Day(2024, 3, 5))));
  EXPECT_FALSE(IsShownPublicly(State(warning, Day(2024, 3, 5))));
  EXPECT_FALSE(
      IsPublicOn(warning, DefaultCatalog(), ids::SubjectKind::kEnterprise, Day(2024, 3, 5)));
  // Its effect still ends with the minor tier's maximum.
  EXPECT_EQ(State(warning, Day(2024, 6, 5)), PublicityState::kExpired);
  // A warning combined with a fine is published.
  Record fined = MakeRecord("admin_penalty", "minor", Day(2024, 3, 5), "警告;罚款");
  EXPECT_EQ(State(fined, Day(2024, 3, 5)), PublicityState::kRestorable);
}

TEST(StateOnTest, NonRestorableKindsNeverBecomeRestorable) {
  Record debtor = MakeRecord("dishonest_debtor", "", Day(2024, 3, 5));
  EXPECT_EQ(RestorableFrom(debtor, DefaultCatalog()), std::nullopt);
  EXPECT_EQ(State(debtor, Day(2024, 3, 5)), PublicityState::kPublishing);
  EXPECT_EQ(State(debtor, Day(2026, 3, 4)), PublicityState::kPublishing);
  EXPECT_EQ(State(debtor, Day(2026, 3, 5)), PublicityState::kExpired);
}

TEST(StateOnTest, KindsWithoutAWindowStayPublicWhileInForce) {
  Record licence = MakeRecord("admin_license", "", Day(2010, 1, 1));
  EXPECT_EQ(ExpiresOn(licence), std::nullopt);
  EXPECT_EQ(RestorableFrom(licence, DefaultCatalog()), std::nullopt);
  EXPECT_EQ(State(licence, Day(2040, 1, 1)), PublicityState::kPublishing);
}

TEST(StateOnTest, AStatusHoldsFromTheDayItWasWritten) {
  Record record = MakeRecord("admin_penalty", "general", Day(2024, 3, 5));
  Result<Record> withdrawn = Withdraw(record, Noon(Day(2024, 4, 10)), "wrong subject");
  ASSERT_TRUE(withdrawn.has_value());
  EXPECT_EQ(State(*withdrawn, Day(2024, 4, 9)), PublicityState::kPublishing);
  EXPECT_EQ(State(*withdrawn, Day(2024, 4, 10)), PublicityState::kWithdrawn);
  // Withdrawn stays withdrawn after the maximum: it ended otherwise.
  EXPECT_EQ(State(*withdrawn, Day(2026, 1, 1)), PublicityState::kWithdrawn);
  EXPECT_EQ(ExpiresOn(*withdrawn), std::nullopt);

  Result<Record> restored = Restore(record, DefaultCatalog(), Noon(Day(2024, 7, 1)), "");
  ASSERT_TRUE(restored.has_value());
  EXPECT_EQ(State(*restored, Day(2024, 6, 30)), PublicityState::kRestorable);
  EXPECT_EQ(State(*restored, Day(2024, 7, 1)), PublicityState::kRestored);
  EXPECT_EQ(RestorableFrom(*restored, DefaultCatalog()), std::nullopt);
}

TEST(StateOnTest, ExpiryFollowsTheDatesBeforeTheJobRuns) {
  Record record = MakeRecord("admin_penalty", "general", Day(2024, 3, 5));
  ASSERT_EQ(record.status, RecordStatus::kActive);
  EXPECT_EQ(State(record, Day(2025, 3, 5)), PublicityState::kExpired);
  EXPECT_FALSE(
      IsPublicOn(record, DefaultCatalog(), ids::SubjectKind::kEnterprise, Day(2025, 3, 5)));
  EXPECT_TRUE(IsPublicOn(record, DefaultCatalog(), ids::SubjectKind::kEnterprise, Day(2025, 3, 4)));
}

TEST(StateOnTest, PersonsPenaltiesAreNotPublicInAnyState) {
  Record record = MakeRecord("admin_penalty", "general", Day(2024, 3, 5));
  EXPECT_FALSE(IsPublicOn(record, DefaultCatalog(), ids::SubjectKind::kPerson, Day(2024, 3, 5)));
  Record debtor = MakeRecord("dishonest_debtor", "", Day(2024, 3, 5));
  EXPECT_TRUE(IsPublicOn(debtor, DefaultCatalog(), ids::SubjectKind::kPerson, Day(2024, 3, 5)));
}

TEST(StateOnTest, KeysRoundTrip) {
  for (PublicityState state : kAllPublicityStates) {
    EXPECT_EQ(ParsePublicityState(PublicityStateKey(state)), state);
  }
  EXPECT_EQ(PublicityStateKey(PublicityState::kUnpublished), "unpublished");
  EXPECT_EQ(ParsePublicityState("corrected"), std::nullopt);
}

// --- transitions ----------------------------------------------------------------------------

void ExpectRefused(const Result<Record>& result, std::string_view reason,
                   std::string_view message_part) {
  ASSERT_FALSE(result.has_value()) << "expected refusal " << reason;
  EXPECT_EQ(result.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(result.error().reason(), reason);
  EXPECT_NE(result.error().message().find(message_part), std::string::npos)
      << result.error().message();
}

TEST(TransitionTest, ExpireWritesANewVersionOnTheFirstHiddenDay) {
  Record record = MakeRecord("admin_penalty", "general", Day(2024, 3, 5));
  ExpectRefused(Expire(record, Noon(Day(2025, 3, 4))), "not_due", "2025-03-05");
  Result<Record> expired = Expire(record, Noon(Day(2025, 3, 5)));
  ASSERT_TRUE(expired.has_value()) << expired.error().ToString();
  EXPECT_EQ(expired->version, record.version + 1);
  EXPECT_EQ(expired->status, RecordStatus::kExpired);
  EXPECT_EQ(expired->status_reason, "publicity ended on 2025-03-05 (maximum period)");
  EXPECT_EQ(expired->updated_at, Noon(Day(2025, 3, 5)));
  // Content, identity and window are kept; the argument is untouched.
  EXPECT_EQ(expired->payload, record.payload);
  EXPECT_EQ(expired->created_at, record.created_at);
  EXPECT_EQ(expired->publicity_max_end, record.publicity_max_end);
  EXPECT_EQ(record.status, RecordStatus::kActive);
  EXPECT_EQ(ExpiresOn(*expired), Day(2025, 3, 5));
  EXPECT_EQ(State(*expired, Day(2025, 3, 5)), PublicityState::kExpired);
}

TEST(TransitionTest, ExpireUsesTheShanghaiDay) {
  Record record = MakeRecord("admin_penalty", "general", Day(2024, 3, 5));
  // 2025-03-04T16:30Z is already 2025-03-05 00:30 in Shanghai.
  Timestamp just_after_midnight =
      Timestamp::FromMicros(Timestamp::StartOfDayShanghai(Day(2025, 3, 5)).micros() + 1800000000);
  EXPECT_TRUE(Expire(record, just_after_midnight).has_value());
  Timestamp just_before_midnight =
      Timestamp::FromMicros(Timestamp::StartOfDayShanghai(Day(2025, 3, 5)).micros() - 1000000);
  ExpectRefused(Expire(record, just_before_midnight), "not_due", "2025-03-04 inclusive");
}

TEST(TransitionTest, ExpireRefusals) {
  Record licence = MakeRecord("admin_license", "", Day(2020, 1, 1));
  ExpectRefused(Expire(licence, Noon(Day(2030, 1, 1))), "no_end", "no maximum");
  Record record = MakeRecord("admin_penalty", "general", Day(2024, 3, 5));
  Record expired = *Expire(record, Noon(Day(2025, 3, 5)));
  ExpectRefused(Expire(expired, Noon(Day(2025, 3, 6))), "already_expired", "already expired");
  Record withdrawn = *Withdraw(record, Noon(Day(2024, 4, 1)), "");
  ExpectRefused(Expire(withdrawn, Noon(Day(2025, 3, 6))), "not_active", "withdrawn");
  Record restored = *Restore(record, DefaultCatalog(), Noon(Day(2024, 6, 5)), "");
  ExpectRefused(Expire(restored, Noon(Day(2025, 3, 6))), "not_active", "restored");
}

TEST(TransitionTest, RestoreFromTheFirstDayAfterTheMinimum) {
  Record record = MakeRecord("admin_penalty", "general", Day(2024, 3, 5));
  ExpectRefused(Restore(record, DefaultCatalog(), Noon(Day(2024, 6, 4)), ""), "too_early",
                "can be restored from 2024-06-05");
  Result<Record> restored =
      Restore(record, DefaultCatalog(), Noon(Day(2024, 6, 5)), "温鹿发改修复〔2024〕8号");
  ASSERT_TRUE(restored.has_value()) << restored.error().ToString();
  EXPECT_EQ(restored->status, RecordStatus::kRestored);
  EXPECT_EQ(restored->status_reason, "温鹿发改修复〔2024〕8号");
  EXPECT_EQ(restored->version, 2);
  // The last public day still allows it; the first hidden day no longer does.
  EXPECT_TRUE(Restore(record, DefaultCatalog(), Noon(Day(2025, 3, 4)), "").has_value());
  ExpectRefused(Restore(record, DefaultCatalog(), Noon(Day(2025, 3, 5)), ""), "expired",
                "2025-03-05");
  EXPECT_EQ(Restore(record, DefaultCatalog(), Noon(Day(2024, 6, 5)), "")->status_reason,
            "credit restored");
}

TEST(TransitionTest, RestoreRefusals) {
  Record debtor = MakeRecord("dishonest_debtor", "", Day(2024, 3, 5));
  ExpectRefused(Restore(debtor, DefaultCatalog(), Noon(Day(2025, 3, 5)), ""), "not_restorable",
                "dishonest_debtor");
  Record record = MakeRecord("admin_penalty", "general", Day(2024, 3, 5));
  Record restored = *Restore(record, DefaultCatalog(), Noon(Day(2024, 7, 1)), "");
  ExpectRefused(Restore(restored, DefaultCatalog(), Noon(Day(2024, 7, 2)), ""), "not_active",
                "restored");
  Record withdrawn = *Withdraw(record, Noon(Day(2024, 7, 1)), "");
  ExpectRefused(Restore(withdrawn, DefaultCatalog(), Noon(Day(2024, 7, 2)), ""), "not_active",
                "withdrawn");
  Record expired = *Expire(record, Noon(Day(2025, 3, 5)));
  ExpectRefused(Restore(expired, DefaultCatalog(), Noon(Day(2025, 3, 6)), ""), "expired",
                "already over");
  Record unknown = record;
  unknown.kind = "retired_kind";
  ExpectRefused(Restore(unknown, DefaultCatalog(), Noon(Day(2024, 7, 1)), ""), "not_restorable",
                "unknown to policy");
}

TEST(TransitionTest, WithdrawFromActiveRestoredOrExpiredOnly) {
  Record record = MakeRecord("admin_penalty", "general", Day(2024, 3, 5));
  Result<Record> withdrawn = Withdraw(record, Noon(Day(2024, 3, 6)), "");
  ASSERT_TRUE(withdrawn.has_value());
  EXPECT_EQ(withdrawn->status_reason, "withdrawn by its department");
  EXPECT_EQ(withdrawn->version, 2);
  ExpectRefused(Withdraw(*withdrawn, Noon(Day(2024, 3, 7)), ""), "already_withdrawn",
                "already withdrawn");
  Record restored = *Restore(record, DefaultCatalog(), Noon(Day(2024, 7, 1)), "");
  EXPECT_EQ(Withdraw(restored, Noon(Day(2024, 8, 1)), "basis revoked")->status,
            RecordStatus::kWithdrawn);
  Record expired = *Expire(record, Noon(Day(2025, 3, 5)));
  Result<Record> withdrawn_after_expiry = Withdraw(expired, Noon(Day(2025, 4, 1)), "error");
  ASSERT_TRUE(withdrawn_after_expiry.has_value());
  EXPECT_EQ(withdrawn_after_expiry->version, 3);
  EXPECT_EQ(withdrawn_after_expiry->status_reason, "error");
}

TEST(TransitionTest, ReinstateTakesBackAWithdrawalOrARestoration) {
  Record record = MakeRecord("admin_penalty", "general", Day(2024, 3, 5));
  ExpectRefused(Reinstate(record, Noon(Day(2024, 4, 1)), ""), "already_active", "already in force");
  Record withdrawn = *Withdraw(record, Noon(Day(2024, 4, 1)), "");
  Result<Record> back = Reinstate(withdrawn, Noon(Day(2024, 4, 2)), "");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->status, RecordStatus::kActive);
  EXPECT_EQ(back->version, 3);
  EXPECT_EQ(back->status_reason, "back in force");
  EXPECT_EQ(State(*back, Day(2024, 4, 2)), PublicityState::kPublishing);

  Record restored = *Restore(record, DefaultCatalog(), Noon(Day(2024, 7, 1)), "");
  Result<Record> revoked = Reinstate(restored, Noon(Day(2024, 8, 1)), "restoration revoked");
  ASSERT_TRUE(revoked.has_value());
  EXPECT_EQ(State(*revoked, Day(2024, 8, 1)), PublicityState::kRestorable);
  // Past its maximum it is back in force only in its history.
  Result<Record> late = Reinstate(withdrawn, Noon(Day(2025, 6, 1)), "");
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(State(*late, Day(2025, 6, 1)), PublicityState::kExpired);

  Record expired = *Expire(record, Noon(Day(2025, 3, 5)));
  ExpectRefused(Reinstate(expired, Noon(Day(2025, 3, 6)), ""), "expired", "expired");
}

TEST(TransitionTest, CorrectionIsANewVersionThatKeepsARestoration) {
  Record record = MakeRecord("admin_penalty", "general", Day(2024, 3, 5));
  Record revised = MakeRecord("admin_penalty", "serious", Day(2024, 3, 5));
  revised.id = 0;
  revised.payload = R"({"source_ref":"LC-CF-2024-000123","tier":"serious"})";
  revised.content_hash = 2002;
  Result<Record> corrected = Correct(record, revised, Noon(Day(2024, 4, 1)));
  ASSERT_TRUE(corrected.has_value()) << corrected.error().ToString();
  EXPECT_EQ(corrected->id, record.id);
  EXPECT_EQ(corrected->version, 2);
  EXPECT_EQ(corrected->status, RecordStatus::kActive);
  EXPECT_EQ(corrected->created_at, record.created_at);
  EXPECT_TRUE(IsCorrection(record, *corrected));
  // The window follows the corrected content: serious, restorable only after a year.
  EXPECT_EQ(State(*corrected, Day(2024, 6, 5)), PublicityState::kPublishing);

  Record restored = *Restore(record, DefaultCatalog(), Noon(Day(2024, 7, 1)), "修复决定");
  Result<Record> corrected_restored = Correct(restored, revised, Noon(Day(2024, 8, 1)));
  ASSERT_TRUE(corrected_restored.has_value());
  EXPECT_EQ(corrected_restored->status, RecordStatus::kRestored);
  EXPECT_EQ(corrected_restored->status_reason, "修复决定");
  EXPECT_EQ(corrected_restored->version, 3);

  Record withdrawn = *Withdraw(record, Noon(Day(2024, 7, 1)), "");
  EXPECT_EQ(Correct(withdrawn, revised, Noon(Day(2024, 8, 1)))->status, RecordStatus::kActive);

  // A status change is not a correction.
  EXPECT_FALSE(IsCorrection(record, restored));
  std::vector<Record> versions = {record, *corrected};
  versions.push_back(*Withdraw(*corrected, Noon(Day(2024, 9, 1)), ""));
  EXPECT_EQ(CountCorrections(versions), 1);
}

TEST(TransitionTest, CorrectionRefusals) {
  Record record = MakeRecord("admin_penalty", "general", Day(2024, 3, 5));
  ExpectRefused(Correct(record, record, Noon(Day(2024, 4, 1))), "unchanged", "nothing to correct");
  Record other = record;
  other.source_ref = "OTHER-1";
  other.content_hash = 3;
  Result<Record> wrong = Correct(record, other, Noon(Day(2024, 4, 1)));
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(wrong.error().reason(), "identity");
}

// --- the expiry plan --------------------------------------------------------------------------

TEST(PlanExpiryTest, ListsActiveRecordsWhoseMaximumHasCome) {
  std::vector<Record> records;
  records.push_back(MakeRecord("admin_penalty", "general", Day(2024, 3, 5)));  // due 2025-03-05
  records.push_back(MakeRecord("admin_penalty", "general", Day(2024, 3, 6)));  // due 2025-03-06
  records.push_back(MakeRecord("admin_license", "", Day(2024, 1, 1)));         // never
  records.push_back(*Withdraw(MakeRecord("admin_penalty", "minor", Day(2023, 1, 1)),
                              Noon(Day(2023, 2, 1)), ""));                           // withdrawn
  records.push_back(MakeRecord("admin_penalty", "minor", Day(2023, 1, 1), "警告"));  // unpublished
  for (size_t i = 0; i < records.size(); ++i) records[i].id = static_cast<int64_t>(i + 1);

  ExpiryPlan plan = PlanExpiry(records, Day(2025, 3, 5));
  EXPECT_EQ(plan.examined, 5);
  ASSERT_EQ(plan.due.size(), 2u);
  EXPECT_EQ(plan.due[0].id, 1);
  EXPECT_EQ(plan.due[0].max_end, Day(2025, 3, 5));
  EXPECT_EQ(plan.due[1].id, 5);  // never public, but its effect ends too

  EXPECT_EQ(PlanExpiry(records, Day(2025, 3, 4)).due.size(), 1u);
  EXPECT_EQ(PlanExpiry(records, Day(2025, 3, 6)).due.size(), 3u);

  std::vector<store::RecordHead> heads;
  for (const Record& record : records) {
    store::RecordHead head;
    head.id = record.id;
    head.subject_id = record.subject_id;
    head.status = record.status;
    head.publicity_max_end = record.publicity_max_end;
    head.version = record.version;
    heads.push_back(head);
  }
  ExpiryPlan paged;
  AddToExpiryPlan(std::span(heads).subspan(0, 2), Day(2025, 3, 6), paged);
  AddToExpiryPlan(std::span(heads).subspan(2), Day(2025, 3, 6), paged);
  EXPECT_EQ(paged.examined, 5);
  ASSERT_EQ(paged.due.size(), 3u);
  EXPECT_EQ(paged.due[2].id, 5);
}

// --- the expiry job against a real store -------------------------------------------------------

std::string FreshStoreUrl() {
  static std::atomic<int> counter{0};
  std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) /
                              ("credence_lifecycle_test_" + std::to_string(::getpid()) + "_" +
                               std::to_string(counter.fetch_add(1)));
  std::filesystem::remove_all(dir);
  return "sqlite:" + (dir / "credence.db").string();
}

TEST(ApplyExpiryTest, WritesExpiredVersionsWithAuditAndSkipsWhatChanged) {
  Result<std::unique_ptr<store::Store>> opened = store::Store::Open(FreshStoreUrl());
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  store::Store& store = **opened;
  Timestamp ingested = Noon(Day(2024, 3, 10));
  int64_t subject_id = 0;
  {
    auto txn = *store.BeginWrite();
    store::Batch batch;
    batch.department = "market_regulation";
    batch.actor = "cli";
    batch.format = "ndjson";
    batch.source_name = "test";
    batch.started_at = ingested;
    batch.finished_at = ingested;
    ASSERT_TRUE(txn->InsertBatch(batch));
    store::Subject subject;
    subject.code = "91330302MA2AXXXXX1";
    subject.code_kind = ids::CodeKind::kUscc;
    subject.name = "温州市某某贸易有限公司";
    subject.name_norm = subject.name;
    subject.region = "330302";
    subject.created_at = ingested;
    subject.updated_at = ingested;
    ASSERT_TRUE(txn->InsertSubject(subject));
    subject_id = subject.id;
    std::vector<Record> records;
    for (int i = 0; i < 3; ++i) {
      Record record = MakeRecord("admin_penalty", "general", Day(2024, 3, 5 + i));
      record.id = 0;
      record.subject_id = subject.id;
      record.source_ref = "REF-" + std::to_string(i);
      record.batch_id = batch.id;
      record.created_at = ingested;
      record.updated_at = ingested;
      records.push_back(record);
    }
    ASSERT_TRUE(txn->InsertRecords(records));
    ASSERT_TRUE(txn->Commit());
  }
  Result<std::vector<store::RecordHead>> heads = store.ListRecordHeads(subject_id);
  ASSERT_TRUE(heads.has_value());
  ExpiryPlan plan = PlanExpiry(*heads, Day(2025, 3, 6));
  ASSERT_EQ(plan.due.size(), 2u);

  // Between planning and applying, the department withdraws the second record.
  {
    auto txn = *store.BeginWrite();
    std::optional<Record> second = *txn->GetRecord(plan.due[1].id);
    ASSERT_TRUE(second.has_value());
    ASSERT_TRUE(txn->ReviseRecord(*Withdraw(*second, Noon(Day(2025, 3, 6)), "wrong")));
    ASSERT_TRUE(txn->Commit());
  }

  int64_t audit_before = store.Stats()->audit_entries;
  Timestamp run_at = Timestamp::StartOfDayShanghai(Day(2025, 3, 6));
  std::vector<int64_t> touched;
  {
    auto txn = *store.BeginWrite();
    Result<ExpiryCounts> counts = ApplyExpiry(*txn, plan.due, run_at, "lifecycle", &touched);
    ASSERT_TRUE(counts.has_value()) << counts.error().ToString();
    EXPECT_EQ(counts->planned, 2);
    EXPECT_EQ(counts->expired, 1);
    EXPECT_EQ(counts->skipped, 1);
    ASSERT_TRUE(txn->Commit());
  }
  EXPECT_EQ(touched, std::vector<int64_t>{subject_id});
  std::optional<Record> first = *store.GetRecord(plan.due[0].id);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->status, RecordStatus::kExpired);
  EXPECT_EQ(first->version, 2);
  EXPECT_EQ(first->updated_at, run_at);
  std::vector<Record> versions = *store.ListRecordVersions(plan.due[0].id);
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0].status, RecordStatus::kActive);
  EXPECT_EQ(store.GetRecord(plan.due[1].id)->value().status, RecordStatus::kWithdrawn);

  EXPECT_EQ(store.Stats()->audit_entries, audit_before + 1);
  std::vector<store::AuditEntry> entries;
  ASSERT_TRUE(store.ScanAudit(audit_before + 1, [&](const store::AuditEntry& entry) {
    entries.push_back(entry);
    return OkStatus();
  }));
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].action, "record.expire");
  EXPECT_EQ(entries[0].actor, "lifecycle");
  EXPECT_EQ(entries[0].object, "record:" + std::to_string(plan.due[0].id) + "@2");
  EXPECT_EQ(entries[0].digest, std::string(AsBytes(Sha256Concat({first->payload, "expired"}))));
  EXPECT_TRUE(audit::Verify(store)->ok);

  // A second run finds nothing left to do.
  Result<std::vector<store::RecordHead>> after = store.ListRecordHeads(subject_id);
  EXPECT_TRUE(PlanExpiry(*after, Day(2025, 3, 6)).due.empty());
}

}  // namespace
}  // namespace credence::lifecycle
