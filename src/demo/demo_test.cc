#include "demo/demo.h"
#include "demo/generator_internal.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "common/json.h"
#include "ids/ids.h"
#include "ingest/ingest.h"
#include "policy/policy.h"
#include "store/store.h"

namespace credence::demo {
namespace {

TEST(KindSlotTest, EverySlotIsAFeedFormatKindInOrder) {
  ASSERT_EQ(policy::FeedFormatRecordKinds().size(), static_cast<size_t>(internal::kKindSlotCount));
  EXPECT_EQ(internal::KindSlotKey(internal::KindSlot::kRegistration), "registration");
  EXPECT_EQ(internal::KindSlotKey(internal::KindSlot::kIpPledge), "ip_pledge");
}

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const policy::Catalog& Catalog() {
  static const policy::Catalog catalog = [] {
    Result<policy::Catalog> loaded = policy::LoadCatalog(fs::path(CREDENCE_SOURCE_DIR) / "policy");
    if (!loaded) ADD_FAILURE() << loaded.error().ToString();
    return loaded ? std::move(*loaded) : policy::Catalog();
  }();
  return catalog;
}

Date Today() { return Date::Parse("2026-06-30").value(); }

DemoOptions Options(int64_t subjects, uint64_t seed = 7) {
  DemoOptions options;
  options.subjects = subjects;
  options.seed = seed;
  options.today = Today();
  return options;
}

struct Batch {
  std::string department;
  std::string ndjson;
};

std::vector<Batch> Generate(const DemoOptions& options) {
  std::vector<Batch> batches;
  Status status = GenerateFeeds(Catalog(), options,
                                [&](std::string_view department, std::string ndjson) -> Status {
                                  batches.push_back({std::string(department), std::move(ndjson)});
                                  return OkStatus();
                                });
  EXPECT_TRUE(status) << status.error().ToString();
  return batches;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// One generated line with the department that emitted it.
struct Row {
  std::string department;
  JsonValue json;
  std::string Str(std::string_view path) const {
    const JsonValue* value = json.FindPath(path);
    return value != nullptr && value->is_string() ? value->as_string() : std::string();
  }
};

std::vector<Row> Parse(const std::vector<Batch>& batches) {
  std::vector<Row> rows;
  for (const Batch& batch : batches) {
    EXPECT_TRUE(batch.ndjson.ends_with('\n'));
    for (std::string_view line : Lines(batch.ndjson)) {
      Result<JsonValue> json = ParseJson(line);
      EXPECT_TRUE(json) << line;
      if (json) rows.push_back({batch.department, std::move(*json)});
    }
  }
  return rows;
}

// The subjects of a city by code, with the kind their rows declare.
std::map<std::string, std::string> SubjectKinds(const std::vector<Row>& rows) {
  std::map<std::string, std::string> kinds;
  for (const Row& row : rows) kinds[row.Str("subject.code")] = row.Str("subject.kind");
  return kinds;
}

// A small city shared by the tests that only read it.
const std::vector<Row>& SmallCity() {
  static const std::vector<Row> rows = Parse(Generate(Options(3000)));
  return rows;
}

TEST(GenerateFeedsTest, SameOptionsGiveIdenticalBytesAndAnotherSeedDiffers) {
  std::vector<Batch> first = Generate(Options(1500, 11));
  std::vector<Batch> second = Generate(Options(1500, 11));
  std::vector<Batch> other = Generate(Options(1500, 12));
  ASSERT_EQ(first.size(), second.size());
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].department, second[i].department);
    EXPECT_TRUE(first[i].ndjson == second[i].ndjson) << "batch " << i << " differs";
  }
  std::string all_first, all_other;
  for (const Batch& batch : first) all_first += batch.ndjson;
  for (const Batch& batch : other) all_other += batch.ndjson;
  EXPECT_NE(all_first, all_other);
}

