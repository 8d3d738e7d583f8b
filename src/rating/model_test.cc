#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rating/rating.h"
#include "rating/rating_testing.h"

namespace credence::rating {
namespace {

using testing::Edited;
using ::testing::HasSubstr;
using testing::PolicyWithRating;
using ::testing::UnorderedElementsAre;

// The messages of every problem LoadRatingModels reports for this rating policy.
std::vector<std::string> Problems(std::string_view rating,
                                  std::vector<policy::PolicyFile> more = {}) {
  Result<policy::Catalog> catalog = policy::ParseCatalog(PolicyWithRating(rating, std::move(more)));
  if (!catalog) return {"catalog: " + catalog.error().ToString()};
  Result<RatingModels> models = LoadRatingModels(*catalog);
  if (models) return {};
  std::vector<std::string> messages;
  EXPECT_EQ(models.error().reason(), "invalid_policy");
  for (const Error& detail : models.error().details()) messages.push_back(detail.message());
  return messages;
}

TEST(DefaultRatingPolicyTest, RatesEverySubjectKindWithAVersionedModel) {
  Result<policy::Catalog> catalog = policy::LoadCatalog(policy::DefaultPolicyDir());
  ASSERT_TRUE(catalog) << catalog.error().ToString();
  Result<RatingModels> models = LoadRatingModels(*catalog);
  ASSERT_TRUE(models) << models.error().ToString();
  for (policy::SubjectKind kind : policy::kAllSubjectKinds) {
    EXPECT_NE(models->ForKind(kind), nullptr) << policy::SubjectKindKey(kind);
  }
  EXPECT_EQ(models->ForKind(policy::SubjectKind::kEnterprise)->version(), "enterprise-2026.1");
  EXPECT_EQ(models->ForKind(policy::SubjectKind::kPublicInstitution),
            models->ForKind(policy::SubjectKind::kSocialOrganisation));

  // Persons: only kinds collected about persons, and no administrative penalties.
  const RatingModel& person = *models->ForKind(policy::SubjectKind::kPerson);
  for (const Factor& factor : person.factors()) {
    EXPECT_EQ(factor.feature, Feature::kNone) << factor.key;
    EXPECT_TRUE(catalog->FindKind(factor.kind)->AllowsSubject(policy::SubjectKind::kPerson))
        << factor.key;
    EXPECT_NE(factor.kind, "admin_penalty");
  }

  // Every model has the hard rules of DOMAIN.md §4.
  for (const RatingModel& model : models->models()) {
    std::vector<std::string> rules;
    for (const CapRule& cap : model.caps()) rules.push_back(cap.key);
    EXPECT_THAT(rules, ::testing::IsSupersetOf({"court_list", "serious_dishonesty_list"}))
        << model.key();
    EXPECT_EQ(model.a_plus_clean_years(), 5);
    EXPECT_EQ(model.level_min_score(Level::kD), model.min_score());
  }
}

TEST(DefaultRatingPolicyTest, AFreshSeriousPenaltyKeepsAnEnterpriseAtCOrBelow) {
  Result<policy::Catalog> catalog = policy::LoadCatalog(policy::DefaultPolicyDir());
  ASSERT_TRUE(catalog);
  Result<RatingModels> models = LoadRatingModels(*catalog);
  ASSERT_TRUE(models) << models.error().ToString();
  store::Subject company;
  company.code = "91330302MA2AXXXX1X";
  company.kind = policy::SubjectKind::kEnterprise;
  company.registered_on = Date::Parse("2001-01-01").value();
  company.status = store::SubjectStatus::kRegistered;
  company.legal_representative = "张三";
  company.industry = "C";
  const Date today = Date::Parse("2026-11-22").value();
  Rating clean = Evaluate(*models->ForKind(company.kind), {&company, {}, {}}, today);
  EXPECT_EQ(clean.level, Level::kA) << RatingJson(clean);

  RatingRecord penalty;
  penalty.id = 1;
  penalty.kind = "admin_penalty";
  penalty.department = "market_regulation";
  penalty.source_ref = "P-1";
  penalty.tier = policy::Tier::kSerious;
  penalty.decided_at = today.AddDays(-30);
  penalty.publicity_max_end = penalty.decided_at.AddMonths(36);
  Rating penalised = Evaluate(*models->ForKind(company.kind), {&company, {&penalty, 1}, {}}, today);
  EXPECT_GE(penalised.level, Level::kC);
  EXPECT_LT(penalised.score, clean.score);
}

TEST(RatingModelTest, TheTestPolicyLoads) {
  EXPECT_THAT(Problems(testing::kTestRatingPolicy), ::testing::IsEmpty());
}

TEST(RatingModelTest, MissingRatingPolicyIsReported) {
  Result<policy::Catalog> catalog = policy::ParseCatalog(testing::CorePolicyFiles());
  ASSERT_TRUE(catalog) << catalog.error().ToString();
  Result<RatingModels> models = LoadRatingModels(*catalog);
  ASSERT_FALSE(models);
  EXPECT_THAT(models.error().ToString(), HasSubstr("no rating model in the policy"));
}

TEST(RatingModelTest, NamesFileKeyAndReasonOfEveryProblem) {
  std::string rating = Edited("\"honour\" = 100", "\"honor\" = 100");
  rating = Edited("text = { zh = \"{date}严重处罚扣{points}分\"",
                  "text = { zh = \"{date}严重处罚扣{amount}分\"", rating);
  rating = Edited("base = 700", "base = 700\nbonus = 3", rating);
  EXPECT_THAT(
      Problems(rating),
      UnorderedElementsAre(
          "rating.toml: rating_model.models.enterprise.points.\"honor\": unknown factor",
          "rating.toml: rating_model.factor.admin_penalty.serious.text.zh: unknown placeholder "
          "{amount} (allowed here: {date} {points} {department})",
          // The uses of the broken factor (points, a cap rule) are not reported again.
          "rating.toml: rating_model.models.enterprise.bonus: unknown key"));
}

TEST(RatingModelTest, APersonModelMayUseOnlyKindsCollectedAboutPersons) {
  std::string rating = Edited("\"honour\" = 40", "\"honour\" = 40\n\"tax_credit_grade.A\" = 10");
  EXPECT_THAT(Problems(rating),
              UnorderedElementsAre("rating.toml: rating_model.models.person.points."
                                   "\"tax_credit_grade.A\": record kind \"tax_credit_grade\" is "
                                   "not collected about persons"));
}

TEST(RatingModelTest, LevelsMustDescendAndEndAtTheMinimum) {
  EXPECT_THAT(
      Problems(Edited("levels = { \"A+\" = 900, A = 780, B = 650, C = 500, D = 0 }\ncaps = { "
                      "court_list = \"D\", serious",
                      "levels = { \"A+\" = 900, A = 780, B = 800, C = 500, D = 10 }\ncaps = { "
                      "court_list = \"D\", serious")),
      UnorderedElementsAre("rating.toml: rating_model.models.enterprise.levels.B: must be below "
                           "the minimum of the level above it"));
  EXPECT_THAT(Problems(Edited("C = 500, D = 0 }\ncaps = { court_list = \"D\", serious",
                              "C = 500, D = 10 }\ncaps = { court_list = \"D\", serious")),
              UnorderedElementsAre("rating.toml: rating_model.models.enterprise.levels.D: must "
                                   "equal min_score, so that every score has a level"));
  EXPECT_THAT(Problems(Edited("C = 500, D = 0 }\ncaps = { court_list = \"D\", serious",
                              "C = 500 }\ncaps = { court_list = \"D\", serious")),
              UnorderedElementsAre("rating.toml: rating_model.models.enterprise.levels.D: is "
                                   "required"));
}

TEST(RatingModelTest, FactorDefinitionsAreChecked) {
  // Linear decay of a kind without publicity window needs its own window.
  EXPECT_THAT(Problems(Edited("value = \"broken\"\ndecay = \"linear\"\nwindow_months = 36",
                              "value = \"broken\"\ndecay = \"linear\"")),
              UnorderedElementsAre("rating.toml: rating_model.factor.commitment.broken."
                                   "window_months: linear decay needs window_months: records of "
                                   "kind \"commitment\" have no publicity end"));
  // Two factors for the same records.
  EXPECT_THAT(Problems(Edited("value = \"kept\"", "value = \"broken\"")),
              UnorderedElementsAre("rating.toml: rating_model.factor.commitment.kept: another "
                                   "factor already matches these records of \"commitment\""));
  // A kind is matched one way only.
  EXPECT_THAT(Problems(Edited("field = \"status\"\nvalue = \"kept\"", "tier = \"minor\"")),
              ::testing::Contains(HasSubstr("tier: record kind \"commitment\" has no tiers")));
  EXPECT_THAT(
      Problems(Edited("kind = \"admin_penalty\"\ntier = \"minor\"", "kind = \"admin_penalty\"")),
      ::testing::Contains(
          "rating.toml: rating_model.factor.admin_penalty.general: matches records of "
          "\"admin_penalty\" differently from \"admin_penalty.minor\": all factors of a kind "
          "match on the same tier or field"));
  EXPECT_THAT(Problems(Edited("key = \"honour\"\nkind = \"honour\"",
                              "key = \"honours\"\nkind = \"honor\"")),
              ::testing::Contains("rating.toml: rating_model.factor.honours.kind: unknown record "
                                  "kind \"honor\""));
  EXPECT_THAT(Problems(Edited("key = \"honour\"\nkind = \"honour\"",
                              "key = \"praise\"\nkind = \"honour\"")),
              ::testing::Contains("rating.toml: rating_model.factor.praise.key: must be "
                                  "\"honour\" or start with \"honour.\""));
  EXPECT_THAT(Problems(Edited("feature = \"file.industry\"", "feature = \"file.size\"")),
              ::testing::Contains(HasSubstr("rating_model.factor.file.industry.feature: unknown "
                                            "feature \"file.size\"")));
  EXPECT_THAT(Problems(Edited("key = \"tax_credit_grade.D\"\nkind = \"tax_credit_grade\"\nfield = "
                              "\"grade\"\nvalue = \"D\"\nwindow_months = 24\nlatest_only = true",
                              "key = \"tax_credit_grade.D\"\nkind = \"tax_credit_grade\"\nfield = "
                              "\"grade\"\nvalue = \"D\"\nwindow_months = 24\nlatest_only = false")),
              ::testing::Contains(HasSubstr("tax_credit_grade.D.latest_only: differs from "
                                            "\"tax_credit_grade.A\"")));
}

TEST(RatingModelTest, CapsAndTheirUseAreChecked) {
  EXPECT_THAT(Problems(Edited("serious_penalty_12_months = \"C\"",
                              "serious_penalty_12_months = "
                              "\"E\"")),
              UnorderedElementsAre("rating.toml: rating_model.models.enterprise.caps."
                                   "serious_penalty_12_months: must be a level: \"A+\", \"A\", "
                                   "\"B\", \"C\" or \"D\""));
  // The person model does not score serious penalties, so it cannot use the rule on them.
  EXPECT_THAT(Problems(Edited("caps = { court_list = \"D\" }",
                              "caps = { court_list = \"D\", serious_penalty_12_months = \"C\" }")),
              UnorderedElementsAre("rating.toml: rating_model.models.person.caps."
                                   "serious_penalty_12_months: needs factor "
                                   "\"admin_penalty.serious\", which this model does not score"));
  EXPECT_THAT(Problems(Edited("on_list = [\"serious_dishonesty*\"]", "")),
              UnorderedElementsAre("rating.toml: rating_model.cap.serious_dishonesty_list: needs "
                                   "on_list or factors (one of them)"));
  EXPECT_THAT(Problems(Edited("text = { zh = \"失信被执行人，{level}级\"",
                              "text = { zh = \"失信被执行人，{level级\"")),
              ::testing::Contains(HasSubstr("rating_model.cap.court_list.text.zh: unbalanced "
                                            "brace")));
}

TEST(RatingModelTest, ASubjectKindBelongsToOneModel) {
  EXPECT_THAT(Problems(Edited("subject_kinds = [\"person\"]",
                              "subject_kinds = [\"person\", \"enterprise\"]")),
              ::testing::Contains("rating.toml: rating_model.models.person.subject_kinds: "
                                  "\"enterprise\" is already rated by model \"enterprise\""));
}

TEST(RatingModelTest, ListRulesMustNameListsOfTheListsPolicy) {
  EXPECT_THAT(Problems(Edited("\"key_support*\"", "\"key_supports*\"")),
              UnorderedElementsAre("rating.toml: rating_model.a_plus.on_list: \"key_supports*\" "
                                   "matches no list of the lists policy"));
  EXPECT_THAT(Problems(Edited("value = \"kept\"\nwindow_months = 36",
                              "value = \"kept\"\nwindow_months = 36\nwhile_listed = true")),
              UnorderedElementsAre("rating.toml: rating_model.factor.commitment.kept.while_listed: "
                                   "no list of the lists policy is fed by records of kind "
                                   "\"commitment\": they would never count"));
}

TEST(RatingModelTest, ReportsTheFileThatSetsTheEntry) {
  // The models may live in a file of their own.
  std::string rating(testing::kTestRatingPolicy);
  size_t models = rating.find("[rating_model.models.enterprise]");
  std::string factors = rating.substr(0, models);
  std::string model_file = Edited("\"honour\" = 100", "\"honor\" = 100", rating.substr(models));
  EXPECT_THAT(Problems(factors, {{"rating_models.toml", model_file}}),
              UnorderedElementsAre("rating_models.toml: rating_model.models.enterprise.points."
                                   "\"honor\": unknown factor"));
}

}  // namespace
}  // namespace credence::rating
