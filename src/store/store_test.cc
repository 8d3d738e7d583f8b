// The Store conformance suite: every backend must pass the same tests. A backend joins by adding
// a StoreBackend (a name and how to make a fresh store URL) to the instantiation at the end.
#include "store/store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

namespace credence::store {
namespace {

struct StoreBackend {
  std::string name;
  // A URL for a fresh, empty store whose files (if any) live under dir.
  std::function<std::string(const std::string& dir)> url_for;
};

// Test names show the backend rather than the bytes of the parameter.
void PrintTo(const StoreBackend& backend, std::ostream* out) { *out << backend.name; }

std::string FreshDir() {
  static std::atomic<int> counter{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "_" + info->name();
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) / "credence_store_test" /
      (name + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter.fetch_add(1)));
  std::filesystem::remove_all(dir);
  return dir.string();
}

constexpr Timestamp kT0 = Timestamp::FromSeconds(1'763'769'600);  // 2025-11-22T00:00:00Z
constexpr Timestamp kT1 = Timestamp::FromSeconds(1'763'856'000);  // a day later

Date Day(int year, int month, int day) { return *Date::FromCivil(year, month, day); }

Subject MakeSubject(std::string code, std::string name) {
  Subject subject;
  subject.code = std::move(code);
  subject.code_kind = ids::CodeKind::kUscc;
  subject.name = name;
  subject.name_norm = std::move(name);
  subject.kind = ids::SubjectKind::kEnterprise;
  subject.region = "330302";
  subject.created_at = kT0;
  subject.updated_at = kT0;
  return subject;
}

Record MakeRecord(int64_t subject_id, std::string department, std::string kind,
                  std::string source_ref, Date decided_at) {
  Record record;
  record.subject_id = subject_id;
  record.department = std::move(department);
  record.kind = std::move(kind);
  record.source_ref = source_ref;
  record.decided_at = decided_at;
  record.tier = "general";
  record.publicity_start = decided_at;
  record.publicity_min_end = decided_at.AddMonths(3);
  record.publicity_max_end = decided_at.AddYears(1);
  record.legal_basis = "《中华人民共和国食品安全法》第一百二十四条";
  record.document_no = "温鹿市监罚〔2024〕" + source_ref + "号";
  record.payload = R"({"source_ref":")" + source_ref + R"("})";
  record.content_hash = static_cast<int64_t>(std::hash<std::string>{}(record.payload));
  record.batch_id = 1;
  record.created_at = kT0;
  record.updated_at = kT0;
  return record;
}

void ExpectSameRecord(const Record& actual, const Record& expected) {
  EXPECT_EQ(actual.id, expected.id);
  EXPECT_EQ(actual.subject_id, expected.subject_id);
  EXPECT_EQ(actual.kind, expected.kind);
  EXPECT_EQ(actual.department, expected.department);
  EXPECT_EQ(actual.source_ref, expected.source_ref);
  EXPECT_EQ(actual.decided_at, expected.decided_at);
  EXPECT_EQ(actual.tier, expected.tier);
  EXPECT_EQ(actual.publicity_start, expected.publicity_start);
  EXPECT_EQ(actual.publicity_min_end, expected.publicity_min_end);
  EXPECT_EQ(actual.publicity_max_end, expected.publicity_max_end);
  EXPECT_EQ(actual.published, expected.published);
  EXPECT_EQ(actual.status, expected.status);
  EXPECT_EQ(actual.legal_basis, expected.legal_basis);
  EXPECT_EQ(actual.document_no, expected.document_no);
  EXPECT_EQ(actual.payload, expected.payload);
  EXPECT_EQ(actual.content_hash, expected.content_hash);
  EXPECT_EQ(actual.batch_id, expected.batch_id);
  EXPECT_EQ(actual.version, expected.version);
  EXPECT_EQ(actual.flagged, expected.flagged);
  EXPECT_EQ(actual.status_reason, expected.status_reason);
  EXPECT_EQ(actual.created_at, expected.created_at);
  EXPECT_EQ(actual.updated_at, expected.updated_at);
}

std::vector<int64_t> IdsOf(const std::vector<Record>& records) {
  std::vector<int64_t> ids;
  for (const Record& record : records) ids.push_back(record.id);
  return ids;
}

class StoreConformanceTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    dir_ = FreshDir();
    url_ = GetParam().url_for(dir_);
    Result<std::unique_ptr<Store>> opened = Store::Open(url_);
    ASSERT_TRUE(opened) << opened.error().ToString();
    store_ = std::move(*opened);
  }

  void TearDown() override {
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  void Reopen() {
    store_.reset();
    Result<std::unique_ptr<Store>> opened = Store::Open(url_);
    ASSERT_TRUE(opened) << opened.error().ToString();
    store_ = std::move(*opened);
  }

  std::unique_ptr<WriteTxn> Begin() {
    Result<std::unique_ptr<WriteTxn>> txn = store_->BeginWrite();
    EXPECT_TRUE(txn) << txn.error().ToString();
    return txn ? std::move(*txn) : nullptr;
  }

  // Inserts and commits one subject; returns its id.
  int64_t AddSubject(const std::string& code, const std::string& name = "温州市某某贸易有限公司") {
    auto txn = Begin();
    Subject subject = MakeSubject(code, name);
    EXPECT_TRUE(txn->InsertSubject(subject));
    EXPECT_TRUE(txn->Commit());
    return subject.id;
  }

  // Inserts and commits records; returns them with their ids.
  std::vector<Record> AddRecords(std::vector<Record> records) {
    auto txn = Begin();
    Status inserted = txn->InsertRecords(records);
    EXPECT_TRUE(inserted) << inserted.error().ToString();
    EXPECT_TRUE(txn->Commit());
    return records;
  }

  std::string dir_;
  std::string url_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreConformanceTest, CountsSubjectsByRegionAndRecordsByKind) {
  int64_t a = AddSubject("91330302MA2A00001X", "甲");
  int64_t b = AddSubject("91330302MA2A00002X", "乙");
  {
    auto txn = Begin();
    Subject other = MakeSubject("91330381MA2A00003X", "丙");
    other.region = "330381";
    ASSERT_TRUE(txn->InsertSubject(other));
    ASSERT_TRUE(txn->Commit());
  }
  AddRecords(
      {MakeRecord(a, "market_regulation", "admin_penalty", "R-1", *Date::Parse("2026-01-02")),
       MakeRecord(b, "market_regulation", "admin_penalty", "R-2", *Date::Parse("2026-01-03")),
       MakeRecord(b, "tax", "tax_credit_grade", "T-1", *Date::Parse("2026-01-04"))});
  auto regions = store_->CountSubjectsByRegion();
  ASSERT_TRUE(regions) << regions.error().ToString();
  ASSERT_EQ(regions->size(), 2u);
  EXPECT_EQ((*regions)[0].key, "330302");
  EXPECT_EQ((*regions)[0].count, 2);
  EXPECT_EQ((*regions)[1].key, "330381");
  auto kinds = store_->CountRecordsByKind();
  ASSERT_TRUE(kinds) << kinds.error().ToString();
  ASSERT_EQ(kinds->size(), 2u);
  EXPECT_EQ((*kinds)[0].key, "admin_penalty");
  EXPECT_EQ((*kinds)[0].count, 2);
  EXPECT_EQ((*kinds)[1].key, "tax_credit_grade");
  EXPECT_EQ((*kinds)[1].count, 1);
}

TEST_P(StoreConformanceTest, ReopeningKeepsCommittedData) {
  EXPECT_FALSE(store_->backend().empty());
  int64_t id = AddSubject("91330302MA2A000001");
  Reopen();
  auto found = store_->FindSubjectByCode("91330302MA2A000001");
  ASSERT_TRUE(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, id);
}

TEST_P(StoreConformanceTest, SubjectRoundTripsEveryField) {
  Subject subject = MakeSubject("330302199001011234", "张三");
  subject.code_kind = ids::CodeKind::kResidentId;
  subject.kind = ids::SubjectKind::kPerson;
  subject.name_norm = "张三 norm";
  subject.industry = "F";
  subject.registered_on = Day(2019, 6, 30);
  subject.status = SubjectStatus::kRegistered;
  subject.legal_representative = "李四";
  subject.code_flagged = true;
  subject.updated_at = kT1;
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->InsertSubject(subject));
    EXPECT_GT(subject.id, 0);
    ASSERT_TRUE(txn->Commit());
  }
  auto got = store_->GetSubject(subject.id);
  ASSERT_TRUE(got && got->has_value());
  const Subject& s = **got;
  EXPECT_EQ(s.id, subject.id);
  EXPECT_EQ(s.code, subject.code);
  EXPECT_EQ(s.code_kind, ids::CodeKind::kResidentId);
  EXPECT_EQ(s.name, "张三");
  EXPECT_EQ(s.name_norm, "张三 norm");
  EXPECT_EQ(s.kind, ids::SubjectKind::kPerson);
  EXPECT_EQ(s.region, "330302");
  EXPECT_EQ(s.industry, "F");
  EXPECT_EQ(s.registered_on, Day(2019, 6, 30));
  EXPECT_EQ(s.status, SubjectStatus::kRegistered);
  EXPECT_EQ(s.legal_representative, "李四");
  EXPECT_TRUE(s.code_flagged);
  EXPECT_EQ(s.created_at, kT0);
  EXPECT_EQ(s.updated_at, kT1);
}

TEST_P(StoreConformanceTest, SubjectsFoundByCodeInOrderAndUpdated) {
  int64_t first = AddSubject("91330302MA2A000001", "甲公司");
  int64_t second = AddSubject("91330302MA2A000002", "乙公司");
  auto txn = Begin();
  std::vector<std::string> codes = {"91330302MA2A000002", "unknown", "91330302MA2A000001"};
  auto found = txn->FindSubjects(codes);
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 3u);
  ASSERT_TRUE((*found)[0].has_value());
  EXPECT_EQ((*found)[0]->id, second);
  EXPECT_EQ((*found)[0]->name, "乙公司");
  EXPECT_FALSE((*found)[1].has_value());
  ASSERT_TRUE((*found)[2].has_value());
  EXPECT_EQ((*found)[2]->id, first);

  Subject updated = *(*found)[2];
  updated.name = "甲公司（新）";
  updated.status = SubjectStatus::kDeregistered;
  updated.registered_on = Day(2001, 1, 2);
  updated.updated_at = kT1;
  ASSERT_TRUE(txn->UpdateSubject(updated));
  Subject unknown = updated;
  unknown.id = 999999;
  auto missing = txn->UpdateSubject(unknown);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(txn->Commit());

  auto got = store_->FindSubjectByCode("91330302MA2A000001");
  ASSERT_TRUE(got && got->has_value());
  EXPECT_EQ((*got)->name, "甲公司（新）");
  EXPECT_EQ((*got)->status, SubjectStatus::kDeregistered);
  EXPECT_EQ((*got)->registered_on, Day(2001, 1, 2));
  EXPECT_EQ((*got)->created_at, kT0);
  EXPECT_EQ((*got)->updated_at, kT1);

  std::vector<int64_t> ids = {second, 424242, first};
  auto subjects = store_->GetSubjects(ids);
  ASSERT_TRUE(subjects);
  ASSERT_EQ(subjects->size(), 2u);
  EXPECT_EQ((*subjects)[0].id, second);
  EXPECT_EQ((*subjects)[1].id, first);
}

