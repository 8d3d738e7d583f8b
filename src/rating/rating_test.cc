#include "rating/rating.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <random>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/hash.h"
#include "common/json.h"
#include "rating/rating_internal.h"
#include "rating/rating_testing.h"

namespace credence::rating {
namespace {

using policy::Tier;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Date D(std::string_view text) { return Date::Parse(text).value(); }

// The weights of rating_testing.h's test policy that the expectations below are made of.
constexpr int kBase = 700;
constexpr int kFile = 15 + 10 + 5;  // registration, legal representative, industry
constexpr int kYears5 = 40;         // five years or more in operation
constexpr int kGeneral = -100;
constexpr int kSerious = -120;
constexpr int kMinor = -10;
constexpr int kDebtor = -200;
constexpr int kHonour = 100;
constexpr int kTaxA = 40;
constexpr int kTaxD = -120;
constexpr int kBroken = -50;

// Linear decay as the policy describes it, worked out in floating point: full points on the
// decision day, nothing at the end, halves rounded away from zero.
int Decayed(int full, Date decided, Date end, Date as_of) {
  double exact =
      static_cast<double>(full) * (end.days() - as_of.days()) / (end.days() - decided.days());
  return static_cast<int>(std::lround(exact));
}

class RatingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<policy::Catalog> catalog = policy::ParseCatalog(testing::PolicyWithRating());
    ASSERT_TRUE(catalog) << catalog.error().ToString();
    catalog_ = new policy::Catalog(std::move(*catalog));
    Result<RatingModels> models = LoadRatingModels(*catalog_);
    ASSERT_TRUE(models) << models.error().ToString();
    models_ = new RatingModels(std::move(*models));
  }
  static void TearDownTestSuite() {
    delete models_;
    delete catalog_;
  }

  void SetUp() override {
    company_.code = "91330302MA2AXXXX1X";
    company_.kind = policy::SubjectKind::kEnterprise;
    company_.registered_on = D("2010-06-01");
    company_.status = store::SubjectStatus::kRegistered;
    company_.legal_representative = "张三";
    company_.industry = "F";
  }

  const RatingModel& Enterprise() const { return *models_->ForKind(company_.kind); }

  // A record with the publicity window the catalog gives it.
  RatingRecord Rec(std::string_view kind, Date decided, Tier tier = Tier::kNone,
                   std::string_view match = "", std::string_view department = "market_regulation",
                   std::string_view ref = "") {
    const policy::RecordKind* record_kind = catalog_->FindKind(kind);
    EXPECT_NE(record_kind, nullptr) << kind;
    policy::PublicityWindow window = catalog_->Window(*record_kind, tier, decided);
    RatingRecord record;
    record.id = next_id_++;
    record.kind = kind;
    record.department = department;
    record.source_ref =
        ref.empty() ? std::string_view(refs_.emplace_back("REF-" + std::to_string(record.id)))
                    : ref;
    record.tier = tier;
    record.match_value = match;
    record.decided_at = decided;
    record.restorable_from = window.min_end;
    record.publicity_max_end = window.max_end;
    record.published = window.published;
    return record;
  }
  RatingRecord Penalty(Tier tier, Date decided, std::string_view department = "market_regulation",
                       std::string_view ref = "") {
    return Rec("admin_penalty", decided, tier, "", department, ref);
  }

  Rating Rate(std::span<const RatingRecord> records,
              std::span<const RatingMembership> memberships = {}, Date as_of = kToday,
              const store::Subject* subject = nullptr) {
    const store::Subject& rated = subject != nullptr ? *subject : company_;
    return Evaluate(*models_->ForKind(rated.kind), {&rated, records, memberships}, as_of);
  }

  // The company's score with no records: base, file and years.
  static int Baseline() { return kBase + kFile + kYears5; }

  static std::vector<std::string> FactorsOf(const Rating& rating) {
    std::vector<std::string> keys;
    for (const Contribution& c : rating.contributions) {
      keys.push_back(rating.model->factors()[c.factor].key);
    }
    return keys;
  }
  static std::vector<std::string_view> CapsOf(const Rating& rating) {
    std::vector<std::string_view> rules;
    for (const AppliedCap& cap : rating.caps) rules.push_back(cap.rule);
    return rules;
  }

  static constexpr Date kToday = Date::FromDays(20414);  // 2025-11-22, checked in a test
  static policy::Catalog* catalog_;
  static RatingModels* models_;
  store::Subject company_;
  std::deque<std::string> refs_;
  int64_t next_id_ = 1;
};

policy::Catalog* RatingTest::catalog_ = nullptr;
RatingModels* RatingTest::models_ = nullptr;

TEST_F(RatingTest, TestDayIsWhatTheTestsSayItIs) { EXPECT_EQ(kToday, D("2025-11-22")); }

