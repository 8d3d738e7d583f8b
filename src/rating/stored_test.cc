// Rating from stored records: lifecycle states, derived list memberships and list actions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "common/hash.h"
#include "common/json.h"
#include "lists/lists.h"
#include "rating/rating.h"
#include "rating/rating_testing.h"

namespace credence::rating {
namespace {

using ::testing::ElementsAre;

Date D(std::string_view text) { return Date::Parse(text).value(); }

Timestamp Noon(Date day) {
  return Timestamp::FromMicros(Timestamp::StartOfDayShanghai(day).micros() +
                               int64_t{12} * 3600 * 1000000);
}

class StoredRatingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<policy::Catalog> catalog = policy::ParseCatalog(testing::PolicyWithRating());
    ASSERT_TRUE(catalog) << catalog.error().ToString();
    catalog_ = new policy::Catalog(std::move(*catalog));
    Result<RatingModels> models = LoadRatingModels(*catalog_);
    ASSERT_TRUE(models) << models.error().ToString();
    models_ = new RatingModels(std::move(*models));
    Result<lists::ListCatalog> lists = lists::ListCatalog::Load(*catalog_);
    ASSERT_TRUE(lists) << lists.error().ToString();
    lists_ = new lists::ListCatalog(std::move(*lists));
  }
  static void TearDownTestSuite() {
    delete lists_;
    delete models_;
    delete catalog_;
  }

  void SetUp() override {
    company_.id = 7;
    company_.code = "91330302MA2AXXXX1X";
    company_.kind = policy::SubjectKind::kEnterprise;
    company_.registered_on = D("2010-06-01");
    company_.status = store::SubjectStatus::kRegistered;
    company_.legal_representative = "张三";
    company_.industry = "F";
  }

  // A record as ingest stores it: the payload is the feed row, the window from the policy.
  store::Record Stored(int64_t id, std::string kind, std::string department, Date decided,
                       JsonValue::Object fields, policy::Tier tier = policy::Tier::kNone) {
    JsonValue payload(JsonValue::Object{});
    payload.Set("source_ref", "REF-" + std::to_string(id));
    payload.Set("kind", kind);
    payload.Set("decided_at", decided.ToString());
    for (auto& [key, value] : fields) payload.Set(key, value);
    const policy::RecordKind* record_kind = catalog_->FindKind(kind);
    EXPECT_NE(record_kind, nullptr) << kind;
    policy::PublicityWindow window = catalog_->Window(*record_kind, tier, decided);
    store::Record record;
    record.id = id;
    record.subject_id = company_.id;
    record.kind = std::move(kind);
    record.department = std::move(department);
    record.source_ref = "REF-" + std::to_string(id);
    record.decided_at = decided;
    record.tier = std::string(policy::TierKey(tier));
    record.publicity_start = window.start;
    record.publicity_min_end = window.min_end;
    record.publicity_max_end = window.max_end;
    record.published = window.published;
    if (const JsonValue* number = payload.Find("document_no")) {
      record.document_no = number->as_string();
    }
    record.payload = ToCanonicalJson(payload);
    record.content_hash = ContentHash64(record.payload);
    record.created_at = Noon(decided);
    record.updated_at = Noon(decided);
    return record;
  }

  // A court listing on ground 2 (two years).
  store::Record Listing(int64_t id, Date decided) {
    return Stored(id, "dishonest_debtor", "court", decided,
                  {{"ground", 2},
                   {"document_no", "(2025)浙0302执" + std::to_string(id) + "号"},
                   {"authority", JsonValue::Object{{"name", "温州市鹿城区人民法院"}}}});
  }

  bool Rate(std::span<const store::Record> records, Date as_of, Rating& out) {
    SubjectRater rater(*catalog_, *models_, *lists_);
    return rater.Rate(company_, records, as_of, out);
  }

  static std::vector<int64_t> RecordIds(const Rating& rating) {
    std::vector<int64_t> ids;
    for (const Contribution& c : rating.contributions) {
      if (c.record) ids.push_back(c.record->id);
    }
    return ids;
  }

