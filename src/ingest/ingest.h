// Department feeds into credit files (FORMATS.md: NDJSON, CSV with the NDJSON field names, and
// the national double-publicity CSV templates with Chinese headers).
//
// Batch semantics. A batch is validated row by row and applied all at once:
//  - every row is validated on its own; an invalid row is rejected and reported (line, field,
//    code, message) and never half-applied; every valid row is applied;
//  - everything a batch writes (subjects, record versions, the batch row, audit entries) goes
//    into ONE store transaction, so a crash (even kill -9) mid-batch leaves the whole batch or
//    none of it; an error returned by Submit means nothing was applied;
//  - rows are idempotent by (department, source_ref): the same content again is "unchanged"
//    (whatever happened to the record since: a credit restoration or an expiry stands), different
//    content a new version of the record ("updated"; a restored record stays restored, any other
//    is active again), a withdrawal marks the record withdrawn ("updated"; again: "unchanged"),
//    and the same content as a withdrawn record puts it back in force ("updated");
//  - a source_ref may appear once per batch: the first row carrying it claims it (even if that
//    row is rejected for another reason) and later ones are rejected as "duplicate";
//  - submitted = accepted + updated + unchanged + rejected, always: Submit checks this before
//    committing and fails with Internal (applying nothing) if it ever does not hold;
//  - every rejected row appears exactly once in errors, with the most fundamental of its
//    problems (a row with several problems is reported by the first one found), so that
//    errors.size() == rejected.
//
// Input. The whole batch as bytes (Format::kAuto: NDJSON when the first non-blank character is
// '{' or '[', CSV otherwise): a UTF-8 byte-order mark is stripped; input that is not UTF-8
// is read as GB18030 (GBK) when it decodes as such, with a warning in the report, and refused
// otherwise (reason "encoding", naming the byte offset). Blank lines are skipped and not counted.
// Line numbers are 1-based physical lines; a CSV record spanning several lines (a quoted field
// with line breaks) is reported at the line where it starts; the CSV header is line 1.
//
// CSV layouts, recognised by the header row (report.format):
//  - "csv": the NDJSON field names, nested ones dotted (subject.code, authority.name,
//    extra.<anything>); empty cells are absent fields;
//  - "csv_penalty": the national administrative penalty template (行政处罚, Chinese headers);
//    kind admin_penalty, 罚款金额（万元）× 10000 = amount_yuan, the tier derived from 处罚类别;
//  - "csv_license": the national administrative licence template (行政许可); kind admin_license.
// In the templates source_ref is the 数据来源单位记录号 column when present and filled, else the
// decision document number; dates may be YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD.
//
// What a valid row becomes. The record's payload is the canonical JSON (ToCanonicalJson) of the
// row without its action: unknown fields and extra are kept verbatim; equal payloads mean
// "unchanged". The publicity window comes from the catalog (penalty category and the kind's
// published-only field values included); legal_basis defaults to the kind's. A subject not yet
// known is created provisional from the row (code, name, kind, region = the division code inside
// the identifier); a registration record confirms its subject (registered, name, registered_on,
// industry, legal representative; deregistered when extra.status says 注销/吊销). Every record
// version written and the batch itself are appended to the audit log.
//
// Large batches are processed in chunks of rows (parsed and validated in parallel, applied in
// line order), so memory stays bounded by the chunk size plus about a hundred bytes per row (the
// within-batch duplicate check) and one entry per rejected row.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/metrics.h"
#include "common/result.h"
#include "common/time.h"
#include "policy/policy.h"
#include "store/store.h"

