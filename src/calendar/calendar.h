// Working days in Asia/Shanghai: the weekly days off, the State Council's public holidays and the
// weekend days worked instead (调休上班), as policy data (policy/calendar.toml, the
// [working_calendar] table and [[holiday]] periods). Due-process deadlines (DOMAIN.md §3: an
// objection verified within 20 working days, a restoration answered within 10, decided within 3)
// count in these days.
//
// A day is a working day when it is a make-up working day, or when it is neither a weekend day
// nor inside a holiday period. Years outside first_year..last_year have no holidays listed: only
// weekends are days off there (Covers says whether a day's year is listed, so that a caller can
// warn).
//
// Immutable after Load; safe to share between threads.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "policy/policy.h"

namespace credence::calendar {

struct Holiday {
  policy::Text name;
  Date from;  // first day off
  Date to;    // last day off, inclusive
  std::vector<Date> makeup_working_days;
};

class WorkingCalendar {
 public:
  // Reads and validates the calendar from the catalog's extension tables. Every problem is a
  // detail of one InvalidArgument (reason "invalid_policy") naming the file, the key and what is
  // wrong: a missing table or key, a date outside the listed years, to before from, overlapping
  // holidays, a make-up day that is not a weekend day or falls inside a holiday.
  static Result<WorkingCalendar> Load(const policy::Catalog& catalog);

  // A calendar with weekends only and no holidays (for tests of callers and for years not listed).
  static WorkingCalendar WeekendsOnly();

  bool IsWorkingDay(Date day) const;
  // The holiday period containing the day, or nullptr.
  const Holiday* HolidayOn(Date day) const;
  // Whether the day's year is one whose holidays are listed.
  bool Covers(Date day) const;

  // The day that is `working_days` working days after `from`, `from` itself not counted: a
  // deadline of N working days for something filed on `from` (any day, working or not) falls on
  // the N-th working day after it. 0 gives `from`. Negative counts are treated as 0.
  Date AddWorkingDays(Date from, int32_t working_days) const;
  // Working days in (from, to]; 0 when to <= from.
  int32_t WorkingDaysBetween(Date from, Date to) const;

  int first_year() const { return first_year_; }
  int last_year() const { return last_year_; }
  const std::vector<Holiday>& holidays() const { return holidays_; }

 private:
  int first_year_ = 0;
  int last_year_ = -1;
  std::set<int> weekend_;          // Date::weekday values, 0 = Monday
  std::vector<Holiday> holidays_;  // in date order
  std::set<int32_t> days_off_;     // holiday days (Date::days)
  std::set<int32_t> makeup_days_;  // make-up working days
};

}  // namespace credence::calendar
