#include "calendar/calendar.h"

#include <algorithm>
#include <array>
#include <string_view>

#include <fmt/format.h>

namespace credence::calendar {
namespace {

constexpr std::array<std::string_view, 7> kWeekdayNames = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

// Collects every problem found, each naming the file and the key.
class Problems {
 public:
  void Add(std::string_view file, std::string_view path, std::string_view what) {
    errors_.push_back(
        Error::InvalidArgument("invalid_policy", fmt::format("{}: {}: {}", file, path, what)));
  }
  bool empty() const { return errors_.empty(); }
  Error ToError() && {
    Error error = Error::InvalidArgument(
        "invalid_policy", fmt::format("working calendar: {} problem{}", errors_.size(),
                                      errors_.size() == 1 ? "" : "s"));
    for (Error& detail : errors_) error.AddDetail(std::move(detail));
    return error;
  }

 private:
  std::vector<Error> errors_;
};

std::optional<Date> ReadDate(const JsonValue& table, std::string_view key, std::string_view file,
                             const std::string& path, Problems& problems) {
  const JsonValue* value = table.Find(key);
  std::string where = fmt::format("{}.{}", path, key);
  if (value == nullptr) {
    problems.Add(file, where, "is required");
    return std::nullopt;
  }
  if (!value->is_string()) {
    problems.Add(file, where, "must be a date (YYYY-MM-DD)");
    return std::nullopt;
  }
  Result<Date> date = Date::Parse(value->as_string());
  if (!date) {
    problems.Add(file, where, fmt::format("\"{}\" is not a date", value->as_string()));
    return std::nullopt;
  }
  return *date;
}

std::optional<int> ReadYear(const JsonValue& table, std::string_view key, std::string_view file,
                            Problems& problems) {
  const JsonValue* value = table.Find(key);
  std::string where = fmt::format("working_calendar.{}", key);
  if (value == nullptr) {
    problems.Add(file, where, "is required");
    return std::nullopt;
  }
  if (value->type() != JsonValue::Type::kInt || value->as_int() < 1949 || value->as_int() > 9999) {
    problems.Add(file, where, "must be a year (an integer from 1949)");
    return std::nullopt;
  }
  return static_cast<int>(value->as_int());
}

std::string ReadText(const JsonValue& table, std::string_view lang, std::string_view file,
                     const std::string& path, Problems& problems) {
  const JsonValue* name = table.Find("name");
  std::optional<std::string_view> text = name ? name->GetString(lang) : std::nullopt;
  if (!text || text->empty()) {
    problems.Add(file, fmt::format("{}.name.{}", path, lang), "is required");
    return "";
  }
  return std::string(*text);
}

}  // namespace

Result<WorkingCalendar> WorkingCalendar::Load(const policy::Catalog& catalog) {
  Problems problems;
  WorkingCalendar result;
  std::span<const policy::ExtensionPart> settings = catalog.extension_parts("working_calendar");
  if (settings.empty()) {
    problems.Add("calendar.toml", "working_calendar", "is required (the working-day calendar)");
    return Fail(std::move(problems).ToError());
  }
  const policy::ExtensionPart& part = settings.front();
  std::optional<int> first = ReadYear(part.value, "first_year", part.file, problems);
  std::optional<int> last = ReadYear(part.value, "last_year", part.file, problems);
  if (first && last && *last < *first) {
    problems.Add(part.file, "working_calendar.last_year", "is before first_year");
  }
  result.first_year_ = first.value_or(0);
  result.last_year_ = last.value_or(-1);
  const JsonValue* weekend = part.value.Find("weekend");
  if (weekend == nullptr || !weekend->is_array()) {
    problems.Add(part.file, "working_calendar.weekend", "must be a list of weekday names");
  } else {
    for (const JsonValue& name : weekend->as_array()) {
      auto found = name.is_string() ? std::find(kWeekdayNames.begin(), kWeekdayNames.end(),
                                                std::string_view(name.as_string()))
                                    : kWeekdayNames.end();
      if (found == kWeekdayNames.end()) {
        problems.Add(part.file, "working_calendar.weekend",
                     "must name weekdays in English (\"saturday\", \"sunday\")");
        continue;
      }
      result.weekend_.insert(static_cast<int>(found - kWeekdayNames.begin()));
    }
    if (result.weekend_.size() == kWeekdayNames.size()) {
      problems.Add(part.file, "working_calendar.weekend", "leaves no working day in the week");
    }
  }

  auto in_listed_years = [&](Date day) {
    return day.year() >= result.first_year_ && day.year() <= result.last_year_;
  };
  for (const policy::ExtensionPart& holidays : catalog.extension_parts("holiday")) {
    if (!holidays.value.is_array()) {
      problems.Add(holidays.file, "holiday", "must be an array of tables ([[holiday]])");
      continue;
    }
    int index = 0;
    for (const JsonValue& table : holidays.value.as_array()) {
      std::string path = fmt::format("holiday[{}]", index++);
      Holiday holiday;
      holiday.name.zh = ReadText(table, "zh", holidays.file, path, problems);
      holiday.name.en = ReadText(table, "en", holidays.file, path, problems);
      std::optional<Date> from = ReadDate(table, "from", holidays.file, path, problems);
      std::optional<Date> to = ReadDate(table, "to", holidays.file, path, problems);
      if (!from || !to) continue;
      if (*to < *from) {
        problems.Add(holidays.file, path + ".to", "is before from");
        continue;
      }
      if (!in_listed_years(*from) || !in_listed_years(*to)) {
        problems.Add(holidays.file, path,
                     fmt::format("{} to {} is outside the listed years {}-{}", from->ToString(),
                                 to->ToString(), result.first_year_, result.last_year_));
        continue;
      }
      holiday.from = *from;
      holiday.to = *to;
      const JsonValue* makeup = table.Find("makeup_working_days");
      if (makeup != nullptr && !makeup->is_array()) {
        problems.Add(holidays.file, path + ".makeup_working_days", "must be a list of dates");
      } else if (makeup != nullptr) {
        for (const JsonValue& value : makeup->as_array()) {
          Result<Date> day = value.is_string() ? Date::Parse(value.as_string())
                                               : Fail(Error::InvalidArgument("type", ""));
          if (!day) {
            problems.Add(holidays.file, path + ".makeup_working_days", "must be a list of dates");
            break;
          }
          holiday.makeup_working_days.push_back(*day);
        }
      }
      result.holidays_.push_back(std::move(holiday));
    }
  }

  std::sort(result.holidays_.begin(), result.holidays_.end(),
            [](const Holiday& a, const Holiday& b) { return a.from < b.from; });
  for (size_t i = 0; i < result.holidays_.size(); ++i) {
    const Holiday& holiday = result.holidays_[i];
    if (i > 0 && holiday.from <= result.holidays_[i - 1].to) {
      problems.Add(
          "calendar.toml", "holiday",
          fmt::format("{} ({}) overlaps {} ({})", holiday.name.en, holiday.from.ToString(),
                      result.holidays_[i - 1].name.en, result.holidays_[i - 1].from.ToString()));
    }
    for (Date day = holiday.from; day <= holiday.to; day = day.AddDays(1)) {
      result.days_off_.insert(day.days());
    }
  }
  for (const Holiday& holiday : result.holidays_) {
    for (Date day : holiday.makeup_working_days) {
      if (!result.weekend_.contains(day.weekday())) {
        problems.Add("calendar.toml", "holiday.makeup_working_days",
                     fmt::format("{} ({}) is not a weekend day", day.ToString(), holiday.name.en));
      } else if (result.days_off_.contains(day.days())) {
        problems.Add(
            "calendar.toml", "holiday.makeup_working_days",
            fmt::format("{} ({}) falls inside a holiday", day.ToString(), holiday.name.en));
      }
      result.makeup_days_.insert(day.days());
    }
  }
  if (!problems.empty()) return Fail(std::move(problems).ToError());
  return result;
}

WorkingCalendar WorkingCalendar::WeekendsOnly() {
  WorkingCalendar calendar;
  calendar.weekend_ = {5, 6};
  return calendar;
}

bool WorkingCalendar::IsWorkingDay(Date day) const {
  if (makeup_days_.contains(day.days())) return true;
  if (weekend_.contains(day.weekday())) return false;
  return !days_off_.contains(day.days());
}

const Holiday* WorkingCalendar::HolidayOn(Date day) const {
  auto after = std::upper_bound(holidays_.begin(), holidays_.end(), day,
                                [](Date value, const Holiday& h) { return value < h.from; });
  if (after == holidays_.begin()) return nullptr;
  const Holiday& candidate = *(after - 1);
  return day <= candidate.to ? &candidate : nullptr;
}

bool WorkingCalendar::Covers(Date day) const {
  return day.year() >= first_year_ && day.year() <= last_year_;
}

Date WorkingCalendar::AddWorkingDays(Date from, int32_t working_days) const {
  Date day = from;
  // Load refuses a weekend of seven days and the holidays are finite, so the loop ends.
  for (int32_t counted = 0; counted < working_days;) {
    day = day.AddDays(1);
    if (IsWorkingDay(day)) ++counted;
  }
  return day;
}

int32_t WorkingCalendar::WorkingDaysBetween(Date from, Date to) const {
  int32_t count = 0;
  for (Date day = from.AddDays(1); day <= to; day = day.AddDays(1)) {
    if (IsWorkingDay(day)) ++count;
  }
  return count;
}

}  // namespace credence::calendar
