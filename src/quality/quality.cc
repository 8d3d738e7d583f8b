#include "quality/quality.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "common/json.h"

namespace credence::quality {
namespace {

constexpr std::string_view kTable = "data_quality";

Status Invalid(std::string_view file, std::string_view key, std::string_view reason) {
  return Fail(
      Error::InvalidArgument("policy", fmt::format("{}: {}.{}: {}", file, kTable, key, reason)));
}

Result<int> DaysValue(std::string_view file, std::string_view key, const JsonValue& value) {
  if (value.type() != JsonValue::Type::kInt || value.as_int() < 1 || value.as_int() > 366) {
    return Fail(Invalid(file, key, "must be a whole number of days from 1 to 366").error());
  }
  return static_cast<int>(value.as_int());
}

void SortReasons(std::vector<ReasonCount>& reasons) {
  std::sort(reasons.begin(), reasons.end(), [](const ReasonCount& a, const ReasonCount& b) {
    return a.rows != b.rows ? a.rows > b.rows : a.code < b.code;
  });
}

std::vector<ReasonCount> ToReasons(const std::map<std::string, int64_t>& counts) {
  std::vector<ReasonCount> reasons;
  for (const auto& [code, rows] : counts) reasons.push_back(ReasonCount{code, rows});
  SortReasons(reasons);
  return reasons;
}

// A rejected row's subject code was wrong (length, format, check character, division...), as
// opposed to missing.
bool IsWrongCode(std::string_view field, std::string_view code) {
  return (field == "subject.code" || field.ends_with(".code")) && code != "required";
}

}  // namespace

int QualitySettings::ExpectedFeedDays(std::string_view department) const {
  auto found = per_department.find(department);
  return found != per_department.end() ? found->second : expected_feed_days;
}

Result<QualitySettings> LoadQualitySettings(const policy::Catalog& catalog) {
  QualitySettings settings;
  for (const policy::ExtensionPart& part : catalog.extension_parts(kTable)) {
    if (!part.value.is_object()) return Fail(Invalid(part.file, "", "must be a table").error());
    for (const auto& [key, value] : part.value.as_object()) {
      if (key == "expected_feed_days") {
        CREDENCE_ASSIGN_OR_RETURN(settings.expected_feed_days, DaysValue(part.file, key, value));
      } else if (key == "departments") {
        if (!value.is_object()) {
          return Fail(Invalid(part.file, key, "must be a table of department = days").error());
        }
        for (const auto& [department, days] : value.as_object()) {
          std::string path = "departments." + department;
          if (catalog.FindDepartment(department) == nullptr) {
            return Fail(Invalid(part.file, path, "no such department in the catalog").error());
          }
          CREDENCE_ASSIGN_OR_RETURN(settings.per_department[department],
                                    DaysValue(part.file, path, days));
        }
      } else {
        return Fail(Invalid(part.file, key, "unknown setting").error());
      }
    }
  }
  return settings;
}

Result<QualityReport> Assess(store::Store& store, const policy::Catalog& catalog,
                             const QualitySettings& settings, Timestamp now, int days) {
  if (days < 1 || days > 366) {
    return Fail(Error::InvalidArgument("days", "days must be between 1 and 366"));
  }
  QualityReport report;
  report.days = days;
  report.to = now.ShanghaiDate();
  report.from = report.to.AddDays(1 - days);

  std::map<std::string, DepartmentQuality> by_department;
  std::map<std::string, std::map<std::string, int64_t>> reasons_by_department;
  std::map<std::pair<int32_t, std::string>, DayVolume> daily;
  std::map<std::string, int64_t> all_reasons;

  CREDENCE_RETURN_IF_ERROR(store.ScanBatchesSince(
      Timestamp::StartOfDayShanghai(report.from), [&](const store::Batch& batch) -> Status {
        DepartmentQuality& department = by_department[batch.department];
        ++department.batches;
        department.submitted += batch.submitted;
        department.accepted += batch.accepted;
        department.updated += batch.updated;
        department.unchanged += batch.unchanged;
        department.rejected += batch.rejected;
        Date day = batch.started_at.ShanghaiDate();
        DayVolume& volume = daily[{day.days(), batch.department}];
        volume.day = day;
        volume.department = batch.department;
        volume.submitted += batch.submitted;
        volume.rejected += batch.rejected;
        if (batch.rejected == 0) return OkStatus();
        // The reasons are in the stored report; a report that cannot be read is counted as
        // such rather than failing the dashboard.
        Result<JsonValue> parsed = ParseJson(batch.report_json);
        const JsonValue* errors = parsed ? parsed->Find("errors") : nullptr;
        if (errors == nullptr || !errors->is_array()) {
          reasons_by_department[batch.department]["unreadable_report"] += batch.rejected;
          return OkStatus();
        }
        std::set<int64_t> wrong_code_lines;  // a row counts once, however many errors
        for (const JsonValue& error : errors->as_array()) {
          std::string code(error.GetString("code").value_or("unknown"));
          ++reasons_by_department[batch.department][code];
          const JsonValue* line = error.Find("line");
          if (IsWrongCode(error.GetString("field").value_or(""), code) && line != nullptr &&
              line->is_number()) {
            wrong_code_lines.insert(line->as_int());
          }
        }
        department.code_errors += static_cast<int64_t>(wrong_code_lines.size());
        return OkStatus();
      }));

  CREDENCE_ASSIGN_OR_RETURN(std::vector<store::DepartmentLatestBatch> latest,
                            store.LatestBatchPerDepartment());
  std::map<std::string, Timestamp, std::less<>> latest_by_department;
  for (const store::DepartmentLatestBatch& entry : latest) {
    latest_by_department[entry.department] = entry.started_at;
  }

  auto finish = [&](DepartmentQuality department) {
    department.reasons = ToReasons(reasons_by_department[department.department]);
    department.expected_feed_days = settings.ExpectedFeedDays(department.department);
    if (auto found = latest_by_department.find(department.department);
        found != latest_by_department.end()) {
      department.last_batch_at = found->second;
      department.days_since_last_batch = report.to.days() - found->second.ShanghaiDate().days();
    }
    department.late = !department.days_since_last_batch ||
                      *department.days_since_last_batch > department.expected_feed_days;
    report.batches += department.batches;
    report.submitted += department.submitted;
    report.rejected += department.rejected;
    report.code_errors += department.code_errors;
    report.departments.push_back(std::move(department));
  };
  for (const policy::Department& known : catalog.departments()) {
    DepartmentQuality department;
    if (auto found = by_department.find(known.key); found != by_department.end()) {
      department = std::move(found->second);
      by_department.erase(found);
    }
    department.department = known.key;
    department.name = known.name;
    finish(std::move(department));
  }
  for (auto& [key, department] : by_department) {  // keys the catalog no longer has
    department.department = key;
    finish(std::move(department));
  }
  for (const auto& [department, counts] : reasons_by_department) {
    for (const auto& [code, rows] : counts) all_reasons[code] += rows;
  }
  report.reasons = ToReasons(all_reasons);
  for (auto& [key, volume] : daily) report.daily.push_back(std::move(volume));
  return report;
}

}  // namespace credence::quality
