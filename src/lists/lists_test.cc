#include "lists/lists.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/hash.h"
#include "common/json.h"
#include "lists/payload_internal.h"

namespace credence::lists {
namespace {

using store::Record;
using store::RecordStatus;

Date Day(int year, int month, int day) { return *Date::FromCivil(year, month, day); }

Timestamp Noon(Date day) {
  return Timestamp::FromMicros(Timestamp::StartOfDayShanghai(day).micros() + 12ll * 3600 * 1000000);
}

std::filesystem::path PolicyDir() { return std::filesystem::path(CREDENCE_SOURCE_DIR) / "policy"; }

const policy::Catalog& DefaultCatalog() {
  static const policy::Catalog* catalog = [] {
    Result<policy::Catalog> loaded = policy::LoadCatalog(PolicyDir());
    EXPECT_TRUE(loaded.has_value()) << loaded.error().ToString();
    return new policy::Catalog(std::move(*loaded));
  }();
  return *catalog;
}

const ListCatalog& DefaultLists() {
  static const ListCatalog* lists = [] {
    Result<ListCatalog> loaded = ListCatalog::Load(DefaultCatalog());
    EXPECT_TRUE(loaded.has_value()) << loaded.error().ToString();
    return new ListCatalog(std::move(*loaded));
  }();
  return *lists;
}

store::Subject Company() {
  store::Subject subject;
  subject.id = 7;
  subject.code = "91330302MA2AXXXXX1";
  subject.name = "温州市某某贸易有限公司";
  subject.kind = ids::SubjectKind::kEnterprise;
  subject.legal_representative = "张三";
  return subject;
}

store::Subject Person() {
  store::Subject subject;
  subject.id = 8;
  subject.code = "330302198001011234";
  subject.name = "张三";
  subject.kind = ids::SubjectKind::kPerson;
  return subject;
}

// A record as ingest would store it: the payload is the feed row, the window from the policy.
Record MakeRecord(int64_t id, std::string kind, std::string department, Date decided,
                  JsonValue::Object fields, const store::Subject& subject = Company()) {
  JsonValue payload(JsonValue::Object{});
  payload.Set("source_ref", "REF-" + std::to_string(id));
  payload.Set("kind", kind);
  payload.Set("decided_at", decided.ToString());
  JsonValue subject_json(JsonValue::Object{});
  subject_json.Set("code", subject.code);
  subject_json.Set("name", subject.name);
  payload.Set("subject", std::move(subject_json));
  for (auto& [key, value] : fields) payload.Set(key, value);

  const policy::RecordKind* record_kind = DefaultCatalog().FindKind(kind);
  EXPECT_NE(record_kind, nullptr) << kind;
  policy::PublicityWindow window =
      DefaultCatalog().Window(*record_kind, policy::Tier::kNone, decided);
  Record record;
  record.id = id;
  record.subject_id = subject.id;
  record.kind = std::move(kind);
  record.department = std::move(department);
  record.source_ref = "REF-" + std::to_string(id);
  record.decided_at = decided;
  record.publicity_start = window.start;
  record.publicity_min_end = window.min_end;
  record.publicity_max_end = window.max_end;
  record.published = window.published;
  if (const JsonValue* document = payload.Find("document_no"); document && document->is_string()) {
    record.document_no = document->as_string();
  }
  record.payload = ToCanonicalJson(payload);
  record.content_hash = ContentHash64(record.payload);
  record.created_at = Noon(decided);
  record.updated_at = Noon(decided);
  return record;
}

// A new version of a record with more fields (what a department's revised feed row gives).
Record Revised(const Record& record, Date written, JsonValue::Object more) {
  Result<JsonValue> payload = ParseJson(record.payload);
  EXPECT_TRUE(payload.has_value());
  for (auto& [key, value] : more) payload->Set(key, value);
  Record next = record;
  next.payload = ToCanonicalJson(*payload);
  next.content_hash = ContentHash64(next.payload);
  next.version = record.version + 1;
  next.updated_at = Noon(written);
  return next;
}

Record WithStatus(const Record& record, RecordStatus status, Date written) {
  Record next = record;
  next.status = status;
  next.version = record.version + 1;
  next.updated_at = Noon(written);
  return next;
}

Record Debtor(int64_t id, Date decided, int ground, JsonValue::Object more = {}) {
  JsonValue::Object fields = {
      {"document_no", "(2024)浙0302执" + std::to_string(100 + id) + "号"},
      {"ground", ground},
      {"authority", JsonValue(JsonValue::Object{{"name", "温州市鹿城区人民法院"}})},
  };
  for (auto& member : more) fields.push_back(member);
  return MakeRecord(id, "dishonest_debtor", "court", decided, std::move(fields));
}

Record Serious(int64_t id, Date decided, std::string list, JsonValue::Object more = {}) {
  JsonValue::Object fields = {
      {"list", list},
      {"document_no", "温市监信〔2024〕" + std::to_string(id) + "号"},
      {"legal_basis", "《市场监督管理严重违法失信名单管理办法》第五条"},
  };
  for (auto& member : more) fields.push_back(member);
  return MakeRecord(id, "serious_dishonesty", "market_regulation", decided, std::move(fields));
}

std::vector<Membership> Derive(std::span<const Record> records, Date today,
                               std::vector<DerivationIssue>* issues = nullptr,
                               const store::Subject& subject = Company()) {
  return DeriveMemberships(DefaultLists(), subject, records, today, issues);
}

std::vector<Membership> Derive(const Record& record, Date today,
                               std::vector<DerivationIssue>* issues = nullptr) {
  return Derive(std::span<const Record>(&record, 1), today, issues);
}

bool HasIssue(const std::vector<DerivationIssue>& issues, std::string_view code) {
  return std::any_of(issues.begin(), issues.end(),
                     [&](const DerivationIssue& issue) { return issue.code == code; });
}

// --- the default policy ------------------------------------------------------------------------

TEST(ListCatalogTest, DefaultPolicyDefinesTheListsOfEveryType) {
  const ListCatalog& lists = DefaultLists();
  EXPECT_EQ(lists.policy_version(), DefaultCatalog().version());
  for (std::string_view key :
       {"court_dishonest_debtor", "serious_dishonesty_market", "serious_dishonesty_tax",
        "serious_dishonesty_procurement", "serious_dishonesty_work_safety",
        "serious_dishonesty_wage_arrears", "serious_dishonesty_other", "abnormal_operation",
        "tax_grade_a", "honour", "incentive", "key_support", "red_list_other"}) {
    const ListDefinition* list = lists.Find(key);
    ASSERT_NE(list, nullptr) << key;
    EXPECT_EQ(list->file, "lists.toml");
    EXPECT_FALSE(list->name.zh.empty());
    EXPECT_FALSE(list->name.en.empty());
    EXPECT_FALSE(list->legal_basis.empty());
    EXPECT_FALSE(list->lists_legal_representative) << key;
    // Rating rules name families by key prefix.
    if (list->family != ListFamily::kOther) {
      EXPECT_TRUE(key.starts_with(ListFamilyKey(list->family))) << key;
    }
  }
  const ListDefinition& court = *lists.Find("court_dishonest_debtor");
  EXPECT_EQ(court.type, ListType::kBlacklist);
  EXPECT_TRUE(court.is_public);
  EXPECT_EQ(court.kinds, std::vector<std::string>{"dishonest_debtor"});
  EXPECT_TRUE(court.extension.allowed);
  EXPECT_EQ(court.extension.min_months, 12);
  EXPECT_EQ(court.extension.max_months, 36);
  EXPECT_EQ(court.removal_working_days, 3);
  EXPECT_FALSE(court.ends_with_record_expiry);
  std::vector<std::string> events;
  for (const RemovalEvent& event : court.removal_events) events.push_back(event.key);
  EXPECT_EQ(events,
            (std::vector<std::string>{"performed", "settlement_performed", "creditor_applied",
                                      "enforcement_terminated", "basis_revoked"}));
  EXPECT_EQ(lists.Find("abnormal_operation")->type, ListType::kAbnormal);
  EXPECT_EQ(lists.Find("tax_grade_a")->type, ListType::kRedlist);
  EXPECT_TRUE(lists.IsSourceKind("red_list"));
  EXPECT_FALSE(lists.IsSourceKind("admin_penalty"));
  EXPECT_EQ(lists.Find("no_such_list"), nullptr);
}

TEST(ListCatalogTest, KeysRoundTrip) {
  for (ListType type : {ListType::kBlacklist, ListType::kRedlist, ListType::kAbnormal}) {
    EXPECT_EQ(ParseListType(ListTypeKey(type)), type);
  }
  EXPECT_EQ(ParseListFamily("serious_dishonesty"), ListFamily::kSeriousDishonesty);
  EXPECT_EQ(ParseListFamily("greylist"), std::nullopt);
  EXPECT_EQ(RemovalCauseKey(RemovalCause::kDelisting), "delisting");
}

// --- validation ------------------------------------------------------------------------------

// The default policy files with lists.toml replaced (or removed when text is empty).
Result<ListCatalog> LoadWithLists(std::string_view lists_text, std::string* load_error = nullptr) {
  std::vector<policy::PolicyFile> files;
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(PolicyDir())) {
    if (entry.path().extension() == ".toml") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths) {
    std::string name = path.filename().string();
    if (name == "lists.toml") {
      if (!lists_text.empty()) files.push_back({name, std::string(lists_text)});
      continue;
    }
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    files.push_back({name, text.str()});
  }
  Result<policy::Catalog> catalog = policy::ParseCatalog(files);
  if (!catalog) {
    if (load_error != nullptr) *load_error = catalog.error().ToString();
    return Fail(catalog.error());
  }
  return ListCatalog::Load(*catalog);
}

std::vector<std::string> Problems(std::string_view lists_text) {
  std::string load_error;
  Result<ListCatalog> lists = LoadWithLists(lists_text, &load_error);
  EXPECT_TRUE(load_error.empty()) << load_error;
  EXPECT_FALSE(lists.has_value());
  if (lists.has_value()) return {};
  EXPECT_EQ(lists.error().reason(), "invalid_policy");
  std::vector<std::string> messages;
  for (const Error& detail : lists.error().details()) {
    messages.push_back(detail.reason() + " " + detail.message());
  }
  return messages;
}

constexpr std::string_view kValidList = R"(
[[list]]
key = "local_blacklist"
name = { zh = "本地黑名单", en = "Local blacklist" }
type = "blacklist"
family = "serious_dishonesty"
public = true
legal_basis = "某某办法"
kinds = ["serious_dishonesty"]
when = [{ field = "list", values = ["本地黑名单"] }]
terms = [{ rule = "months", months = 24 }]
lists_legal_representative = false
)";

