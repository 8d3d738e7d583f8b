#include "checks/checks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace credence::checks {
namespace {

Date Day(int year, int month, int day) { return *Date::FromCivil(year, month, day); }
constexpr Timestamp kNoon = Timestamp::FromSeconds(1'763'798'400);  // 2025-11-22T08:00:00Z

std::filesystem::path PolicyDir() { return std::filesystem::path(CREDENCE_SOURCE_DIR) / "policy"; }

std::vector<policy::PolicyFile> DefaultFiles() {
  std::vector<policy::PolicyFile> files;
  for (const auto& entry : std::filesystem::directory_iterator(PolicyDir())) {
    if (entry.path().extension() != ".toml") continue;
    std::ifstream in(entry.path());
    files.push_back(
        {entry.path().filename().string(), std::string(std::istreambuf_iterator<char>(in), {})});
  }
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return files;
}

const policy::Catalog& DefaultCatalog() {
  static const policy::Catalog* catalog = [] {
    Result<policy::Catalog> loaded = policy::LoadCatalog(PolicyDir());
    EXPECT_TRUE(loaded.has_value()) << loaded.error().ToString();
    return new policy::Catalog(std::move(*loaded));
  }();
  return *catalog;
}

const lists::ListCatalog& DefaultLists() {
  static const lists::ListCatalog* lists = [] {
    Result<lists::ListCatalog> loaded = lists::ListCatalog::Load(DefaultCatalog());
    EXPECT_TRUE(loaded.has_value()) << loaded.error().ToString();
    return new lists::ListCatalog(std::move(*loaded));
  }();
  return *lists;
}

const MeasureCatalog& DefaultMeasures() {
  static const MeasureCatalog* measures = [] {
    Result<MeasureCatalog> loaded = MeasureCatalog::Load(DefaultCatalog(), DefaultLists());
    EXPECT_TRUE(loaded.has_value()) << loaded.error().ToString();
    return new MeasureCatalog(std::move(*loaded));
  }();
  return *measures;
}

// Loads the default policy plus one more file, with `from` replaced by `to` in measures.toml;
// returns the error of the measures, if any.
Result<MeasureCatalog> LoadWith(const std::string& extra, std::string_view from = "",
                                std::string_view to = "") {
  std::vector<policy::PolicyFile> files = DefaultFiles();
  for (policy::PolicyFile& file : files) {
    size_t at = from.empty() ? std::string::npos : file.text.find(from);
    if (file.name == "measures.toml" && at != std::string::npos)
      file.text.replace(at, from.size(), to);
  }
  files.push_back({"zz_local.toml", extra});
  Result<policy::Catalog> catalog = policy::ParseCatalog(files);
  if (!catalog) return Fail(std::move(catalog).error());
  Result<lists::ListCatalog> lists = lists::ListCatalog::Load(*catalog);
  if (!lists) return Fail(std::move(lists).error());
  return MeasureCatalog::Load(*catalog, *lists);
}

std::vector<std::string> DetailMessages(const Error& error) {
  std::vector<std::string> messages;
  for (const Error& detail : error.details())
    messages.push_back(detail.reason() + ": " + detail.message());
  return messages;
}

constexpr std::string_view kLocalMeasure = R"(
[[measure]]
key = "local_ban"
name = { zh = "本地限制", en = "Local restriction" }
kind = "punishment"
targets = [{ list = "court_dishonest_debtor" }]
departments = ["finance"]
scenarios = ["financing"]
action = { zh = "限制", en = "Restrict" }
)";

TEST(MeasureLoadTest, DefaultSetCoversTheMemorandaListsScenariosAndKinds) {
  const MeasureCatalog& measures = DefaultMeasures();
  EXPECT_GE(measures.MemorandumCount(), 38u);
  std::set<std::string> lists_targeted;
  std::set<Scenario> scenarios;
  std::set<MeasureKind> kinds;
  bool level_target = false, record_target = false;
  for (const Measure& measure : measures.measures()) {
    ASSERT_FALSE(measure.legal_basis.empty()) << measure.key;
    for (const LegalBasis& basis : measure.legal_basis) EXPECT_FALSE(basis.articles.empty());
    EXPECT_FALSE(measure.memoranda.empty()) << measure.key;
    kinds.insert(measure.kind);
    for (Scenario scenario : measure.scenarios) scenarios.insert(scenario);
    for (const Target& target : measure.targets) {
      if (target.type == Target::Type::kList) lists_targeted.insert(target.list);
      level_target |= target.type == Target::Type::kLevel;
      record_target |= target.type == Target::Type::kRecordKind;
    }
  }
  // Every list of the lists policy, blacklists and red lists alike, has measures.
  for (const lists::ListDefinition& list : DefaultLists().lists()) {
    EXPECT_TRUE(lists_targeted.contains(list.key)) << list.key;
  }
  EXPECT_EQ(scenarios.size(), static_cast<size_t>(kScenarioCount));
  EXPECT_EQ(kinds.size(), 2u);
  EXPECT_TRUE(level_target);
  EXPECT_TRUE(record_target);
  EXPECT_EQ(measures.settings().feedback_working_days, 5);
  EXPECT_EQ(measures.settings().batch_max_subjects, 10000);
  const Measure* ban = measures.Find("debtor_procurement_restricted");
  ASSERT_NE(ban, nullptr);
  EXPECT_EQ(ban->LegalBasisText(),
            "《最高人民法院关于公布失信被执行人名单信息的若干规定》（法释〔2017〕7号）第八条；"
            "《中华人民共和国政府采购法》第二十二条");
  EXPECT_EQ(ban->file, "measures.toml");
}

TEST(MeasureLoadTest, AMeasureWithoutLegalBasisIsRefusedNamingFileKeyAndReason) {
  Result<MeasureCatalog> loaded = LoadWith(std::string(kLocalMeasure));
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().reason(), "invalid_policy");
  std::vector<std::string> messages = DetailMessages(loaded.error());
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0],
            "missing: zz_local.toml: measure.local_ban.legal_basis: is required (a measure must "
            "rest on a law, administrative regulation or central policy document)");
}