  static constexpr Date kToday = Date::FromDays(20414);  // 2025-11-22
  static policy::Catalog* catalog_;
  static RatingModels* models_;
  static lists::ListCatalog* lists_;
  store::Subject company_;
};

policy::Catalog* StoredRatingTest::catalog_ = nullptr;
RatingModels* StoredRatingTest::models_ = nullptr;
lists::ListCatalog* StoredRatingTest::lists_ = nullptr;

TEST_F(StoredRatingTest, ViewsAStoredRecordAsOfADay) {
  store::Record contract = Stored(
      1, "contract_performance", "public_resource_trading", D("2025-06-01"),
      {{"content", "合同履约评价：违约"},
       {"extra", JsonValue::Object{{"evaluation", "breach"}, {"project", "温州市\"某\"工程"}}}});
  RatingRecord view = models_->View(contract, *catalog_, kToday);
  EXPECT_EQ(view.match_value, "breach");
  EXPECT_EQ(view.id, 1);
  EXPECT_EQ(view.source_ref, "REF-1");
  EXPECT_EQ(models_->MatchField("contract_performance"), "extra.evaluation");
  EXPECT_EQ(models_->MatchField("admin_penalty"), "");

  store::Record penalty =
      Stored(2, "admin_penalty", "market_regulation", D("2025-06-01"), {}, policy::Tier::kGeneral);
  // Restored on 2025-12-01: on the test day it was still in force, and restorable.
  penalty.status = store::RecordStatus::kRestored;
  penalty.updated_at = Noon(D("2025-12-01"));
  RatingRecord before = models_->View(penalty, *catalog_, kToday);
  EXPECT_EQ(before.tier, policy::Tier::kGeneral);
  EXPECT_EQ(before.status, store::RecordStatus::kActive);
  EXPECT_EQ(before.restorable_from, D("2025-09-01"));
  EXPECT_EQ(before.publicity_max_end, D("2026-06-01"));
  RatingRecord after = models_->View(penalty, *catalog_, D("2025-12-01"));
  EXPECT_EQ(after.status, store::RecordStatus::kRestored);
  EXPECT_EQ(after.restorable_from, std::nullopt);

  Rating rating;
  ASSERT_TRUE(Rate(std::vector<store::Record>{contract, penalty}, kToday, rating));
  EXPECT_THAT(RecordIds(rating), ElementsAre(2, 1)) << "same day: by department";
  ASSERT_TRUE(Rate(std::vector<store::Record>{contract, penalty}, D("2025-12-01"), rating));
  EXPECT_THAT(RecordIds(rating), ElementsAre(1));
}

TEST_F(StoredRatingTest, TheCourtListingDerivedFromRecordsSetsDUntilRemoved) {
  std::vector<store::Record> records = {Listing(1, D("2025-03-01"))};
  Rating rating;
  ASSERT_TRUE(Rate(records, kToday, rating));
  EXPECT_EQ(rating.level, Level::kD);
  ASSERT_EQ(rating.caps.size(), 1u);
  EXPECT_EQ(rating.caps[0].rule, "court_list");
  EXPECT_THAT(RecordIds(rating), ElementsAre(1));
  ASSERT_EQ(rating.what_if.size(), 1u);
  EXPECT_EQ(rating.what_if[0].way, WhatIf::Way::kExpired) << "court listings are not restored";
  EXPECT_EQ(rating.what_if[0].expires_on, D("2027-03-01")) << "the two-year term";
  EXPECT_NE(rating.what_if[0].level, Level::kD);

  // The court removes the listing on performance (a new version of the listing record): the
  // record stays public, but neither the listing nor its points count any more.
  store::Record removed = records[0];
  Result<JsonValue> payload = ParseJson(removed.payload);
  ASSERT_TRUE(payload);
  payload->Set("removal", "performed");
  payload->Set("removed_on", "2025-10-01");
  removed.payload = ToCanonicalJson(*payload);
  removed.version = 2;
  removed.updated_at = Noon(D("2025-10-01"));
  ASSERT_TRUE(Rate(std::vector<store::Record>{removed}, kToday, rating));
  EXPECT_TRUE(rating.caps.empty());
  EXPECT_TRUE(RecordIds(rating).empty());
  EXPECT_EQ(rating.level, models_->ForKind(company_.kind)->LevelForScore(rating.score));
  // Before the removal, it did.
  ASSERT_TRUE(Rate(std::vector<store::Record>{removed}, D("2025-09-30"), rating));
  EXPECT_EQ(rating.level, Level::kD);
}