TEST(ListValidationTest, AMinimalListLoadsAndNoListsIsEmpty) {
  Result<ListCatalog> lists = LoadWithLists(kValidList);
  ASSERT_TRUE(lists.has_value()) << lists.error().ToString();
  ASSERT_EQ(lists->lists().size(), 1u);
  EXPECT_TRUE(lists->lists()[0].ends_with_record_expiry);
  EXPECT_EQ(lists->lists()[0].removal_working_days, 0);
  Result<ListCatalog> none = LoadWithLists("");
  ASSERT_TRUE(none.has_value()) << none.error().ToString();
  EXPECT_TRUE(none->lists().empty());
}

TEST(ListValidationTest, ListingTheLegalRepresentativeIsRefused) {
  std::string text(kValidList);
  text.replace(text.find("lists_legal_representative = false"),
               std::string_view("lists_legal_representative = false").size(),
               "lists_legal_representative = true");
  std::vector<std::string> problems = Problems(text);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].rfind("not_allowed lists.toml: list.local_blacklist."
                              "lists_legal_representative: must be false",
                              0),
            0u)
      << problems[0];
  // Leaving it out is not a way around it: it must be stated.
  text = std::string(kValidList);
  text.erase(text.find("lists_legal_representative = false"));
  problems = Problems(text);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("list.local_blacklist.lists_legal_representative: is required"),
            std::string::npos)
      << problems[0];
}