TEST_F(RatingTest, ACleanFileScoresItsBaseFeaturesAndYears) {
  Rating rating = Rate({});
  EXPECT_EQ(rating.score, Baseline());
  EXPECT_EQ(rating.level, Level::kB);  // 770 is below A's 780
  EXPECT_EQ(rating.model->version(), "test-enterprise-1");
  EXPECT_THAT(FactorsOf(rating), ElementsAre("file.registration", "file.legal_representative",
                                             "file.industry", "years_in_operation"));
  EXPECT_TRUE(rating.top_factors.empty());
  EXPECT_TRUE(rating.caps.empty());
  EXPECT_TRUE(rating.what_if.empty());

  store::Subject bare = company_;
  bare.status = store::SubjectStatus::kProvisional;
  bare.legal_representative.clear();
  bare.industry.clear();
  bare.registered_on.reset();
  EXPECT_EQ(Rate({}, {}, kToday, &bare).score, kBase);
}

TEST_F(RatingTest, YearsInOperationCountWholeYearsAcross29February) {
  store::Subject leap = company_;
  leap.registered_on = D("2020-02-29");
  // One whole year is reached on 2021-02-28 (2021 has no 29 February).
  EXPECT_EQ(Rate({}, {}, D("2021-02-27"), &leap).score, kBase + kFile);
  Rating one_year = Rate({}, {}, D("2021-02-28"), &leap);
  EXPECT_EQ(one_year.score, kBase + kFile + 10);
  EXPECT_EQ(one_year.contributions.back().years, 1);
  EXPECT_EQ(Rate({}, {}, D("2025-02-27"), &leap).score, kBase + kFile + 10);
  EXPECT_EQ(Rate({}, {}, D("2025-02-28"), &leap).score, kBase + kFile + kYears5);
}

TEST_F(RatingTest, LinearDecayFromTheDecisionToTheEndOfPublicity) {
  // A general penalty is public for 12 months: 2024-03-05 up to 2025-03-04.
  RatingRecord penalty = Penalty(Tier::kGeneral, D("2024-03-05"));
  ASSERT_EQ(penalty.publicity_max_end, D("2025-03-05"));
  const Date end = *penalty.publicity_max_end;

  EXPECT_EQ(Rate({&penalty, 1}, {}, D("2024-03-04")).score, Baseline()) << "not yet decided";
  EXPECT_EQ(Rate({&penalty, 1}, {}, D("2024-03-05")).score, Baseline() + kGeneral);
  for (Date day : {D("2024-03-06"), D("2024-09-03"), D("2025-01-01")}) {
    Rating rating = Rate({&penalty, 1}, {}, day);
    EXPECT_EQ(rating.score, Baseline() + Decayed(kGeneral, penalty.decided_at, end, day))
        << day.ToString();
  }
  // About half way: 100 × 183/365 = 50.1 rounds to 50.
  EXPECT_EQ(Rate({&penalty, 1}, {}, end.AddDays(-183)).score, Baseline() - 50);
  // The last public day still counts what is left, rounded: 100 × 1/365 rounds to nothing,
  // which leaves no contribution at all.
  Rating last_day = Rate({&penalty, 1}, {}, end.AddDays(-1));
  EXPECT_EQ(last_day.score, Baseline());
  EXPECT_EQ(last_day.contributions.size(), 4u);
  Rating two_days_left = Rate({&penalty, 1}, {}, end.AddDays(-2));
  EXPECT_EQ(two_days_left.score, Baseline() - 1);  // 100 × 2/365 = 0.55 rounds to 1
  EXPECT_EQ(Rate({&penalty, 1}, {}, end).score, Baseline()) << "publicity over";
}

TEST_F(RatingTest, WithdrawnRestoredExpiredAndPastWindowRecordsCountNothing) {
  for (store::RecordStatus status :
       {store::RecordStatus::kWithdrawn, store::RecordStatus::kRestored,
        store::RecordStatus::kExpired}) {
    RatingRecord penalty = Penalty(Tier::kGeneral, kToday.AddDays(-10));
    penalty.status = status;
    Rating rating = Rate({&penalty, 1});
    EXPECT_EQ(rating.score, Baseline()) << store::RecordStatusKey(status);
    EXPECT_EQ(rating.contributions.size(), 4u);
    EXPECT_TRUE(rating.what_if.empty());
  }
  // Still active, but past its publicity window (the lifecycle job has not run yet).
  RatingRecord stale = Penalty(Tier::kSerious, kToday.AddYears(-3));
  ASSERT_EQ(stale.publicity_max_end, kToday);
  EXPECT_EQ(Rate({&stale, 1}).score, Baseline());
}

TEST_F(RatingTest, UnpublishedRecordsCountOnlyWhereTheFactorSaysSo) {
  // A warning is never published: it costs nothing.
  RatingRecord warning = Penalty(Tier::kMinor, kToday);
  warning.published = false;
  EXPECT_EQ(Rate({&warning, 1}).score, Baseline());
  // A D tax grade is kept unpublished, and the factor includes unpublished records.
  RatingRecord grade = Rec("tax_credit_grade", kToday.AddMonths(-6), Tier::kNone, "D", "tax");
  grade.published = false;
  EXPECT_EQ(Rate({&grade, 1}).score, Baseline() + kTaxD);
}

