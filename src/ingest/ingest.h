// Department feeds into credit files (FORMATS.md: NDJSON, CSV with the NDJSON field names, and
// the national double-publicity CSV templates with Chinese headers).
//
// A batch is validated row by row and applied all at once: every valid row is applied and every
// invalid row is reported with its line, field and reason, in one store transaction, so that a
// crash leaves the whole batch or none of it. Rows are idempotent by (department, source_ref):
// the same content again is "unchanged", different content a new version ("updated"), and a
// withdrawal marks the record withdrawn. submitted = accepted + updated + unchanged + rejected.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "policy/policy.h"
#include "store/store.h"

namespace credence::ingest {

enum class Format : uint8_t {
  kAuto,  // by content: '{' first → NDJSON, else CSV
  kNdjson,
  kCsv,  // any of the CSV layouts, recognised by the header row
};
std::optional<Format> ParseFormat(std::string_view key);  // "auto", "ndjson", "csv"

struct BatchInput {
  std::string department;   // the submitter (from the token or --department), never the record
  std::string actor;        // for the audit log, e.g. "department:court#token:4", "cli"
  std::string source_name;  // file name, or "http"
  Format format = Format::kAuto;
  std::string_view data;  // the whole feed; may be GB18030, converted (see report warnings)
};

struct RowError {
  int64_t line = 0;     // 1-based line of the input; for CSV the header is line 1
  std::string field;    // feed field name ("subject.code") or "" for the whole row
  std::string code;     // stable reason: "checksum", "length", "json", "required", ...
  std::string message;  // a sentence the department's data officer can act on
};

struct BatchReport {
  int64_t batch_id = 0;
  std::string format;  // "ndjson", "csv", "csv_penalty", "csv_license"
  int64_t submitted = 0;
  int64_t accepted = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  int64_t rejected = 0;
  int64_t flagged = 0;  // accepted rows flagged for review (legacy codes)
  std::vector<RowError> errors;
  std::vector<std::string> warnings;      // e.g. "input was GB18030; converted to UTF-8"
  std::vector<int64_t> touched_subjects;  // subjects whose file changed (not serialised)
  double seconds = 0;
};

// "b-000042"
std::string BatchName(int64_t batch_id);
// Parses "b-000042" or "42".
std::optional<int64_t> ParseBatchName(std::string_view name);
// The batch report JSON of FORMATS.md (plus "format", "flagged", "warnings", "seconds").
std::string BatchReportJson(const BatchReport& report);

// Called as a batch proceeds: rows parsed so far and the total when known.
using ProgressFn = std::function<void(int64_t rows_done, int64_t bytes_done, int64_t bytes_total)>;
// Called after each committed batch (to update the search index, re-rate subjects, ...).
using CommittedFn = std::function<void(const BatchReport& report)>;

class Ingestor {
 public:
  Ingestor(store::Store& store, const policy::Catalog& catalog, const Clock& clock);

  // Validates and applies one batch. Errors returned (rather than reported per row) mean
  // nothing was applied: unknown department, unreadable encoding, empty input, store failure.
  Result<BatchReport> Submit(const BatchInput& input, const ProgressFn& progress = {});

  // Registers an observer; call before the first Submit.
  void OnCommitted(CommittedFn observer);

 private:
  store::Store& store_;
  const policy::Catalog& catalog_;
  const Clock& clock_;
  std::vector<CommittedFn> observers_;
};

}  // namespace credence::ingest