TEST(ListValidationTest, ReportsEveryProblemWithFileListAndKey) {
  std::string text = R"(
[[list]]
key = "broken"
name = { zh = "坏", en = "" }
type = "greylist"
family = "serious_dishonesty"
public = "yes"
legal_basis = "x"
kinds = ["serious_dishonesty", "no_such_kind"]
when = [{ field = "list" }]
terms = [{ rule = "months" }, { rule = "none", months = 3 }]
extension = { min_months = 36, max_months = 12 }
removal_events = [{ key = "a", name = { zh = "甲", en = "A" } }, { key = "a", name = { zh = "甲", en = "A" } }]
removal_working_days = 99
authorities = ["court", "nobody"]
lists_legal_representative = false
colour = "red"

[[list]]
key = "broken"
name = { zh = "重复", en = "Duplicate" }
type = "blacklist"
family = "other"
public = true
legal_basis = "x"
kinds = ["serious_dishonesty"]
catch_all = true
when = [{ field = "list", values = ["x"] }]
terms = [{ rule = "year_end" }]
lists_legal_representative = false
)";
  std::vector<std::string> problems = Problems(text);
  auto has = [&](std::string_view expected) {
    return std::any_of(problems.begin(), problems.end(), [&](const std::string& problem) {
      return problem.find(expected) != std::string::npos;
    });
  };
  std::string all;
  for (const std::string& problem : problems) all += problem + "\n";
  EXPECT_TRUE(has("missing lists.toml: list.broken.name.en: is required")) << all;
  EXPECT_TRUE(has("invalid lists.toml: list.broken.type: \"greylist\" is not a list type")) << all;
  EXPECT_TRUE(has("type lists.toml: list.broken.public: must be true or false")) << all;
  EXPECT_TRUE(has("unknown_reference lists.toml: list.broken.kinds: \"no_such_kind\"")) << all;
  EXPECT_TRUE(has("missing lists.toml: list.broken.when[0].values: is required")) << all;
  EXPECT_TRUE(has("list.broken.terms[0].when: only the last term rule may have no `when`")) << all;
  EXPECT_TRUE(has("list.broken.terms[0].months: is required")) << all;
  EXPECT_TRUE(has("list.broken.terms[1].months: has no meaning for rule \"none\"")) << all;
  EXPECT_TRUE(has("list.broken.extension.min_months: 36 is more than max_months 12")) << all;
  EXPECT_TRUE(has("duplicate lists.toml: list.broken.removal_events[1].key")) << all;
  EXPECT_TRUE(has("list.broken.removal_working_days: must be a whole number of working days"))
      << all;
  EXPECT_TRUE(has("not_allowed lists.toml: list.broken.authorities: \"court\" may not submit"))
      << all;
  EXPECT_TRUE(has("unknown_reference lists.toml: list.broken.authorities: \"nobody\"")) << all;
  EXPECT_TRUE(has("unknown_key lists.toml: list.broken.colour")) << all;
  EXPECT_TRUE(has("duplicate lists.toml: list.broken.key: list \"broken\" is already defined"))
      << all;
  EXPECT_TRUE(has("list.broken.catch_all: a catch-all list takes what other lists do not")) << all;
  EXPECT_TRUE(has("list.broken.terms[0].year_field: is required")) << all;
}

TEST(ListValidationTest, TwoCatchAllListsForOneKindAreRefused) {
  std::string text = R"(
[[list]]
key = "first_other"
name = { zh = "甲", en = "First" }
type = "blacklist"
family = "other"
public = true
legal_basis = "x"
kinds = ["serious_dishonesty"]
catch_all = true
terms = [{ rule = "none" }]
lists_legal_representative = false

[[list]]
key = "second_other"
name = { zh = "乙", en = "Second" }
type = "blacklist"
family = "other"
public = true
legal_basis = "x"
kinds = ["serious_dishonesty"]
catch_all = true
terms = [{ rule = "none" }]
lists_legal_representative = false
)";
  std::vector<std::string> problems = Problems(text);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("list.second_other.catch_all: list first_other already takes the "
                             "other serious_dishonesty records"),
            std::string::npos)
      << problems[0];
}

// --- the court's list --------------------------------------------------------------------------

TEST(CourtListTest, GroundsTwoToSixListForTwoYears) {
  Record record = Debtor(1, Day(2024, 3, 5), 2);
  std::vector<Membership> memberships = Derive(record, Day(2024, 3, 5));
  ASSERT_EQ(memberships.size(), 1u);
  const Membership& membership = memberships[0];
  EXPECT_EQ(membership.list->key, "court_dishonest_debtor");
  EXPECT_EQ(membership.subject_id, 7);
  EXPECT_EQ(membership.entered_on, Day(2024, 3, 5));
  EXPECT_EQ(membership.term_end, Day(2026, 3, 5));
  EXPECT_TRUE(membership.active);
  EXPECT_FALSE(membership.removal.has_value());
  ASSERT_EQ(membership.sources.size(), 1u);
  EXPECT_EQ(membership.sources[0].record_id, 1);
  EXPECT_EQ(membership.sources[0].department, "court");
  EXPECT_EQ(membership.sources[0].source_ref, "REF-1");
  EXPECT_EQ(membership.sources[0].document_no, "(2024)浙0302执101号");
  EXPECT_EQ(membership.sources[0].role, "listing");
  EXPECT_TRUE(membership.is_public);

  // The last listed day and the first day off the list.
  EXPECT_TRUE(Derive(record, Day(2026, 3, 4))[0].active);
  Membership ended = Derive(record, Day(2026, 3, 5))[0];
  EXPECT_FALSE(ended.active);
  ASSERT_TRUE(ended.removal.has_value());
  EXPECT_EQ(ended.removal->on, Day(2026, 3, 5));
  EXPECT_EQ(ended.removal->cause, RemovalCause::kExpiry);
  for (int ground = 3; ground <= 6; ++ground) {
    EXPECT_EQ(Derive(Debtor(ground, Day(2024, 3, 5), ground), Day(2024, 3, 5))[0].term_end,
              Day(2026, 3, 5));
  }
}

TEST(CourtListTest, TwentyNinthOfFebruary) {
  Record record = Debtor(1, Day(2024, 2, 29), 3);
  Membership membership = Derive(record, Day(2024, 2, 29))[0];
  EXPECT_EQ(membership.term_end, Day(2026, 2, 28));
  EXPECT_TRUE(Derive(record, Day(2026, 2, 27))[0].active);
  EXPECT_FALSE(Derive(record, Day(2026, 2, 28))[0].active);
}