TEST(GenerateFeedsTest, EveryCodeIsValidUniqueAndNamesItsKind) {
  const std::vector<Row>& rows = SmallCity();
  std::map<std::string, std::string> kinds = SubjectKinds(rows);
  EXPECT_EQ(kinds.size(), 3000u);  // every subject has a record, and no two share a code
  for (const auto& [code, kind] : kinds) {
    ids::CodeCheck check = ids::CheckCode(code);
    ASSERT_TRUE(check.valid) << code << ": " << check.message;
    if (check.kind == ids::CodeKind::kResidentId) {
      EXPECT_EQ(kind, "person") << code;
      EXPECT_GE(check.birth_date, "1950-01-01") << code;
      EXPECT_LE(check.birth_date, "2004-12-31") << code;
    } else {
      std::optional<ids::SubjectKind> derived =
          Catalog().SubjectKindForOrgType(check.organisation_type);
      ASSERT_TRUE(derived.has_value()) << code;
      EXPECT_EQ(ids::SubjectKindKey(*derived), kind) << code;
    }
  }
}

TEST(GenerateFeedsTest, SubjectsLiveInWenzhouCountiesWeightedByPopulation) {
  std::set<std::string> counties;
  for (const ids::Division* division : ids::CountiesOf("330300")) counties.insert(division->code);
  ASSERT_EQ(counties.size(), 12u);
  std::map<std::string, int> per_county;
  for (const auto& [code, kind] : SubjectKinds(SmallCity())) {
    std::string division = kind == "person" ? code.substr(0, 6) : code.substr(2, 6);
    if (division == "330300") continue;  // registered with the city itself
    EXPECT_TRUE(counties.contains(division)) << code;
    ++per_county[division];
  }
  // Ruian (1.52M people) against Taishun (0.27M).
  EXPECT_GT(per_county["330381"], 3 * per_county["330329"]);
  EXPECT_GT(per_county["330329"], 0);
}

TEST(GenerateFeedsTest, DepartmentsOnlySubmitWhatTheCatalogAllows) {
  for (const Row& row : SmallCity()) {
    std::string kind_key = row.Str("kind");
    const policy::RecordKind* kind = Catalog().FindKind(kind_key);
    ASSERT_NE(kind, nullptr) << kind_key;
    EXPECT_TRUE(Catalog().MaySubmit(row.department, kind_key)) << row.department << " " << kind_key;
    std::optional<ids::SubjectKind> subject = ids::ParseSubjectKind(row.Str("subject.kind"));
    ASSERT_TRUE(subject.has_value());
    EXPECT_NE(std::find(kind->subject_kinds.begin(), kind->subject_kinds.end(), *subject),
              kind->subject_kinds.end())
        << kind_key << " about " << row.Str("subject.kind");
    for (const std::string& field : kind->required_fields) {
      const JsonValue* value = row.json.FindPath(field);
      EXPECT_TRUE(value != nullptr && !value->is_null()) << kind_key << " lacks " << field;
    }
    if (kind->tiered) {
      EXPECT_TRUE(policy::ParseTier(row.Str("tier")).has_value()) << kind_key;
    }
  }
}

TEST(GenerateFeedsTest, AboutFifteenDepartmentsAndEveryRecordKindTakePart) {
  std::set<std::string> departments, kinds;
  for (const Row& row : SmallCity()) {
    departments.insert(row.department);
    kinds.insert(row.Str("kind"));
  }
  EXPECT_GE(departments.size(), 15u);
  for (std::string_view kind :
       {"registration", "admin_license", "admin_penalty", "dishonest_debtor", "abnormal_operation",
        "tax_credit_grade", "honour", "red_list", "commitment", "social_insurance_arrears",
        "contract_performance", "inspection_result", "judgment"}) {
    EXPECT_TRUE(kinds.contains(std::string(kind))) << kind;
  }
}

TEST(GenerateFeedsTest, DatesFallInTheSixYearsUpToToday) {
  const Date earliest = Today().AddYears(-6);
  for (const Row& row : SmallCity()) {
    Result<Date> decided = Date::Parse(row.Str("decided_at"));
    ASSERT_TRUE(decided) << row.Str("decided_at");
    EXPECT_GE(*decided, earliest) << row.Str("source_ref");
    EXPECT_LE(*decided, Today()) << row.Str("source_ref");
    if (row.Str("kind") == "registration") {
      Result<Date> established = Date::Parse(row.Str("extra.established"));
      ASSERT_TRUE(established);
      EXPECT_GE(established->year(), 1949);
      EXPECT_LE(*established, *decided);
    }
    for (std::string_view later : {"valid_until", "term_end", "deadline"}) {
      std::string text = row.Str(later);
      if (!text.empty()) {
        EXPECT_GE(Date::Parse(text).value(), *decided) << later;
      }
    }
  }
}