TEST(MeasureLoadTest, ALegalBasisWithoutArticlesOrDocumentIsRefused) {
  Result<MeasureCatalog> loaded =
      LoadWith(std::string(kLocalMeasure) +
               "legal_basis = [{ document = \"《某某条例》\" }, "
               "{ articles = [\"第一条\"] }, { document = \"《某法》\", "
               "articles = [] }]\n");
  ASSERT_FALSE(loaded);
  std::vector<std::string> messages = DetailMessages(loaded.error());
  EXPECT_EQ(messages, (std::vector<std::string>{
                          "missing: zz_local.toml: measure.local_ban.legal_basis[0].articles: is "
                          "required (the articles the measure rests on)",
                          "missing: zz_local.toml: measure.local_ban.legal_basis[1].document: is "
                          "required",
                          "invalid: zz_local.toml: measure.local_ban.legal_basis[2].articles: must "
                          "be a non-empty list of strings"}));
}

TEST(MeasureLoadTest, UnknownReferencesAndBadTargetsAreEachReported) {
  Result<MeasureCatalog> loaded = LoadWith(R"(
[[measure]]
key = "bad_one"
name = { zh = "坏", en = "Bad" }
kind = "penalty"
targets = [{ list = "no_such_list" }, { level = ["E"] }, { record_kind = "no_kind" },
           { list = "honour", level = ["A"] }, { level = ["D"], when = [{ field = "x", values = ["1"] }] }]
legal_basis = [{ document = "《某法》", articles = ["第一条"] }]
departments = ["ministry_of_magic"]
scenarios = ["tea_ceremony"]
action = { zh = "做", en = "Do" }
duration_months = 0
colour = "red"
)");
  ASSERT_FALSE(loaded);
  std::vector<std::string> messages = DetailMessages(loaded.error());
  std::vector<std::string> expected = {
      "unknown_key: zz_local.toml: measure.bad_one.colour: is not a key here",
      "invalid: zz_local.toml: measure.bad_one.kind: must be \"punishment\" or \"reward\"",
      "unknown_reference: zz_local.toml: measure.bad_one.targets[0].list: unknown list "
      "\"no_such_list\"",
      "invalid: zz_local.toml: measure.bad_one.targets[1].level: unknown level \"E\" (A+, A, B, C, "
      "D)",
      "unknown_reference: zz_local.toml: measure.bad_one.targets[2].record_kind: unknown record "
      "kind \"no_kind\"",
      "invalid: zz_local.toml: measure.bad_one.targets[3]: must name exactly one of list, level "
      "and record_kind",
      "invalid: zz_local.toml: measure.bad_one.targets[4].when: conditions apply to record_kind "
      "targets only",
      "unknown_reference: zz_local.toml: measure.bad_one.departments: unknown department "
      "\"ministry_of_magic\"",
      "unknown_reference: zz_local.toml: measure.bad_one.scenarios: unknown scenario "
      "\"tea_ceremony\"",
      "invalid: zz_local.toml: measure.bad_one.duration_months: must be a whole number from 1 to "
      "1200"};
  EXPECT_EQ(messages, expected);
}

