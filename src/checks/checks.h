// Joint rewards and punishments where departments do business: the measures (policy data, the
// [[measure]] tables of policy/measures.toml), which of them apply to a subject in a business
// scenario, and the closed loop of a credit check: the department is told the measures, reports
// per measure what it did, and checks left without feedback past the policy's deadline show as
// overdue.
//
// A measure rests on a law, administrative regulation or central policy document (DOMAIN.md §2):
// a measure without a legal basis naming its articles is refused at load, so no local measure
// can be added without one. Targets say whom a measure is for:
//   { list = "court_dishonest_debtor" }     an active membership of that list (lists.h)
//   { level = ["C", "D"] }                   the subject's rating level is one of these
//   { record_kind = "admin_penalty", when = [{ field = "tier", values = ["serious"] }] }
//                                            an active record of that kind whose fields satisfy
//                                            every condition, decided within the measure's
//                                            duration when it has one
// A measure applies when one of its targets holds and the scenario is one of its scenarios.
//
// How it is meant to be called:
//   Result<MeasureCatalog> measures = MeasureCatalog::Load(catalog, lists);  // with the policy
//   // per check, with the subject's level, memberships and current records:
//   std::vector<MeasureHit> hits = SelectMeasures(*measures, standing, scenario, today);
//
// Thread safety: a MeasureCatalog is immutable after Load; every function here is pure. Nothing
// here reads a clock or a store: the API layer records checks through store::Store.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "lists/lists.h"
#include "policy/policy.h"
#include "rating/rating.h"
#include "store/store.h"

namespace credence::checks {

// The ten business areas where departments check credit (FORMATS.md "Credit checks").
enum class Scenario : uint8_t {
  kAdministrativeApproval,
  kLawEnforcement,
  kConvenienceServices,
  kPublicResourceTrading,  // government procurement and bidding
  kFinancing,
  kRiskPrevention,
  kIndustrySupervision,
  kSocialGovernance,
  kOtherGovernmentAffairs,
  kGovernmentIntegrity,
};
inline constexpr int kScenarioCount = 10;
std::string_view ScenarioKey(Scenario scenario);  // "administrative_approval", ...
std::optional<Scenario> ParseScenario(std::string_view key);

enum class MeasureKind : uint8_t { kPunishment, kReward };
std::string_view MeasureKindKey(MeasureKind kind);  // "punishment", "reward"

// A condition on a record field, as in lists.h: the field's text equals one of the values.
using Condition = lists::Condition;

struct Target {
  enum class Type : uint8_t { kList, kLevel, kRecordKind };
  Type type = Type::kList;
  std::string list;                   // kList: a list key of the lists policy
  std::vector<rating::Level> levels;  // kLevel
  std::string record_kind;            // kRecordKind: a record kind key of the catalog
  std::vector<Condition> when;        // kRecordKind: all must hold
};

// One legal source of a measure: the document and the articles it rests on.
struct LegalBasis {
  std::string document;               // "《中华人民共和国政府采购法》"
  std::vector<std::string> articles;  // "第二十二条"; at least one
};

struct Measure {
  std::string key;  // stable identifier ([a-z0-9_]), used in checks and feedback
  policy::Text name;
  MeasureKind kind = MeasureKind::kPunishment;
  std::vector<Target> targets;  // any one holding makes the measure apply
  std::vector<LegalBasis> legal_basis;
  // The memoranda of joint rewards and punishments the measure comes from (document names with
  // their numbers where known).
  std::vector<std::string> memoranda;
  std::vector<std::string> departments;  // implementing departments (department keys)
  std::vector<Scenario> scenarios;
  policy::Text action;      // what the checking department must do
  int duration_months = 0;  // 0: while the target holds; else also the reach of record targets
  std::string file;         // the policy file that defined it

  // "《中华人民共和国政府采购法》第二十二条、第七十七条；《…》第…条"
  std::string LegalBasisText() const;
  bool AppliesIn(Scenario scenario) const;
};

struct CheckSettings {
  // A check with measures must have feedback on every measure within this many working days
  // (Monday to Friday) after the check day, else it is overdue. Default: 5.
  int feedback_working_days = 5;
  // The most subjects one batch check may name. Default: 10000.
  int batch_max_subjects = 10000;
};

class MeasureCatalog {
 public:
  // Reads and validates catalog.extension("measure") and ("check_settings") against the catalog
  // (departments, record kinds) and the lists. On failure: InvalidArgument, reason
  // "invalid_policy", one detail per problem naming file, measure and key: "measures.toml:
  // measure.procurement_ban.legal_basis: is required (a measure must rest on a law, regulation
  // or central policy document)" (detail reasons: "missing", "type", "invalid",
  // "unknown_reference", "duplicate", "unknown_key").
  static Result<MeasureCatalog> Load(const policy::Catalog& catalog,
                                     const lists::ListCatalog& lists);