TEST_P(StoreConformanceTest, DuplicateSubjectCodeIsConflict) {
  AddSubject("91330302MA2A000001");
  auto txn = Begin();
  Subject again = MakeSubject("91330302MA2A000001", "重复");
  auto inserted = txn->InsertSubject(again);
  ASSERT_FALSE(inserted);
  EXPECT_EQ(inserted.error().code(), ErrorCode::kConflict);
}

TEST_P(StoreConformanceTest, ScanSubjectsStreamsInIdOrder) {
  std::vector<int64_t> ids;
  {
    auto txn = Begin();
    for (int i = 0; i < 7; ++i) {
      Subject subject = MakeSubject("9133030200000000" + std::to_string(10 + i), "S");
      ASSERT_TRUE(txn->InsertSubject(subject));
      ids.push_back(subject.id);
    }
    ASSERT_TRUE(txn->Commit());
  }
  std::vector<int64_t> seen;
  auto visit = [&](const Subject& subject) { seen.push_back(subject.id); };
  ASSERT_TRUE(store_->ScanSubjects(0, -1, visit));
  EXPECT_EQ(seen, ids);
  seen.clear();
  ASSERT_TRUE(store_->ScanSubjects(ids[2], 3, visit));
  EXPECT_EQ(seen, std::vector<int64_t>(ids.begin() + 3, ids.begin() + 6));
}

TEST_P(StoreConformanceTest, RecordsRoundTripAndAreFoundByReference) {
  int64_t subject = AddSubject("91330302MA2A000001");
  Record penalty =
      MakeRecord(subject, "market_regulation", "admin_penalty", "LC-1", Day(2024, 3, 5));
  penalty.flagged = true;
  penalty.published = false;
  penalty.publicity_min_end.reset();
  penalty.status_reason = "note";
  Record licence =
      MakeRecord(subject, "market_regulation", "admin_license", "LC-2", Day(2024, 4, 1));
  licence.publicity_max_end.reset();
  licence.tier = "";
  // The same source_ref from another department is another record.
  Record tax = MakeRecord(subject, "tax", "tax_credit_grade", "LC-1", Day(2024, 5, 1));
  std::vector<Record> records = AddRecords({penalty, licence, tax});
  ASSERT_EQ(records.size(), 3u);
  EXPECT_GT(records[0].id, 0);
  EXPECT_NE(records[0].id, records[1].id);
  EXPECT_NE(records[1].id, records[2].id);

  for (const Record& expected : records) {
    auto got = store_->GetRecord(expected.id);
    ASSERT_TRUE(got && got->has_value());
    ExpectSameRecord(**got, expected);
  }
  auto by_ref = store_->FindRecordByRef("tax", "LC-1");
  ASSERT_TRUE(by_ref && by_ref->has_value());
  EXPECT_EQ((*by_ref)->id, records[2].id);
  auto unknown_department = store_->FindRecordByRef("customs", "LC-1");
  ASSERT_TRUE(unknown_department);
  EXPECT_FALSE(unknown_department->has_value());

  auto txn = Begin();
  std::vector<std::string> refs = {"LC-2", "nope", "LC-1"};
  auto heads = txn->FindRecordsByRef("market_regulation", refs);
  ASSERT_TRUE(heads);
  ASSERT_EQ(heads->size(), 3u);
  ASSERT_TRUE((*heads)[0].has_value());
  EXPECT_EQ((*heads)[0]->id, records[1].id);
  EXPECT_EQ((*heads)[0]->kind, "admin_license");
  EXPECT_FALSE((*heads)[0]->publicity_max_end.has_value());
  EXPECT_FALSE((*heads)[1].has_value());
  ASSERT_TRUE((*heads)[2].has_value());
  const RecordHead& head = *(*heads)[2];
  EXPECT_EQ(head.id, records[0].id);
  EXPECT_EQ(head.subject_id, subject);
  EXPECT_EQ(head.kind, "admin_penalty");
  EXPECT_EQ(head.status, RecordStatus::kActive);
  EXPECT_EQ(head.decided_at, Day(2024, 3, 5));
  EXPECT_EQ(head.publicity_max_end, Day(2025, 3, 5));
  EXPECT_FALSE(head.published);
  EXPECT_EQ(head.version, 1);
  EXPECT_EQ(head.content_hash, records[0].content_hash);

  auto none = txn->FindRecordsByRef("customs", refs);
  ASSERT_TRUE(none);
  ASSERT_EQ(none->size(), 3u);
  for (const auto& missing : *none) EXPECT_FALSE(missing.has_value());
}

TEST_P(StoreConformanceTest, DuplicateSourceRefOfOneDepartmentIsConflict) {
  int64_t subject = AddSubject("91330302MA2A000001");
  AddRecords({MakeRecord(subject, "court", "judgment", "R-1", Day(2024, 1, 1))});
  {
    // Refused at its first row: nothing was written and the transaction goes on.
    auto txn = Begin();
    std::vector<Record> again = {MakeRecord(subject, "court", "judgment", "R-1", Day(2024, 1, 2))};
    auto inserted = txn->InsertRecords(again);
    ASSERT_FALSE(inserted);
    EXPECT_EQ(inserted.error().code(), ErrorCode::kConflict);
    std::vector<Record> fresh = {MakeRecord(subject, "court", "judgment", "R-2", Day(2024, 1, 2))};
    ASSERT_TRUE(txn->InsertRecords(fresh));
    ASSERT_TRUE(txn->Commit());
  }
  {
    // Refused after writing a row: what the call wrote can never be committed.
    auto txn = Begin();
    std::vector<Record> partly = {MakeRecord(subject, "court", "judgment", "R-3", Day(2024, 1, 3)),
                                  MakeRecord(subject, "court", "judgment", "R-1", Day(2024, 1, 3))};
    auto inserted = txn->InsertRecords(partly);
    ASSERT_FALSE(inserted);
    EXPECT_EQ(inserted.error().code(), ErrorCode::kConflict);
    auto committed = txn->Commit();
    ASSERT_FALSE(committed);
    EXPECT_EQ(committed.error().code(), ErrorCode::kFailedPrecondition);
  }
  EXPECT_TRUE(store_->FindRecordByRef("court", "R-2")->has_value());
  EXPECT_FALSE(store_->FindRecordByRef("court", "R-3")->has_value());
  EXPECT_EQ(store_->ListRecordHeads(subject)->size(), 2u);
}

TEST_P(StoreConformanceTest, RevisionsKeepEveryVersionOldestFirst) {
  int64_t subject = AddSubject("91330302MA2A000001");
  int64_t other_subject = AddSubject("91330302MA2A000002");
  std::vector<Record> records = AddRecords(
      {MakeRecord(subject, "market_regulation", "admin_penalty", "LC-9", Day(2024, 3, 5))});
  Record v1 = records[0];

  Record v2 = v1;
  v2.version = 2;
  v2.payload = R"({"source_ref":"LC-9","amount_yuan":60000})";
  v2.content_hash = 22;
  v2.tier = "serious";
  v2.subject_id = other_subject;
  v2.batch_id = 2;
  v2.updated_at = kT1;
  // Identity fields are kept as stored, whatever the revision says.
  v2.department = "tax";
  v2.source_ref = "changed";
  v2.created_at = kT1;
  Record v3 = v1;
  v3.version = 3;
  v3.status = RecordStatus::kWithdrawn;
  v3.status_reason = "decision revoked by review";
  v3.batch_id = 3;
  v3.updated_at = Timestamp::FromSeconds(kT1.seconds() + 60);
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->ReviseRecord(v2));
    auto inside = txn->GetRecord(v1.id);
    ASSERT_TRUE(inside && inside->has_value());
    EXPECT_EQ((*inside)->version, 2);  // the transaction sees its own revision
    ASSERT_TRUE(txn->ReviseRecord(v3));
    ASSERT_TRUE(txn->Commit());
  }

  auto versions = store_->ListRecordVersions(v1.id);
  ASSERT_TRUE(versions);
  ASSERT_EQ(versions->size(), 3u);
  Record expected_v2 = v2;
  expected_v2.department = v1.department;
  expected_v2.source_ref = v1.source_ref;
  expected_v2.created_at = v1.created_at;
  Record expected_v3 = v3;
  ExpectSameRecord((*versions)[0], v1);
  ExpectSameRecord((*versions)[1], expected_v2);
  ExpectSameRecord((*versions)[2], expected_v3);

  auto current = store_->GetRecord(v1.id);
  ASSERT_TRUE(current && current->has_value());
  EXPECT_EQ((*current)->status, RecordStatus::kWithdrawn);
  EXPECT_EQ((*current)->status_reason, "decision revoked by review");
  auto by_ref = store_->FindRecordByRef("market_regulation", "LC-9");
  ASSERT_TRUE(by_ref && by_ref->has_value());
  EXPECT_EQ((*by_ref)->version, 3);

  auto unknown = store_->ListRecordVersions(123456);
  ASSERT_TRUE(unknown);
  EXPECT_TRUE(unknown->empty());
}

TEST_P(StoreConformanceTest, RevisionMustFollowTheCurrentVersion) {
  int64_t subject = AddSubject("91330302MA2A000001");
  Record v1 = AddRecords({MakeRecord(subject, "court", "judgment", "R-1", Day(2024, 1, 1))})[0];
  auto txn = Begin();
  Record skipped = v1;
  skipped.version = 3;
  auto conflict = txn->ReviseRecord(skipped);
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(conflict.error().reason(), "version");

  Record missing = v1;
  missing.id = 99999;
  missing.version = 2;
  auto not_found = txn->ReviseRecord(missing);
  ASSERT_FALSE(not_found);
  EXPECT_EQ(not_found.error().code(), ErrorCode::kNotFound);

  // Refused revisions wrote nothing: the transaction still commits, with no history.
  ASSERT_TRUE(txn->Commit());
  auto versions = store_->ListRecordVersions(v1.id);
  ASSERT_TRUE(versions);
  EXPECT_EQ(versions->size(), 1u);
}

