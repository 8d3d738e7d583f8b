#include "policy/policy.h"

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace credence::policy {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::filesystem::path SourcePolicyDir() {
  return std::filesystem::path(CREDENCE_SOURCE_DIR) / "policy";
}

Date D(int year, int month, int day) { return *Date::FromCivil(year, month, day); }

class DefaultPolicyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<Catalog> loaded = LoadCatalog(SourcePolicyDir());
    ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
    catalog_ = new Catalog(std::move(*loaded));
  }
  static void TearDownTestSuite() {
    delete catalog_;
    catalog_ = nullptr;
  }
  static const Catalog& catalog() { return *catalog_; }
  static const RecordKind& Kind(std::string_view key) {
    const RecordKind* kind = catalog_->FindKind(key);
    EXPECT_NE(kind, nullptr) << key;
    return *kind;
  }

 private:
  static inline Catalog* catalog_ = nullptr;
};

TEST_F(DefaultPolicyTest, NamesItsVersionEditionAndDigest) {
  EXPECT_EQ(catalog().version(), "2024.1");
  EXPECT_EQ(catalog().edition(), "2024");
  EXPECT_EQ(catalog().digest().size(), 64u);
}

TEST_F(DefaultPolicyTest, HasTheThirteenCategoriesOfThe2024CatalogInOrder) {
  std::vector<std::string> keys;
  for (const Category& category : catalog().categories()) keys.push_back(category.key);
  ASSERT_EQ(keys.size(), 13u);
  EXPECT_EQ(keys.front(), "registration_basics");
  EXPECT_EQ(keys[1], "judicial");
  EXPECT_EQ(keys.back(), "self_supplied");
  for (size_t i = 1; i < catalog().categories().size(); ++i) {
    EXPECT_LT(catalog().categories()[i - 1].order, catalog().categories()[i].order);
  }
  const Category* admin = catalog().FindCategory("administrative_management");
  ASSERT_NE(admin, nullptr);
  EXPECT_EQ(admin->name.zh, "行政管理信息");
  EXPECT_EQ(admin->name.en, "Administrative management");
}

TEST_F(DefaultPolicyTest, HasEveryRecordKindTheFeedFormatNames) {
  for (std::string_view key :
       {"registration", "admin_license", "admin_penalty", "dishonest_debtor", "serious_dishonesty",
        "abnormal_operation", "tax_credit_grade", "honour", "red_list", "commitment",
        "social_insurance_arrears", "contract_performance", "inspection_result", "judgment",
        "ip_pledge"}) {
    const RecordKind* kind = catalog().FindKind(key);
    ASSERT_NE(kind, nullptr) << key;
    EXPECT_FALSE(kind->legal_basis.empty()) << key;
    EXPECT_NE(catalog().FindCategory(kind->category), nullptr) << key;
    EXPECT_FALSE(kind->departments.empty()) << key;
    EXPECT_FALSE(kind->name.zh.empty()) << key;
    EXPECT_FALSE(kind->name.en.empty()) << key;
  }
  EXPECT_EQ(catalog().FindKind("no_such_kind"), nullptr);
}

TEST_F(DefaultPolicyTest, HasEveryDepartmentTheFeedFormatNames) {
  for (std::string_view key :
       {"market_regulation", "tax", "court", "ecology_environment",
        "human_resources_social_security", "housing_construction", "transport",
        "emergency_management", "customs", "natural_resources", "health", "finance",
        "public_resource_trading", "development_reform", "public_security"}) {
    const Department* department = catalog().FindDepartment(key);
    ASSERT_NE(department, nullptr) << key;
    EXPECT_EQ(department->code.size(), 18u) << key;
  }
  EXPECT_EQ(catalog().FindDepartment("market_regulation")->name.zh, "温州市市场监督管理局");
  EXPECT_EQ(catalog().FindDepartment("nobody"), nullptr);
}