TEST(CourtListTest, GroundOneHasNoTermAndOutlastsItsRecordsPublicityWindow) {
  Record record = Debtor(1, Day(2020, 1, 10), 1);
  ASSERT_TRUE(record.publicity_max_end.has_value());  // the record's own window: 24 months
  Membership membership = Derive(record, Day(2030, 1, 1))[0];
  EXPECT_EQ(membership.term_end, std::nullopt);
  EXPECT_TRUE(membership.active);
  EXPECT_FALSE(membership.removal.has_value());
  // Even once the expiry job has stored the record as expired.
  Record expired = WithStatus(record, RecordStatus::kExpired, Day(2022, 1, 10));
  EXPECT_TRUE(Derive(expired, Day(2030, 1, 1))[0].active);
  // A ground given as text is read the same way.
  Record text_ground = Debtor(2, Day(2020, 1, 10), 1);
  text_ground = Revised(text_ground, Day(2020, 1, 10), {{"ground", "1"}});
  EXPECT_EQ(Derive(text_ground, Day(2030, 1, 1))[0].term_end, std::nullopt);
}

TEST(CourtListTest, TheCourtsOwnTermEndIsTheLastListedDay) {
  Record record = Debtor(1, Day(2024, 3, 5), 2, {{"term_end", "2026-03-05"}});
  Membership membership = Derive(record, Day(2024, 3, 5))[0];
  EXPECT_EQ(membership.term_end, Day(2026, 3, 6));
  EXPECT_TRUE(Derive(record, Day(2026, 3, 5))[0].active);
  EXPECT_FALSE(Derive(record, Day(2026, 3, 6))[0].active);
}

TEST(CourtListTest, ATwoYearTermExtendedByOneYearInALaterVersion) {
  Record record = Debtor(1, Day(2024, 3, 5), 2);
  Record extended = Revised(record, Day(2025, 9, 1), {{"extension_months", 12}});
  Membership membership = Derive(extended, Day(2026, 3, 5))[0];
  EXPECT_EQ(membership.extension_months, 12);
  EXPECT_EQ(membership.term_end, Day(2027, 3, 5));
  EXPECT_TRUE(membership.active);
  EXPECT_TRUE(Derive(extended, Day(2027, 3, 4))[0].active);
  EXPECT_FALSE(Derive(extended, Day(2027, 3, 5))[0].active);
  EXPECT_EQ(Derive(extended, Day(2027, 3, 5))[0].removal->cause, RemovalCause::kExpiry);
}

TEST(CourtListTest, ExtensionsByActionRecordAreCappedAtThreeYears) {
  Record listing = Debtor(1, Day(2024, 3, 5), 4);
  Record first = MakeRecord(2, "dishonest_debtor", "court", Day(2025, 6, 1),
                            {{"list_action", "extend"},
                             {"target_document_no", "(2024)浙0302执101号"},
                             {"document_no", "(2025)浙0302执恢55号"},
                             {"extension_months", 24}});
  Record second = MakeRecord(3, "dishonest_debtor", "court", Day(2025, 7, 1),
                             {{"list_action", "extend"},
                              {"target_document_no", "(2024)浙0302执101号"},
                              {"document_no", "(2025)浙0302执恢66号"},
                              {"extension_months", 24}});
  std::vector<Record> records = {listing, first, second};
  std::vector<DerivationIssue> issues;
  std::vector<Membership> memberships = Derive(records, Day(2025, 7, 1), &issues);
  ASSERT_EQ(memberships.size(), 1u);  // action records are not listings
  EXPECT_EQ(memberships[0].extension_months, 36);
  EXPECT_EQ(memberships[0].term_end, Day(2029, 3, 5));
  ASSERT_EQ(memberships[0].sources.size(), 3u);
  EXPECT_EQ(memberships[0].sources[1].record_id, 2);
  EXPECT_EQ(memberships[0].sources[1].role, "extension");
  EXPECT_EQ(memberships[0].sources[2].document_no, "(2025)浙0302执恢66号");
  EXPECT_TRUE(HasIssue(issues, "extension_capped"));
  EXPECT_TRUE(IsListAction(first));
  EXPECT_FALSE(IsListAction(listing));

  // Before the second extension was decided, only the first applies.
  Membership earlier = Derive(records, Day(2025, 6, 30))[0];
  EXPECT_EQ(earlier.extension_months, 24);
  EXPECT_EQ(earlier.sources.size(), 2u);
}

TEST(CourtListTest, ExtensionsOutsideTheRuleAreReported) {
  std::vector<DerivationIssue> issues;
  Record short_extension = Revised(Debtor(1, Day(2024, 3, 5), 2), Day(2025, 1, 1), {});
  Record action = MakeRecord(2, "dishonest_debtor", "court", Day(2025, 1, 1),
                             {{"list_action", "extend"},
                              {"target_document_no", "(2024)浙0302执101号"},
                              {"extension_months", 6}});
  std::vector<Record> records = {short_extension, action};
  Membership membership = Derive(records, Day(2025, 1, 1), &issues)[0];
  EXPECT_EQ(membership.term_end, Day(2026, 9, 5));  // applied as the court decided
  EXPECT_TRUE(HasIssue(issues, "extension_short"));

  issues.clear();
  Record ground_one =
      Revised(Debtor(3, Day(2024, 3, 5), 1), Day(2025, 1, 1), {{"extension_months", 12}});
  EXPECT_EQ(Derive(ground_one, Day(2025, 1, 1), &issues)[0].term_end, std::nullopt);
  EXPECT_TRUE(HasIssue(issues, "extension_not_allowed"));

  issues.clear();
  Record serious = Revised(Serious(4, Day(2024, 3, 5), "市场监督管理严重违法失信名单"),
                           Day(2025, 1, 1), {{"extension_months", 12}});
  EXPECT_EQ(Derive(serious, Day(2025, 1, 1), &issues)[0].term_end, Day(2027, 3, 5));
  EXPECT_TRUE(HasIssue(issues, "extension_not_allowed"));
}

