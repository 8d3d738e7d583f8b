#include "calendar/calendar.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace credence::calendar {
namespace {

Date D(const char* text) { return *Date::Parse(text); }

std::vector<policy::PolicyFile> DefaultPolicyFiles() {
  std::vector<policy::PolicyFile> files;
  std::vector<std::filesystem::path> paths;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(CREDENCE_SOURCE_DIR) / "policy")) {
    if (entry.path().extension() == ".toml") paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths) {
    std::ifstream in(path);
    files.push_back(
        {path.filename().string(), std::string(std::istreambuf_iterator<char>(in), {})});
  }
  return files;
}

// The default policy with calendar.toml replaced by `calendar_text`.
Result<WorkingCalendar> LoadWith(std::string_view calendar_text) {
  std::vector<policy::PolicyFile> files = DefaultPolicyFiles();
  for (policy::PolicyFile& file : files) {
    if (file.name == "calendar.toml") file.text = std::string(calendar_text);
  }
  Result<policy::Catalog> catalog = policy::ParseCatalog(files);
  if (!catalog) return Fail(catalog.error());
  return WorkingCalendar::Load(*catalog);
}

const WorkingCalendar& Default() {
  static const WorkingCalendar calendar = [] {
    Result<policy::Catalog> catalog = policy::ParseCatalog(DefaultPolicyFiles());
    EXPECT_TRUE(catalog.has_value()) << catalog.error().ToString();
    Result<WorkingCalendar> loaded = WorkingCalendar::Load(*catalog);
    EXPECT_TRUE(loaded.has_value()) << loaded.error().ToString();
    return *loaded;
  }();
  return calendar;
}

TEST(WorkingCalendarTest, WeekendsAreDaysOffAndWeekdaysWorkingDays) {
  const WorkingCalendar& calendar = Default();
  EXPECT_TRUE(calendar.IsWorkingDay(D("2026-11-20")));   // Friday
  EXPECT_FALSE(calendar.IsWorkingDay(D("2026-11-21")));  // Saturday
  EXPECT_FALSE(calendar.IsWorkingDay(D("2026-11-22")));  // Sunday
  EXPECT_EQ(calendar.AddWorkingDays(D("2026-11-20"), 1), D("2026-11-23"));
  EXPECT_EQ(calendar.AddWorkingDays(D("2026-11-21"), 1), D("2026-11-23"));  // filed on Saturday
  EXPECT_EQ(calendar.AddWorkingDays(D("2026-11-20"), 5), D("2026-11-27"));
  EXPECT_EQ(calendar.AddWorkingDays(D("2026-11-20"), 0), D("2026-11-20"));
  EXPECT_EQ(calendar.AddWorkingDays(D("2026-11-20"), -3), D("2026-11-20"));
}

TEST(WorkingCalendarTest, PublicHolidaysAreSkippedAndMakeUpSaturdaysCount) {
  const WorkingCalendar& calendar = Default();
  // National Day 2026: 1-7 October off, Saturday 10 October worked instead.
  EXPECT_FALSE(calendar.IsWorkingDay(D("2026-10-01")));  // Thursday, holiday
  EXPECT_TRUE(calendar.IsWorkingDay(D("2026-10-10")));   // Saturday, make-up day
  EXPECT_TRUE(calendar.IsWorkingDay(D("2026-09-20")));   // Sunday, make-up day
  ASSERT_NE(calendar.HolidayOn(D("2026-10-05")), nullptr);
  EXPECT_EQ(calendar.HolidayOn(D("2026-10-05"))->name.zh, "国庆节");
  EXPECT_EQ(calendar.HolidayOn(D("2026-10-08")), nullptr);
  EXPECT_EQ(calendar.AddWorkingDays(D("2026-09-30"), 1), D("2026-10-08"));
  EXPECT_EQ(calendar.AddWorkingDays(D("2026-09-30"), 3), D("2026-10-10"));
  // Spring Festival 2026: Saturday 14 February worked, 15-23 February off.
  EXPECT_EQ(calendar.AddWorkingDays(D("2026-02-13"), 1), D("2026-02-14"));
  EXPECT_EQ(calendar.AddWorkingDays(D("2026-02-13"), 2), D("2026-02-24"));
  // An objection filed on Friday 18 September 2026 is due 20 working days later: Sunday 20
  // September and Saturday 10 October count, Mid-Autumn and National Day do not.
  EXPECT_EQ(calendar.AddWorkingDays(D("2026-09-18"), 20), D("2026-10-22"));
  EXPECT_EQ(calendar.WorkingDaysBetween(D("2026-09-18"), D("2026-10-22")), 20);
  // Spring Festival 2025 spanned the new year's first weeks.
  EXPECT_EQ(calendar.AddWorkingDays(D("2025-01-24"), 1), D("2025-01-26"));
  EXPECT_EQ(calendar.AddWorkingDays(D("2025-01-26"), 2), D("2025-02-05"));
}