namespace credence::ingest {

enum class Format : uint8_t {
  kAuto,  // by content: '{' or '[' first → NDJSON, else CSV
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

// Row error codes (RowError::code), stable for departments' tooling:
//   json            the NDJSON line is not valid JSON, or not an object
//   columns         a CSV record has more or fewer fields than the header
//   csv             a CSV record has an unterminated quoted field
//   required        a required field is missing or empty
//   type            a field has the wrong JSON type (e.g. a number where text is expected)
//   too_long        source_ref over 128 or subject.name over 200 characters
//   format          source_ref contains control characters
//   action          action is neither "upsert" nor "withdraw"
//   unknown_kind    kind is not a record kind of the policy
//   not_allowed     the department may not submit this kind
//   length, format, checksum, org_code, division, region, date
//                   subject.code fails the identifier check (ids::FailureName)
//   subject_kind    subject.kind unknown, inconsistent with the code, or the record kind does
//                   not apply to it
//   date            a date field is not a real YYYY-MM-DD date
//   future_date     decided_at after today (Asia/Shanghai)
//   too_old         decided_at before the policy's min_year (default 1949)
//   date_order      valid_until before decided_at (or before valid_from)
//   tier            missing or unknown tier for a tiered kind
//   amount          amount_yuan not a non-negative number
//   grade, year     tax_credit_grade: grade not A/B/M/C/D, year not a 4-digit past year
//   commitment_type, commitment_status
//                   commitment: type not approval/voluntary/industry/restoration, status not
//                   pending/kept/broken
//   duplicate       the source_ref already appeared earlier in the same batch
//   not_found       withdrawal of a source_ref this department never submitted
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
  int64_t flagged = 0;                // accepted or updated rows flagged for review (legacy codes)
  std::vector<RowError> errors;       // in line order, one per rejected row
  std::vector<std::string> warnings;  // e.g. "input was GB18030 (GBK); converted to UTF-8"
  std::vector<int64_t> touched_subjects;  // subjects whose file changed, ascending (not serialised)
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
// Called after each committed batch (to update the search index, re-rate subjects, ...), on the
// submitting thread, once the batch's write transaction is gone: an observer may write.
using CommittedFn = std::function<void(const BatchReport& report)>;

// How a batch is processed; the defaults suit production. Results never depend on these.
struct IngestTuning {
  int threads = 0;            // parse/validate threads; 0: min(2, hardware threads)
  int64_t chunk_rows = 4096;  // rows validated and applied together
};

// Submit may be called from several threads at once: each batch is its own write transaction
// and the store runs one at a time. OnCommitted, SetMetrics and SetTuning must be called before
// the first Submit; observers may then be called from any thread that submits.
class Ingestor {
 public:
  Ingestor(store::Store& store, const policy::Catalog& catalog, const Clock& clock);

  // Validates and applies one batch. Errors returned (rather than reported per row) mean
  // nothing was applied: unknown department (reason "unknown_department"), unreadable encoding
  // ("encoding"), empty input ("empty"), a CSV header of no known layout ("csv_header"), store
  // failure.
  Result<BatchReport> Submit(const BatchInput& input, const ProgressFn& progress = {});

  // Registers an observer; call before the first Submit.
  void OnCommitted(CommittedFn observer);

  // Counts rows (ingest_rows_total{outcome="accepted|updated|unchanged|rejected"}) and committed
  // batches (ingest_batches_total) into metrics, which must outlive the Ingestor. Call before
  // the first Submit; nullptr turns counting off.
  void SetMetrics(MetricsRegistry* metrics);

  void SetTuning(const IngestTuning& tuning) { tuning_ = tuning; }

  // For tests: wraps each batch's write transaction, e.g. to make the store fail mid-batch.
  using TxnWrapper =
      std::function<std::unique_ptr<store::WriteTxn>(std::unique_ptr<store::WriteTxn>)>;
  void WrapTransactionsForTesting(TxnWrapper wrapper) { wrap_txn_ = std::move(wrapper); }

 private:
  store::Store& store_;
  const policy::Catalog& catalog_;
  const Clock& clock_;
  std::vector<CommittedFn> observers_;
  IngestTuning tuning_;
  TxnWrapper wrap_txn_;
  // Owned by the registry given to SetMetrics; null when not counting.
  Counter* rows_accepted_ = nullptr;
  Counter* rows_updated_ = nullptr;
  Counter* rows_unchanged_ = nullptr;
  Counter* rows_rejected_ = nullptr;
  Counter* batches_ = nullptr;
};

}  // namespace credence::ingest