TEST(CourtListTest, EveryRemovalEventEndsTheListingOnItsDay) {
  for (std::string_view event : {"performed", "settlement_performed", "creditor_applied",
                                 "enforcement_terminated", "basis_revoked"}) {
    Record record = Debtor(1, Day(2024, 3, 5), 1);
    Record removed = Revised(record, Day(2024, 8, 2),
                             {{"removal", std::string(event)},
                              {"removed_on", "2024-08-01"},
                              {"removal_document_no", "(2024)浙0302执恢9号"}});
    std::vector<DerivationIssue> issues;
    EXPECT_TRUE(Derive(removed, Day(2024, 7, 31))[0].active) << event;
    Membership membership = Derive(removed, Day(2024, 8, 1), &issues)[0];
    EXPECT_FALSE(membership.active) << event;
    ASSERT_TRUE(membership.removal.has_value());
    EXPECT_EQ(membership.removal->on, Day(2024, 8, 1));
    EXPECT_EQ(membership.removal->cause, RemovalCause::kRemovalEvent);
    EXPECT_EQ(membership.removal->event, event);
    EXPECT_EQ(membership.removal->document_no, "(2024)浙0302执恢9号");
    // Thursday 2024-08-01 + 3 working days: Friday, Monday, Tuesday.
    EXPECT_EQ(membership.removal->public_by, Day(2024, 8, 6));
    EXPECT_TRUE(issues.empty()) << event;
  }
}

TEST(CourtListTest, ARemovalWithoutADateTakesTheDayItWasRecordedAndUnknownEventsStand) {
  Record record = Debtor(1, Day(2024, 3, 5), 2);
  Record removed = Revised(record, Day(2024, 9, 10), {{"removal", "paid_somehow"}});
  std::vector<DerivationIssue> issues;
  Membership membership = Derive(removed, Day(2024, 9, 10), &issues)[0];
  EXPECT_FALSE(membership.active);
  EXPECT_EQ(membership.removal->on, Day(2024, 9, 10));
  EXPECT_EQ(membership.removal->event, "paid_somehow");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].code, "unknown_removal_event");
  EXPECT_EQ(issues[0].list, "court_dishonest_debtor");
  EXPECT_EQ(issues[0].record_id, 1);
}

TEST(CourtListTest, DelistingByDocumentNumber) {
  Record listing = Debtor(1, Day(2024, 3, 5), 1);
  Record delist = MakeRecord(2, "dishonest_debtor", "court", Day(2024, 10, 8),
                             {{"list_action", "delist"},
                              {"target_document_no", "(2024)浙0302执101号"},
                              {"document_no", "(2024)浙0302执异12号"},
                              {"removal", "basis_revoked"}});
  std::vector<Record> records = {delist, listing};
  std::vector<Membership> memberships = Derive(records, Day(2024, 10, 8));
  ASSERT_EQ(memberships.size(), 1u);
  EXPECT_FALSE(memberships[0].active);
  EXPECT_EQ(memberships[0].removal->cause, RemovalCause::kDelisting);
  EXPECT_EQ(memberships[0].removal->event, "basis_revoked");
  EXPECT_EQ(memberships[0].removal->document_no, "(2024)浙0302执异12号");
  EXPECT_EQ(memberships[0].sources.back().role, "delisting");
  EXPECT_TRUE(Derive(records, Day(2024, 10, 7))[0].active);

  // A delisting that was withdrawn no longer acts.
  std::vector<Record> withdrawn = {listing,
                                   WithStatus(delist, RecordStatus::kWithdrawn, Day(2024, 11, 1))};
  EXPECT_FALSE(Derive(withdrawn, Day(2024, 10, 20))[0].active);
  EXPECT_TRUE(Derive(withdrawn, Day(2024, 11, 1))[0].active);

  // An action naming no listing of the subject is reported.
  std::vector<DerivationIssue> issues;
  Record stray = MakeRecord(3, "dishonest_debtor", "court", Day(2024, 10, 8),
                            {{"list_action", "delist"}, {"target_document_no", "(2020)不存在"}});
  std::vector<Record> with_stray = {listing, stray};
  EXPECT_TRUE(Derive(with_stray, Day(2024, 10, 8), &issues)[0].active);
  EXPECT_TRUE(HasIssue(issues, "no_target"));
}

TEST(CourtListTest, AnUnauthorisedDepartmentCannotDelist) {
  Record listing = Serious(1, Day(2024, 3, 5), "市场监督管理严重违法失信名单");
  Record delist = MakeRecord(2, "serious_dishonesty", "development_reform", Day(2024, 6, 1),
                             {{"list_action", "delist"},
                              {"list", "市场监督管理严重违法失信名单"},
                              {"target_document_no", listing.document_no},
                              {"legal_basis", "x"}});
  std::vector<Record> records = {listing, delist};
  std::vector<DerivationIssue> issues;
  Membership membership = Derive(records, Day(2024, 6, 2), &issues)[0];
  EXPECT_TRUE(membership.active);
  EXPECT_EQ(membership.sources.size(), 1u);
  ASSERT_TRUE(HasIssue(issues, "not_authorised"));
  // The listing department itself may.
  Record own = delist;
  own.department = "market_regulation";
  records = {listing, own};
  EXPECT_FALSE(Derive(records, Day(2024, 6, 2))[0].active);
}

// --- serious dishonesty lists --------------------------------------------------------------------