TEST_P(StoreConformanceTest, ListRecordsFiltersByKindStatusAndPublicity) {
  int64_t subject = AddSubject("91330302MA2A000001");
  int64_t other = AddSubject("91330302MA2A000002");
  const Date today = Day(2025, 6, 1);
  Record ends_today =
      MakeRecord(subject, "market_regulation", "admin_penalty", "A", Day(2024, 6, 1));
  ends_today.publicity_max_end = today;  // publicity over at the start of its end day
  Record ends_tomorrow =
      MakeRecord(subject, "market_regulation", "admin_penalty", "B", Day(2024, 6, 2));
  ends_tomorrow.publicity_max_end = today.AddDays(1);
  Record open_ended =
      MakeRecord(subject, "market_regulation", "admin_license", "C", Day(2024, 7, 1));
  open_ended.publicity_max_end.reset();
  Record unpublished =
      MakeRecord(subject, "market_regulation", "admin_penalty", "D", Day(2025, 1, 1));
  unpublished.published = false;
  Record withdrawn =
      MakeRecord(subject, "market_regulation", "admin_penalty", "E", Day(2025, 2, 1));
  withdrawn.status = RecordStatus::kWithdrawn;
  Record court = MakeRecord(subject, "court", "dishonest_debtor", "F", Day(2025, 3, 1));
  Record others = MakeRecord(other, "court", "dishonest_debtor", "G", Day(2025, 3, 1));
  std::vector<Record> r =
      AddRecords({ends_today, ends_tomorrow, open_ended, unpublished, withdrawn, court, others});

  RecordQuery all;
  all.subject_id = subject;
  all.limit = 100;
  auto everything = store_->ListRecords(all);
  ASSERT_TRUE(everything);
  EXPECT_EQ(everything->total, 6);
  // Newest decision first.
  EXPECT_EQ(IdsOf(everything->items),
            (std::vector<int64_t>{r[5].id, r[4].id, r[3].id, r[2].id, r[1].id, r[0].id}));

  RecordQuery public_today = all;
  public_today.public_on = today;
  auto visible = store_->ListRecords(public_today);
  ASSERT_TRUE(visible);
  EXPECT_EQ(visible->total, 3);
  EXPECT_EQ(IdsOf(visible->items), (std::vector<int64_t>{r[5].id, r[2].id, r[1].id}));

  RecordQuery public_yesterday = public_today;
  public_yesterday.public_on = today.AddDays(-1);
  auto visible_yesterday = store_->ListRecords(public_yesterday);
  ASSERT_TRUE(visible_yesterday);
  EXPECT_EQ(visible_yesterday->total, 4);  // ends_today was still public the day before

  RecordQuery penalties = all;
  penalties.kinds = {"admin_penalty", "never_stored_kind"};
  auto penalty_page = store_->ListRecords(penalties);
  ASSERT_TRUE(penalty_page);
  EXPECT_EQ(IdsOf(penalty_page->items), (std::vector<int64_t>{r[4].id, r[3].id, r[1].id, r[0].id}));

  RecordQuery two_kinds = all;
  two_kinds.kinds = {"admin_license", "dishonest_debtor"};
  auto two_kinds_page = store_->ListRecords(two_kinds);
  ASSERT_TRUE(two_kinds_page);
  EXPECT_EQ(IdsOf(two_kinds_page->items), (std::vector<int64_t>{r[5].id, r[2].id}));

  RecordQuery unknown_kind = all;
  unknown_kind.kinds = {"never_stored_kind"};
  auto unknown_page = store_->ListRecords(unknown_kind);
  ASSERT_TRUE(unknown_page);
  EXPECT_EQ(unknown_page->total, 0);
  EXPECT_TRUE(unknown_page->items.empty());

  RecordQuery withdrawn_only = all;
  withdrawn_only.status = RecordStatus::kWithdrawn;
  auto withdrawn_page = store_->ListRecords(withdrawn_only);
  ASSERT_TRUE(withdrawn_page);
  EXPECT_EQ(IdsOf(withdrawn_page->items), (std::vector<int64_t>{r[4].id}));

  RecordQuery public_penalties = public_today;
  public_penalties.kinds = {"admin_penalty"};
  auto public_penalty_page = store_->ListRecords(public_penalties);
  ASSERT_TRUE(public_penalty_page);
  EXPECT_EQ(IdsOf(public_penalty_page->items), (std::vector<int64_t>{r[1].id}));

  auto heads = store_->ListRecordHeads(subject);
  ASSERT_TRUE(heads);
  ASSERT_EQ(heads->size(), 6u);
  EXPECT_EQ((*heads)[0].id, r[0].id);  // oldest decision first
  EXPECT_EQ((*heads)[5].id, r[5].id);
  EXPECT_EQ((*heads)[4].status, RecordStatus::kWithdrawn);
}

TEST_P(StoreConformanceTest, ListRecordsPagesWithTotals) {
  int64_t subject = AddSubject("91330302MA2A000001");
  std::vector<Record> batch;
  for (int i = 0; i < 25; ++i) {
    // Pairs of records share a decision date: the later id comes first.
    batch.push_back(MakeRecord(subject, "tax", "admin_penalty", "P-" + std::to_string(i),
                               Day(2024, 1, 1).AddDays(i / 2)));
  }
  std::vector<Record> r = AddRecords(batch);

  std::vector<int64_t> expected_order;
  for (int i = 24; i >= 0; --i) expected_order.push_back(r[i].id);

  std::vector<int64_t> paged;
  for (int64_t offset : {0, 10, 20}) {
    RecordQuery query;
    query.subject_id = subject;
    query.offset = offset;
    query.limit = 10;
    auto page = store_->ListRecords(query);
    ASSERT_TRUE(page);
    EXPECT_EQ(page->total, 25);
    EXPECT_EQ(page->offset, offset);
    EXPECT_EQ(page->limit, 10);
    EXPECT_EQ(page->items.size(), offset == 20 ? 5u : 10u);
    for (const Record& record : page->items) paged.push_back(record.id);
  }
  EXPECT_EQ(paged, expected_order);

  RecordQuery beyond;
  beyond.subject_id = subject;
  beyond.offset = 40;
  auto past_end = store_->ListRecords(beyond);
  ASSERT_TRUE(past_end);
  EXPECT_EQ(past_end->total, 25);
  EXPECT_TRUE(past_end->items.empty());
}

TEST_P(StoreConformanceTest, DestroyingAnUncommittedTransactionLeavesNothing) {
  int64_t subject = AddSubject("91330302MA2A000001");
  {
    auto txn = Begin();
    Subject ghost = MakeSubject("91330302MA2A00000X", "幽灵");
    ASSERT_TRUE(txn->InsertSubject(ghost));
    std::vector<Record> records = {
        MakeRecord(subject, "ghost_department", "ghost_kind", "G-1", Day(2024, 1, 1))};
    ASSERT_TRUE(txn->InsertRecords(records));
    Batch batch;
    batch.department = "ghost_department";
    ASSERT_TRUE(txn->InsertBatch(batch));
    AuditEntry entry;
    entry.seq = 1;
    entry.digest = std::string(32, 'd');
    entry.hash = std::string(32, 'h');
    ASSERT_TRUE(txn->AppendAudit({&entry, 1}));
    // No Commit.
  }
  EXPECT_FALSE(store_->FindSubjectByCode("91330302MA2A00000X")->has_value());
  EXPECT_FALSE(store_->FindRecordByRef("ghost_department", "G-1")->has_value());
  auto stats = store_->Stats();
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->subjects, 1);
  EXPECT_EQ(stats->records, 0);
  EXPECT_EQ(stats->batches, 0);
  EXPECT_EQ(stats->audit_entries, 0);

  // Keys interned by the rolled-back transaction are forgotten: a new key taking the same
  // internal id must read back as itself.
  std::vector<Record> r =
      AddRecords({MakeRecord(subject, "court", "judgment", "J-1", Day(2024, 1, 1))});
  auto got = store_->GetRecord(r[0].id);
  ASSERT_TRUE(got && got->has_value());
  EXPECT_EQ((*got)->department, "court");
  EXPECT_EQ((*got)->kind, "judgment");
  auto txn = Begin();
  std::vector<std::string> refs = {"J-1"};
  auto heads = txn->FindRecordsByRef("court", refs);
  ASSERT_TRUE(heads && (*heads)[0].has_value());
  EXPECT_EQ((*heads)[0]->kind, "judgment");
}

TEST_P(StoreConformanceTest, CommittedTransactionCannotBeUsedAgain) {
  auto txn = Begin();
  ASSERT_TRUE(txn->Commit());
  auto again = txn->Commit();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kFailedPrecondition);
  Subject subject = MakeSubject("91330302MA2A000001", "x");
  EXPECT_FALSE(txn->InsertSubject(subject));
}

TEST_P(StoreConformanceTest, SecondWriterOnTheSameThreadIsRefused) {
  auto txn = Begin();
  auto nested = store_->BeginWrite();
  ASSERT_FALSE(nested);
  EXPECT_EQ(nested.error().code(), ErrorCode::kFailedPrecondition);
}

TEST_P(StoreConformanceTest, WritersTakeTurns) {
  auto first = Begin();
  std::atomic<bool> second_began{false};
  std::thread other([&] {
    auto second = store_->BeginWrite();
    ASSERT_TRUE(second) << second.error().ToString();
    second_began = true;
    Subject subject = MakeSubject("91330302MA2A000002", "second");
    ASSERT_TRUE((*second)->InsertSubject(subject));
    ASSERT_TRUE((*second)->Commit());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(second_began.load());  // waits while the first transaction lives
  Subject subject = MakeSubject("91330302MA2A000001", "first");
  ASSERT_TRUE(first->InsertSubject(subject));
  ASSERT_TRUE(first->Commit());
  first.reset();
  other.join();
  EXPECT_TRUE(second_began.load());
  EXPECT_EQ(store_->Stats()->subjects, 2);
}

TEST_P(StoreConformanceTest, ReadersSeeOnlyWholeCommittedTransactions) {
  int64_t subject = AddSubject("91330302MA2A000001");
  constexpr int kTransactions = 20;
  constexpr int kRecordsPerTransaction = 50;
  std::atomic<bool> done{false};
  std::atomic<int> torn_reads{0};
  std::atomic<int> reads{0};
  std::atomic<bool> read_while_open{false};
  std::atomic<bool> txn_open{false};

  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!done.load()) {
        bool open_before = txn_open.load();
        auto heads = store_->ListRecordHeads(subject);
        if (!heads) {
          ++torn_reads;
          continue;
        }
        if (heads->size() % kRecordsPerTransaction != 0) ++torn_reads;
        if (open_before && txn_open.load()) read_while_open = true;
        ++reads;
      }
    });
  }
  for (int t = 0; t < kTransactions; ++t) {
    auto txn = Begin();
    txn_open = true;
    std::vector<Record> records;
    for (int i = 0; i < kRecordsPerTransaction; ++i) {
      records.push_back(MakeRecord(subject, "tax", "admin_penalty",
                                   "T" + std::to_string(t) + "-" + std::to_string(i),
                                   Day(2024, 1, 1).AddDays(i)));
    }
    for (size_t i = 0; i < records.size(); i += 10) {
      ASSERT_TRUE(txn->InsertRecords(std::span<Record>(records).subspan(i, 10)));
      std::this_thread::yield();
    }
    // Uncommitted rows are not seen by readers, whatever they are doing meanwhile.
    auto before = store_->ListRecordHeads(subject);
    ASSERT_TRUE(before);
    EXPECT_EQ(before->size(), static_cast<size_t>(t * kRecordsPerTransaction));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    ASSERT_TRUE(txn->Commit());
    txn_open = false;
  }
  done = true;
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(torn_reads.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_TRUE(read_while_open.load());  // readers were not blocked by the open transaction
  EXPECT_EQ(store_->ListRecordHeads(subject)->size(),
            static_cast<size_t>(kTransactions * kRecordsPerTransaction));
}