TEST_F(DefaultPolicyTest, DepartmentCodesAreValidUnifiedSocialCreditCodes) {
  for (const Department& department : catalog().departments()) {
    ids::CodeCheck check = ids::CheckUscc(department.code);
    EXPECT_TRUE(check.valid) << department.key << ": " << check.message;
  }
}

TEST_F(DefaultPolicyTest, GrantsThePermissionsTheFeedFormatPromises) {
  for (std::string_view kind : {"registration", "admin_license", "admin_penalty",
                                "abnormal_operation", "inspection_result", "commitment"}) {
    EXPECT_TRUE(catalog().MaySubmit("market_regulation", kind)) << kind;
  }
  EXPECT_TRUE(catalog().MaySubmit("court", "dishonest_debtor"));
  EXPECT_TRUE(catalog().MaySubmit("court", "judgment"));
  EXPECT_TRUE(catalog().MaySubmit("tax", "tax_credit_grade"));
  EXPECT_TRUE(catalog().MaySubmit("tax", "admin_penalty"));
  for (std::string_view kind : {"red_list", "honour", "serious_dishonesty"}) {
    EXPECT_TRUE(catalog().MaySubmit("development_reform", kind)) << kind;
  }
}

TEST_F(DefaultPolicyTest, CourtRecordsComeFromTheCourtOnly) {
  for (const Department& department : catalog().departments()) {
    bool is_court = department.key == "court";
    EXPECT_EQ(catalog().MaySubmit(department.key, "dishonest_debtor"), is_court) << department.key;
    EXPECT_EQ(catalog().MaySubmit(department.key, "judgment"), is_court) << department.key;
  }
}

TEST_F(DefaultPolicyTest, RefusesWhatIsNotGranted) {
  EXPECT_FALSE(catalog().MaySubmit("court", "admin_penalty"));
  EXPECT_FALSE(catalog().MaySubmit("tax", "registration"));
  EXPECT_FALSE(catalog().MaySubmit("market_regulation", "tax_credit_grade"));
  EXPECT_FALSE(catalog().MaySubmit("nobody", "admin_penalty"));
  EXPECT_FALSE(catalog().MaySubmit("market_regulation", "no_such_kind"));
}

TEST_F(DefaultPolicyTest, PublishesPenaltiesOfLegalPersonsButNotOfNaturalPersons) {
  const RecordKind& penalty = Kind("admin_penalty");
  EXPECT_TRUE(catalog().IsPublic(penalty, SubjectKind::kEnterprise));
  EXPECT_TRUE(catalog().IsPublic(penalty, SubjectKind::kIndividualBusiness));
  EXPECT_FALSE(catalog().IsPublic(penalty, SubjectKind::kPerson));
  // The court publishes its list of dishonest debtors for persons too.
  EXPECT_TRUE(catalog().IsPublic(Kind("dishonest_debtor"), SubjectKind::kPerson));
  EXPECT_TRUE(catalog().IsPublic(Kind("registration"), SubjectKind::kEnterprise));
  EXPECT_FALSE(catalog().IsPublic(Kind("social_insurance_arrears"), SubjectKind::kEnterprise));
}

TEST_F(DefaultPolicyTest, DescribesAdministrativePenaltiesAsTieredAndRestorable) {
  const RecordKind& penalty = Kind("admin_penalty");
  EXPECT_TRUE(penalty.tiered);
  EXPECT_TRUE(penalty.restorable);
  EXPECT_EQ(penalty.polarity, Polarity::kNegative);
  EXPECT_EQ(penalty.category, "administrative_management");
  EXPECT_THAT(penalty.legal_basis, HasSubstr("《中华人民共和国行政处罚法》第四十八条"));
  EXPECT_TRUE(penalty.AllowsSubject(SubjectKind::kPerson));
  EXPECT_THAT(penalty.required_fields, ::testing::Contains("document_no"));
  EXPECT_THAT(Kind("tax_credit_grade").required_fields, ElementsAre("grade", "year"));
  EXPECT_FALSE(Kind("abnormal_operation").AllowsSubject(SubjectKind::kPerson));
}