TEST(SeriousDishonestyTest, EachFieldsListByName) {
  std::vector<Record> records = {
      Serious(1, Day(2024, 3, 5), "市场监督管理严重违法失信名单"),
      Serious(2, Day(2024, 3, 6), "重大税收违法失信主体"),
      Serious(3, Day(2024, 3, 7), "政府采购严重违法失信行为记录名单", {{"term_end", "2025-06-30"}}),
      Serious(4, Day(2024, 3, 8), "安全生产严重失信主体名单"),
      Serious(5, Day(2024, 3, 9), "拖欠农民工工资失信联合惩戒对象名单"),
      Serious(6, Day(2024, 3, 10), "某某领域严重失信名单"),
      Serious(7, Day(2024, 3, 11), "serious_dishonesty_tax"),
  };
  std::vector<Membership> memberships = Derive(records, Day(2024, 4, 1));
  std::vector<std::pair<std::string, int64_t>> got;
  for (const Membership& membership : memberships) {
    got.emplace_back(membership.list->key, membership.record_id());
    EXPECT_EQ(membership.list->family, ListFamily::kSeriousDishonesty);
    EXPECT_TRUE(membership.active);
  }
  EXPECT_EQ(got, (std::vector<std::pair<std::string, int64_t>>{
                     {"serious_dishonesty_market", 1},
                     {"serious_dishonesty_tax", 2},
                     {"serious_dishonesty_tax", 7},
                     {"serious_dishonesty_procurement", 3},
                     {"serious_dishonesty_work_safety", 4},
                     {"serious_dishonesty_wage_arrears", 5},
                     {"serious_dishonesty_other", 6},
                 }));
  EXPECT_EQ(memberships[0].term_end, Day(2027, 3, 5));
  EXPECT_EQ(memberships[3].term_end, Day(2025, 7, 1));
  EXPECT_TRUE(OnActiveList(memberships, ListFamily::kSeriousDishonesty));
  EXPECT_FALSE(OnActiveList(memberships, ListFamily::kCourtDishonestDebtor));
}

TEST(SeriousDishonestyTest, RestorationAndWithdrawalRemove) {
  Record record = Serious(1, Day(2024, 3, 5), "市场监督管理严重违法失信名单");
  Record restored = WithStatus(record, RecordStatus::kRestored, Day(2025, 3, 10));
  EXPECT_TRUE(Derive(restored, Day(2025, 3, 9))[0].active);
  Membership membership = Derive(restored, Day(2025, 3, 10))[0];
  EXPECT_FALSE(membership.active);
  EXPECT_EQ(membership.removal->cause, RemovalCause::kRestoration);
  EXPECT_EQ(membership.removal->on, Day(2025, 3, 10));
  EXPECT_EQ(membership.removal->public_by, Day(2025, 3, 13));

  Record withdrawn = WithStatus(record, RecordStatus::kWithdrawn, Day(2024, 5, 1));
  membership = Derive(withdrawn, Day(2024, 5, 1))[0];
  EXPECT_FALSE(membership.active);
  EXPECT_EQ(membership.removal->cause, RemovalCause::kWithdrawal);
  // Years later the listing still ended by its withdrawal, not by its term.
  EXPECT_EQ(Derive(withdrawn, Day(2030, 1, 1))[0].removal->cause, RemovalCause::kWithdrawal);
}

TEST(SeriousDishonestyTest, PersonsAreListedByTheirOwnRecordsAndPublished) {
  store::Subject person = Person();
  Record record =
      MakeRecord(1, "serious_dishonesty", "human_resources_social_security", Day(2024, 3, 5),
                 {{"list", "拖欠农民工工资失信联合惩戒对象名单"}, {"legal_basis", "x"}}, person);
  std::vector<Membership> memberships =
      Derive(std::span<const Record>(&record, 1), Day(2024, 3, 5), nullptr, person);
  ASSERT_EQ(memberships.size(), 1u);
  EXPECT_EQ(memberships[0].subject_id, person.id);
  EXPECT_TRUE(memberships[0].is_public);
}

// --- the abnormal operation list ----------------------------------------------------------------

TEST(AbnormalOperationTest, ListedUntilCorrectedOrItsRecordExpires) {
  Record record = MakeRecord(1, "abnormal_operation", "market_regulation", Day(2024, 3, 5),
                             {{"list", "经营异常名录"}, {"ground", "未按照规定期限公示年度报告"}});
  Membership membership = Derive(record, Day(2026, 1, 1))[0];
  EXPECT_EQ(membership.list->key, "abnormal_operation");
  EXPECT_EQ(membership.list->type, ListType::kAbnormal);
  EXPECT_EQ(membership.term_end, std::nullopt);
  EXPECT_TRUE(membership.active);
  // Its record's publicity ends after 3 years: the listing with it.
  EXPECT_TRUE(Derive(record, Day(2027, 3, 4))[0].active);
  Membership expired = Derive(record, Day(2027, 3, 5))[0];
  EXPECT_FALSE(expired.active);
  EXPECT_EQ(expired.removal->cause, RemovalCause::kExpiry);
  EXPECT_EQ(expired.removal->on, Day(2027, 3, 5));

  Record restored = WithStatus(record, RecordStatus::kRestored, Day(2024, 5, 20));
  EXPECT_EQ(Derive(restored, Day(2024, 5, 20))[0].removal->cause, RemovalCause::kRestoration);
  Record withdrawn = WithStatus(record, RecordStatus::kWithdrawn, Day(2024, 5, 21));
  EXPECT_EQ(Derive(withdrawn, Day(2024, 5, 21))[0].removal->cause, RemovalCause::kWithdrawal);
  EXPECT_TRUE(Derive(withdrawn, Day(2024, 5, 20))[0].active);
}

// --- red lists
// -------------------------------------------------------------------------------------

Record TaxGrade(int64_t id, Date decided, std::string grade, JsonValue year) {
  return MakeRecord(id, "tax_credit_grade", "tax", decided, {{"grade", grade}, {"year", year}});
}

TEST(RedListTest, AGradeTaxpayersForTheGradesYearAndTheNext) {
  Record record = TaxGrade(1, Day(2024, 4, 15), "A", 2023);
  std::vector<Membership> memberships = Derive(record, Day(2024, 4, 15));
  ASSERT_EQ(memberships.size(), 1u);
  EXPECT_EQ(memberships[0].list->key, "tax_grade_a");
  EXPECT_EQ(memberships[0].list->type, ListType::kRedlist);
  EXPECT_EQ(memberships[0].entered_on, Day(2024, 4, 15));
  EXPECT_EQ(memberships[0].term_end, Day(2025, 1, 1));
  EXPECT_TRUE(Derive(record, Day(2024, 12, 31))[0].active);
  EXPECT_FALSE(Derive(record, Day(2025, 1, 1))[0].active);
  EXPECT_TRUE(OnActiveList(memberships, ListFamily::kTaxGradeA));
  // The year may come as text.
  EXPECT_EQ(Derive(TaxGrade(2, Day(2024, 4, 15), "A", "2023"), Day(2024, 5, 1))[0].term_end,
            Day(2025, 1, 1));
  // Other grades put nobody on a list.
  for (std::string grade : {"B", "M", "C", "D"}) {
    EXPECT_TRUE(Derive(TaxGrade(3, Day(2024, 4, 15), grade, 2023), Day(2024, 5, 1)).empty())
        << grade;
  }
}

