// Dates, timestamps and the injected clock.
//
// A Date is a civil calendar day (proleptic Gregorian) stored as days since 1970-01-01. A
// Timestamp is microseconds since the Unix epoch, UTC, written as RFC 3339. "Today" for the
// platform is the calendar day in Asia/Shanghai (UTC+8, no daylight saving), which is what
// decision dates, publicity periods and deadlines count in.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace credence {

class Date {
 public:
  constexpr Date() = default;
  static constexpr Date FromDays(int32_t days_since_epoch) { return Date(days_since_epoch); }
  // Returns nullopt for impossible dates (2023-02-29, month 13, ...).
  static std::optional<Date> FromCivil(int year, int month, int day);
  // Parses exactly "YYYY-MM-DD".
  static Result<Date> Parse(std::string_view text);

  constexpr int32_t days() const { return days_; }
  int year() const;
  int month() const;
  int day() const;
  // 0 = Monday ... 6 = Sunday.
  int weekday() const;
  std::string ToString() const;  // "YYYY-MM-DD"

  Date AddDays(int32_t n) const { return Date(days_ + n); }
  // Same day n months later; clamps to the month's last day (2024-02-29 + 12 months = 2025-02-28).
  Date AddMonths(int32_t n) const;
  Date AddYears(int32_t n) const { return AddMonths(12 * n); }

  friend constexpr auto operator<=>(Date, Date) = default;

 private:
  explicit constexpr Date(int32_t days) : days_(days) {}
  int32_t days_ = 0;
};

class Timestamp {
 public:
  constexpr Timestamp() = default;
  static constexpr Timestamp FromMicros(int64_t micros) { return Timestamp(micros); }
  static constexpr Timestamp FromSeconds(int64_t seconds) { return Timestamp(seconds * 1000000); }
  // Parses RFC 3339 ("2026-11-22T00:00:00Z", "2026-11-22T08:00:00+08:00", fractional seconds).
  static Result<Timestamp> Parse(std::string_view text);
  // Midnight at the start of the given day in Asia/Shanghai.
  static Timestamp StartOfDayShanghai(Date date);

  constexpr int64_t micros() const { return micros_; }
  constexpr int64_t seconds() const { return micros_ / 1000000; }
  // RFC 3339 in UTC with second precision: "2026-11-22T00:00:00Z".
  std::string ToString() const;
  // The calendar day in Asia/Shanghai at this instant.
  Date ShanghaiDate() const;

  friend constexpr auto operator<=>(Timestamp, Timestamp) = default;

 private:
  explicit constexpr Timestamp(int64_t micros) : micros_(micros) {}
  int64_t micros_ = 0;
};

// The source of "now". Every rule that depends on time takes a Clock (or a time) as a parameter.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
  Date Today() const { return Now().ShanghaiDate(); }
};

class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
};

// A clock that says what it is told; for tests and for "--at DATE" runs.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(Timestamp now) : now_(now) {}
  Timestamp Now() const override { return now_; }
  void Set(Timestamp now) { now_ = now; }

 private:
  Timestamp now_;
};

}  // namespace credence