TEST_P(StoreConformanceTest, BatchesAreStoredUpdatedAndListedNewestFirst) {
  std::vector<int64_t> ids;
  {
    auto txn = Begin();
    for (const char* department : {"tax", "court", "tax"}) {
      Batch batch;
      batch.department = department;
      batch.actor = "cli";
      batch.format = "ndjson";
      batch.source_name = "feed.ndjson";
      batch.started_at = kT0;
      ASSERT_TRUE(txn->InsertBatch(batch));
      ids.push_back(batch.id);
    }
    Batch finished;
    finished.id = ids[0];
    finished.department = "tax";
    finished.actor = "cli";
    finished.format = "ndjson";
    finished.source_name = "feed.ndjson";
    finished.started_at = kT0;
    finished.finished_at = kT1;
    finished.submitted = 60;
    finished.accepted = 48;
    finished.updated = 1;
    finished.unchanged = 1;
    finished.rejected = 10;
    finished.report_json = R"({"batch":"b-000001","submitted":60})";
    ASSERT_TRUE(txn->UpdateBatch(finished));
    Batch unknown = finished;
    unknown.id = 777;
    auto missing = txn->UpdateBatch(unknown);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
    ASSERT_TRUE(txn->Commit());
  }
  auto got = store_->GetBatch(ids[0]);
  ASSERT_TRUE(got && got->has_value());
  EXPECT_EQ((*got)->finished_at, kT1);
  EXPECT_EQ((*got)->submitted, 60);
  EXPECT_EQ((*got)->accepted, 48);
  EXPECT_EQ((*got)->updated, 1);
  EXPECT_EQ((*got)->unchanged, 1);
  EXPECT_EQ((*got)->rejected, 10);
  EXPECT_EQ((*got)->report_json, R"({"batch":"b-000001","submitted":60})");
  EXPECT_EQ((*got)->source_name, "feed.ndjson");
  EXPECT_FALSE(store_->GetBatch(999)->has_value());

  auto all = store_->ListBatches("", 0, 2);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->total, 3);
  ASSERT_EQ(all->items.size(), 2u);
  EXPECT_EQ(all->items[0].id, ids[2]);
  EXPECT_EQ(all->items[1].id, ids[1]);
  auto tax = store_->ListBatches("tax", 0, 10);
  ASSERT_TRUE(tax);
  EXPECT_EQ(tax->total, 2);
  ASSERT_EQ(tax->items.size(), 2u);
  EXPECT_EQ(tax->items[0].id, ids[2]);
  EXPECT_EQ(tax->items[1].id, ids[0]);
}

TEST_P(StoreConformanceTest, CertificatesAreFoundBySerialAndSerialsAreUnique) {
  IssuedCertificate c;
  c.serial = "CC20261122-00000000000000A1";
  c.subject_code = "91330302MA2AXXXXX1";
  c.type = "certificate";
  c.level = "A";
  c.token = "CC1:ABC";
  c.issued_at = kT0;
  c.expires_at = Timestamp::FromSeconds(kT0.seconds() + 30 * 86400);
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->InsertCertificate(c));
    EXPECT_GT(c.id, 0);
    IssuedCertificate duplicate = c;
    auto conflict = txn->InsertCertificate(duplicate);
    ASSERT_FALSE(conflict);
    EXPECT_EQ(conflict.error().code(), ErrorCode::kConflict);
    ASSERT_TRUE(txn->Commit());
  }
  auto found = store_->FindCertificate(c.serial);
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->id, c.id);
  EXPECT_EQ((*found)->subject_code, c.subject_code);
  EXPECT_EQ((*found)->type, "certificate");
  EXPECT_EQ((*found)->level, "A");
  EXPECT_EQ((*found)->token, "CC1:ABC");
  EXPECT_EQ((*found)->issued_at, c.issued_at);
  EXPECT_EQ((*found)->expires_at, c.expires_at);
  EXPECT_FALSE(store_->FindCertificate("CC-none")->has_value());
  {
    auto txn = Begin();
    IssuedCertificate rolled_back = c;
    rolled_back.serial = "CC-rolled-back";
    ASSERT_TRUE(txn->InsertCertificate(rolled_back));
  }
  EXPECT_FALSE(store_->FindCertificate("CC-rolled-back")->has_value());
}

TEST_P(StoreConformanceTest, TokensAreFoundByHashAndRevokedOnce) {
  Token token;
  token.hash = std::string(64, 'a');
  token.prefix = "cr_abc";
  token.role = "department";
  token.department = "tax";
  token.region = "330300";
  token.label = "tax bureau system";
  token.created_at = kT0;
  Token subject_token = token;
  subject_token.hash = std::string(64, 'd');
  subject_token.role = "subject";
  subject_token.department = "";
  subject_token.subject_code = "91330302MA2AXXXX1X";
  Token operator_token = token;
  operator_token.hash = std::string(64, 'b');
  operator_token.role = "operator";
  operator_token.department = "";
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->InsertToken(token));
    ASSERT_TRUE(txn->InsertToken(operator_token));
    ASSERT_TRUE(txn->InsertToken(subject_token));
    EXPECT_NE(token.id, operator_token.id);
    Token duplicate = token;
    auto conflict = txn->InsertToken(duplicate);
    ASSERT_FALSE(conflict);
    EXPECT_EQ(conflict.error().code(), ErrorCode::kConflict);
    ASSERT_TRUE(txn->Commit());
  }
  auto found = store_->FindTokenByHash(std::string(64, 'a'));
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->id, token.id);
  EXPECT_EQ((*found)->prefix, "cr_abc");
  EXPECT_EQ((*found)->role, "department");
  EXPECT_EQ((*found)->department, "tax");
  EXPECT_EQ((*found)->region, "330300");
  EXPECT_EQ((*found)->label, "tax bureau system");
  EXPECT_EQ((*found)->created_at, kT0);
  EXPECT_FALSE((*found)->revoked_at.has_value());
  EXPECT_EQ((*found)->subject_code, "");
  EXPECT_FALSE(store_->FindTokenByHash(std::string(64, 'c'))->has_value());
  auto subject_found = store_->FindTokenByHash(std::string(64, 'd'));
  ASSERT_TRUE(subject_found && subject_found->has_value());
  EXPECT_EQ((*subject_found)->subject_code, "91330302MA2AXXXX1X");

  {
    auto txn = Begin();
    ASSERT_TRUE(txn->RevokeToken(token.id, kT1));
    ASSERT_TRUE(txn->RevokeToken(token.id, Timestamp::FromSeconds(kT1.seconds() + 5)));
    auto missing = txn->RevokeToken(4242, kT1);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
    ASSERT_TRUE(txn->Commit());
  }
  auto tokens = store_->ListTokens();
  ASSERT_TRUE(tokens);
  ASSERT_EQ(tokens->size(), 3u);
  EXPECT_EQ((*tokens)[0].id, token.id);
  EXPECT_EQ((*tokens)[0].revoked_at, kT1);  // the first revocation stands
  EXPECT_FALSE((*tokens)[1].revoked_at.has_value());
}

Case MakeCase(std::string kind, int64_t subject_id, int64_t record_id, std::string department,
              Date due_on) {
  Case case_;
  case_.kind = std::move(kind);
  case_.subject_id = subject_id;
  case_.record_id = record_id;
  case_.department = std::move(department);
  case_.status = "open";
  case_.due_on = due_on;
  case_.filed_at = kT0;
  case_.updated_at = kT0;
  case_.detail = R"({"grounds":"the fine was paid"})";
  return case_;
}

CaseQuery Where(const std::function<void(CaseQuery&)>& set) {
  CaseQuery query;
  set(query);
  return query;
}