TEST(GenerateFeedsTest, RegistrationsComeFirstAndSourceRefsAreUniqueAndAscending) {
  std::vector<Batch> batches = Generate(Options(3000));
  bool other_seen = false;
  std::map<std::string, std::set<std::string>> refs;
  std::map<std::string, std::string> last_ref;  // per department and kind prefix
  int registrations = 0;
  for (const Batch& batch : batches) {
    for (std::string_view line : Lines(batch.ndjson)) {
      JsonValue json = ParseJson(line).value();
      std::string kind(json.GetString("kind").value_or(""));
      std::string ref(json.GetString("source_ref").value_or(""));
      if (kind == "registration") {
        EXPECT_FALSE(other_seen) << "a registration after other records: " << ref;
        ++registrations;
      } else {
        other_seen = true;
      }
      EXPECT_TRUE(refs[batch.department].insert(ref).second) << "duplicate " << ref;
      std::string prefix = ref.substr(0, ref.rfind('-'));
      std::string& last = last_ref[batch.department + " " + prefix];
      EXPECT_LT(last, ref);
      last = ref;
    }
  }
  EXPECT_GT(registrations, 2000);  // organisations are about five in six subjects
}

TEST(GenerateFeedsTest, BatchesRespectBatchRowsWithoutChangingTheLines) {
  DemoOptions small = Options(1200);
  small.batch_rows = 97;
  std::map<std::string, std::string> by_department_small, by_department_large;
  for (const Batch& batch : Generate(small)) {
    EXPECT_LE(Lines(batch.ndjson).size(), 97u);
    by_department_small[batch.department] += batch.ndjson;
  }
  for (const Batch& batch : Generate(Options(1200))) {
    by_department_large[batch.department] += batch.ndjson;
  }
  EXPECT_EQ(by_department_small, by_department_large);
}

TEST(GenerateFeedsTest, SubjectKindProportionsFollowTheCity) {
  const int64_t n = 20000;
  std::map<std::string, int> counts;
  for (const auto& [code, kind] : SubjectKinds(Parse(Generate(Options(n, 3))))) ++counts[kind];
  // The demo city's mix: Wenzhou's organisations, with residents scaled down.
  const std::map<std::string, double> expected = {
      {"enterprise", 0.35},           {"individual_business", 0.45}, {"public_institution", 0.02},
      {"social_organisation", 0.015}, {"government_organ", 0.003},   {"person", 0.16}};
  for (const auto& [kind, share] : expected) {
    double mean = share * n;
    double tolerance = 5 * std::sqrt(mean * (1 - share)) + 2;
    EXPECT_NEAR(counts[kind], mean, tolerance) << kind;
  }
}

TEST(GenerateFeedsTest, TaxGradesAndDebtorsHaveRealisticShares) {
  std::map<std::string, int> grades;
  std::set<std::string> debtors, subjects;
  for (const Row& row : Parse(Generate(Options(10000, 5)))) {
    subjects.insert(row.Str("subject.code"));
    if (row.Str("kind") == "tax_credit_grade" && row.Str("subject.kind") == "enterprise") {
      ++grades[row.Str("grade")];
    }
    if (row.Str("kind") == "dishonest_debtor") debtors.insert(row.Str("subject.code"));
  }
  int total = 0;
  for (const auto& [grade, count] : grades) total += count;
  ASSERT_GT(total, 1000);
  // About A 25%, B 50%, M 15%, C 7%, D 3%.
  EXPECT_NEAR(grades["A"] / double(total), 0.25, 0.05);
  EXPECT_NEAR(grades["B"] / double(total), 0.50, 0.06);
  EXPECT_NEAR(grades["M"] / double(total), 0.15, 0.06);
  EXPECT_NEAR(grades["C"] / double(total), 0.07, 0.03);
  EXPECT_NEAR(grades["D"] / double(total), 0.03, 0.02);
  double debtor_share = debtors.size() / double(subjects.size());
  EXPECT_GT(debtor_share, 0.005);
  EXPECT_LT(debtor_share, 0.02);
}