TEST_F(StoredRatingTest, ListActionRecordsAreNotRated) {
  store::Record listing = Listing(1, D("2025-03-01"));
  // Another court's delisting decision, by the listing's document number.
  store::Record delisting =
      Stored(2, "dishonest_debtor", "court", D("2025-09-01"),
             {{"list_action", "delist"},
              {"target_document_no", listing.document_no},
              {"document_no", "(2025)浙03执复1号"},
              {"removal", "basis_revoked"},
              {"ground", 2},
              {"authority", JsonValue::Object{{"name", "温州市中级人民法院"}}}});
  Rating rating;
  ASSERT_TRUE(Rate(std::vector<store::Record>{listing, delisting}, kToday, rating));
  EXPECT_TRUE(RecordIds(rating).empty()) << RatingJson(rating);
  EXPECT_TRUE(rating.caps.empty());
}

TEST_F(StoredRatingTest, AnIncentiveListingFromARedListRecordOpensAPlus) {
  std::vector<store::Record> records = {
      Stored(1, "honour", "development_reform", D("2025-01-01"),
             {{"content", "温州市诚信示范企业"}, {"authority", JsonValue::Object{{"name", "x"}}}}),
      Stored(2, "honour", "development_reform", D("2025-02-01"),
             {{"content", "守合同重信用企业"}, {"authority", JsonValue::Object{{"name", "x"}}}})};
  Rating rating;
  ASSERT_TRUE(Rate(records, kToday, rating));
  EXPECT_EQ(rating.level, Level::kA);
  ASSERT_EQ(rating.caps.size(), 1u);
  EXPECT_EQ(rating.caps[0].rule, "a_plus_list");

  records.push_back(Stored(3, "red_list", "development_reform", D("2025-04-01"),
                           {{"list", "温州市诚信红名单"}, {"term_end", "2027-04-01"}}));
  ASSERT_TRUE(Rate(records, kToday, rating));
  EXPECT_EQ(rating.level, Level::kAPlus) << RatingJson(rating);
}

TEST_F(StoredRatingTest, OnlyTheSubjectsOwnRecordsAndRatedKinds) {
  store::Record others = Listing(1, D("2025-03-01"));
  others.subject_id = company_.id + 1;
  Rating rating;
  ASSERT_TRUE(Rate(std::vector<store::Record>{others}, kToday, rating));
  EXPECT_EQ(rating.level, Level::kB);
  EXPECT_TRUE(rating.caps.empty());

  // The test policy rates enterprises and persons only.
  company_.kind = policy::SubjectKind::kGovernmentOrgan;
  rating.code = "unchanged";
  EXPECT_FALSE(Rate({}, kToday, rating));
  EXPECT_EQ(rating.code, "unchanged");
}

// --- Stored ratings: re-rating after an ingest and in bulk ---