TEST_F(DefaultPolicyTest, DerivesSubjectKindsFromOrganisationTypes) {
  EXPECT_EQ(catalog().SubjectKindForOrgType("91"), SubjectKind::kEnterprise);
  EXPECT_EQ(catalog().SubjectKindForOrgType("92"), SubjectKind::kIndividualBusiness);
  EXPECT_EQ(catalog().SubjectKindForOrgType("93"), SubjectKind::kEnterprise);
  EXPECT_EQ(catalog().SubjectKindForOrgType("11"), SubjectKind::kGovernmentOrgan);
  EXPECT_EQ(catalog().SubjectKindForOrgType("12"), SubjectKind::kPublicInstitution);
  EXPECT_EQ(catalog().SubjectKindForOrgType("51"), SubjectKind::kSocialOrganisation);
  EXPECT_EQ(catalog().SubjectKindForOrgType("53"), SubjectKind::kSocialOrganisation);
  EXPECT_EQ(catalog().SubjectKindForOrgType("Y1"), SubjectKind::kSocialOrganisation);
  EXPECT_EQ(catalog().SubjectKindForOrgType("99"), std::nullopt);
  EXPECT_EQ(catalog().SubjectKindForOrgType(""), std::nullopt);
}

TEST_F(DefaultPolicyTest, ReadsIngestSettings) {
  EXPECT_FALSE(catalog().ingest().accept_checksum_failures);
  EXPECT_EQ(catalog().ingest().max_body_bytes, 64 << 20);
  EXPECT_EQ(catalog().ingest().min_year, 1949);
}

// Windows (DOMAIN.md §3): periods run from the decision date; max_end is the first day the
// record is no longer public.

TEST_F(DefaultPolicyTest, MinorPenaltyIsRestorableAtOnceAndPublicForThreeMonths) {
  PublicityWindow window = catalog().Window(Kind("admin_penalty"), Tier::kMinor, D(2024, 3, 5));
  EXPECT_EQ(window.start, D(2024, 3, 5));
  EXPECT_EQ(window.min_end, D(2024, 3, 5));
  EXPECT_EQ(window.max_end, D(2024, 6, 5));
  EXPECT_TRUE(window.published);
}

TEST_F(DefaultPolicyTest, GeneralPenaltyIsRestorableAfterThreeMonthsAndPublicForOneYear) {
  PublicityWindow window =
      catalog().Window(Kind("admin_penalty"), Tier::kGeneral, D(2024, 3, 5), "罚款");
  EXPECT_EQ(window.min_end, D(2024, 6, 5));
  EXPECT_EQ(window.max_end, D(2025, 3, 5));
  EXPECT_TRUE(window.published);
  // Public through 2025-03-04, hidden from 2025-03-05.
  EXPECT_LT(D(2025, 3, 4), *window.max_end);
  EXPECT_FALSE(D(2025, 3, 5) < *window.max_end);
}

TEST_F(DefaultPolicyTest, SeriousPenaltyIsRestorableAfterOneYearAndPublicForThreeYears) {
  PublicityWindow window = catalog().Window(Kind("admin_penalty"), Tier::kSerious, D(2023, 12, 31));
  EXPECT_EQ(window.min_end, D(2024, 12, 31));
  EXPECT_EQ(window.max_end, D(2026, 12, 31));
}

