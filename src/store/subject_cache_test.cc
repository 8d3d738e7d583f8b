// The in-memory subject cache answers exactly what its store holds: after a fill, after each
// commit, and after another process writes to the same file.
#include "store/subject_cache.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace credence::store {
namespace {

constexpr Timestamp kT0 = Timestamp::FromSeconds(1'763'769'600);

Date Day(int year, int month, int day) { return *Date::FromCivil(year, month, day); }

Subject MakeSubject(std::string code, std::string name) {
  Subject subject;
  subject.code = std::move(code);
  subject.code_kind = ids::CodeKind::kUscc;
  subject.name = name;
  subject.name_norm = std::move(name);
  subject.kind = ids::SubjectKind::kEnterprise;
  subject.region = "330302";
  subject.industry = "F";
  subject.registered_on = Day(2015, 6, 1);
  subject.status = SubjectStatus::kRegistered;
  subject.legal_representative = "王某";
  subject.created_at = kT0;
  subject.updated_at = kT0;
  return subject;
}

Record MakeRecord(int64_t subject_id, std::string kind, std::string source_ref, Date decided_at) {
  Record record;
  record.subject_id = subject_id;
  record.department = "market_regulation";
  record.kind = std::move(kind);
  record.source_ref = source_ref;
  record.decided_at = decided_at;
  record.publicity_start = decided_at;
  record.publicity_max_end = decided_at.AddYears(3);
  record.payload = R"({"source_ref":")" + source_ref + R"("})";
  record.content_hash = static_cast<int64_t>(std::hash<std::string>{}(record.payload));
  record.batch_id = 1;
  record.created_at = kT0;
  record.updated_at = kT0;
  return record;
}

void ExpectSameSubject(const Subject& actual, const Subject& expected) {
  EXPECT_EQ(actual.id, expected.id);
  EXPECT_EQ(actual.code, expected.code);
  EXPECT_EQ(actual.code_kind, expected.code_kind);
  EXPECT_EQ(actual.name, expected.name);
  EXPECT_EQ(actual.name_norm, expected.name_norm);
  EXPECT_EQ(actual.kind, expected.kind);
  EXPECT_EQ(actual.region, expected.region);
  EXPECT_EQ(actual.industry, expected.industry);
  EXPECT_EQ(actual.registered_on, expected.registered_on);
  EXPECT_EQ(actual.status, expected.status);
  EXPECT_EQ(actual.legal_representative, expected.legal_representative);
  EXPECT_EQ(actual.code_flagged, expected.code_flagged);
  EXPECT_EQ(actual.created_at, expected.created_at);
  EXPECT_EQ(actual.updated_at, expected.updated_at);
}

void ExpectSameHeads(const std::vector<RecordHead>& actual,
                     const std::vector<RecordHead>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) {
    EXPECT_EQ(actual[i].id, expected[i].id);
    EXPECT_EQ(actual[i].subject_id, expected[i].subject_id);
    EXPECT_EQ(actual[i].kind, expected[i].kind);
    EXPECT_EQ(actual[i].status, expected[i].status);
    EXPECT_EQ(actual[i].decided_at, expected[i].decided_at);
    EXPECT_EQ(actual[i].publicity_max_end, expected[i].publicity_max_end);
    EXPECT_EQ(actual[i].published, expected[i].published);
    EXPECT_EQ(actual[i].version, expected[i].version);
    EXPECT_EQ(actual[i].content_hash, expected[i].content_hash);
  }
}

class SubjectCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = (std::filesystem::path(::testing::TempDir()) / "credence_subject_cache_test" /
            (std::string(info->name()) + "_" + std::to_string(::getpid())))
               .string();
    std::filesystem::remove_all(dir_);
    store_ = Open();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<Store> Open() {
    auto store = Store::Open("sqlite:" + dir_ + "/credence.db");
    EXPECT_TRUE(store) << store.error().ToString();
    return store ? std::move(*store) : nullptr;
  }

  static int64_t AddSubject(Store& store, const std::string& code, const std::string& name) {
    auto txn = store.BeginWrite();
    EXPECT_TRUE(txn);
    Subject subject = MakeSubject(code, name);
    EXPECT_TRUE((*txn)->InsertSubject(subject));
    EXPECT_TRUE((*txn)->Commit());
    return subject.id;
  }

  static std::vector<Record> AddRecords(Store& store, std::vector<Record> records) {
    auto txn = store.BeginWrite();
    EXPECT_TRUE(txn);
    EXPECT_TRUE((*txn)->InsertRecords(records));
    EXPECT_TRUE((*txn)->Commit());
    return records;
  }