class StoredRatingsInStoreTest : public StoredRatingTest {
 protected:
  void SetUp() override {
    StoredRatingTest::SetUp();
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("credence_rating_store_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    Result<std::unique_ptr<store::Store>> opened = store::Store::Open((dir_ / "c.db").string());
    ASSERT_TRUE(opened) << opened.error().ToString();
    store_ = std::move(*opened);
    auto txn = store_->BeginWrite();
    ASSERT_TRUE(txn);
    company_.id = 0;
    company_.name = "温州市某某建材有限公司";
    ASSERT_TRUE((*txn)->InsertSubject(company_));
    store::Subject other = company_;
    other.id = 0;
    other.code = "91330302MA2BYYYY2Y";
    ASSERT_TRUE((*txn)->InsertSubject(other));
    other_id_ = other.id;
    records_ = {Listing(0, D("2025-03-01")), Stored(0, "admin_penalty", "market_regulation",
                                                    D("2025-06-01"), {}, policy::Tier::kGeneral)};
    ASSERT_TRUE((*txn)->InsertRecords(records_));
    ASSERT_TRUE((*txn)->Commit());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  std::vector<store::Record> records_;
  int64_t other_id_ = 0;
};

TEST_F(StoredRatingsInStoreTest, RerateStoresTheRatingAndAHistoryEntryPerChange) {
  RatingUpdater updater(*store_, *catalog_, *models_, *lists_);
  std::vector<int64_t> ids = {company_.id, company_.id, 9999};
  Result<RerateCounts> counts = updater.Rerate(ids, kToday);
  ASSERT_TRUE(counts) << counts.error().ToString();
  EXPECT_EQ(counts->subjects, 1) << "repeated and unknown ids";
  EXPECT_EQ(counts->rated, 1);
  EXPECT_EQ(counts->changed, 1);

  auto stored = store_->GetRating(company_.id);
  ASSERT_TRUE(stored && *stored);
  Rating rating;
  ASSERT_TRUE(Rate(records_, kToday, rating));
  EXPECT_EQ((*stored)->json, RatingJson(rating)) << "the rating a read would compute";
  EXPECT_EQ((*stored)->digest, HexEncode(Sha256((*stored)->json)));
  EXPECT_EQ((*stored)->level, "D");
  EXPECT_EQ((*stored)->score, rating.score);
  EXPECT_EQ((*stored)->model_version, rating.model->version());
  EXPECT_EQ((*stored)->as_of, kToday);
  EXPECT_THAT((*stored)->lists, ElementsAre("court_dishonest_debtor"));

  // Two months on, the general penalty has decayed and the level is still D: a new score is a
  // change.
  EXPECT_EQ(updater.Rerate(ids, D("2026-01-22"))->changed, 1);
  // The same day again: no change.
  EXPECT_EQ(updater.Rerate(ids, D("2026-01-22"))->changed, 0);
  // The listing's two-year term ends on 2027-03-01: off the list, no longer D.
  EXPECT_EQ(updater.Rerate(ids, D("2027-02-28"))->changed, 1);
  EXPECT_THAT((*store_->GetRating(company_.id))->lists, ElementsAre("court_dishonest_debtor"))
      << "the last day of the term";
  EXPECT_EQ(updater.Rerate(ids, D("2027-03-01"))->changed, 1);
  auto after = store_->GetRating(company_.id);
  EXPECT_TRUE((*after)->lists.empty());
  EXPECT_NE((*after)->level, "D");
  auto history = store_->ListRatingHistory(company_.id, 0, 10);
  ASSERT_TRUE(history);
  ASSERT_EQ(history->total, 4);
  EXPECT_EQ(history->items[0].level, (*after)->level);
  EXPECT_EQ(history->items[0].as_of, D("2027-03-01"));
  EXPECT_EQ(history->items[3].as_of, kToday);
  EXPECT_EQ(history->items[3].level, "D");
}

TEST_F(StoredRatingsInStoreTest, BulkRatingIsDeterministicAndAgreesWithRerating) {
  Result<BulkRatingResult> first = RateAll(*store_, *catalog_, *models_, *lists_, kToday, true);
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->subjects, 2);
  EXPECT_EQ(first->records, 2);
  EXPECT_EQ(first->changed, 2);
  EXPECT_EQ(first->per_level[static_cast<int>(Level::kD)], 1);
  std::string json = (*store_->GetRating(company_.id))->json;
  std::string other = (*store_->GetRating(other_id_))->json;

  Result<BulkRatingResult> second = RateAll(*store_, *catalog_, *models_, *lists_, kToday, true);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->digest, first->digest);
  EXPECT_EQ(second->changed, 0);
  EXPECT_EQ((*store_->GetRating(company_.id))->json, json);
  EXPECT_EQ((*store_->GetRating(other_id_))->json, other);