TEST_F(DefaultPolicyTest, PeriodsFromTheTwentyNinthOfFebruaryClampToTheMonthEnd) {
  const RecordKind& penalty = Kind("admin_penalty");
  PublicityWindow general = catalog().Window(penalty, Tier::kGeneral, D(2024, 2, 29));
  EXPECT_EQ(general.min_end, D(2024, 5, 29));
  EXPECT_EQ(general.max_end, D(2025, 2, 28));  // 2025 has no 29 February
  PublicityWindow serious = catalog().Window(penalty, Tier::kSerious, D(2024, 2, 29));
  EXPECT_EQ(serious.min_end, D(2025, 2, 28));
  EXPECT_EQ(serious.max_end, D(2027, 2, 28));
  // Three months from 30 November end on the last day of February.
  PublicityWindow minor = catalog().Window(penalty, Tier::kMinor, D(2023, 11, 30));
  EXPECT_EQ(minor.max_end, D(2024, 2, 29));
}

TEST_F(DefaultPolicyTest, PenaltyWithoutTierUsesTheKindsDefaultTier) {
  const RecordKind& penalty = Kind("admin_penalty");
  ASSERT_EQ(penalty.default_tier, Tier::kGeneral);
  PublicityWindow window = catalog().Window(penalty, Tier::kNone, D(2024, 3, 5));
  EXPECT_EQ(window.max_end, D(2025, 3, 5));
}

TEST_F(DefaultPolicyTest, WarningsAreNeverPublished) {
  const RecordKind& penalty = Kind("admin_penalty");
  EXPECT_FALSE(catalog().Window(penalty, Tier::kMinor, D(2024, 3, 5), "警告").published);
  EXPECT_FALSE(catalog().Window(penalty, Tier::kGeneral, D(2024, 3, 5), "通报批评").published);
  EXPECT_FALSE(catalog().Window(penalty, Tier::kMinor, D(2024, 3, 5), "警告；通报批评").published);
  // A warning together with a fine is published under its tier.
  EXPECT_TRUE(catalog().Window(penalty, Tier::kGeneral, D(2024, 3, 5), "警告;罚款").published);
  EXPECT_TRUE(catalog().Window(penalty, Tier::kGeneral, D(2024, 3, 5), "罚款、警告").published);
  EXPECT_TRUE(catalog().Window(penalty, Tier::kGeneral, D(2024, 3, 5), "").published);
}

TEST_F(DefaultPolicyTest, TaxGradesArePublishedOnlyWhenA) {
  const RecordKind* grade = catalog().FindKind("tax_credit_grade");
  ASSERT_NE(grade, nullptr);
  EXPECT_EQ(grade->published_only_field, "grade");
  EXPECT_EQ(grade->published_only_values, std::vector<std::string>{"A"});
  EXPECT_TRUE(catalog().FindKind("admin_penalty")->published_only_field.empty());
}

TEST_F(DefaultPolicyTest, DishonestDebtorIsListedForTwoYearsAndNotRestorable) {
  // The tier is ignored for untiered kinds.
  PublicityWindow window =
      catalog().Window(Kind("dishonest_debtor"), Tier::kSerious, D(2024, 3, 5));
  EXPECT_EQ(window.max_end, D(2026, 3, 5));
  EXPECT_EQ(window.min_end, std::nullopt);
  EXPECT_TRUE(window.published);
}

TEST_F(DefaultPolicyTest, SeriousDishonestyAndAbnormalOperationWindows) {
  PublicityWindow serious =
      catalog().Window(Kind("serious_dishonesty"), Tier::kNone, D(2024, 1, 15));
  EXPECT_EQ(serious.min_end, D(2025, 1, 15));
  EXPECT_EQ(serious.max_end, D(2027, 1, 15));
  PublicityWindow abnormal =
      catalog().Window(Kind("abnormal_operation"), Tier::kNone, D(2024, 1, 15));
  EXPECT_EQ(abnormal.min_end, D(2024, 1, 15));
  EXPECT_EQ(abnormal.max_end, D(2027, 1, 15));
}

TEST_F(DefaultPolicyTest, LicencesRegistrationsAndHonoursHaveNoWindow) {
  for (std::string_view key : {"admin_license", "registration", "honour"}) {
    PublicityWindow window = catalog().Window(Kind(key), Tier::kNone, D(2024, 3, 5));
    EXPECT_EQ(window.start, D(2024, 3, 5)) << key;
    EXPECT_EQ(window.min_end, std::nullopt) << key;
    EXPECT_EQ(window.max_end, std::nullopt) << key;
    EXPECT_TRUE(window.published) << key;
  }
}