TEST_F(RatingTest, MatchesRecordsOnTheirTierOrFieldValue) {
  std::vector<RatingRecord> records = {
      Rec("commitment", kToday.AddDays(-1), Tier::kNone, "kept"),
      Rec("commitment", kToday.AddDays(-1), Tier::kNone, "pending"),  // no factor: nothing
      Rec("admin_penalty", kToday, Tier::kNone),  // no tier: the kind's default (general)
  };
  Rating rating = Rate(records);
  EXPECT_EQ(rating.score, Baseline() + 10 + kGeneral);
  EXPECT_THAT(FactorsOf(rating), ::testing::Contains("admin_penalty.general"));
}

TEST_F(RatingTest, OnlyTheLatestTaxGradeCounts) {
  RatingRecord older_a = Rec("tax_credit_grade", D("2024-04-20"), Tier::kNone, "A", "tax");
  RatingRecord newer_d = Rec("tax_credit_grade", D("2025-04-20"), Tier::kNone, "D", "tax");
  std::vector<RatingRecord> records = {older_a, newer_d};
  Rating rating = Rate(records);
  EXPECT_EQ(rating.score, Baseline() + kTaxD);
  // Were the D grade gone, the A grade before it would count again.
  ASSERT_FALSE(rating.what_if.empty());
  EXPECT_EQ(rating.what_if[0].score, Baseline() + kTaxA);
  EXPECT_EQ(rating.what_if[0].way, WhatIf::Way::kExpired);
  EXPECT_EQ(rating.what_if[0].expires_on, D("2027-04-20"));  // window_months = 24
  // Once the newest grade is older than its window, no grade counts.
  EXPECT_EQ(Rate(records, {}, D("2027-04-20")).score, Baseline());
}

TEST_F(RatingTest, TheCourtListSetsD) {
  RatingRecord debtor = Rec("dishonest_debtor", D("2025-01-10"), Tier::kNone, "", "court");
  RatingRecord honour_1 = Rec("honour", D("2025-01-01"));
  RatingRecord honour_2 = Rec("honour", D("2025-02-01"));
  std::vector<RatingRecord> records = {debtor, honour_1, honour_2};
  RatingMembership listed{"court_dishonest_debtor", debtor.id, D("2027-01-10"), true};
  Rating rating = Rate(records, {&listed, 1});
  const int debtor_points = Decayed(kDebtor, debtor.decided_at, *debtor.publicity_max_end, kToday);
  EXPECT_EQ(rating.score, Baseline() + 2 * kHonour + debtor_points);
  EXPECT_GE(rating.score, 650) << "the score alone would be B or better";
  EXPECT_EQ(rating.level, Level::kD);
  EXPECT_THAT(CapsOf(rating), ElementsAre("court_list"));

  // Off the list (performed): the listing neither sets D nor costs points any more (the debtor
  // factor counts while listed). 970 points would be A+, but A+ needs an incentive list.
  listed.active = false;
  Rating off = Rate(records, {&listed, 1});
  EXPECT_EQ(off.score, Baseline() + 2 * kHonour);
  EXPECT_EQ(off.level, Level::kA);
  EXPECT_THAT(CapsOf(off), ElementsAre("a_plus_clean_record", "a_plus_list"));
}

TEST_F(RatingTest, ASeriousDishonestyListSetsD) {
  RatingRecord honour = Rec("honour", kToday.AddDays(-1));
  RatingMembership listed{"serious_dishonesty_market_regulation", 0, std::nullopt, true};
  Rating rating = Rate({&honour, 1}, {&listed, 1});
  EXPECT_EQ(rating.score, Baseline() + kHonour);
  EXPECT_EQ(rating.level, Level::kD);
  EXPECT_THAT(CapsOf(rating), ElementsAre("serious_dishonesty_list"));
  // A red list is no blacklist.
  RatingMembership red{"incentive_city", 0, std::nullopt, true};
  EXPECT_EQ(Rate({&honour, 1}, {&red, 1}).level, Level::kA);
}

TEST_F(RatingTest, ASeriousPenaltyInTheLastTwelveMonthsCapsAtC) {
  std::vector<RatingRecord> records = {Rec("honour", D("2025-01-01")),
                                       Rec("honour", D("2025-02-01")),
                                       Penalty(Tier::kSerious, D("2025-06-01"))};
  Rating rating = Rate(records);
  EXPECT_GE(rating.score, 780) << "A by score";
  EXPECT_EQ(rating.level, Level::kC);
  EXPECT_THAT(CapsOf(rating), ElementsAre("serious_penalty_12_months"));
  EXPECT_EQ(CapText(rating.caps[0]).en, "Serious penalty within a year: C at best");
  EXPECT_EQ(CapText(rating.caps[0]).zh, "近一年严重处罚，最高C级");
}