TEST(MeasureLoadTest, DuplicateKeysAndHostileValuesAreRefused) {
  std::string twice = std::string(kLocalMeasure) +
                      "legal_basis = [{ document = \"《某法》\", articles = [\"第一条\"] }]\n";
  Result<MeasureCatalog> duplicate = LoadWith(twice + twice);
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(DetailMessages(duplicate.error()),
            (std::vector<std::string>{"duplicate: zz_local.toml: measure.local_ban.key: measure "
                                      "\"local_ban\" is defined twice"}));
  Result<MeasureCatalog> bad_key = LoadWith(R"(
[[measure]]
key = "Robert'); DROP TABLE measures;--"
)");
  ASSERT_FALSE(bad_key);
  EXPECT_EQ(DetailMessages(bad_key.error()).front(),
            "invalid: zz_local.toml: measure[0].key: must be lower-case letters, digits and _ (at "
            "most 64)");
  Result<MeasureCatalog> not_a_table = LoadWith("measure = [1, 2]\n");
  EXPECT_FALSE(not_a_table);
  Result<MeasureCatalog> settings =
      LoadWith("", "feedback_working_days = 5", "feedback_working_days = 0");
  ASSERT_FALSE(settings);
  EXPECT_EQ(DetailMessages(settings.error()).front(),
            "invalid: measures.toml: check_settings.feedback_working_days: must be a whole number "
            "from 1 to 250");
  // The same file accepted once the legal basis is there.
  Result<MeasureCatalog> fine = LoadWith(twice);
  ASSERT_TRUE(fine) << fine.error().ToString();
  EXPECT_NE(fine->Find("local_ban"), nullptr);
}

// --- selection ---------------------------------------------------------------------------------

store::Subject Company() {
  store::Subject subject;
  subject.id = 7;
  subject.code = "91330302MA2A000001";
  subject.kind = ids::SubjectKind::kEnterprise;
  subject.region = "330302";
  return subject;
}

lists::Membership Listed(std::string_view list, bool active) {
  lists::Membership membership;
  membership.list = DefaultLists().Find(list);
  EXPECT_NE(membership.list, nullptr) << list;
  membership.subject_id = 7;
  membership.active = active;
  return membership;
}

store::Record Penalty(int64_t id, std::string tier, Date decided) {
  store::Record record;
  record.id = id;
  record.subject_id = 7;
  record.kind = "admin_penalty";
  record.decided_at = decided;
  record.payload = R"({"tier":")" + tier + R"(","extra":{"note":"x"}})";
  return record;
}

std::vector<std::string> Keys(const std::vector<MeasureHit>& hits) {
  std::vector<std::string> keys;
  for (const MeasureHit& hit : hits) keys.push_back(hit.measure->key);
  return keys;
}

bool Has(const std::vector<MeasureHit>& hits, std::string_view key) {
  return std::any_of(hits.begin(), hits.end(),
                     [&](const MeasureHit& hit) { return hit.measure->key == key; });
}