TEST(TierTest, KeysRoundTrip) {
  for (Tier tier : kAllTiers) EXPECT_EQ(ParseTier(TierKey(tier)), tier);
  EXPECT_EQ(ParseTier(""), Tier::kNone);
  EXPECT_EQ(ParseTier("none"), Tier::kNone);
  EXPECT_EQ(ParseTier("severe"), std::nullopt);
  EXPECT_EQ(ParsePolarity(PolarityKey(Polarity::kPositive)), Polarity::kPositive);
  EXPECT_EQ(ParsePolarity("bad"), std::nullopt);
}

// Broken policies: copy the default data into a temporary directory, break it, and check that
// every problem is reported with its file and key.

class BrokenPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           (std::string("credence_policy_test_") + info->name() + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    for (const auto& entry : std::filesystem::directory_iterator(SourcePolicyDir())) {
      if (entry.path().extension() == ".toml") {
        std::filesystem::copy_file(entry.path(), dir_ / entry.path().filename());
      }
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Read(const std::string& file) {
    std::ifstream in(dir_ / file);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void Write(const std::string& file, const std::string& text) {
    std::ofstream(dir_ / file, std::ios::trunc) << text;
  }
  // Replaces the first occurrence of `from` in a file; the test fails if it is absent.
  void Replace(const std::string& file, const std::string& from, const std::string& to) {
    std::string text = Read(file);
    size_t pos = text.find(from);
    ASSERT_NE(pos, std::string::npos) << from;
    text.replace(pos, from.size(), to);
    Write(file, text);
  }
  // The messages of every problem reported.
  std::vector<std::string> Problems() {
    Result<Catalog> catalog = LoadCatalog(dir_);
    EXPECT_FALSE(catalog.has_value());
    if (catalog.has_value()) return {};
    EXPECT_EQ(catalog.error().reason(), "invalid_policy");
    std::vector<std::string> messages;
    for (const Error& detail : catalog.error().details()) messages.push_back(detail.message());
    return messages;
  }

  std::filesystem::path dir_;
};

TEST_F(BrokenPolicyTest, TheUnbrokenCopyLoads) {
  Result<Catalog> catalog = LoadCatalog(dir_);
  ASSERT_TRUE(catalog.has_value()) << catalog.error().ToString();
  EXPECT_EQ(catalog->kinds().size(), 15u);
}

TEST_F(BrokenPolicyTest, ReportsEveryProblemWithFileAndKey) {
  Replace("record_kinds.toml", "category = \"judicial\"\nsubject_kinds",
          "category = \"judical\"\nsubject_kinds");
  Replace("record_kinds.toml",
          "legal_basis = \"《纳税信用管理办法（试行）》（国家税务总局公告2014年第40号）\"\n", "");
  Write("zz_extra.toml",
        "[[department]]\n"
        "key = \"tax\"\n"
        "name = { zh = \"重复\", en = \"Duplicate\" }\n"
        "\n"
        "[[rating_modle]]\n"
        "key = \"enterprise\"\n");
  Replace("publicity.toml", "{ tier = \"general\", min_months = 3, max_months = 12 }",
          "{ tier = \"general\", min_months = 13, max_months = 12 }");

  std::vector<std::string> problems = Problems();
  ASSERT_EQ(problems.size(), 5u) << ::testing::PrintToString(problems);
  EXPECT_THAT(problems, ::testing::Contains(
                            ::testing::AllOf(HasSubstr("record_kinds.toml:"),
                                             HasSubstr("record_kind.dishonest_debtor.category"),
                                             HasSubstr("unknown category \"judical\""))));
  EXPECT_THAT(problems, ::testing::Contains(
                            ::testing::AllOf(HasSubstr("record_kinds.toml:"),
                                             HasSubstr("record_kind.tax_credit_grade.legal_basis"),
                                             HasSubstr("is required"))));
  EXPECT_THAT(problems,
              ::testing::Contains(::testing::AllOf(
                  HasSubstr("zz_extra.toml:2: department.tax"), HasSubstr("duplicate key \"tax\""),
                  HasSubstr("first defined at departments.toml:"))));
  EXPECT_THAT(problems,
              ::testing::Contains(::testing::AllOf(HasSubstr("zz_extra.toml:5: rating_modle"),
                                                   HasSubstr("unknown top-level entry"))));
  EXPECT_THAT(problems, ::testing::Contains(::testing::AllOf(
                            HasSubstr("publicity.toml:"),
                            HasSubstr("publicity_rule.admin_penalty.periods[1].min_months"),
                            HasSubstr("min_months 13 is greater than max_months 12"))));
}

TEST_F(BrokenPolicyTest, ErrorTextListsEveryProblem) {
  Replace("record_kinds.toml", "polarity = \"negative\"", "polarity = \"bad\"");
  Replace("settings.toml", "min_year = 1949", "min_yaer = 1949");
  Result<Catalog> catalog = LoadCatalog(dir_);
  ASSERT_FALSE(catalog.has_value());
  std::string text = catalog.error().ToString();
  EXPECT_THAT(text, HasSubstr("2 problems"));
  EXPECT_THAT(text, HasSubstr(dir_.string()));
  EXPECT_THAT(text, HasSubstr("record_kind.admin_penalty.polarity: unknown polarity \"bad\""));
  EXPECT_THAT(text, HasSubstr("settings.toml:11: ingest.min_yaer: unknown key"));
}

TEST_F(BrokenPolicyTest, ReportsSyntaxErrorsWithLineAndColumn) {
  Write("zz_broken.toml", "[catalog\nversion = 1\n");
  std::vector<std::string> problems = Problems();
  ASSERT_EQ(problems.size(), 1u) << ::testing::PrintToString(problems);
  EXPECT_THAT(problems[0], HasSubstr("zz_broken.toml:1:"));
}

TEST_F(BrokenPolicyTest, EnforcesTheFeedFormatsKindsDepartmentsAndPermissions) {
  Replace("record_kinds.toml", "departments = [\"court\"]\n# The court publishes",
          "departments = [\"court\", \"tax\"]\n# The court publishes");
  Replace("record_kinds.toml", "key = \"ip_pledge\"", "key = \"ip_mortgage\"");
  Replace("record_kinds.toml", "departments = [\"development_reform\", \"customs\"]",
          "departments = [\"customs\"]");
  std::vector<std::string> problems = Problems();
  EXPECT_THAT(problems,
              ::testing::Contains(::testing::AllOf(
                  HasSubstr("record_kind.dishonest_debtor.departments"),
                  HasSubstr("court records come from \"court\" only"), HasSubstr("not \"tax\""))));
  EXPECT_THAT(problems, ::testing::Contains(::testing::AllOf(
                            HasSubstr("policy: record_kind.ip_pledge"), HasSubstr("missing"))));
  EXPECT_THAT(problems, ::testing::Contains(
                            ::testing::AllOf(HasSubstr("record_kind.red_list.departments"),
                                             HasSubstr("must include \"development_reform\""))));
  EXPECT_EQ(problems.size(), 3u) << ::testing::PrintToString(problems);
}

TEST_F(BrokenPolicyTest, TieredKindsNeedAPeriodForEveryTier) {
  Replace("publicity.toml", "  { tier = \"minor\", min_months = 0, max_months = 3 },\n", "");
  std::vector<std::string> problems = Problems();
  ASSERT_EQ(problems.size(), 1u) << ::testing::PrintToString(problems);
  EXPECT_THAT(problems[0], HasSubstr("record_kind.admin_penalty.publicity_rule"));
  EXPECT_THAT(problems[0], HasSubstr("no period for tier \"minor\""));
}

TEST_F(BrokenPolicyTest, RejectsUnknownReferencesAndValues) {
  Replace("record_kinds.toml", "publicity_rule = \"abnormal_operation\"",
          "publicity_rule = \"abnormal\"");
  Replace("record_kinds.toml", "departments = [\"public_resource_trading\", \"finance\"",
          "departments = [\"public_resource_trade\", \"finance\"");
  Replace("record_kinds.toml", "required_fields = [\"grade\", \"year\"]",
          "required_fields = [\"grade\", \"yaer\"]");
  Replace("catalog.toml", "\"92\" = \"individual_business\"", "\"92\" = \"sole_trader\"");
  std::vector<std::string> problems = Problems();
  EXPECT_THAT(problems, ::testing::Contains(
                            HasSubstr("record_kind.abnormal_operation.publicity_rule: unknown "
                                      "publicity rule \"abnormal\"")));
  EXPECT_THAT(problems,
              ::testing::Contains(HasSubstr("record_kind.contract_performance.departments: unknown "
                                            "department \"public_resource_trade\"")));
  EXPECT_THAT(problems, ::testing::Contains(HasSubstr(
                            "record_kind.tax_credit_grade.required_fields: \"yaer\" is not a "
                            "feed field")));
  EXPECT_THAT(problems,
              ::testing::Contains(HasSubstr("org_types.92: unknown subject kind \"sole_trader\"")));
  EXPECT_EQ(problems.size(), 4u) << ::testing::PrintToString(problems);
}

TEST(LoadCatalogTest, MissingDirectoryIsNotFound) {
  Result<Catalog> catalog = LoadCatalog("/nonexistent/credence/policy");
  ASSERT_FALSE(catalog.has_value());
  EXPECT_EQ(catalog.error().code(), ErrorCode::kNotFound);
}

// Extensions: tables of other modules, kept as JSON for them.

std::vector<PolicyFile> DefaultFilesWith(std::vector<PolicyFile> more) {
  std::vector<PolicyFile> files;
  for (const auto& entry : std::filesystem::directory_iterator(SourcePolicyDir())) {
    if (entry.path().extension() != ".toml") continue;
    std::ifstream in(entry.path());
    files.push_back(
        {entry.path().filename().string(), std::string(std::istreambuf_iterator<char>(in), {})});
  }
  std::sort(files.begin(), files.end(),
            [](const PolicyFile& a, const PolicyFile& b) { return a.name < b.name; });
  for (PolicyFile& file : more) files.push_back(std::move(file));
  return files;
}

std::string DeclareExtensions(std::vector<PolicyFile>& files, std::string_view list) {
  for (PolicyFile& file : files) {
    // Replaces the whole declaration, whatever the default policy declares.
    size_t pos = file.text.find("\nextensions = [");
    if (pos != std::string::npos) {
      size_t end = file.text.find(']', pos);
      file.text.replace(pos + 1, end - pos, std::string("extensions = ") + std::string(list));
      return file.name;
    }
  }
  return "";
}

TEST(ExtensionTest, KeepsDeclaredTablesAsJsonMergedAcrossFiles) {
  std::vector<PolicyFile> files =
      DefaultFilesWith({{"measures_a.toml",
                         "[[sample_measure]]\nkey = \"procurement_ban\"\nyears = [1, 3]\n"
                         "since = 2024-01-01\n\n[sample_model]\nversion = \"enterprise-2026.1\"\n"},
                        {"measures_b.toml",
                         "[[sample_measure]]\nkey = \"green_channel\"\nscale = 0.5\n\n"
                         "[sample_model]\nbase = 1000\n"}});
  ASSERT_EQ(DeclareExtensions(files,
                              "[\"sample_measure\", \"sample_model\", \"rating_model\", \"list\", "
                              "\"measure\", \"check_settings\", \"working_calendar\", \"holiday\", "
                              "\"due_process\", \"data_quality\"]"),
            "catalog.toml");
  Result<Catalog> catalog = ParseCatalog(files);
  ASSERT_TRUE(catalog.has_value()) << catalog.error().ToString();

  EXPECT_THAT(
      catalog->extension_tables(),
      ElementsAre("sample_measure", "sample_model", "rating_model", "list", "measure",
                  "check_settings", "working_calendar", "holiday", "due_process", "data_quality"));
  const JsonValue* measures = catalog->extension("sample_measure");
  ASSERT_NE(measures, nullptr);
  EXPECT_EQ(ToJson(*measures), R"([{"key":"procurement_ban","years":[1,3],"since":"2024-01-01"},)"
                               R"({"key":"green_channel","scale":0.5}])");
  const JsonValue* model = catalog->extension("sample_model");
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(ToJson(*model), R"({"version":"enterprise-2026.1","base":1000})");

  std::span<const ExtensionPart> parts = catalog->extension_parts("sample_measure");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].file, "measures_a.toml");
  EXPECT_EQ(parts[1].file, "measures_b.toml");
  EXPECT_EQ(catalog->extension("undeclared"), nullptr);
  EXPECT_TRUE(catalog->extension_parts("undeclared").empty());
}