TEST_F(RatingTest, TheTwelveMonthsEndTheDayBeforeTheAnniversary) {
  // Decided on the last day of the window that still reaches the as-of day.
  RatingRecord inside = Penalty(Tier::kSerious, D("2024-11-23"));
  EXPECT_EQ(Rate({&inside, 1}).level, Level::kC);
  EXPECT_THAT(CapsOf(Rate({&inside, 1})), ElementsAre("serious_penalty_12_months"));
  // One day earlier the anniversary is the as-of day: no longer within 12 months.
  RatingRecord outside = Penalty(Tier::kSerious, D("2024-11-22"));
  EXPECT_TRUE(Rate({&outside, 1}).caps.empty());
  // 29 February: twelve months later is 28 February.
  RatingRecord leap = Penalty(Tier::kSerious, D("2024-02-29"));
  EXPECT_THAT(CapsOf(Rate({&leap, 1}, {}, D("2025-02-27"))),
              ElementsAre("serious_penalty_12_months"));
  EXPECT_TRUE(Rate({&leap, 1}, {}, D("2025-02-28")).caps.empty());
}

TEST_F(RatingTest, PublicityOfA29FebruaryRecordEndsOn28February) {
  RatingRecord leap = Penalty(Tier::kGeneral, D("2024-02-29"));
  ASSERT_EQ(leap.publicity_max_end, D("2025-02-28"));
  EXPECT_LT(Rate({&leap, 1}, {}, D("2025-02-26")).score, Baseline());
  EXPECT_EQ(Rate({&leap, 1}, {}, D("2025-02-28")).score, Baseline());
}

class APlusTest : public RatingTest {
 protected:
  // Two honours: 970 points, A+ by score.
  std::vector<RatingRecord> Honoured() {
    return {Rec("honour", D("2025-01-01")), Rec("honour", D("2025-02-01"))};
  }
  RatingMembership incentive_{"incentive_national", 0, std::nullopt, true};
};

TEST_F(APlusTest, NeedsACleanRecordAndAnIncentiveList) {
  std::vector<RatingRecord> records = Honoured();
  Rating rating = Rate(records, {&incentive_, 1});
  EXPECT_EQ(rating.score, Baseline() + 2 * kHonour);
  EXPECT_EQ(rating.level, Level::kAPlus);
  EXPECT_TRUE(rating.caps.empty());

  RatingMembership key_support{"key_support_lucheng", 0, std::nullopt, true};
  EXPECT_EQ(Rate(records, {&key_support, 1}).level, Level::kAPlus);
}

TEST_F(APlusTest, WithoutAnIncentiveListIsA) {
  std::vector<RatingRecord> records = Honoured();
  Rating rating = Rate(records);
  EXPECT_EQ(rating.level, Level::kA);
  EXPECT_THAT(CapsOf(rating), ElementsAre("a_plus_list"));
  RatingMembership ended = incentive_;
  ended.active = false;
  EXPECT_EQ(Rate(records, {&ended, 1}).level, Level::kA);
}

TEST_F(APlusTest, ANegativeRecordWithinFiveYearsIsA) {
  std::vector<RatingRecord> records = Honoured();
  // A minor penalty long out of publicity still is a negative record of the last five years.
  records.push_back(Penalty(Tier::kMinor, D("2020-11-23")));
  Rating rating = Rate(records, {&incentive_, 1});
  EXPECT_EQ(rating.score, Baseline() + 2 * kHonour) << "it costs no points any more";
  EXPECT_EQ(rating.level, Level::kA);
  EXPECT_THAT(CapsOf(rating), ElementsAre("a_plus_clean_record"));
  // Both halves missing: both are named.
  EXPECT_THAT(CapsOf(Rate(records)), ElementsAre("a_plus_clean_record", "a_plus_list"));

  // Restored: publicity ended early, the record still is history.
  records.back().status = store::RecordStatus::kRestored;
  EXPECT_EQ(Rate(records, {&incentive_, 1}).level, Level::kA);
  // Withdrawn: the department took it back; it never was.
  records.back().status = store::RecordStatus::kWithdrawn;
  EXPECT_EQ(Rate(records, {&incentive_, 1}).level, Level::kAPlus);
}

TEST_F(APlusTest, FiveYearsEndOnTheFifthAnniversary) {
  std::vector<RatingRecord> records = Honoured();
  records.push_back(Penalty(Tier::kMinor, D("2020-11-22")));
  EXPECT_EQ(Rate(records, {&incentive_, 1}).level, Level::kAPlus);
  records.back().decided_at = D("2020-11-23");
  EXPECT_EQ(Rate(records, {&incentive_, 1}).level, Level::kA);
}