TEST(GenerateFeedsTest, NamesLookLikeWenzhouSubjects) {
  int companies = 0, shops = 0;
  for (const Row& row : SmallCity()) {
    if (row.Str("kind") != "registration") continue;
    std::string name = row.Str("subject.name");
    std::string kind = row.Str("subject.kind");
    if (kind == "enterprise") {
      ++companies;
      EXPECT_TRUE(name.ends_with("公司")) << name;
    } else if (kind == "individual_business") {
      ++shops;
      EXPECT_FALSE(name.ends_with("公司")) << name;
    }
    EXPECT_FALSE(row.Str("legal_representative").empty()) << name;
    EXPECT_EQ(row.Str("extra.industry").size(), 1u) << name;
  }
  EXPECT_GT(companies, 500);
  EXPECT_GT(shops, 500);
}

TEST(GenerateFeedsTest, CountRecordsMatchesTheFeeds) {
  size_t lines = 0;
  for (const Batch& batch : Generate(Options(2500))) lines += Lines(batch.ndjson).size();
  Result<int64_t> counted = CountRecords(Catalog(), Options(2500));
  ASSERT_TRUE(counted) << counted.error().ToString();
  EXPECT_EQ(*counted, static_cast<int64_t>(lines));
  EXPECT_GT(lines, 3u * 2500);
  EXPECT_LT(lines, 8u * 2500);
}

TEST(GenerateFeedsTest, AnEmitErrorStopsTheGeneration) {
  DemoOptions options = Options(2000);
  options.batch_rows = 100;
  int calls = 0;
  Status status = GenerateFeeds(Catalog(), options, [&](std::string_view, std::string) -> Status {
    if (++calls == 3) return Fail(Error::Unavailable("store is busy"));
    return OkStatus();
  });
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(calls, 3);
}

TEST(GenerateFeedsTest, RefusesUnusableOptions) {
  auto fails = [](DemoOptions options) {
    Status status =
        GenerateFeeds(Catalog(), options, [](std::string_view, std::string) { return OkStatus(); });
    return !status && status.error().code() == ErrorCode::kInvalidArgument;
  };
  DemoOptions no_today = Options(10);
  no_today.today = Date();
  EXPECT_TRUE(fails(no_today));
  EXPECT_TRUE(fails(Options(-1)));
  DemoOptions no_rows = Options(10);
  no_rows.batch_rows = 0;
  EXPECT_TRUE(fails(no_rows));
  EXPECT_TRUE(fails(Options(int64_t{1} << 40)));
}

fs::path MakeTempDir();