TEST(SelectMeasuresTest, ListTargetsNeedAnActiveMembershipAndTheScenario) {
  store::Subject subject = Company();
  std::vector<lists::Membership> memberships = {Listed("court_dishonest_debtor", true)};
  SubjectStanding standing{&subject, rating::Level::kB, memberships, {}};
  std::vector<MeasureHit> trading = SelectMeasures(
      DefaultMeasures(), standing, Scenario::kPublicResourceTrading, Day(2025, 11, 22));
  EXPECT_TRUE(Has(trading, "debtor_procurement_restricted"));
  EXPECT_TRUE(Has(trading, "debtor_bidding_restricted"));
  EXPECT_FALSE(Has(trading, "debtor_high_consumption"));  // another scenario
  for (const MeasureHit& hit : trading) {
    EXPECT_EQ(hit.measure->kind, MeasureKind::kPunishment);
    EXPECT_TRUE(hit.measure->AppliesIn(Scenario::kPublicResourceTrading));
  }
  const MeasureHit& first = trading.front();
  EXPECT_EQ(first.grounds, (std::vector<std::string>{"list:court_dishonest_debtor"}));

  memberships[0].active = false;  // removed from the list: nothing applies
  EXPECT_TRUE(SelectMeasures(DefaultMeasures(), standing, Scenario::kPublicResourceTrading,
                             Day(2025, 11, 22))
                  .empty());
}

TEST(SelectMeasuresTest, RedListsGiveRewards) {
  store::Subject subject = Company();
  std::vector<lists::Membership> memberships = {Listed("tax_grade_a", true)};
  SubjectStanding standing{&subject, std::nullopt, memberships, {}};
  std::vector<MeasureHit> hits = SelectMeasures(
      DefaultMeasures(), standing, Scenario::kAdministrativeApproval, Day(2025, 11, 22));
  ASSERT_FALSE(hits.empty());
  EXPECT_TRUE(Has(hits, "tax_a_green_channel"));
  for (const MeasureHit& hit : hits) EXPECT_EQ(hit.measure->kind, MeasureKind::kReward);
}

TEST(SelectMeasuresTest, LevelTargetsFollowTheRatingLevel) {
  store::Subject subject = Company();
  SubjectStanding standing{&subject, rating::Level::kD, {}, {}};
  Date today = Day(2025, 11, 22);
  std::vector<MeasureHit> d =
      SelectMeasures(DefaultMeasures(), standing, Scenario::kLawEnforcement, today);
  EXPECT_EQ(Keys(d), (std::vector<std::string>{"level_low_key_supervision"}));
  EXPECT_EQ(d[0].grounds, (std::vector<std::string>{"level:D"}));
  standing.level = rating::Level::kAPlus;
  EXPECT_EQ(Keys(SelectMeasures(DefaultMeasures(), standing, Scenario::kLawEnforcement, today)),
            (std::vector<std::string>{"level_top_convenience"}));
  standing.level = rating::Level::kB;
  EXPECT_TRUE(
      SelectMeasures(DefaultMeasures(), standing, Scenario::kLawEnforcement, today).empty());
  standing.level = std::nullopt;  // not rated: no level measure
  EXPECT_TRUE(
      SelectMeasures(DefaultMeasures(), standing, Scenario::kLawEnforcement, today).empty());
}

TEST(SelectMeasuresTest, RecordTargetsNeedTheConditionsAnActiveRecordAndTheDuration) {
  store::Subject subject = Company();
  Date today = Day(2025, 11, 22);
  std::vector<store::Record> records = {Penalty(11, "general", Day(2025, 1, 5)),
                                        Penalty(12, "serious", Day(2023, 1, 5)),
                                        Penalty(13, "serious", Day(2022, 11, 22))};
  SubjectStanding standing{&subject, std::nullopt, {}, records};
  // 12 is serious and decided within the 36 months; 13 is serious but its 36 months are over.
  std::vector<MeasureHit> hits =
      SelectMeasures(DefaultMeasures(), standing, Scenario::kPublicResourceTrading, today);
  ASSERT_EQ(Keys(hits), (std::vector<std::string>{"procurement_serious_penalty"}));
  EXPECT_EQ(hits[0].grounds, (std::vector<std::string>{"record:12"}));

  records[1].status = store::RecordStatus::kRestored;  // restored: no longer in force
  standing.records = records;
  EXPECT_TRUE(
      SelectMeasures(DefaultMeasures(), standing, Scenario::kPublicResourceTrading, today).empty());

  records[1].status = store::RecordStatus::kActive;
  records[1].subject_id = 8;  // another subject's record never counts
  standing.records = records;
  EXPECT_TRUE(
      SelectMeasures(DefaultMeasures(), standing, Scenario::kPublicResourceTrading, today).empty());

  // A condition read inside "extra", and an unreadable payload that satisfies nothing.
  records[1].subject_id = 7;
  records[1].payload = R"({"extra":{"tier":" serious "}})";
  records[0].payload = "{not json";
  standing.records = records;
  EXPECT_EQ(
      Keys(SelectMeasures(DefaultMeasures(), standing, Scenario::kPublicResourceTrading, today)),
      (std::vector<std::string>{"procurement_serious_penalty"}));
}