TEST_F(APlusTest, APositiveRecordDoesNotBlockIt) {
  std::vector<RatingRecord> records = Honoured();
  records.push_back(Rec("commitment", D("2024-01-01"), Tier::kNone, "kept"));
  EXPECT_EQ(Rate(records, {&incentive_, 1}).level, Level::kAPlus);
}

TEST_F(RatingTest, TopFactorsAreTheFourCostliestInADeterministicOrder) {
  std::vector<RatingRecord> records = {
      Penalty(Tier::kGeneral, kToday, "tax", "T-2"),
      Penalty(Tier::kGeneral, kToday, "market_regulation", "M-9"),
      Penalty(Tier::kMinor, kToday, "market_regulation", "M-1"),
      Penalty(Tier::kSerious, kToday, "transport", "X-1"),
      Penalty(Tier::kGeneral, kToday, "tax", "T-1"),
      Penalty(Tier::kGeneral, kToday.AddDays(-30), "health", "H-1"),
      Rec("honour", kToday),
  };
  Rating rating = Rate(records);
  ASSERT_EQ(rating.top_factors.size(), 4u);
  std::vector<std::string> refs;
  std::vector<int32_t> points;
  for (uint32_t index : rating.top_factors) {
    refs.push_back(rating.contributions[index].record->source_ref);
    points.push_back(rating.contributions[index].points);
  }
  // Most points first; equal points: same factor, same day → department, then reference.
  EXPECT_THAT(refs, ElementsAre("X-1", "M-9", "T-1", "T-2"));
  EXPECT_THAT(points, ElementsAre(kSerious, kGeneral, kGeneral, kGeneral));
  // The decayed general penalty of 30 days ago and the minor one cost less and are left out.

  // Ties between factors: the factor key decides, then the newer record.
  std::vector<RatingRecord> ties = {Rec("commitment", kToday, Tier::kNone, "broken"),
                                    Rec("commitment", kToday, Tier::kNone, "broken", "tax"),
                                    Rec("contract_performance", kToday.AddDays(-2), Tier::kNone,
                                        "breach", "public_resource_trading", "C-1"),
                                    Rec("contract_performance", kToday.AddDays(-1), Tier::kNone,
                                        "breach", "public_resource_trading", "C-2")};
  // Breaches cost 60 each (no decay), broken commitments 50.
  Rating tied = Rate(ties);
  ASSERT_EQ(tied.top_factors.size(), 4u);
  EXPECT_EQ(tied.contributions[tied.top_factors[0]].record->source_ref, "C-2");
  EXPECT_EQ(tied.contributions[tied.top_factors[1]].record->source_ref, "C-1");
  EXPECT_EQ(tied.contributions[tied.top_factors[2]].record->department, "market_regulation");
  EXPECT_EQ(tied.contributions[tied.top_factors[3]].record->department, "tax");
}

TEST_F(RatingTest, ExplainsEachContributionInBothLanguages) {
  RatingRecord penalty = Penalty(Tier::kGeneral, D("2024-03-05"));
  Rating rating = Rate({&penalty, 1}, {}, D("2024-03-05"));
  ASSERT_EQ(rating.top_factors.size(), 1u);
  policy::Text text = ContributionText(rating, rating.contributions[rating.top_factors[0]]);
  EXPECT_EQ(text.zh, "2024年3月5日行政处罚（一般）扣100分");
  EXPECT_EQ(text.en,
            "Penalty of 5 March 2024 (Wenzhou Administration for Market Regulation): "
            "100 off");
  policy::Text years = ContributionText(rating, rating.contributions[3]);
  EXPECT_EQ(years.en, "13 years in business: 40 added");
}

// Re-rates with the record restored and the memberships it grounds ended: what a what-if says.
Rating WithoutRecord(const RatingModel& model, const store::Subject& subject,
                     std::vector<RatingRecord> records, std::vector<RatingMembership> memberships,
                     int64_t record_id, Date as_of) {
  for (RatingRecord& record : records) {
    if (record.id == record_id) record.status = store::RecordStatus::kRestored;
  }
  for (RatingMembership& membership : memberships) {
    if (membership.record_id == record_id) membership.active = false;
  }
  return Evaluate(model, {&subject, records, memberships}, as_of);
}