TEST_P(StoreConformanceTest, CasesRoundTripUpdateByVersionAndListByDeadline) {
  Case objection = MakeCase("objection", 7, 70, "market_regulation", Day(2026, 12, 18));
  Case restoration = MakeCase("restoration", 7, 71, "tax", Day(2026, 12, 4));
  restoration.answer_due_on = Day(2026, 12, 11);
  Case other = MakeCase("objection", 8, 80, "market_regulation", Day(2026, 12, 1));
  Case commitment = MakeCase("commitment", 8, 0, "tax", Day(2027, 6, 30));
  {
    auto txn = Begin();
    for (Case* each : {&objection, &restoration, &other, &commitment}) {
      Status inserted = txn->InsertCase(*each);
      ASSERT_TRUE(inserted) << inserted.error().ToString();
    }
    Case versioned = objection;
    versioned.version = 2;
    auto refused = txn->InsertCase(versioned);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
    ASSERT_TRUE(txn->Commit());
  }
  auto found = store_->GetCase(restoration.id);
  ASSERT_TRUE(found && found->has_value());
  const Case& read = **found;
  EXPECT_EQ(read.kind, "restoration");
  EXPECT_EQ(read.subject_id, 7);
  EXPECT_EQ(read.record_id, 71);
  EXPECT_EQ(read.department, "tax");
  EXPECT_EQ(read.status, "open");
  EXPECT_TRUE(read.open);
  EXPECT_EQ(read.due_on, Day(2026, 12, 4));
  EXPECT_EQ(read.answer_due_on, Day(2026, 12, 11));
  EXPECT_EQ(read.filed_at, kT0);
  EXPECT_EQ(read.version, 1);
  EXPECT_EQ(read.detail, R"({"grounds":"the fine was paid"})");
  EXPECT_FALSE(store_->GetCase(4242)->has_value());

  // Every open case, earliest deadline first; then the filters one by one.
  auto ids_of = [](const Page<Case>& page) {
    std::vector<int64_t> ids;
    for (const Case& each : page.items) ids.push_back(each.id);
    return ids;
  };
  auto all = store_->ListCases(Where([](CaseQuery& q) { q.open = true; }));
  ASSERT_TRUE(all);
  EXPECT_EQ(ids_of(*all),
            (std::vector<int64_t>{other.id, restoration.id, objection.id, commitment.id}));
  EXPECT_EQ(all->total, 4);
  EXPECT_EQ(ids_of(*store_->ListCases(Where([](CaseQuery& q) { q.kind = "objection"; }))),
            (std::vector<int64_t>{other.id, objection.id}));
  EXPECT_EQ(ids_of(*store_->ListCases(Where([](CaseQuery& q) { q.subject_id = 7; }))),
            (std::vector<int64_t>{restoration.id, objection.id}));
  EXPECT_EQ(ids_of(*store_->ListCases(Where([](CaseQuery& q) { q.record_id = 70; }))),
            (std::vector<int64_t>{objection.id}));
  EXPECT_EQ(ids_of(*store_->ListCases(Where([](CaseQuery& q) {
              q.department = "tax";
              q.limit = 1;
            }))),
            (std::vector<int64_t>{restoration.id}));
  EXPECT_EQ(store_
                ->ListCases(Where([](CaseQuery& q) {
                  q.department = "tax";
                  q.limit = 1;
                }))
                ->total,
            2);
  EXPECT_EQ(ids_of(*store_->ListCases(Where([](CaseQuery& q) {
              q.department = "tax";
              q.offset = 1;
            }))),
            (std::vector<int64_t>{commitment.id}));
  EXPECT_EQ(
      ids_of(*store_->ListCases(Where([](CaseQuery& q) { q.overdue_on = Day(2026, 12, 5); }))),
      (std::vector<int64_t>{other.id, restoration.id}));

  // Updates follow the version; the decided case leaves the open lists.
  {
    auto txn = Begin();
    Case decided = objection;
    decided.version = 2;
    decided.status = "corrected";
    decided.open = false;
    decided.updated_at = kT1;
    decided.detail = R"({"reasons":"fine amount corrected"})";
    ASSERT_TRUE(txn->UpdateCase(decided));
    auto stale = txn->UpdateCase(decided);
    ASSERT_FALSE(stale);
    EXPECT_EQ(stale.error().code(), ErrorCode::kConflict);
    EXPECT_EQ(stale.error().reason(), "version");
    Case unknown = decided;
    unknown.id = 4242;
    auto missing = txn->UpdateCase(unknown);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
    ASSERT_TRUE(txn->Commit());
  }
  auto decided = store_->GetCase(objection.id);
  ASSERT_TRUE(decided && decided->has_value());
  EXPECT_EQ((*decided)->status, "corrected");
  EXPECT_FALSE((*decided)->open);
  EXPECT_EQ((*decided)->version, 2);
  EXPECT_EQ((*decided)->updated_at, kT1);
  EXPECT_EQ((*decided)->filed_at, kT0);
  EXPECT_EQ((*decided)->detail, R"({"reasons":"fine amount corrected"})");
  EXPECT_EQ(ids_of(*store_->ListCases(Where([](CaseQuery& q) {
              q.kind = "objection";
              q.open = true;
            }))),
            (std::vector<int64_t>{other.id}));
  EXPECT_EQ(ids_of(*store_->ListCases(Where([](CaseQuery& q) {
              q.kind = "objection";
              q.open = false;
            }))),
            (std::vector<int64_t>{objection.id}));
}

TEST_P(StoreConformanceTest, NotificationsAreListedNewestFirstPerSubject) {
  std::vector<Notification> sent;
  for (int i = 0; i < 3; ++i) {
    Notification notification;
    notification.subject_id = i == 2 ? 9 : 7;
    notification.at = Timestamp::FromSeconds(kT0.seconds() + i);
    notification.topic = "objection.decided";
    notification.case_id = 10 + i;
    notification.body = R"({"zh":"异议已处理","en":"Your objection was decided"})";
    sent.push_back(notification);
  }
  {
    auto txn = Begin();
    for (Notification& notification : sent) ASSERT_TRUE(txn->InsertNotification(notification));
    ASSERT_TRUE(txn->Commit());
  }
  auto page = store_->ListNotifications(7, 0, 10);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->total, 2);
  EXPECT_EQ(page->items[0].id, sent[1].id);
  EXPECT_EQ(page->items[0].case_id, 11);
  EXPECT_EQ(page->items[0].topic, "objection.decided");
  EXPECT_EQ(page->items[0].at, sent[1].at);
  EXPECT_EQ(page->items[0].body, sent[1].body);
  EXPECT_EQ(page->items[1].id, sent[0].id);
  auto second = store_->ListNotifications(7, 1, 1);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(second->items[0].id, sent[0].id);
  EXPECT_EQ(store_->ListNotifications(8, 0, 10)->total, 0);
}

AuditEntry MakeEntry(int64_t seq) {
  AuditEntry entry;
  entry.seq = seq;
  entry.at = Timestamp::FromMicros(kT0.micros() + seq);
  entry.actor = "department:court";
  entry.action = "record.insert";
  entry.object = "record:" + std::to_string(seq) + "@1";
  entry.digest = std::string(32, static_cast<char>(seq));
  entry.hash = std::string(32, static_cast<char>(0x80 + seq));
  return entry;
}

TEST_P(StoreConformanceTest, AuditLogAppendsWithoutGapsAndScansInOrder) {
  {
    auto txn = Begin();
    auto empty_head = txn->AuditHead();
    ASSERT_TRUE(empty_head);
    EXPECT_EQ(empty_head->seq, 0);
    EXPECT_TRUE(empty_head->hash.empty());
    std::vector<AuditEntry> entries = {MakeEntry(1), MakeEntry(2)};
    ASSERT_TRUE(txn->AppendAudit(entries));
    auto head = txn->AuditHead();
    ASSERT_TRUE(head);
    EXPECT_EQ(head->seq, 2);  // the transaction's own entries count
    EXPECT_EQ(head->hash, MakeEntry(2).hash);
    ASSERT_TRUE(txn->Commit());
  }
  {
    auto txn = Begin();
    auto head = txn->AuditHead();
    ASSERT_TRUE(head);
    EXPECT_EQ(head->seq, 2);
    EXPECT_EQ(head->actor, "department:court");
    EXPECT_EQ(head->digest, MakeEntry(2).digest);
    std::vector<AuditEntry> gap = {MakeEntry(4)};
    auto refused = txn->AppendAudit(gap);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code(), ErrorCode::kConflict);
    std::vector<AuditEntry> repeat = {MakeEntry(2)};
    EXPECT_FALSE(txn->AppendAudit(repeat));
    std::vector<AuditEntry> next = {MakeEntry(3)};
    ASSERT_TRUE(txn->AppendAudit(next));
    ASSERT_TRUE(txn->Commit());
  }
  std::vector<AuditEntry> scanned;
  ASSERT_TRUE(store_->ScanAudit(2, [&](const AuditEntry& entry) {
    scanned.push_back(entry);
    return OkStatus();
  }));
  ASSERT_EQ(scanned.size(), 2u);
  EXPECT_EQ(scanned[0].seq, 2);
  EXPECT_EQ(scanned[1].seq, 3);
  EXPECT_EQ(scanned[1].at, MakeEntry(3).at);
  EXPECT_EQ(scanned[1].object, "record:3@1");
  EXPECT_EQ(scanned[1].digest, MakeEntry(3).digest);
  EXPECT_EQ(scanned[1].hash, MakeEntry(3).hash);

  int visited = 0;
  auto stopped = store_->ScanAudit(1, [&](const AuditEntry&) -> Status {
    ++visited;
    return Fail(Error::Internal("stop here"));
  });
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().message(), "stop here");
  EXPECT_EQ(visited, 1);
}

TEST_P(StoreConformanceTest, InternedKeysSurviveReopening) {
  int64_t subject = AddSubject("91330302MA2A000001");
  std::vector<Record> first =
      AddRecords({MakeRecord(subject, "court", "judgment", "J-1", Day(2024, 1, 1)),
                  MakeRecord(subject, "tax", "tax_credit_grade", "T-1", Day(2024, 1, 2)),
                  MakeRecord(subject, "court", "dishonest_debtor", "J-2", Day(2024, 1, 3))});
  Reopen();
  std::vector<Record> second =
      AddRecords({MakeRecord(subject, "tax", "judgment", "T-2", Day(2024, 1, 4)),
                  MakeRecord(subject, "customs", "admin_penalty", "C-1", Day(2024, 1, 5))});
  Reopen();
  auto heads = store_->ListRecordHeads(subject);
  ASSERT_TRUE(heads);
  std::vector<std::string> kinds;
  for (const RecordHead& head : *heads) kinds.push_back(head.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"judgment", "tax_credit_grade", "dishonest_debtor",
                                             "judgment", "admin_penalty"}));
  auto customs = store_->FindRecordByRef("customs", "C-1");
  ASSERT_TRUE(customs && customs->has_value());
  EXPECT_EQ((*customs)->department, "customs");
  auto tax = store_->FindRecordByRef("tax", "T-2");
  ASSERT_TRUE(tax && tax->has_value());
  EXPECT_EQ((*tax)->department, "tax");
  EXPECT_EQ((*tax)->kind, "judgment");

  RecordQuery judgments;
  judgments.subject_id = subject;
  judgments.kinds = {"judgment"};
  auto page = store_->ListRecords(judgments);
  ASSERT_TRUE(page);
  EXPECT_EQ(IdsOf(page->items), (std::vector<int64_t>{second[0].id, first[0].id}));
}

TEST_P(StoreConformanceTest, StatsCountWhatIsStored) {
  auto empty = store_->Stats();
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->subjects, 0);
  EXPECT_EQ(empty->records, 0);
  int64_t a = AddSubject("91330302MA2A000001");
  AddSubject("91330302MA2A000002");
  AddRecords({MakeRecord(a, "court", "judgment", "J-1", Day(2024, 1, 1)),
              MakeRecord(a, "court", "judgment", "J-2", Day(2024, 1, 1)),
              MakeRecord(a, "court", "judgment", "J-3", Day(2024, 1, 1))});
  {
    auto txn = Begin();
    Batch batch;
    ASSERT_TRUE(txn->InsertBatch(batch));
    std::vector<AuditEntry> entries = {MakeEntry(1)};
    ASSERT_TRUE(txn->AppendAudit(entries));
    ASSERT_TRUE(txn->Commit());
  }
  auto stats = store_->Stats();
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->subjects, 2);
  EXPECT_EQ(stats->records, 3);
  EXPECT_EQ(stats->batches, 1);
  EXPECT_EQ(stats->audit_entries, 1);
}

