#include "common/time.h"

#include <chrono>

#include <fmt/format.h>

namespace credence {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days.
constexpr int32_t DaysFromCivil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int32_t>(doe) - 719468;
}

struct Civil {
  int year;
  unsigned month;
  unsigned day;
};

constexpr Civil CivilFromDays(int32_t z) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

constexpr bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr unsigned DaysInMonth(int y, unsigned m) {
  constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kShanghaiOffsetSeconds = 8 * 3600;

bool ParseDigits(std::string_view text, size_t pos, size_t count, int* out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

}  // namespace

std::optional<Date> Date::FromCivil(int year, int month, int day) {
  if (month < 1 || month > 12 || day < 1) return std::nullopt;
  if (static_cast<unsigned>(day) > DaysInMonth(year, static_cast<unsigned>(month))) {
    return std::nullopt;
  }
  return Date(DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)));
}

Result<Date> Date::Parse(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !ParseDigits(text, 0, 4, &y) ||
      !ParseDigits(text, 5, 2, &m) || !ParseDigits(text, 8, 2, &d)) {
    return Fail(Error::InvalidArgument(
        "date_format", fmt::format("'{}' is not a date of the form YYYY-MM-DD", text)));
  }
  auto date = FromCivil(y, m, d);
  if (!date) {
    return Fail(
        Error::InvalidArgument("date_invalid", fmt::format("'{}' is not a real date", text)));
  }
  return *date;
}

int Date::year() const { return CivilFromDays(days_).year; }
int Date::month() const { return static_cast<int>(CivilFromDays(days_).month); }
int Date::day() const { return static_cast<int>(CivilFromDays(days_).day); }

int Date::weekday() const {
  // 1970-01-01 was a Thursday (3 when Monday is 0).
  int w = (days_ + 3) % 7;
  return w < 0 ? w + 7 : w;
}

std::string Date::ToString() const {
  Civil c = CivilFromDays(days_);
  return fmt::format("{:04}-{:02}-{:02}", c.year, c.month, c.day);
}

Date Date::AddMonths(int32_t n) const {
  Civil c = CivilFromDays(days_);
  int total = c.year * 12 + static_cast<int>(c.month) - 1 + n;
  int year = total >= 0 ? total / 12 : (total - 11) / 12;
  unsigned month = static_cast<unsigned>(total - year * 12) + 1;
  unsigned day = std::min(c.day, DaysInMonth(year, month));
  return Date(DaysFromCivil(year, month, day));
}

Result<Timestamp> Timestamp::Parse(std::string_view text) {
  auto bad = [&] {
    return Fail(Error::InvalidArgument(
        "time_format", fmt::format("'{}' is not an RFC 3339 time (2026-11-22T08:00:00Z)", text)));
  };
  int hh = 0, mm = 0, ss = 0;
  if (text.size() < 20) return bad();
  auto date = Date::Parse(text.substr(0, 10));
  if (!date) return bad();
  if ((text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':' ||
      text[16] != ':' || !ParseDigits(text, 11, 2, &hh) || !ParseDigits(text, 14, 2, &mm) ||
      !ParseDigits(text, 17, 2, &ss) || hh > 23 || mm > 59 || ss > 60) {
    return bad();
  }
  size_t pos = 19;
  int64_t micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int64_t scale = 100000;
    size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      micros += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return bad();
  }
  int64_t offset = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh = 0, om = 0;
    if (pos + 6 != text.size() || text[pos + 3] != ':' || !ParseDigits(text, pos + 1, 2, &oh) ||
        !ParseDigits(text, pos + 4, 2, &om)) {
      return bad();
    }
    offset = (oh * 3600 + om * 60) * (text[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return bad();
  }
  if (pos != text.size()) return bad();
  int64_t seconds =
      static_cast<int64_t>(date->days()) * kSecondsPerDay + hh * 3600 + mm * 60 + ss - offset;
  return FromMicros(seconds * kMicrosPerSecond + micros);
}

Timestamp Timestamp::StartOfDayShanghai(Date date) {
  return FromSeconds(static_cast<int64_t>(date.days()) * kSecondsPerDay - kShanghaiOffsetSeconds);
}

std::string Timestamp::ToString() const {
  int64_t secs = micros_ >= 0 ? micros_ / kMicrosPerSecond
                              : -((-micros_ + kMicrosPerSecond - 1) / kMicrosPerSecond);
  int64_t days =
      secs >= 0 ? secs / kSecondsPerDay : -((-secs + kSecondsPerDay - 1) / kSecondsPerDay);
  int64_t rem = secs - days * kSecondsPerDay;
  Date date = Date::FromDays(static_cast<int32_t>(days));
  return fmt::format("{}T{:02}:{:02}:{:02}Z", date.ToString(), rem / 3600, (rem / 60) % 60,
                     rem % 60);
}

Date Timestamp::ShanghaiDate() const {
  int64_t secs = micros_ / kMicrosPerSecond + kShanghaiOffsetSeconds;
  int64_t days =
      secs >= 0 ? secs / kSecondsPerDay : -((-secs + kSecondsPerDay - 1) / kSecondsPerDay);
  return Date::FromDays(static_cast<int32_t>(days));
}

Timestamp SystemClock::Now() const {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return Timestamp::FromMicros(std::chrono::duration_cast<std::chrono::microseconds>(now).count());
}

}  // namespace credence
