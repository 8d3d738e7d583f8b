// Data quality of the department feeds, for the operators' dashboard: how much each
// department sent over a window of days, how much was rejected and why (wrong codes
// separately, DOMAIN.md §5 "duplicate and wrong code rates"), and which departments are late
// with their feeds.
//
// Computed from the stored batches and their reports, never from the records: the cost is the
// window's batches, whatever the size of the city.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "policy/policy.h"
#include "store/store.h"

namespace credence::quality {

// policy/quality.toml, [data_quality]: how often each department is expected to send a feed.
struct QualitySettings {
  int expected_feed_days = 7;                              // default for every department
  std::map<std::string, int, std::less<>> per_department;  // overrides by department key

  int ExpectedFeedDays(std::string_view department) const;
};

// Reads [data_quality] from the catalog's extension tables (defaults when absent); errors name
// the file, the key and the reason.
Result<QualitySettings> LoadQualitySettings(const policy::Catalog& catalog);

struct ReasonCount {
  std::string code;  // the batch report's error code: "checksum", "required", ...
  int64_t rows = 0;
};

struct DepartmentQuality {
  std::string department;  // key
  policy::Text name;       // empty for a key the catalog no longer has
  int64_t batches = 0;
  int64_t submitted = 0;
  int64_t accepted = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  int64_t rejected = 0;
  int64_t code_errors = 0;                 // rejected rows whose subject code was wrong
  std::vector<ReasonCount> reasons;        // most rows first
  std::optional<Timestamp> last_batch_at;  // over all time, not only the window
  std::optional<int> days_since_last_batch;
  int expected_feed_days = 0;
  bool late = false;  // no batch for longer than expected (or never)
};

struct DayVolume {
  Date day;  // calendar day in Shanghai
  std::string department;
  int64_t submitted = 0;
  int64_t rejected = 0;
};

struct QualityReport {
  Date from;  // first day of the window
  Date to;    // today
  int days = 0;
  int64_t batches = 0;
  int64_t submitted = 0;
  int64_t rejected = 0;
  int64_t code_errors = 0;
  std::vector<DepartmentQuality> departments;  // every catalog department, catalog order,
                                               // then keys only seen in batches
  std::vector<DayVolume> daily;                // by day, then department; only non-empty days
  std::vector<ReasonCount> reasons;            // over all departments, most rows first
};

// The report for the `days` calendar days ending today (1 ≤ days ≤ 366, else InvalidArgument).
Result<QualityReport> Assess(store::Store& store, const policy::Catalog& catalog,
                             const QualitySettings& settings, Timestamp now, int days);

}  // namespace credence::quality