TEST(RedListTest, HonoursLastAsLongAsTheyAreValid) {
  Record honour =
      MakeRecord(1, "honour", "development_reform", Day(2024, 6, 1),
                 {{"content", "2023年度守合同重信用企业"}, {"valid_until", "2026-05-31"}});
  Membership membership = Derive(honour, Day(2024, 6, 1))[0];
  EXPECT_EQ(membership.list->key, "honour");
  EXPECT_EQ(membership.term_end, Day(2026, 6, 1));
  EXPECT_TRUE(Derive(honour, Day(2026, 5, 31))[0].active);
  EXPECT_FALSE(Derive(honour, Day(2026, 6, 1))[0].active);
  // term_end wins over valid_until.
  Record with_term = Revised(honour, Day(2024, 6, 1), {{"term_end", "2025-05-31"}});
  EXPECT_EQ(Derive(with_term, Day(2024, 6, 1))[0].term_end, Day(2025, 6, 1));
  // Without a term: until withdrawn.
  Record open = MakeRecord(2, "honour", "development_reform", Day(2020, 6, 1),
                           {{"content", "温州市文明单位"}});
  EXPECT_TRUE(Derive(open, Day(2030, 1, 1))[0].active);
  EXPECT_EQ(Derive(WithStatus(open, RecordStatus::kWithdrawn, Day(2021, 1, 4)), Day(2030, 1, 1))[0]
                .removal->cause,
            RemovalCause::kWithdrawal);
}

TEST(RedListTest, IncentiveKeySupportAndOtherRedLists) {
  std::vector<Record> records = {
      MakeRecord(1, "red_list", "customs", Day(2024, 1, 10),
                 {{"list", "海关高级认证企业"}, {"term_end", "2026-12-31"}}),
      MakeRecord(2, "red_list", "development_reform", Day(2024, 2, 10),
                 {{"list", "重点支持名单"}, {"term_end", "2024-12-31"}}),
      MakeRecord(3, "red_list", "development_reform", Day(2024, 3, 10),
                 {{"list", "建筑市场主体信用红名单"}}),
  };
  std::vector<Membership> memberships = Derive(records, Day(2024, 6, 1));
  ASSERT_EQ(memberships.size(), 3u);
  EXPECT_EQ(memberships[0].list->key, "incentive");
  EXPECT_EQ(memberships[0].term_end, Day(2027, 1, 1));
  EXPECT_EQ(memberships[1].list->key, "key_support");
  EXPECT_EQ(memberships[1].term_end, Day(2025, 1, 1));
  EXPECT_EQ(memberships[2].list->key, "red_list_other");
  EXPECT_EQ(memberships[2].list->family, ListFamily::kOther);
  EXPECT_TRUE(OnActiveList(memberships, ListFamily::kIncentive));
  EXPECT_TRUE(OnActiveList(memberships, ListFamily::kKeySupport));
  std::vector<Membership> next_year = Derive(records, Day(2025, 1, 1));
  EXPECT_FALSE(OnActiveList(next_year, ListFamily::kKeySupport));
  EXPECT_TRUE(OnActiveList(next_year, ListFamily::kIncentive));
}

// --- whom a listing concerns ---------------------------------------------------------------------

TEST(LegalRepresentativeTest, ACompanysListingNeverListsItsLegalRepresentative) {
  store::Subject company = Company();
  store::Subject representative = Person();
  ASSERT_EQ(company.legal_representative, representative.name);
  std::vector<Record> company_records = {
      Debtor(1, Day(2024, 3, 5), 1,
             {{"legal_representative", "张三"},
              {"extra", JsonValue(JsonValue::Object{{"legal_representative", "张三"}})}}),
      Serious(2, Day(2024, 3, 5), "市场监督管理严重违法失信名单",
              {{"legal_representative", "张三"}}),
  };
  std::vector<Membership> of_company = Derive(company_records, Day(2024, 4, 1), nullptr, company);
  ASSERT_EQ(of_company.size(), 2u);
  for (const Membership& membership : of_company) {
    EXPECT_EQ(membership.subject_id, company.id);
    EXPECT_FALSE(membership.list->lists_legal_representative);
  }
  // The representative's memberships, even handed the company's records, are none.
  EXPECT_TRUE(Derive(company_records, Day(2024, 4, 1), nullptr, representative).empty());
  // The representative is listed only by a record about the person.
  Record own = MakeRecord(3, "dishonest_debtor", "court", Day(2024, 5, 1),
                          {{"document_no", "(2024)浙0302执999号"}, {"ground", 1}}, representative);
  company_records.push_back(own);
  std::vector<Membership> of_person =
      Derive(company_records, Day(2024, 5, 1), nullptr, representative);
  ASSERT_EQ(of_person.size(), 1u);
  EXPECT_EQ(of_person[0].record_id(), 3);
  EXPECT_EQ(of_person[0].subject_id, representative.id);
}

// --- time and order
// --------------------------------------------------------------------------------

TEST(DerivationTest, RecordsDecidedAfterTheDayDoNotExistYet) {
  Record record = Debtor(1, Day(2024, 3, 5), 2);
  EXPECT_TRUE(Derive(record, Day(2024, 3, 4)).empty());
  EXPECT_EQ(Derive(record, Day(2024, 3, 5)).size(), 1u);
}

TEST(DerivationTest, RecordsOfOtherKindsCostNothing) {
  std::vector<Record> records;
  for (int i = 0; i < 5; ++i) {
    records.push_back(MakeRecord(i + 1, "admin_penalty", "market_regulation", Day(2024, 3, 5),
                                 {{"list", "市场监督管理严重违法失信名单"}}));
  }
  std::vector<Membership> memberships = Derive(records, Day(2024, 4, 1));
  EXPECT_TRUE(memberships.empty());
  EXPECT_EQ(memberships.capacity(), 0u);
}