// A copy of the default policy with one text replaced in record_kinds.toml.
Result<policy::Catalog> EditedCatalog(const fs::path& dir, std::string_view from,
                                      std::string_view to) {
  for (const fs::directory_entry& entry :
       fs::directory_iterator(fs::path(CREDENCE_SOURCE_DIR) / "policy")) {
    fs::copy(entry.path(), dir / entry.path().filename());
  }
  std::ifstream in(dir / "record_kinds.toml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  std::ofstream(dir / "record_kinds.toml") << text;
  return policy::LoadCatalog(dir);
}

TEST(GenerateFeedsTest, FollowsACatalogThatGivesKindsToOtherDepartments) {
  // Only market regulation registers; customs may no longer award honours.
  fs::path dir = MakeTempDir();
  Result<policy::Catalog> one_registrar = EditedCatalog(
      dir, R"(departments = ["market_regulation", "civil_affairs", "institutional_establishment"])",
      R"(departments = ["market_regulation"])");
  ASSERT_TRUE(one_registrar) << one_registrar.error().ToString();
  fs::remove_all(dir);
  dir = MakeTempDir();
  Result<policy::Catalog> no_customs_honours = EditedCatalog(
      dir,
      R"(  "customs", "natural_resources", "health", "finance", "public_security", "civil_affairs",)",
      R"(  "natural_resources", "health", "finance", "public_security", "civil_affairs",)");
  ASSERT_TRUE(no_customs_honours) << no_customs_honours.error().ToString();
  fs::remove_all(dir);

  for (const policy::Catalog* edited : {&*one_registrar, &*no_customs_honours}) {
    std::vector<Batch> batches;
    Status status =
        GenerateFeeds(*edited, Options(3000), [&](std::string_view department, std::string ndjson) {
          batches.push_back({std::string(department), std::move(ndjson)});
          return OkStatus();
        });
    ASSERT_TRUE(status) << status.error().ToString();
    std::set<std::string> registrars, aeo_awarders;
    for (const Row& row : Parse(batches)) {
      EXPECT_TRUE(edited->MaySubmit(row.department, row.Str("kind")))
          << row.department << " " << row.Str("kind");
      if (row.Str("kind") == "registration" && row.Str("subject.kind") == "social_organisation") {
        registrars.insert(row.department);
      }
      if (row.Str("kind") == "honour" && row.Str("content").find("AEO") != std::string::npos) {
        aeo_awarders.insert(row.department);
      }
    }
    if (edited == &*one_registrar) {
      EXPECT_EQ(registrars, std::set<std::string>{"market_regulation"});
      EXPECT_EQ(aeo_awarders, std::set<std::string>{"customs"});
    } else {
      EXPECT_EQ(registrars, std::set<std::string>{"civil_affairs"});
      EXPECT_EQ(aeo_awarders, std::set<std::string>{"development_reform"});
    }
  }
}

// ---------------------------------------------------------------------------------------------

fs::path MakeTempDir() {
  std::string pattern = (fs::temp_directory_path() / "credence-demo-XXXXXX").string();
  const char* made = mkdtemp(pattern.data());
  EXPECT_NE(made, nullptr);
  return fs::path(pattern);
}

TEST(CreateDemoCityTest, IngestsEveryRowIntoAStoreWhoseAuditChainVerifies) {
  fs::path dir = MakeTempDir();
  Result<std::unique_ptr<store::Store>> opened =
      store::Store::Open("sqlite:" + (dir / "c.db").string());
  ASSERT_TRUE(opened) << opened.error().ToString();
  store::Store& store = **opened;
  // Noon of the demo's today in Shanghai.
  FixedClock clock(
      Timestamp::FromSeconds(Timestamp::StartOfDayShanghai(Today()).seconds() + 12 * 3600));
  ingest::Ingestor ingestor(store, Catalog(), clock);

  DemoOptions options = Options(2000);
  options.batch_rows = 1000;
  int64_t last_done = -1, last_total = -1;
  Result<DemoSummary> summary =
      CreateDemoCity(ingestor, Catalog(), options, [&](int64_t done, int64_t total) {
        EXPECT_GE(done, last_done);
        last_done = done;
        last_total = total;
      });
  ASSERT_TRUE(summary) << summary.error().ToString();
  EXPECT_EQ(summary->rejected, 0);
  EXPECT_EQ(summary->subjects, 2000);
  EXPECT_EQ(last_done, last_total);
  EXPECT_EQ(summary->records, last_total);

  Result<store::StoreStats> stats = store.Stats();
  ASSERT_TRUE(stats) << stats.error().ToString();
  EXPECT_EQ(stats->subjects, 2000);
  EXPECT_EQ(stats->records, summary->records);
  EXPECT_GE(stats->records, 3 * 2000);
  EXPECT_LE(stats->records, 8 * 2000);
  EXPECT_EQ(stats->batches, summary->batches);

  Result<audit::VerifyReport> verified = audit::Verify(store);
  ASSERT_TRUE(verified) << verified.error().ToString();
  EXPECT_TRUE(verified->ok) << verified->message;
  EXPECT_GT(verified->entries, 0);

  // A registered company carries its registration's identity into the store.
  std::string company;
  for (const Row& row : Parse(Generate(options))) {
    if (row.Str("kind") == "registration" && row.Str("subject.kind") == "enterprise" &&
        row.Str("extra.status") == "存续") {
      company = row.Str("subject.code");
      break;
    }
  }
  Result<std::optional<store::Subject>> found = store.FindSubjectByCode(company);
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->status, store::SubjectStatus::kRegistered);
  EXPECT_FALSE((*found)->industry.empty());
  EXPECT_FALSE((*found)->legal_representative.empty());

  // The same city again changes nothing.
  Result<DemoSummary> again = CreateDemoCity(ingestor, Catalog(), options);
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(store.Stats()->subjects, 2000);
  EXPECT_EQ(store.Stats()->records, summary->records);

  opened->reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace credence::demo