  // Every read of the cache agrees with the store for these subjects (and an unknown code).
  void ExpectAgrees(SubjectCache& cache, const std::vector<int64_t>& ids) {
    for (int64_t id : ids) {
      auto stored = store_->GetSubject(id);
      ASSERT_TRUE(stored && *stored);
      auto by_id = cache.GetSubject(id);
      ASSERT_TRUE(by_id && *by_id) << id;
      ExpectSameSubject(**by_id, **stored);
      auto by_code = cache.FindSubjectByCode((*stored)->code);
      ASSERT_TRUE(by_code && *by_code) << (*stored)->code;
      ExpectSameSubject(**by_code, **stored);
      auto heads = cache.ListRecordHeads(id);
      auto stored_heads = store_->ListRecordHeads(id);
      ASSERT_TRUE(heads && stored_heads);
      ExpectSameHeads(*heads, *stored_heads);
    }
    auto unknown = cache.FindSubjectByCode("91330302MA2A0000ZZ");
    ASSERT_TRUE(unknown);
    EXPECT_FALSE(unknown->has_value());
    auto subjects = cache.GetSubjects(ids);
    ASSERT_TRUE(subjects);
    EXPECT_EQ(subjects->size(), ids.size());
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(SubjectCacheTest, AfterAFillAnswersWhatTheStoreHolds) {
  int64_t a = AddSubject(*store_, "91330302MA2A000001", "温州市甲贸易有限公司");
  int64_t b = AddSubject(*store_, "91330302MA2A000002", "温州市乙餐饮有限公司");
  int64_t empty = AddSubject(*store_, "91330302MA2A000003", "温州市丙科技有限公司");
  // Decided out of id order, and two on one day: heads come back by decision day, then id.
  AddRecords(*store_, {MakeRecord(a, "admin_penalty", "P-1", Day(2024, 3, 5)),
                       MakeRecord(b, "admin_license", "L-1", Day(2020, 2, 29)),
                       MakeRecord(a, "admin_license", "L-2", Day(2021, 1, 1)),
                       MakeRecord(a, "tax_credit_grade", "T-1", Day(2024, 3, 5))});

  SubjectCache cache(*store_);
  EXPECT_FALSE(cache.usage().ready);
  ExpectAgrees(cache, {a, b, empty});  // from the store before the fill
  ASSERT_TRUE(cache.Fill());
  SubjectCache::Usage usage = cache.usage();
  EXPECT_TRUE(usage.ready);
  EXPECT_EQ(usage.subjects, 3);
  EXPECT_EQ(usage.record_heads, 4);
  ExpectAgrees(cache, {a, b, empty});
  auto heads = cache.ListRecordHeads(a);
  ASSERT_TRUE(heads);
  ASSERT_EQ(heads->size(), 3u);
  EXPECT_EQ((*heads)[0].kind, "admin_license");
  EXPECT_EQ((*heads)[1].kind, "admin_penalty");
  EXPECT_EQ((*heads)[2].kind, "tax_credit_grade");
}

TEST_F(SubjectCacheTest, ACommitIsVisibleWhenCommitReturns) {
  int64_t a = AddSubject(*store_, "91330302MA2A000001", "温州市甲贸易有限公司");
  SubjectCache cache(*store_);
  ASSERT_TRUE(cache.Fill());

  int64_t b = AddSubject(*store_, "91330302MA2A000002", "温州市乙餐饮有限公司");
  std::vector<Record> added =
      AddRecords(*store_, {MakeRecord(a, "admin_penalty", "P-1", Day(2024, 3, 5))});
  ExpectAgrees(cache, {a, b});

  // A withdrawal and a renamed subject, in one transaction.
  Record withdrawn = added[0];
  withdrawn.version = 2;
  withdrawn.status = RecordStatus::kWithdrawn;
  Subject renamed = **store_->GetSubject(a);
  renamed.name = "温州市甲控股有限公司";
  {
    auto txn = store_->BeginWrite();
    ASSERT_TRUE(txn);
    ASSERT_TRUE((*txn)->ReviseRecord(withdrawn));
    ASSERT_TRUE((*txn)->UpdateSubject(renamed));
    ASSERT_TRUE((*txn)->Commit());
  }
  ExpectAgrees(cache, {a, b});
  EXPECT_EQ((*cache.GetSubject(a))->name, "温州市甲控股有限公司");
  EXPECT_EQ((*cache.ListRecordHeads(a))[0].status, RecordStatus::kWithdrawn);
  EXPECT_EQ(cache.usage().subjects, 2);
}

TEST_F(SubjectCacheTest, AnotherProcessWritingTurnsTheCacheOffUntilItIsFilledAgain) {
  int64_t a = AddSubject(*store_, "91330302MA2A000001", "温州市甲贸易有限公司");
  SubjectCache cache(*store_);
  ASSERT_TRUE(cache.Fill());

  // A second store on the same file stands for `credence import` beside `credence serve`.
  std::unique_ptr<Store> other = Open();
  ASSERT_TRUE(other);
  int64_t b = AddSubject(*other, "91330302MA2A000002", "温州市乙餐饮有限公司");
  AddRecords(*other, {MakeRecord(a, "admin_penalty", "P-1", Day(2024, 3, 5))});

  // The writer is checked about once a second.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (cache.usage().ready && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(cache.usage().ready);
  ExpectAgrees(cache, {a, b});  // through to the store meanwhile
  ASSERT_TRUE(cache.Fill());
  ExpectAgrees(cache, {a, b});
  EXPECT_EQ(cache.usage().record_heads, 1);
}

TEST_F(SubjectCacheTest, TheBackgroundFillLoadsAndReloads) {
  int64_t a = AddSubject(*store_, "91330302MA2A000001", "温州市甲贸易有限公司");
  SubjectCache cache(*store_);
  cache.StartBackgroundFill();
  auto wait_ready = [&] {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!cache.usage().ready && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return cache.usage().ready;
  };
  ASSERT_TRUE(wait_ready());
  std::unique_ptr<Store> other = Open();
  int64_t b = AddSubject(*other, "91330302MA2A000002", "温州市乙餐饮有限公司");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (cache.usage().subjects != 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(wait_ready());
  EXPECT_EQ(cache.usage().subjects, 2);
  ExpectAgrees(cache, {a, b});
}

}  // namespace
}  // namespace credence::store