TEST_F(RatingTest, WhatIfsAgreeWithReRatingWithoutTheRecord) {
  RatingRecord debtor = Rec("dishonest_debtor", D("2025-03-01"), Tier::kNone, "", "court");
  std::vector<RatingRecord> records = {
      debtor,
      Penalty(Tier::kSerious, D("2025-05-01")),
      Penalty(Tier::kGeneral, D("2025-08-15")),
      Penalty(Tier::kMinor, D("2025-10-01")),
      Rec("commitment", D("2024-06-01"), Tier::kNone, "broken"),
      Rec("tax_credit_grade", D("2024-04-20"), Tier::kNone, "A", "tax"),
      Rec("tax_credit_grade", D("2025-04-20"), Tier::kNone, "D", "tax"),
      Rec("honour", D("2025-02-01")),
      Rec("honour", D("2025-03-01")),
  };
  std::vector<RatingMembership> memberships = {
      {"court_dishonest_debtor", debtor.id, D("2028-03-01"), true},
      {"incentive_city", 0, std::nullopt, true}};
  Rating rating = Rate(records, memberships);
  ASSERT_EQ(rating.level, Level::kD);

  size_t negative_records = 0;
  for (const Contribution& c : rating.contributions) {
    if (c.record && c.points < 0) ++negative_records;
  }
  std::set<int64_t> covered;
  for (const WhatIf& what_if : rating.what_if) {
    const RecordRef& ref = *rating.contributions[what_if.contribution].record;
    covered.insert(ref.id);
    Rating again = WithoutRecord(Enterprise(), company_, records, memberships, ref.id, kToday);
    EXPECT_EQ(what_if.score, again.score) << ref.source_ref;
    EXPECT_EQ(what_if.level, again.level) << ref.source_ref;
  }
  EXPECT_EQ(covered.size(), negative_records) << "every negative record has a what-if";

  // The debtor record takes the court listing with it; it ends by itself with the listing,
  // which outlasts the record's own publicity (2027-03-01).
  auto debtor_if = std::find_if(rating.what_if.begin(), rating.what_if.end(), [&](const WhatIf& w) {
    return rating.contributions[w.contribution].record->id == debtor.id;
  });
  ASSERT_NE(debtor_if, rating.what_if.end());
  EXPECT_EQ(debtor_if->way, WhatIf::Way::kExpired) << "court listings are not restored";
  EXPECT_EQ(debtor_if->expires_on, D("2028-03-01"));
  EXPECT_EQ(debtor_if->level, Level::kC) << "the serious penalty of May still caps at C";
  EXPECT_TRUE(std::is_sorted(rating.what_if.begin(), rating.what_if.end(),
                             [](const WhatIf& a, const WhatIf& b) { return a.score > b.score; }))
      << "most regained first";

  // A restorable penalty has both ways, restored (from its minimum) and expired.
  const RatingRecord& general = records[2];
  int ways = 0;
  for (const WhatIf& w : rating.what_if) {
    if (rating.contributions[w.contribution].record->id != general.id) continue;
    ++ways;
    EXPECT_EQ(w.expires_on, general.publicity_max_end);
    if (w.way == WhatIf::Way::kRestored) {
      EXPECT_EQ(w.restorable_from, D("2025-11-15"));
    }
  }
  EXPECT_EQ(ways, 2);
}

TEST_F(RatingTest, AWhileListedRecordCountsOnlyWhileItsListingIsActive) {
  RatingRecord debtor = Rec("dishonest_debtor", D("2025-03-01"), Tier::kNone, "", "court");
  ASSERT_EQ(debtor.publicity_max_end, D("2027-03-01"));
  const int points = Decayed(kDebtor, debtor.decided_at, *debtor.publicity_max_end, kToday);
  // Not listed (never, or removed on performance): it costs nothing, though still public.
  EXPECT_EQ(Rate({&debtor, 1}).score, Baseline());
  RatingMembership removed{"court_dishonest_debtor", debtor.id, D("2025-10-01"), false};
  EXPECT_EQ(Rate({&debtor, 1}, {&removed, 1}).score, Baseline());
  // A listing resting on another record does not count for it.
  RatingMembership other{"court_dishonest_debtor", debtor.id + 100, std::nullopt, true};
  Rating other_rating = Rate({&debtor, 1}, {&other, 1});
  EXPECT_EQ(other_rating.score, Baseline());
  EXPECT_EQ(other_rating.level, Level::kD) << "the listing itself still sets D";

  // Listed until 2026-01-01, before the record's own publicity ends: all it costs ends then.
  RatingMembership listed{"court_dishonest_debtor", debtor.id, D("2026-01-01"), true};
  Rating rating = Rate({&debtor, 1}, {&listed, 1});
  EXPECT_EQ(rating.score, Baseline() + points);
  ASSERT_EQ(rating.what_if.size(), 1u);
  EXPECT_EQ(rating.what_if[0].expires_on, D("2026-01-01"));
  EXPECT_EQ(rating.what_if[0].score, Baseline());
}

TEST_F(RatingTest, AListingWithoutTermLeavesNoExpiry) {
  RatingRecord debtor = Rec("dishonest_debtor", D("2025-03-01"), Tier::kNone, "", "court");
  // Ground 1 (able but refusing to perform): listed until performance.
  RatingMembership listed{"court_dishonest_debtor", debtor.id, std::nullopt, true};
  Rating rating = Rate({&debtor, 1}, {&listed, 1});
  EXPECT_TRUE(rating.what_if.empty());
}