TEST(SelectMeasuresTest, SeriousDishonestyOfAnotherFieldByTheRecordsListField) {
  store::Subject subject = Company();
  store::Record record;
  record.id = 21;
  record.subject_id = 7;
  record.kind = "serious_dishonesty";
  record.decided_at = Day(2025, 6, 1);
  record.payload = R"({"list":"环境保护领域严重失信"})";
  std::vector<store::Record> records = {record};
  SubjectStanding standing{&subject, std::nullopt, {}, records};
  std::vector<MeasureHit> hits =
      SelectMeasures(DefaultMeasures(), standing, Scenario::kLawEnforcement, Day(2025, 11, 22));
  EXPECT_TRUE(Has(hits, "environment_more_inspections"));
  EXPECT_TRUE(Has(hits, "dishonest_key_supervision"));
  EXPECT_FALSE(Has(hits, "food_more_inspections"));
}

// --- feedback and overdue ----------------------------------------------------------------------

store::CreditCheck CheckWith(std::vector<std::string> measures) {
  store::CreditCheck check;
  check.id = 5;
  check.department = "finance";
  check.scenario = "public_resource_trading";
  check.region = "330302";
  check.measures = std::move(measures);
  check.checked_at = kNoon;
  check.feedback_due = Day(2025, 11, 28);
  return check;
}

TEST(FeedbackTest, EachActionIsAcceptedAndNotAppliedNeedsAReason) {
  store::CreditCheck check = CheckWith({"a", "b", "c"});
  std::vector<FeedbackInput> inputs = {{"a", "applied", ""},
                                       {"b", "not_applied", "  the contract was signed before  "},
                                       {"c", "exempted", "法律另有规定"}};
  auto rows = PrepareFeedback(check, inputs, "department:finance#token:2", kNoon);
  ASSERT_TRUE(rows) << rows.error().ToString();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[1].action, "not_applied");
  EXPECT_EQ((*rows)[1].reason, "the contract was signed before");
  EXPECT_EQ((*rows)[0].check_id, 5);
  EXPECT_EQ((*rows)[0].actor, "department:finance#token:2");
  EXPECT_TRUE(FeedbackComplete(check, *rows));

  std::vector<FeedbackInput> bad = {{"b", "not_applied", "   "},
                                    {"zzz", "applied", ""},
                                    {"a", "ignored", ""},
                                    {"c", "applied", ""},
                                    {"c", "applied", ""}};
  auto refused = PrepareFeedback(check, bad, "d", kNoon);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const Error& detail : refused.error().details()) fields.push_back(detail.field());
  EXPECT_EQ(fields, (std::vector<std::string>{"measures[0].reason", "measures[1].key",
                                              "measures[2].action", "measures[4].key"}));
  EXPECT_FALSE(PrepareFeedback(check, {}, "d", kNoon));
}

TEST(FeedbackTest, FeedbackGivenOnceAndTheCheckIsCompleteOnlyWithEveryMeasure) {
  store::CreditCheck check = CheckWith({"a", "b"});
  check.feedback.push_back({5, "a", "applied", "", "d", kNoon});
  EXPECT_FALSE(FeedbackComplete(check));
  std::vector<FeedbackInput> again = {{"a", "exempted", ""}};
  auto refused = PrepareFeedback(check, again, "d", kNoon);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kConflict);
  std::vector<FeedbackInput> rest = {{"b", "applied", ""}};
  auto rows = PrepareFeedback(check, rest, "d", kNoon);
  ASSERT_TRUE(rows);
  EXPECT_TRUE(FeedbackComplete(check, *rows));
}