TEST(DerivationTest, SameMembershipsWhateverTheOrderOfRecords) {
  std::vector<Record> records = {
      Debtor(11, Day(2024, 3, 5), 2),
      Debtor(12, Day(2023, 3, 5), 1),
      Debtor(10, Day(2024, 3, 5), 3),
      Serious(13, Day(2024, 1, 2), "重大税收违法失信主体"),
      TaxGrade(14, Day(2024, 4, 15), "A", 2023),
      MakeRecord(15, "dishonest_debtor", "court", Day(2024, 6, 1),
                 {{"list_action", "extend"},
                  {"target_document_no", "(2024)浙0302执111号"},
                  {"extension_months", 12}}),
      MakeRecord(16, "dishonest_debtor", "court", Day(2024, 5, 1),
                 {{"list_action", "extend"},
                  {"target_document_no", "(2024)浙0302执111号"},
                  {"extension_months", 12}}),
      MakeRecord(17, "admin_penalty", "market_regulation", Day(2024, 3, 5), {}),
  };
  auto describe = [](const std::vector<Membership>& memberships) {
    std::string out;
    for (const Membership& m : memberships) {
      out += fmt::format("{} {} {} {} {} {};", m.list->key, m.record_id(), m.entered_on.ToString(),
                         m.term_end ? m.term_end->ToString() : "-", m.active ? 1 : 0,
                         m.sources.size());
      for (const SourceRecord& source : m.sources) out += std::to_string(source.record_id) + ",";
    }
    return out;
  };
  std::string expected = describe(Derive(records, Day(2024, 7, 1)));
  EXPECT_EQ(expected,
            "court_dishonest_debtor 12 2023-03-05 - 1 1;12,"
            "court_dishonest_debtor 10 2024-03-05 2026-03-05 1 1;10,"
            "court_dishonest_debtor 11 2024-03-05 2028-03-05 1 3;11,16,15,"
            "serious_dishonesty_tax 13 2024-01-02 2027-01-02 1 1;13,"
            "tax_grade_a 14 2024-04-15 2025-01-01 1 1;14,");
  std::mt19937 shuffle(20241122);
  for (int round = 0; round < 20; ++round) {
    std::shuffle(records.begin(), records.end(), shuffle);
    EXPECT_EQ(describe(Derive(records, Day(2024, 7, 1))), expected);
  }
}

TEST(DerivationTest, AddWorkingDaysSkipsWeekends) {
  EXPECT_EQ(AddWorkingDays(Day(2024, 8, 1), 0), Day(2024, 8, 1));
  EXPECT_EQ(AddWorkingDays(Day(2024, 8, 2), 1), Day(2024, 8, 5));  // Friday → Monday
  EXPECT_EQ(AddWorkingDays(Day(2024, 8, 3), 3), Day(2024, 8, 7));  // Saturday → Wednesday
}

// --- reading payloads
// ------------------------------------------------------------------------------

TEST(PayloadTest, ReadsTopLevelAndExtraFieldsWithoutATree) {
  std::string scratch;
  std::string payload =
      R"({"a":{"list":"nested"},"extra":{"removal":"performed","n":{"x":[1,"}"]}},)"
      R"("ground":3,"list":"  严重\"失信\"\u540d\u5355 ","year":"2023","z":[{"list":1}]})";
  EXPECT_EQ(internal::FieldText(payload, "list", scratch), "严重\"失信\"名单");
  EXPECT_EQ(internal::FieldText(payload, "ground", scratch), "3");
  EXPECT_EQ(internal::FieldText(payload, "removal", scratch), "performed");
  EXPECT_EQ(internal::FieldText(payload, "extra.removal", scratch), "performed");
  EXPECT_EQ(internal::FieldText(payload, "a.list", scratch), "nested");
  EXPECT_EQ(internal::FieldInt(payload, "year"), 2023);
  EXPECT_EQ(internal::FieldInt(payload, "ground"), 3);
  EXPECT_EQ(internal::FieldText(payload, "missing", scratch), std::nullopt);
  EXPECT_EQ(internal::FieldText(payload, "a", scratch), std::nullopt);  // an object is no text
  EXPECT_EQ(internal::FieldDate(R"({"term_end":"2026-02-30"})", "term_end"), std::nullopt);
  EXPECT_EQ(internal::FieldDate(R"({ "term_end" : "2026-02-28" })", "term_end"), Day(2026, 2, 28));
  // Surrogate pairs and malformed input.
  EXPECT_EQ(internal::FieldText(R"({"k":"\ud83d\ude00"})", "k", scratch), "\xF0\x9F\x98\x80");
  EXPECT_EQ(internal::FieldText(R"({"k":"\ud83d"})", "k", scratch), std::nullopt);
  EXPECT_EQ(internal::FieldText(R"({"k":"unterminated)", "k", scratch), std::nullopt);
  EXPECT_EQ(internal::FieldText(R"(["k","v"])", "k", scratch), std::nullopt);
  EXPECT_EQ(internal::FieldText("", "k", scratch), std::nullopt);
}

TEST(PayloadTest, OneIndexServesManyLookupsEvenOfLargeObjects) {
  std::string payload = R"({"extra":{"removed_on":"2024-08-01"},"ground":"1")";
  for (int i = 0; i < 60; ++i) payload += fmt::format(R"(,"k{:02}":{})", i, i);
  payload += R"(,"\u006cist":"escaped key","zz":"last"})";
  internal::PayloadFields fields(payload);
  std::string scratch;
  EXPECT_EQ(fields.Text("list_action", scratch), std::nullopt);  // absent: no index needed
  EXPECT_EQ(fields.Text("ground", scratch), "1");
  EXPECT_EQ(fields.DateValue("removed_on"), Day(2024, 8, 1));
  EXPECT_EQ(fields.Int("k05"), 5);
  EXPECT_EQ(fields.Int("k59"), 59);  // beyond the index's capacity: found by scanning
  EXPECT_EQ(fields.Text("zz", scratch), "last");
  EXPECT_EQ(fields.Text("list", scratch), std::nullopt);  // a key written with escapes
  EXPECT_EQ(fields.Text("extra.removed_on", scratch), "2024-08-01");
  EXPECT_EQ(fields.Text("extra.ground", scratch), std::nullopt);
}

}  // namespace
}  // namespace credence::lists