TEST_F(RatingTest, SameInputsGiveTheSameBytesInAnyOrder) {
  RatingRecord debtor = Rec("dishonest_debtor", D("2025-03-01"), Tier::kNone, "", "court");
  std::vector<RatingRecord> records = {
      debtor,
      Penalty(Tier::kSerious, D("2025-05-01"), "tax", "S-1"),
      Penalty(Tier::kGeneral, D("2025-08-15"), "tax", "G-1"),
      Penalty(Tier::kGeneral, D("2025-08-15"), "market_regulation", "G-1"),
      Penalty(Tier::kGeneral, D("2025-08-15"), "market_regulation", "G-2"),
      Penalty(Tier::kMinor, D("2025-10-01")),
      Rec("commitment", D("2024-06-01"), Tier::kNone, "broken"),
      Rec("commitment", D("2024-06-01"), Tier::kNone, "kept"),
      Rec("tax_credit_grade", D("2024-04-20"), Tier::kNone, "A", "tax"),
      Rec("tax_credit_grade", D("2025-04-20"), Tier::kNone, "D", "tax"),
      Rec("honour", D("2025-02-01")),
  };
  std::vector<RatingMembership> memberships = {
      {"court_dishonest_debtor", debtor.id, D("2028-03-01"), true},
      {"incentive_city", 0, std::nullopt, true},
      {"serious_dishonesty_tax", 0, std::nullopt, true}};
  const std::string first = RatingJson(Rate(records, memberships));
  EXPECT_EQ(RatingJson(Rate(records, memberships)), first);
  std::mt19937 shuffle(20261122);
  for (int round = 0; round < 20; ++round) {
    std::shuffle(records.begin(), records.end(), shuffle);
    std::shuffle(memberships.begin(), memberships.end(), shuffle);
    ASSERT_EQ(RatingJson(Rate(records, memberships)), first) << "round " << round;
  }
  // A reused Rating gives the same bytes as a fresh one.
  Rating reused = Rate(records, memberships);
  Evaluate(Enterprise(), {&company_, {}, {}}, kToday, reused);
  EXPECT_EQ(RatingJson(reused), RatingJson(Rate({})));
}

TEST_F(RatingTest, JsonHasTheFieldsOfTheFormatInAFixedOrder) {
  RatingRecord penalty = Penalty(Tier::kGeneral, D("2025-08-15"), "market_regulation", "P-1");
  RatingMembership listed{"serious_dishonesty_x", 0, std::nullopt, true};
  Rating rating = Rate({&penalty, 1}, {&listed, 1});
  std::string json = RatingJson(rating);
  Result<JsonValue> parsed = ParseJson(json);
  ASSERT_TRUE(parsed) << json;
  auto keys = [](const JsonValue& object) {
    std::vector<std::string> names;
    for (const auto& [key, value] : object.as_object()) names.push_back(key);
    return names;
  };
  EXPECT_THAT(keys(*parsed),
              ElementsAre("code", "level", "score", "model_version", "policy_version", "as_of",
                          "base", "contributions", "top_factors", "caps", "what_if"));
  EXPECT_EQ(parsed->GetString("code"), company_.code);
  EXPECT_EQ(parsed->GetString("level"), "D");
  EXPECT_EQ(parsed->Find("score")->as_int(), rating.score);
  EXPECT_EQ(parsed->GetString("model_version"), "test-enterprise-1");
  EXPECT_EQ(parsed->GetString("policy_version"), catalog_->version());
  EXPECT_EQ(parsed->GetString("as_of"), "2025-11-22T00:00:00Z");

  const JsonValue& contribution = parsed->Find("contributions")->as_array().back();
  EXPECT_THAT(keys(contribution), ElementsAre("factor", "points", "record", "decided_at"));
  EXPECT_EQ(contribution.GetString("factor"), "admin_penalty.general");
  EXPECT_THAT(keys(*contribution.Find("record")), ElementsAre("department", "source_ref", "id"));
  EXPECT_EQ(contribution.FindPath("record.source_ref")->as_string(), "P-1");
  EXPECT_TRUE(parsed->Find("contributions")->as_array()[0].Find("record")->is_null());

  const JsonValue& top = parsed->Find("top_factors")->as_array().at(0);
  EXPECT_THAT(keys(top), ElementsAre("factor", "points", "record", "text"));
  EXPECT_THAT(keys(*top.Find("text")), ElementsAre("zh-CN", "en"));
  EXPECT_EQ(top.Find("points")->as_int(), contribution.Find("points")->as_int());

  const JsonValue& cap = parsed->Find("caps")->as_array().at(0);
  EXPECT_THAT(keys(cap), ElementsAre("rule", "level", "text"));
  EXPECT_EQ(cap.GetString("rule"), "serious_dishonesty_list");

  const JsonValue::Array& what_if = parsed->Find("what_if")->as_array();
  ASSERT_EQ(what_if.size(), 2u);
  EXPECT_THAT(keys(what_if[0]),
              ElementsAre("record", "if", "score", "level", "expires_on", "restorable_from"));
  EXPECT_EQ(what_if[0].GetString("if"), "restored");
  EXPECT_EQ(what_if[0].GetString("expires_on"), "2026-08-15");
  EXPECT_EQ(what_if[0].GetString("restorable_from"), "2025-11-15");
  EXPECT_EQ(what_if[0].Find("score")->as_int(), Baseline());
  EXPECT_THAT(keys(what_if[1]), ElementsAre("record", "if", "score", "level", "expires_on"));
  EXPECT_EQ(what_if[1].GetString("if"), "expired");
  EXPECT_EQ(what_if[1].GetString("level"), "D") << "the list still sets D";
  EXPECT_EQ(parsed->Find("score")->type(), JsonValue::Type::kInt);
  EXPECT_EQ(contribution.Find("points")->type(), JsonValue::Type::kInt);
}