  // Re-rating one subject the same day stores the same bytes and changes nothing.
  RatingUpdater updater(*store_, *catalog_, *models_, *lists_);
  std::vector<int64_t> ids = {company_.id};
  EXPECT_EQ(updater.Rerate(ids, kToday)->changed, 0);
  EXPECT_EQ((*store_->GetRating(company_.id))->json, json);

  // A dry run stores nothing; another day gives another digest.
  Result<BulkRatingResult> later =
      RateAll(*store_, *catalog_, *models_, *lists_, D("2025-12-22"), false);
  ASSERT_TRUE(later);
  EXPECT_NE(later->digest, first->digest);
  EXPECT_EQ(later->changed, 0);
  EXPECT_EQ((*store_->GetRating(company_.id))->as_of, kToday);
  EXPECT_EQ(store_->ListRatingHistory(company_.id, 0, 10)->total, 1);
}

TEST_F(StoredRatingsInStoreTest, TheDailyJobExpiresAndReratesOncePerDay) {
  RatingUpdater updater(*store_, *catalog_, *models_, *lists_);
  FixedClock clock(Noon(kToday));
  MetricsRegistry metrics;
  DailyJob job(*store_, updater, clock, &metrics);
  auto first = job.RunIfDue();
  ASSERT_TRUE(first) << first.error().ToString();
  ASSERT_TRUE(*first) << "the first check runs the job";
  EXPECT_EQ((*first)->day, kToday);
  EXPECT_EQ((*first)->expiry.expired, 0);
  EXPECT_EQ((*first)->rating.subjects, 2);
  EXPECT_EQ((*first)->rating.changed, 2);
  // Later the same day (the last second of it in Shanghai): nothing to do.
  clock.Set(Timestamp::FromMicros(Timestamp::StartOfDayShanghai(kToday.AddDays(1)).micros() - 1));
  EXPECT_FALSE(*job.RunIfDue());

  // 2026-06-01 is the first day after the general penalty's publicity: it is stored as expired
  // and the rating changes with the calendar alone.
  clock.Set(Timestamp::StartOfDayShanghai(D("2026-06-01")));
  auto later = job.RunIfDue();
  ASSERT_TRUE(later && *later);
  EXPECT_EQ((*later)->expiry.expired, 1);
  EXPECT_EQ((*later)->rating.changed, 1) << "the company; the other subject is unchanged";
  auto penalty = store_->GetRecord(records_[1].id);
  ASSERT_TRUE(penalty && *penalty);
  EXPECT_EQ((*penalty)->status, store::RecordStatus::kExpired);
  EXPECT_EQ((*store_->GetRating(company_.id))->as_of, D("2026-06-01"));
  std::string exposition = metrics.RenderPrometheus();
  EXPECT_NE(exposition.find("credence_daily_runs_total 2"), std::string::npos) << exposition;
  EXPECT_NE(exposition.find("credence_daily_expired 1"), std::string::npos) << exposition;
  EXPECT_NE(exposition.find("credence_daily_rating_changes 1"), std::string::npos);
}

TEST_F(StoredRatingsInStoreTest, TheDailyJobThreadRunsAtStartAndStopsWhenDestroyed) {
  RatingUpdater updater(*store_, *catalog_, *models_, *lists_);
  FixedClock clock(Noon(kToday));
  {
    DailyJob job(*store_, updater, clock, nullptr);
    job.Start(std::chrono::hours(1));
    for (int i = 0; i < 500; ++i) {
      auto stored = store_->GetRating(company_.id);
      if (stored && *stored) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }  // joins without waiting for the hour
  auto stored = store_->GetRating(company_.id);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->as_of, kToday);
}

}  // namespace
}  // namespace credence::rating