  // In policy order (file order, then position in the file).
  const std::vector<Measure>& measures() const { return measures_; }
  const Measure* Find(std::string_view key) const;
  const CheckSettings& settings() const { return settings_; }
  const std::string& policy_version() const { return policy_version_; }
  // How many distinct memoranda the measures cite.
  size_t MemorandumCount() const;

 private:
  friend class MeasureCatalogBuilder;
  std::vector<Measure> measures_;
  CheckSettings settings_;
  std::string policy_version_;
};

// What a check knows of its subject on the check day.
struct SubjectStanding {
  const store::Subject* subject = nullptr;
  std::optional<rating::Level> level;              // nullopt: the policy rates no such subject
  std::span<const lists::Membership> memberships;  // from lists::DeriveMemberships
  std::span<const store::Record> records;          // current record versions
};

// A measure that applies, with why: "list:court_dishonest_debtor", "level:D", "record:123".
struct MeasureHit {
  const Measure* measure = nullptr;
  std::vector<std::string> grounds;
};

// Every measure that applies to the subject in the scenario on `today`, in policy order. Pure.
std::vector<MeasureHit> SelectMeasures(const MeasureCatalog& measures,
                                       const SubjectStanding& standing, Scenario scenario,
                                       Date today);

// --- feedback --------------------------------------------------------------------------------

enum class FeedbackAction : uint8_t { kApplied, kNotApplied, kExempted };
std::string_view FeedbackActionKey(FeedbackAction action);  // "applied", "not_applied", "exempted"
std::optional<FeedbackAction> ParseFeedbackAction(std::string_view key);

struct FeedbackInput {
  std::string measure;
  std::string action;
  std::string reason;
};

// The feedback rows to store for `inputs` on `check`: each names a measure of the check that has
// no feedback yet, once; not_applied needs a reason (why the department did not apply a measure
// the law requires is what oversight reads). Errors: InvalidArgument (reason "feedback", one
// detail per bad item, field "measures[i].…"), Conflict when a measure already has feedback.
Result<std::vector<store::CheckFeedback>> PrepareFeedback(const store::CreditCheck& check,
                                                          std::span<const FeedbackInput> inputs,
                                                          std::string_view actor, Timestamp at);

// Whether every measure of the check has feedback once `added` is stored too.
bool FeedbackComplete(const store::CreditCheck& check,
                      std::span<const store::CheckFeedback> added = {});

// A check with measures, not fully answered, after its feedback day.
bool IsOverdue(const store::CreditCheck& check, Date today);

// --- statistics ------------------------------------------------------------------------------

enum class StatisticsGroup : uint8_t { kDepartment, kScenario, kCounty };
std::optional<StatisticsGroup> ParseStatisticsGroup(std::string_view key);

struct CheckStatisticsRow {
  std::string key;                // department key, scenario key or county division code
  int64_t checks = 0;             // subjects checked
  int64_t hits = 0;               // checks where at least one measure applied
  int64_t measures = 0;           // measures returned
  int64_t feedback = 0;           // measures with feedback
  int64_t applied = 0;            // ... of which applied
  int64_t not_applied = 0;        // ... not applied
  int64_t exempted = 0;           // ... exempted by law
  int64_t overdue = 0;            // checks overdue on the day asked
  double feedback_rate() const {  // feedback / measures; 1 when no measure was returned
    return measures == 0 ? 1.0 : static_cast<double>(feedback) / static_cast<double>(measures);
  }
};

// Adds up checks by one grouping; rows ordered by key.
class CheckStatistics {
 public:
  CheckStatistics(StatisticsGroup group, Date today) : group_(group), today_(today) {}
  void Add(const store::CreditCheck& check);
  std::vector<CheckStatisticsRow> Rows() const;
  const CheckStatisticsRow& total() const { return total_; }

 private:
  StatisticsGroup group_;
  Date today_;
  std::vector<CheckStatisticsRow> rows_;  // kept sorted by key
  CheckStatisticsRow total_;
};

}  // namespace credence::checks