TEST(WorkingCalendarTest, WorkingDaysPerYearMatchThePublishedTotals) {
  const WorkingCalendar& calendar = Default();
  EXPECT_EQ(calendar.WorkingDaysBetween(D("2023-12-31"), D("2024-12-31")), 251);
  EXPECT_EQ(calendar.WorkingDaysBetween(D("2024-12-31"), D("2025-12-31")), 248);
  EXPECT_EQ(calendar.WorkingDaysBetween(D("2025-12-31"), D("2026-12-31")), 248);
  EXPECT_EQ(calendar.WorkingDaysBetween(D("2026-12-31"), D("2026-12-31")), 0);
}

TEST(WorkingCalendarTest, YearsNotListedHaveWeekendsOnly) {
  const WorkingCalendar& calendar = Default();
  EXPECT_TRUE(calendar.Covers(D("2026-12-31")));
  EXPECT_FALSE(calendar.Covers(D("2027-01-01")));
  EXPECT_TRUE(calendar.IsWorkingDay(D("2027-01-01")));  // a Friday; its holiday is not listed yet
  EXPECT_EQ(calendar.AddWorkingDays(D("2026-12-31"), 2), D("2027-01-04"));
  WorkingCalendar weekends = WorkingCalendar::WeekendsOnly();
  EXPECT_TRUE(weekends.IsWorkingDay(D("2026-10-01")));
  EXPECT_FALSE(weekends.IsWorkingDay(D("2026-10-10")));
}

TEST(WorkingCalendarTest, RefusesBadCalendarsNamingFileAndKey) {
  constexpr std::string_view kBad = R"toml(
[working_calendar]
first_year = 2026
last_year = 2026
weekend = ["saturday", "sunday"]

[[holiday]]
name = { zh = "国庆节", en = "National Day" }
from = 2026-10-07
to = 2026-10-01
makeup_working_days = []

[[holiday]]
name = { zh = "劳动节", en = "Labour Day" }
from = 2026-05-01
to = 2026-05-05
makeup_working_days = [2026-05-08, 2026-05-02]

[[holiday]]
name = { zh = "端午节", en = "Dragon Boat Festival" }
from = 2026-05-04
to = 2026-05-06
makeup_working_days = []

[[holiday]]
name = { zh = "元旦", en = "New Year's Day" }
from = 2027-01-01
to = 2027-01-01
)toml";
  Result<WorkingCalendar> calendar = LoadWith(kBad);
  ASSERT_FALSE(calendar.has_value());
  EXPECT_EQ(calendar.error().reason(), "invalid_policy");
  std::string all;
  for (const Error& detail : calendar.error().details()) all += detail.message() + "\n";
  EXPECT_NE(all.find("calendar.toml: holiday[0].to: is before from"), std::string::npos) << all;
  EXPECT_NE(all.find("2026-05-08 (Labour Day) is not a weekend day"), std::string::npos) << all;
  EXPECT_NE(all.find("2026-05-02 (Labour Day) falls inside a holiday"), std::string::npos) << all;
  EXPECT_NE(all.find("Dragon Boat Festival (2026-05-04) overlaps Labour Day"), std::string::npos)
      << all;
  EXPECT_NE(all.find("holiday[3]: 2027-01-01 to 2027-01-01 is outside the listed years"),
            std::string::npos)
      << all;

  Result<WorkingCalendar> missing = LoadWith("");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().details().at(0).message().find("working_calendar: is required"),
            std::string::npos);

  Result<WorkingCalendar> all_week = LoadWith(
      "[working_calendar]\nfirst_year = 2026\nlast_year = 2026\nweekend = [\"monday\", "
      "\"tuesday\", \"wednesday\", \"thursday\", \"friday\", \"saturday\", \"sunday\"]\n");
  ASSERT_FALSE(all_week.has_value());
  EXPECT_NE(all_week.error().details().at(0).message().find("leaves no working day"),
            std::string::npos);
}

}  // namespace
}  // namespace credence::calendar