// A smoke run of a large batch (not timed: bench/ measures speed).
TEST_P(StoreConformanceTest, LargeBatchOfRecordsIsInsertedAndFound) {
  constexpr int kSubjects = 1000;
  constexpr int kRecords = 100'000;
  std::vector<int64_t> subject_ids;
  {
    auto txn = Begin();
    for (int i = 0; i < kSubjects; ++i) {
      Subject subject = MakeSubject("S" + std::to_string(1'000'000 + i), "subject");
      ASSERT_TRUE(txn->InsertSubject(subject));
      subject_ids.push_back(subject.id);
    }
    ASSERT_TRUE(txn->Commit());
  }
  std::vector<Record> records;
  records.reserve(kRecords);
  for (int i = 0; i < kRecords; ++i) {
    records.push_back(MakeRecord(subject_ids[(i * 7919) % kSubjects], "market_regulation",
                                 i % 3 == 0 ? "admin_license" : "admin_penalty",
                                 "LC-" + std::to_string(i), Day(2020, 1, 1).AddDays(i % 1500)));
  }
  for (size_t start = 0; start < records.size(); start += 50'000) {
    auto txn = Begin();
    ASSERT_TRUE(txn->InsertRecords(std::span<Record>(records).subspan(start, 50'000)));
    ASSERT_TRUE(txn->Commit());
  }
  EXPECT_EQ(store_->Stats()->records, kRecords);

  std::vector<std::string> refs;
  for (int i = 0; i < kRecords; i += 2) refs.push_back("LC-" + std::to_string(i));
  auto txn = Begin();
  auto heads = txn->FindRecordsByRef("market_regulation", refs);
  ASSERT_TRUE(heads);
  ASSERT_EQ(heads->size(), refs.size());
  for (size_t i = 0; i < refs.size(); ++i) {
    ASSERT_TRUE((*heads)[i].has_value()) << refs[i];
    ASSERT_EQ((*heads)[i]->id, records[2 * i].id);
  }
  auto of_subject = store_->ListRecordHeads(subject_ids[0]);
  ASSERT_TRUE(of_subject);
  EXPECT_EQ(of_subject->size(), static_cast<size_t>(kRecords / kSubjects));
}

TEST_P(StoreConformanceTest, CommitObserversHearTheSubjectsATransactionTouched) {
  int64_t a = AddSubject("91330302MA2A000001");
  int64_t b = AddSubject("91330302MA2A000002");
  std::vector<CommitEvent> events;
  store_->AddCommitObserver([&](const CommitEvent& event) { events.push_back(event); });

  std::vector<Record> added =
      AddRecords({MakeRecord(b, "court", "judgment", "R-1", Day(2024, 1, 1)),
                  MakeRecord(a, "court", "judgment", "R-2", Day(2024, 1, 2)),
                  MakeRecord(b, "court", "judgment", "R-3", Day(2024, 1, 3))});
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].subject_ids, (std::vector<int64_t>{a, b}));
  EXPECT_FALSE(events[0].everything);

  {  // A revision that moves a record to another subject changes both files.
    int64_t c = AddSubject("91330302MA2A000003");
    events.clear();
    Record moved = added[1];
    moved.subject_id = c;
    moved.version = 2;
    auto txn = Begin();
    ASSERT_TRUE(txn->ReviseRecord(moved));
    ASSERT_TRUE(txn->Commit());
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].subject_ids, (std::vector<int64_t>{a, c}));
  }
  {  // Rolled back: nobody hears of it.
    events.clear();
    auto txn = Begin();
    std::vector<Record> more = {MakeRecord(a, "court", "judgment", "R-4", Day(2024, 1, 4))};
    ASSERT_TRUE(txn->InsertRecords(more));
  }
  EXPECT_TRUE(events.empty());
}

TEST_P(StoreConformanceTest, ScanRecordHeadsVisitsEveryCurrentHeadInIdOrder) {
  int64_t a = AddSubject("91330302MA2A000001");
  int64_t b = AddSubject("91330302MA2A000002");
  std::vector<Record> added =
      AddRecords({MakeRecord(b, "court", "judgment", "R-1", Day(2024, 1, 1)),
                  MakeRecord(a, "tax", "tax_credit_grade", "T-1", Day(2023, 5, 1))});
  Record revised = added[0];
  revised.version = 2;
  revised.status = RecordStatus::kWithdrawn;
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->ReviseRecord(revised));
    ASSERT_TRUE(txn->Commit());
  }
  std::vector<RecordHead> heads;
  ASSERT_TRUE(store_->ScanRecordHeads([&](const RecordHead& head) -> Status {
    heads.push_back(head);
    return OkStatus();
  }));
  ASSERT_EQ(heads.size(), 2u);
  EXPECT_EQ(heads[0].id, added[0].id);
  EXPECT_EQ(heads[0].subject_id, b);
  EXPECT_EQ(heads[0].version, 2);
  EXPECT_EQ(heads[0].status, RecordStatus::kWithdrawn);
  EXPECT_EQ(heads[1].kind, "tax_credit_grade");
  EXPECT_EQ(heads[1].publicity_max_end, Day(2024, 5, 1));
}

TEST_P(StoreConformanceTest, BatchesOfAWindowNewestFirstAndTheLatestPerDepartment) {
  auto add_batch = [&](const std::string& department, Timestamp started_at) {
    Batch batch;
    batch.department = department;
    batch.actor = "cli";
    batch.format = "ndjson";
    batch.source_name = "feed.ndjson";
    batch.started_at = started_at;
    batch.finished_at = started_at;
    batch.submitted = 3;
    batch.accepted = 2;
    batch.rejected = 1;
    batch.report_json = R"({"errors":[]})";
    auto txn = Begin();
    EXPECT_TRUE(txn->InsertBatch(batch));
    EXPECT_TRUE(txn->Commit());
    return batch.id;
  };
  constexpr int64_t kDay = 86'400'000'000;
  add_batch("court", kT0);
  int64_t tax = add_batch("tax", Timestamp::FromMicros(kT0.micros() + kDay));
  int64_t court = add_batch("court", Timestamp::FromMicros(kT0.micros() + 2 * kDay));

  std::vector<int64_t> seen;
  ASSERT_TRUE(store_->ScanBatchesSince(Timestamp::FromMicros(kT0.micros() + kDay),
                                       [&](const Batch& batch) -> Status {
                                         seen.push_back(batch.id);
                                         EXPECT_EQ(batch.report_json, R"({"errors":[]})");
                                         return OkStatus();
                                       }));
  EXPECT_EQ(seen, (std::vector<int64_t>{court, tax}));

  auto latest = store_->LatestBatchPerDepartment();
  ASSERT_TRUE(latest) << latest.error().ToString();
  ASSERT_EQ(latest->size(), 2u);
  EXPECT_EQ((*latest)[0].department, "court");
  EXPECT_EQ((*latest)[0].batch_id, court);
  EXPECT_EQ((*latest)[0].started_at, Timestamp::FromMicros(kT0.micros() + 2 * kDay));
  EXPECT_EQ((*latest)[1].department, "tax");
  EXPECT_EQ((*latest)[1].batch_id, tax);
}

CreditCheck MakeCheck(std::string department, std::vector<std::string> measures, Date due) {
  CreditCheck check;
  check.department = std::move(department);
  check.actor = "department:" + check.department + "#token:1";
  check.subject_code = "91330302MA2A000001";
  check.subject_id = 7;
  check.region = "330302";
  check.scenario = "public_resource_trading";
  check.level = "C";
  check.lists = {"court_dishonest_debtor", "abnormal_operation"};
  check.measures = std::move(measures);
  check.result_json = R"({"id":0})";
  check.checked_at = kT0;
  check.feedback_due = due;
  return check;
}

TEST_P(StoreConformanceTest, ChecksRoundTripWithTheirFeedbackInArrivalOrder) {
  std::vector<CreditCheck> checks = {
      MakeCheck("finance", {"procurement_ban", "bidding_restricted"}, Day(2025, 11, 28)),
      MakeCheck("tax", {}, Day(2025, 11, 28))};
  checks[1].lists.clear();
  checks[1].level.clear();
  checks[1].subject_id = 0;
  checks[1].region.clear();
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->InsertChecks(checks));
    ASSERT_TRUE(txn->Commit());
  }
  ASSERT_GT(checks[0].id, 0);
  ASSERT_GT(checks[1].id, checks[0].id);

  std::vector<CheckFeedback> feedback = {
      {0, "bidding_restricted", "not_applied", "the bid closed before the listing", "d", kT1},
      {0, "procurement_ban", "applied", "", "d", kT1}};
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->AddCheckFeedback(checks[0].id, feedback, kT1));
    ASSERT_TRUE(txn->Commit());
  }
  auto got = store_->GetCheck(checks[0].id);
  ASSERT_TRUE(got && *got);
  const CreditCheck& check = **got;
  EXPECT_EQ(check.department, "finance");
  EXPECT_EQ(check.actor, "department:finance#token:1");
  EXPECT_EQ(check.subject_id, 7);
  EXPECT_EQ(check.region, "330302");
  EXPECT_EQ(check.scenario, "public_resource_trading");
  EXPECT_EQ(check.level, "C");
  EXPECT_EQ(check.lists,
            (std::vector<std::string>{"court_dishonest_debtor", "abnormal_operation"}));
  EXPECT_EQ(check.measures, (std::vector<std::string>{"procurement_ban", "bidding_restricted"}));
  EXPECT_EQ(check.result_json, R"({"id":0})");
  EXPECT_EQ(check.checked_at, kT0);
  EXPECT_EQ(check.feedback_due, Day(2025, 11, 28));
  EXPECT_EQ(check.answered_at, std::optional<Timestamp>(kT1));
  ASSERT_EQ(check.feedback.size(), 2u);
  EXPECT_EQ(check.feedback[0].measure, "bidding_restricted");
  EXPECT_EQ(check.feedback[0].action, "not_applied");
  EXPECT_EQ(check.feedback[0].reason, "the bid closed before the listing");
  EXPECT_EQ(check.feedback[0].at, kT1);
  EXPECT_EQ(check.feedback[1].measure, "procurement_ban");

  auto empty = store_->GetCheck(checks[1].id);
  ASSERT_TRUE(empty && *empty);
  EXPECT_TRUE((*empty)->lists.empty());
  EXPECT_TRUE((*empty)->measures.empty());
  EXPECT_FALSE((*empty)->answered_at);
  auto unknown = store_->GetCheck(checks[1].id + 100);
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(*unknown);
}

TEST_P(StoreConformanceTest, FeedbackTwiceOnAMeasureIsConflictAndUnknownCheckNotFound) {
  std::vector<CreditCheck> checks = {MakeCheck("finance", {"procurement_ban"}, Day(2025, 11, 28))};
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->InsertChecks(checks));
    ASSERT_TRUE(txn->Commit());
  }
  std::vector<CheckFeedback> feedback = {{0, "procurement_ban", "applied", "", "d", kT1}};
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->AddCheckFeedback(checks[0].id, feedback, std::nullopt));
    ASSERT_TRUE(txn->Commit());
  }
  auto txn = Begin();
  auto again = txn->AddCheckFeedback(checks[0].id, feedback, std::nullopt);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kConflict);
  auto unknown = txn->AddCheckFeedback(checks[0].id + 1, feedback, std::nullopt);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), ErrorCode::kNotFound);
}