TEST(ExtensionTest, ReportsAKeySetTwiceAcrossFiles) {
  std::vector<PolicyFile> files = DefaultFilesWith(
      {{"a.toml", "[sample_model]\nbase = 1000\n"}, {"b.toml", "\n[sample_model]\nbase = 900\n"}});
  DeclareExtensions(
      files,
      "[\"sample_model\", \"rating_model\", \"list\", \"measure\", \"check_settings\", "
      "\"working_calendar\", \"holiday\", \"due_process\", \"data_quality\"]");
  Result<Catalog> catalog = ParseCatalog(files);
  ASSERT_FALSE(catalog.has_value());
  ASSERT_EQ(catalog.error().details().size(), 1u) << catalog.error().ToString();
  EXPECT_THAT(catalog.error().details()[0].message(), HasSubstr("b.toml:2: sample_model.base"));
}

TEST(ExtensionTest, CannotShadowTheCatalogsOwnTables) {
  std::vector<PolicyFile> files = DefaultFilesWith({});
  DeclareExtensions(files, "[\"record_kind\"]");
  Result<Catalog> catalog = ParseCatalog(files);
  ASSERT_FALSE(catalog.has_value());
  EXPECT_THAT(catalog.error().ToString(),
              HasSubstr("catalog.extensions: \"record_kind\" cannot be an extension table"));
}

TEST(ParseCatalogTest, TheDigestChangesWithTheData) {
  std::vector<PolicyFile> files = DefaultFilesWith({});
  Result<Catalog> first = ParseCatalog(files);
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  files.back().text += "\n# an edit\n";
  Result<Catalog> second = ParseCatalog(files);
  ASSERT_TRUE(second.has_value()) << second.error().ToString();
  EXPECT_NE(first->digest(), second->digest());
}

TEST(DefaultPolicyDirTest, PrefersTheEnvironmentVariable) {
  const char* before = std::getenv("CREDENCE_POLICY_DIR");
  std::optional<std::string> saved = before ? std::optional<std::string>(before) : std::nullopt;
  ::setenv("CREDENCE_POLICY_DIR", "/etc/credence/policy", 1);
  EXPECT_EQ(DefaultPolicyDir(), std::filesystem::path("/etc/credence/policy"));
  ::unsetenv("CREDENCE_POLICY_DIR");
  std::filesystem::path fallback = DefaultPolicyDir();
  EXPECT_TRUE(std::filesystem::exists(fallback / "catalog.toml")) << fallback;
  if (saved) ::setenv("CREDENCE_POLICY_DIR", saved->c_str(), 1);
}

}  // namespace
}  // namespace credence::policy
