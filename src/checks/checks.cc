// Which measures apply to a subject, the feedback rules of the closed loop, and statistics.
#include "checks/checks.h"

#include <fmt/format.h>

#include <algorithm>

namespace credence::checks {
namespace {

// The text of a record field, as lists.h reads it: a string, or a number as written; looked up
// at the top of the payload, then inside "extra".
std::optional<std::string> FieldText(const JsonValue& payload, std::string_view field) {
  const JsonValue* value = payload.FindPath(field);
  if (value == nullptr) {
    if (const JsonValue* extra = payload.Find("extra")) value = extra->FindPath(field);
  }
  if (value == nullptr) return std::nullopt;
  if (value->is_string()) {
    std::string_view text = value->as_string();
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    return std::string(text);
  }
  if (value->type() == JsonValue::Type::kInt) return std::to_string(value->as_int());
  if (value->type() == JsonValue::Type::kBool) return value->as_bool() ? "true" : "false";
  return std::nullopt;
}

bool SatisfiesAll(const store::Record& record, const std::vector<Condition>& when) {
  if (when.empty()) return true;
  Result<JsonValue> payload = ParseJson(record.payload);
  if (!payload) return false;
  for (const Condition& condition : when) {
    std::optional<std::string> text = FieldText(*payload, condition.field);
    if (!text || std::find(condition.values.begin(), condition.values.end(), *text) ==
                     condition.values.end()) {
      return false;
    }
  }
  return true;
}

// A record counts for a record-kind target while it is in force on `today`: active, decided,
// within its publicity period and, for a measure with a duration, decided within it.
bool RecordInForce(const store::Record& record, const Measure& measure, Date today) {
  if (record.status != store::RecordStatus::kActive || today < record.decided_at) return false;
  if (record.publicity_max_end && !(today < *record.publicity_max_end)) return false;
  if (measure.duration_months > 0 &&
      !(today < record.decided_at.AddMonths(measure.duration_months))) {
    return false;
  }
  return true;
}

void AddGrounds(const Measure& measure, const Target& target, const SubjectStanding& standing,
                Date today, std::vector<std::string>& grounds) {
  switch (target.type) {
    case Target::Type::kList:
      for (const lists::Membership& membership : standing.memberships) {
        if (membership.active && membership.list != nullptr &&
            membership.list->key == target.list) {
          grounds.push_back("list:" + target.list);
          return;
        }
      }
      return;
    case Target::Type::kLevel:
      if (standing.level && std::find(target.levels.begin(), target.levels.end(),
                                      *standing.level) != target.levels.end()) {
        grounds.push_back(fmt::format("level:{}", rating::LevelKey(*standing.level)));
      }
      return;
    case Target::Type::kRecordKind:
      for (const store::Record& record : standing.records) {
        if (record.kind != target.record_kind) continue;
        if (standing.subject != nullptr && record.subject_id != standing.subject->id) continue;
        if (!RecordInForce(record, measure, today) || !SatisfiesAll(record, target.when)) continue;
        grounds.push_back(fmt::format("record:{}", record.id));
      }
      return;
  }
}

}  // namespace

std::vector<MeasureHit> SelectMeasures(const MeasureCatalog& measures,
                                       const SubjectStanding& standing, Scenario scenario,
                                       Date today) {
  std::vector<MeasureHit> hits;
  for (const Measure& measure : measures.measures()) {
    if (!measure.AppliesIn(scenario)) continue;
    std::vector<std::string> grounds;
    for (const Target& target : measure.targets) {
      AddGrounds(measure, target, standing, today, grounds);
    }
    if (grounds.empty()) continue;
    std::sort(grounds.begin(), grounds.end());
    grounds.erase(std::unique(grounds.begin(), grounds.end()), grounds.end());
    hits.push_back(MeasureHit{&measure, std::move(grounds)});
  }
  return hits;
}

// --- feedback --------------------------------------------------------------------------------

std::string_view FeedbackActionKey(FeedbackAction action) {
  switch (action) {
    case FeedbackAction::kApplied: return "applied";
    case FeedbackAction::kNotApplied: return "not_applied";
    case FeedbackAction::kExempted: return "exempted";
  }
  return "applied";
}

std::optional<FeedbackAction> ParseFeedbackAction(std::string_view key) {
  for (FeedbackAction action :
       {FeedbackAction::kApplied, FeedbackAction::kNotApplied, FeedbackAction::kExempted}) {
    if (FeedbackActionKey(action) == key) return action;
  }
  return std::nullopt;
}

Result<std::vector<store::CheckFeedback>> PrepareFeedback(const store::CreditCheck& check,
                                                          std::span<const FeedbackInput> inputs,
                                                          std::string_view actor, Timestamp at) {
  Error invalid = Error::InvalidArgument("feedback", "the feedback has problems");
  std::vector<store::CheckFeedback> rows;
  std::vector<std::string> already;
  if (inputs.empty()) {
    return Fail(Error::InvalidArgument("feedback", "give feedback on at least one measure")
                    .At(0, "measures"));
  }
  auto problem = [&](size_t i, std::string_view field, std::string message) {
    invalid.AddDetail(Error::InvalidArgument("feedback", std::move(message))
                          .At(0, fmt::format("measures[{}].{}", i, field)));
  };
  for (size_t i = 0; i < inputs.size(); ++i) {
    const FeedbackInput& input = inputs[i];
    if (std::find(check.measures.begin(), check.measures.end(), input.measure) ==
        check.measures.end()) {
      problem(i, "key",
              fmt::format("\"{}\" is not a measure of check {}", input.measure, check.id));
      continue;
    }
    if (std::any_of(rows.begin(), rows.end(), [&](const store::CheckFeedback& row) {
          return row.measure == input.measure;
        })) {
      problem(i, "key", fmt::format("\"{}\" is given twice", input.measure));
      continue;
    }
    std::optional<FeedbackAction> action = ParseFeedbackAction(input.action);
    if (!action) {
      problem(i, "action",
              fmt::format("\"{}\" is not one of applied, not_applied, exempted", input.action));
      continue;
    }
    std::string_view reason = input.reason;
    while (!reason.empty() && (reason.front() == ' ' || reason.back() == ' ')) {
      reason = reason.front() == ' ' ? reason.substr(1) : reason.substr(0, reason.size() - 1);
    }
    if (*action == FeedbackAction::kNotApplied && reason.empty()) {
      problem(i, "reason", "a measure not applied needs the reason why");
      continue;
    }
    if (reason.size() > 2000) {
      problem(i, "reason", "must be at most 2000 bytes");
      continue;
    }
    if (std::any_of(
            check.feedback.begin(), check.feedback.end(),
            [&](const store::CheckFeedback& given) { return given.measure == input.measure; })) {
      already.push_back(input.measure);
      continue;
    }
    rows.push_back(store::CheckFeedback{check.id, input.measure,
                                        std::string(FeedbackActionKey(*action)),
                                        std::string(reason), std::string(actor), at});
  }
  if (!invalid.details().empty()) return Fail(std::move(invalid));
  if (!already.empty()) {
    return Fail(Error::Conflict(
        "feedback_given",
        fmt::format("measure {} of check {} already has feedback", already.front(), check.id)));
  }
  return rows;
}

bool FeedbackComplete(const store::CreditCheck& check,
                      std::span<const store::CheckFeedback> added) {
  for (const std::string& measure : check.measures) {
    auto names = [&](const store::CheckFeedback& row) { return row.measure == measure; };
    if (std::none_of(check.feedback.begin(), check.feedback.end(), names) &&
        std::none_of(added.begin(), added.end(), names)) {
      return false;
    }
  }
  return true;
}

bool IsOverdue(const store::CreditCheck& check, Date today) {
  return !check.measures.empty() && !check.answered_at && check.feedback_due < today &&
         !FeedbackComplete(check);
}

// --- statistics ------------------------------------------------------------------------------

std::optional<StatisticsGroup> ParseStatisticsGroup(std::string_view key) {
  if (key == "department") return StatisticsGroup::kDepartment;
  if (key == "scenario") return StatisticsGroup::kScenario;
  if (key == "county") return StatisticsGroup::kCounty;
  return std::nullopt;
}

void CheckStatistics::Add(const store::CreditCheck& check) {
  const std::string& key = group_ == StatisticsGroup::kDepartment ? check.department
                           : group_ == StatisticsGroup::kScenario ? check.scenario
                                                                  : check.region;
  auto at = std::lower_bound(
      rows_.begin(), rows_.end(), key,
      [](const CheckStatisticsRow& row, const std::string& k) { return row.key < k; });
  if (at == rows_.end() || at->key != key) at = rows_.insert(at, CheckStatisticsRow{key});
  for (CheckStatisticsRow* row : {&*at, &total_}) {
    row->checks += 1;
    row->hits += check.measures.empty() ? 0 : 1;
    row->measures += static_cast<int64_t>(check.measures.size());
    row->feedback += static_cast<int64_t>(check.feedback.size());
    for (const store::CheckFeedback& feedback : check.feedback) {
      std::optional<FeedbackAction> action = ParseFeedbackAction(feedback.action);
      if (action == FeedbackAction::kApplied) row->applied += 1;
      if (action == FeedbackAction::kNotApplied) row->not_applied += 1;
      if (action == FeedbackAction::kExempted) row->exempted += 1;
    }
    row->overdue += IsOverdue(check, today_) ? 1 : 0;
  }
}

std::vector<CheckStatisticsRow> CheckStatistics::Rows() const { return rows_; }

}  // namespace credence::checks