TEST(OverdueTest, OverdueOnlyAfterTheDueDayWithoutCompleteFeedback) {
  store::CreditCheck check = CheckWith({"a"});
  EXPECT_FALSE(IsOverdue(check, Day(2025, 11, 28)));  // the due day itself
  EXPECT_TRUE(IsOverdue(check, Day(2025, 11, 29)));
  store::CreditCheck nothing = CheckWith({});
  EXPECT_FALSE(IsOverdue(nothing, Day(2026, 1, 1)));  // no measure, nothing to answer
  check.feedback.push_back({5, "a", "applied", "", "d", kNoon});
  check.answered_at = kNoon;
  EXPECT_FALSE(IsOverdue(check, Day(2026, 1, 1)));
}

TEST(StatisticsTest, CountsByDepartmentScenarioAndCounty) {
  store::CreditCheck hit = CheckWith({"a", "b"});
  hit.feedback = {{5, "a", "applied", "", "d", kNoon}, {5, "b", "not_applied", "r", "d", kNoon}};
  hit.answered_at = kNoon;
  store::CreditCheck miss = CheckWith({});
  miss.department = "tax";
  miss.region = "330303";
  store::CreditCheck late = CheckWith({"a"});
  late.scenario = "financing";
  late.region = "330303";

  CheckStatistics by_department(StatisticsGroup::kDepartment, Day(2025, 12, 10));
  CheckStatistics by_county(StatisticsGroup::kCounty, Day(2025, 12, 10));
  CheckStatistics by_scenario(StatisticsGroup::kScenario, Day(2025, 12, 10));
  for (const store::CreditCheck* check : {&hit, &miss, &late}) {
    by_department.Add(*check);
    by_county.Add(*check);
    by_scenario.Add(*check);
  }
  std::vector<CheckStatisticsRow> departments = by_department.Rows();
  ASSERT_EQ(departments.size(), 2u);
  EXPECT_EQ(departments[0].key, "finance");
  EXPECT_EQ(departments[0].checks, 2);
  EXPECT_EQ(departments[0].hits, 2);
  EXPECT_EQ(departments[0].measures, 3);
  EXPECT_EQ(departments[0].feedback, 2);
  EXPECT_EQ(departments[0].applied, 1);
  EXPECT_EQ(departments[0].not_applied, 1);
  EXPECT_EQ(departments[0].overdue, 1);
  EXPECT_DOUBLE_EQ(departments[0].feedback_rate(), 2.0 / 3.0);
  EXPECT_EQ(departments[1].key, "tax");
  EXPECT_EQ(departments[1].hits, 0);
  EXPECT_DOUBLE_EQ(departments[1].feedback_rate(), 1.0);
  std::vector<CheckStatisticsRow> counties = by_county.Rows();
  ASSERT_EQ(counties.size(), 2u);
  EXPECT_EQ(counties[1].key, "330303");
  EXPECT_EQ(counties[1].checks, 2);
  std::vector<CheckStatisticsRow> scenarios = by_scenario.Rows();
  ASSERT_EQ(scenarios.size(), 2u);
  EXPECT_EQ(scenarios[0].key, "financing");
  EXPECT_EQ(by_scenario.total().checks, 3);
  EXPECT_EQ(by_scenario.total().overdue, 1);
  EXPECT_EQ(ParseStatisticsGroup("county"), StatisticsGroup::kCounty);
  EXPECT_FALSE(ParseStatisticsGroup("planet"));
}

TEST(ScenarioTest, KeysRoundTrip) {
  for (int i = 0; i < kScenarioCount; ++i) {
    Scenario scenario = static_cast<Scenario>(i);
    EXPECT_EQ(ParseScenario(ScenarioKey(scenario)), scenario);
  }
  EXPECT_EQ(ScenarioKey(Scenario::kPublicResourceTrading), "public_resource_trading");
  EXPECT_FALSE(ParseScenario("procurement"));
}

}  // namespace
}  // namespace credence::checks