TEST_P(StoreConformanceTest, ListChecksByDepartmentAndOverdueNewestFirst) {
  std::vector<CreditCheck> checks = {
      MakeCheck("finance", {"procurement_ban"}, Day(2025, 11, 20)),   // overdue on the 25th
      MakeCheck("finance", {}, Day(2025, 11, 20)),                    // nothing to answer
      MakeCheck("finance", {"procurement_ban"}, Day(2025, 11, 25)),   // due that very day
      MakeCheck("tax", {"tax_ban"}, Day(2025, 11, 20)),               // another department
      MakeCheck("finance", {"procurement_ban"}, Day(2025, 11, 20))};  // answered
  checks[4].answered_at = kT1;
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->InsertChecks(checks));
    ASSERT_TRUE(txn->Commit());
  }
  CheckQuery query;
  query.department = "finance";
  auto all = store_->ListChecks(query);
  ASSERT_TRUE(all) << all.error().ToString();
  EXPECT_EQ(all->total, 4);
  ASSERT_EQ(all->items.size(), 4u);
  EXPECT_EQ(all->items[0].id, checks[4].id);
  EXPECT_EQ(all->items[3].id, checks[0].id);

  query.overdue_on = Day(2025, 11, 25);
  auto overdue = store_->ListChecks(query);
  ASSERT_TRUE(overdue);
  EXPECT_EQ(overdue->total, 1);
  ASSERT_EQ(overdue->items.size(), 1u);
  EXPECT_EQ(overdue->items[0].id, checks[0].id);

  query.department.clear();
  query.limit = 1;
  query.offset = 1;
  auto page = store_->ListChecks(query);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 2);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].id, checks[0].id);
}

TEST_P(StoreConformanceTest, ScanChecksInATimeRangeWithFeedback) {
  std::vector<CreditCheck> checks = {MakeCheck("finance", {"a", "b"}, Day(2025, 11, 28)),
                                     MakeCheck("finance", {"a"}, Day(2025, 11, 28)),
                                     MakeCheck("finance", {"a"}, Day(2025, 11, 28))};
  checks[2].checked_at = kT1;
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->InsertChecks(checks));
    std::vector<CheckFeedback> on_first = {{0, "b", "exempted", "", "d", kT1}};
    std::vector<CheckFeedback> on_third = {{0, "a", "applied", "", "d", kT1}};
    ASSERT_TRUE(txn->AddCheckFeedback(checks[0].id, on_first, std::nullopt));
    ASSERT_TRUE(txn->AddCheckFeedback(checks[2].id, on_third, kT1));
    ASSERT_TRUE(txn->Commit());
  }
  std::vector<std::pair<int64_t, size_t>> seen;
  ASSERT_TRUE(store_->ScanChecks(kT0, kT1, [&](const CreditCheck& check) -> Status {
    seen.emplace_back(check.id, check.feedback.size());
    return OkStatus();
  }));
  EXPECT_EQ(seen, (std::vector<std::pair<int64_t, size_t>>{{checks[0].id, 1}, {checks[1].id, 0}}));
  seen.clear();
  ASSERT_TRUE(store_->ScanChecks(kT1, Timestamp::FromSeconds(1'763'942'400),
                                 [&](const CreditCheck& check) -> Status {
                                   seen.emplace_back(check.id, check.feedback.size());
                                   return OkStatus();
                                 }));
  EXPECT_EQ(seen, (std::vector<std::pair<int64_t, size_t>>{{checks[2].id, 1}}));
}

TEST_P(StoreConformanceTest, AccountsAreFoundByLoginAndUpdatedInPlace) {
  Account account;
  account.login = "91330302MA2AB1CD2X";
  account.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA";
  account.role = "subject";
  account.subject_code = "91330302MA2AB1CD2X";
  account.display_name = "温州示例有限公司";
  account.activation_hash = std::string(64, 'd');
  account.activation_expires_at = kT1;
  account.created_at = kT0;
  Account staff;
  staff.login = "court.clerk";
  staff.role = "department";
  staff.department = "court";
  staff.region = "330302";
  staff.created_at = kT0;
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->InsertAccount(account));
    ASSERT_TRUE(txn->InsertAccount(staff));
    EXPECT_NE(account.id, staff.id);
    Account duplicate = staff;
    auto conflict = txn->InsertAccount(duplicate);
    ASSERT_FALSE(conflict);
    EXPECT_EQ(conflict.error().code(), ErrorCode::kConflict);
    Account nameless;
    EXPECT_FALSE(txn->InsertAccount(nameless));
    ASSERT_TRUE(txn->Commit());
  }
  auto found = store_->FindAccountByLogin("91330302MA2AB1CD2X");
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->id, account.id);
  EXPECT_EQ((*found)->password_hash, account.password_hash);
  EXPECT_EQ((*found)->subject_code, account.subject_code);
  EXPECT_EQ((*found)->display_name, "温州示例有限公司");
  EXPECT_EQ((*found)->activation_hash, std::string(64, 'd'));
  EXPECT_EQ((*found)->activation_expires_at, kT1);
  EXPECT_EQ((*found)->created_at, kT0);
  EXPECT_FALSE((*found)->disabled_at.has_value());
  EXPECT_FALSE(store_->FindAccountByLogin("nobody")->has_value());
  EXPECT_FALSE(store_->GetAccount(4242)->has_value());

  Account changed = **found;
  changed.login = "renamed";  // kept as stored
  changed.password_hash = "$argon2id$new";
  changed.activation_hash.clear();
  changed.activation_expires_at.reset();
  changed.disabled_at = kT1;
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->UpdateAccount(changed));
    Account missing = changed;
    missing.id = 4242;
    auto not_found = txn->UpdateAccount(missing);
    ASSERT_FALSE(not_found);
    EXPECT_EQ(not_found.error().code(), ErrorCode::kNotFound);
    ASSERT_TRUE(txn->Commit());
  }
  auto updated = store_->GetAccount(account.id);
  ASSERT_TRUE(updated && updated->has_value());
  EXPECT_EQ((*updated)->login, "91330302MA2AB1CD2X");
  EXPECT_EQ((*updated)->password_hash, "$argon2id$new");
  EXPECT_EQ((*updated)->activation_hash, "");
  EXPECT_FALSE((*updated)->activation_expires_at.has_value());
  EXPECT_EQ((*updated)->disabled_at, kT1);
  auto court = store_->GetAccount(staff.id);
  ASSERT_TRUE(court && court->has_value());
  EXPECT_EQ((*court)->department, "court");
  EXPECT_EQ((*court)->region, "330302");
}

TEST_P(StoreConformanceTest, SessionsAreFoundByHashAndRevokedOnce) {
  Account account;
  account.login = "auditor";
  account.role = "auditor";
  account.created_at = kT0;
  Session session;
  session.hash = std::string(64, 'e');
  session.created_at = kT0;
  session.expires_at = kT1;
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->InsertAccount(account));
    session.account_id = account.id;
    ASSERT_TRUE(txn->InsertSession(session));
    Session duplicate = session;
    auto conflict = txn->InsertSession(duplicate);
    ASSERT_FALSE(conflict);
    EXPECT_EQ(conflict.error().code(), ErrorCode::kConflict);
    ASSERT_TRUE(txn->Commit());
  }
  auto found = store_->FindSessionByHash(std::string(64, 'e'));
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->id, session.id);
  EXPECT_EQ((*found)->account_id, account.id);
  EXPECT_EQ((*found)->created_at, kT0);
  EXPECT_EQ((*found)->expires_at, kT1);
  EXPECT_FALSE((*found)->revoked_at.has_value());
  EXPECT_FALSE(store_->FindSessionByHash(std::string(64, 'f'))->has_value());
  {
    auto txn = Begin();
    ASSERT_TRUE(txn->RevokeSession(session.id, kT1));
    ASSERT_TRUE(txn->RevokeSession(session.id, Timestamp::FromSeconds(kT1.seconds() + 9)));
    auto missing = txn->RevokeSession(4242, kT1);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
    ASSERT_TRUE(txn->Commit());
  }
  EXPECT_EQ((*store_->FindSessionByHash(std::string(64, 'e')))->revoked_at, kT1);
}

TEST_P(StoreConformanceTest, AccessLogIsListedPerSubjectNewestFirst) {
  {
    auto txn = Begin();
    for (int i = 0; i < 5; ++i) {
      AccessEntry entry;
      entry.subject_id = i % 2 == 0 ? 7 : 8;
      entry.at = Timestamp::FromSeconds(kT0.seconds() + i);
      entry.actor = "department:court#token:" + std::to_string(i);
      entry.role = "department";
      entry.department = "court";
      entry.purpose = "case (2026)浙0302执" + std::to_string(i);
      entry.what = "profile";
      ASSERT_TRUE(txn->AppendAccess(entry));
      EXPECT_GT(entry.id, 0);
    }
    ASSERT_TRUE(txn->Commit());
  }
  auto page = store_->ListAccess(7, 0, 2);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 3);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].actor, "department:court#token:4");
  EXPECT_EQ(page->items[0].purpose, "case (2026)浙0302执4");
  EXPECT_EQ(page->items[0].at, Timestamp::FromSeconds(kT0.seconds() + 4));
  EXPECT_EQ(page->items[1].actor, "department:court#token:2");
  auto rest = store_->ListAccess(7, 2, 10);
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_EQ(rest->items[0].actor, "department:court#token:0");
  EXPECT_EQ(store_->ListAccess(9, 0, 10)->total, 0);
  EXPECT_FALSE(store_->ListAccess(7, -1, 10));
}

StoredRating MakeRating(int64_t subject_id, int32_t score, std::string level, Date as_of,
                        std::vector<std::string> lists = {}) {
  StoredRating rating;
  rating.subject_id = subject_id;
  rating.score = score;
  rating.level = std::move(level);
  rating.model_version = "enterprise-2026.1";
  rating.as_of = as_of;
  rating.json = "{\"score\":" + std::to_string(score) + "}";
  rating.digest = std::string(64, 'a');
  rating.lists = std::move(lists);
  return rating;
}