TEST_F(RatingTest, DigestComparesBulkRuns) {
  std::string clean = RatingJson(Rate({}));
  RatingRecord penalty = Penalty(Tier::kGeneral, kToday);
  std::string penalised = RatingJson(Rate({&penalty, 1}));

  RatingDigest first;
  first.Add("91330302MA2AXXXX1X", clean);
  first.Add("91330302MA2AXXXX2X", penalised);
  RatingDigest second;
  second.Add("91330302MA2AXXXX1X", clean);
  second.Add("91330302MA2AXXXX2X", penalised);
  EXPECT_EQ(first.Hex(), second.Hex());
  EXPECT_EQ(first.Hex().size(), 64u);
  EXPECT_EQ(first.count(), 2);
  EXPECT_TRUE(first.in_code_order());

  RatingDigest changed;
  changed.Add("91330302MA2AXXXX1X", clean);
  changed.Add("91330302MA2AXXXX2X", clean);
  EXPECT_NE(changed.Hex(), first.Hex());

  RatingDigest swapped;
  swapped.Add("91330302MA2AXXXX2X", penalised);
  swapped.Add("91330302MA2AXXXX1X", clean);
  EXPECT_NE(swapped.Hex(), first.Hex());
  EXPECT_FALSE(swapped.in_code_order());
  EXPECT_NE(RatingDigest().Hex(), first.Hex());

  // The digest is that of the ratings as NDJSON, and adding may go on after reading it.
  EXPECT_EQ(first.Hex(), HexEncode(Sha256(clean + "\n" + penalised + "\n")));
  RatingDigest growing;
  growing.Add("91330302MA2AXXXX1X", clean);
  EXPECT_EQ(growing.Hex(), HexEncode(Sha256(clean + "\n")));
  growing.Add("91330302MA2AXXXX2X", penalised);
  EXPECT_EQ(growing.Hex(), first.Hex());
}

TEST_F(RatingTest, PersonsAreRatedOnlyOnWhatTheirModelScores) {
  store::Subject person;
  person.code = "330302199001011234";
  person.kind = policy::SubjectKind::kPerson;
  RatingRecord penalty = Penalty(Tier::kSerious, kToday.AddDays(-5));
  RatingRecord debtor = Rec("dishonest_debtor", kToday.AddDays(-5), Tier::kNone, "", "court");
  std::vector<RatingRecord> records = {penalty};
  Rating rating = Rate(records, {}, kToday, &person);
  EXPECT_EQ(rating.model->version(), "test-person-1");
  EXPECT_EQ(rating.score, 800) << "the person model scores no penalties";
  EXPECT_TRUE(rating.contributions.empty()) << "and persons have no file features";
  records.push_back(debtor);
  RatingMembership listed{"court_dishonest_debtor", debtor.id, std::nullopt, true};
  Rating listed_rating = Rate(records, {&listed, 1}, kToday, &person);
  EXPECT_EQ(listed_rating.level, Level::kD);
}

TEST(FindJsonStringTest, FollowsDottedPathsAndSkipsOtherValues) {
  std::string_view json =
      R"({"a":[1,{"grade":"X"},"]"],"b":{"c":"}{","grade":"A"},"grade" : "B","n":-1.5e3})";
  EXPECT_EQ(FindJsonString(json, "grade"), "B");
  EXPECT_EQ(FindJsonString(json, "b.grade"), "A");
  EXPECT_EQ(FindJsonString(json, "b.c"), "}{");
  EXPECT_EQ(FindJsonString(json, "n"), std::nullopt) << "not a string";
  EXPECT_EQ(FindJsonString(json, "missing"), std::nullopt);
  EXPECT_EQ(FindJsonString(json, "a.grade"), std::nullopt) << "a is an array";
  EXPECT_EQ(FindJsonString(R"({"s":"a\"b"})", "s"), R"(a\"b)");
  EXPECT_EQ(FindJsonString("{\"s\":", "s"), std::nullopt);
  EXPECT_EQ(FindJsonString("", "s"), std::nullopt);
  EXPECT_EQ(FindJsonString("{}", "s"), std::nullopt);
}

}  // namespace
}  // namespace credence::rating