TEST_P(StoreConformanceTest, RatingsAreReplacedAndTheirChangesKept) {
  int64_t a = AddSubject("91330302MA2AAAAA0X", "甲公司");
  int64_t b = AddSubject("91330302MA2BBBBB0X", "乙公司");
  Date day1 = *Date::Parse("2026-03-01");
  Date day2 = *Date::Parse("2026-03-02");
  Date day3 = *Date::Parse("2026-03-03");
  {
    auto txn = Begin();
    std::vector<StoredRating> ratings = {MakeRating(a, 700, "B", day1),
                                         MakeRating(b, 400, "D", day1, {"court_dishonest"})};
    Result<int64_t> changes = txn->PutRatings(ratings);
    ASSERT_TRUE(changes) << changes.error().ToString();
    EXPECT_EQ(*changes, 2);  // first ratings
    ASSERT_TRUE(txn->Commit());
  }
  {
    auto txn = Begin();
    // a: same score and level on a later day (no change); b: a new score.
    std::vector<StoredRating> ratings = {MakeRating(a, 700, "B", day2),
                                         MakeRating(b, 450, "D", day2, {"court_dishonest"})};
    EXPECT_EQ(*txn->PutRatings(ratings), 1);
    ASSERT_TRUE(txn->Commit());
  }
  {
    auto txn = Begin();
    std::vector<StoredRating> ratings = {MakeRating(b, 650, "C", day3)};  // delisted
    EXPECT_EQ(*txn->PutRatings(ratings), 1);
    // Rolled back: nothing of it is seen.
  }
  auto stored = store_->GetRating(a);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->as_of, day2);
  EXPECT_EQ((*stored)->score, 700);
  EXPECT_EQ((*stored)->json, "{\"score\":700}");
  EXPECT_EQ((*stored)->digest, std::string(64, 'a'));
  EXPECT_EQ((*stored)->model_version, "enterprise-2026.1");
  EXPECT_TRUE((*stored)->lists.empty());
  auto of_b = store_->GetRating(b);
  ASSERT_TRUE(of_b && *of_b);
  EXPECT_EQ((*of_b)->score, 450);
  EXPECT_EQ((*of_b)->lists, std::vector<std::string>{"court_dishonest"});
  EXPECT_FALSE(*store_->GetRating(b + 100));

  auto history = store_->ListRatingHistory(b, 0, 10);
  ASSERT_TRUE(history) << history.error().ToString();
  EXPECT_EQ(history->total, 2);
  ASSERT_EQ(history->items.size(), 2u);
  EXPECT_EQ(history->items[0].score, 450);  // newest first
  EXPECT_EQ(history->items[0].as_of, day2);
  EXPECT_EQ(history->items[1].score, 400);
  EXPECT_GT(history->items[0].seq, history->items[1].seq);
  auto second_page = store_->ListRatingHistory(b, 1, 10);
  ASSERT_TRUE(second_page);
  ASSERT_EQ(second_page->items.size(), 1u);
  EXPECT_EQ(second_page->items[0].level, "D");
  EXPECT_EQ(store_->ListRatingHistory(a, 0, 10)->total, 1);
  EXPECT_FALSE(store_->ListRatingHistory(a, -1, 10));

  {
    auto txn = Begin();
    std::vector<StoredRating> ratings = {MakeRating(b, 650, "C", day3)};
    EXPECT_EQ(*txn->PutRatings(ratings), 1);
    ASSERT_TRUE(txn->Commit());
  }
  EXPECT_TRUE((*store_->GetRating(b))->lists.empty());
  EXPECT_EQ(store_->ListListMembers({"court_dishonest", "", true, 0, 10})->total, 0);
}

TEST_P(StoreConformanceTest, PersonsOnAListAreFoundByTheirWholeCodeOnlyWhenAsked) {
  auto txn = Begin();
  Subject person = MakeSubject("330302198503121234", "张测试");
  person.kind = ids::SubjectKind::kPerson;
  person.code_kind = ids::CodeKind::kResidentId;
  ASSERT_TRUE(txn->InsertSubject(person));
  std::vector<StoredRating> ratings = {
      MakeRating(person.id, 300, "D", *Date::Parse("2026-03-01"), {"court_dishonest"})};
  ASSERT_TRUE(txn->PutRatings(ratings));
  ASSERT_TRUE(txn->Commit());
  EXPECT_EQ(store_->ListListMembers({"court_dishonest", "张测试", true, 0, 10})->total, 1);
  EXPECT_EQ(store_->ListListMembers({"court_dishonest", "3303021985", true, 0, 10})->total, 1);
  EXPECT_EQ(store_->ListListMembers({"court_dishonest", "张测试", false, 0, 10})->total, 0);
  EXPECT_EQ(store_->ListListMembers({"court_dishonest", "3303021985", false, 0, 10})->total, 0);
  EXPECT_EQ(store_->ListListMembers({"court_dishonest", "330302198503121234", false, 0, 10})->total,
            1);
  EXPECT_EQ(store_->ListListMembers({"court_dishonest", "", false, 0, 10})->total, 1);
}

TEST_P(StoreConformanceTest, ListMembersAreSearchedAndPagedInCodeOrder) {
  std::vector<int64_t> ids;
  const char* codes[] = {"91330302MA2CCCCC0X", "91330302MA2AAAAA0X", "91330302MA2BBBBB0X"};
  const char* names[] = {"丙贸易公司", "甲贸易公司", "乙建材公司"};
  for (int i = 0; i < 3; ++i) ids.push_back(AddSubject(codes[i], names[i]));
  Date day = *Date::Parse("2026-03-01");
  {
    auto txn = Begin();
    std::vector<StoredRating> ratings = {
        MakeRating(ids[0], 400, "D", day, {"court_dishonest", "serious_dishonesty.tax"}),
        MakeRating(ids[1], 450, "D", day, {"court_dishonest"}),
        MakeRating(ids[2], 800, "A", day, {"tax_grade_a"})};
    ASSERT_TRUE(txn->PutRatings(ratings));
    ASSERT_TRUE(txn->Commit());
  }
  auto all = store_->ListListMembers({"court_dishonest", "", true, 0, 10});
  ASSERT_TRUE(all) << all.error().ToString();
  EXPECT_EQ(all->total, 2);
  ASSERT_EQ(all->items.size(), 2u);
  EXPECT_EQ(all->items[0].subject.code, "91330302MA2AAAAA0X");
  EXPECT_EQ(all->items[1].subject.code, "91330302MA2CCCCC0X");
  EXPECT_EQ(all->items[0].as_of, day);
  auto paged = store_->ListListMembers({"court_dishonest", "", true, 1, 1});
  ASSERT_TRUE(paged);
  EXPECT_EQ(paged->total, 2);
  ASSERT_EQ(paged->items.size(), 1u);
  EXPECT_EQ(paged->items[0].subject.name, "丙贸易公司");
  auto by_name = store_->ListListMembers({"court_dishonest", "丙贸易", true, 0, 10});
  ASSERT_TRUE(by_name);
  ASSERT_EQ(by_name->items.size(), 1u);
  EXPECT_EQ(by_name->items[0].subject.id, ids[0]);
  auto by_code = store_->ListListMembers({"court_dishonest", "91330302MA2A", true, 0, 10});
  ASSERT_TRUE(by_code);
  ASSERT_EQ(by_code->items.size(), 1u);
  EXPECT_EQ(by_code->items[0].subject.id, ids[1]);
  // A code infix is no match: codes match from their start.
  EXPECT_EQ(store_->ListListMembers({"court_dishonest", "MA2A", true, 0, 10})->total, 0);
  EXPECT_EQ(store_->ListListMembers({"tax_grade_a", "", true, 0, 10})->total, 1);
  EXPECT_EQ(store_->ListListMembers({"no_such_list", "", true, 0, 10})->total, 0);
  // Hostile search text is only text.
  EXPECT_EQ(store_->ListListMembers({"court_dishonest", "' OR 1=1 --", true, 0, 10})->total, 0);

  // A lower-case code prefix matches too.
  EXPECT_EQ(store_->ListListMembers({"court_dishonest", "91330302ma2a", true, 0, 10})->total, 1);

  auto counts = store_->CountRatingLevels();
  ASSERT_TRUE(counts) << counts.error().ToString();
  ASSERT_EQ(counts->size(), 2u);
  EXPECT_EQ((*counts)[0].level, "A");
  EXPECT_EQ((*counts)[0].count, 1);
  EXPECT_EQ((*counts)[1].level, "D");
  EXPECT_EQ((*counts)[1].count, 2);
  EXPECT_EQ((*counts)[1].region, "330302");
  EXPECT_EQ((*counts)[1].kind, ids::SubjectKind::kEnterprise);
}

INSTANTIATE_TEST_SUITE_P(
    Backends, StoreConformanceTest,
    ::testing::Values(StoreBackend{
        "sqlite", [](const std::string& dir) { return "sqlite:" + dir + "/data/credence.db"; }}),
    [](const ::testing::TestParamInfo<StoreBackend>& info) { return info.param.name; });

// Store::Open's choice of backend by URL (not a backend behaviour, so not parameterised).
TEST(StoreOpenTest, PlainPathAndSqliteUrlsOpenSqlite) {
  std::string dir = FreshDir();
  for (const std::string& url : {dir + "/plain/credence.db", "sqlite:" + dir + "/prefixed.db",
                                 "sqlite://" + dir + "/slashes.db"}) {
    auto store = Store::Open(url);
    ASSERT_TRUE(store) << url << ": " << store.error().ToString();
    EXPECT_EQ((*store)->backend(), "sqlite");
  }
  EXPECT_TRUE(std::filesystem::exists(dir + "/plain/credence.db"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/prefixed.db"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/slashes.db"));
  std::filesystem::remove_all(dir);
}

TEST(StoreOpenTest, PostgresIsNotBuiltYet) {
  for (const char* url : {"postgres://credence@localhost/credence", "postgresql://h/db"}) {
    auto store = Store::Open(url);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code(), ErrorCode::kUnavailable);
  }
}

TEST(StoreOpenTest, UnknownSchemesAndEmptyPathsAreRefused) {
  for (const char* url : {"mysql://localhost/credence", "", "sqlite:", ":memory:"}) {
    auto store = Store::Open(url);
    ASSERT_FALSE(store) << url;
    EXPECT_EQ(store.error().code(), ErrorCode::kInvalidArgument) << url;
  }
}

TEST(StoreKeysTest, StatusKeysRoundTrip) {
  for (RecordStatus status : {RecordStatus::kActive, RecordStatus::kWithdrawn,
                              RecordStatus::kRestored, RecordStatus::kExpired}) {
    EXPECT_EQ(ParseRecordStatus(RecordStatusKey(status)), status);
  }
  for (SubjectStatus status :
       {SubjectStatus::kProvisional, SubjectStatus::kRegistered, SubjectStatus::kDeregistered}) {
    EXPECT_EQ(ParseSubjectStatus(SubjectStatusKey(status)), status);
  }
  EXPECT_EQ(RecordStatusKey(RecordStatus::kWithdrawn), "withdrawn");
  EXPECT_FALSE(ParseRecordStatus("deleted").has_value());
}

}  // namespace
}  // namespace credence::store
