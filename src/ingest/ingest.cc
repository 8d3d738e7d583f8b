#include "ingest/ingest.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <system_error>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "audit/audit.h"
#include "common/hash.h"
#include "common/json.h"
#include "common/log.h"
#include "ingest/csv_internal.h"
#include "ingest/layout_internal.h"
#include "ingest/validate_internal.h"
#include "text/text.h"

namespace credence::ingest {
namespace {

using internal::CsvLayout;
using internal::PreparedRow;
using internal::RawRow;
using internal::RowAction;

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
// Rows a thread takes from a chunk at a time: large enough to make the shared counter cheap,
// small enough to share the tail of a chunk evenly.
constexpr size_t kRowsPerClaim = 64;
// The first chunk is prepared before anything else can happen, so it is small; chunks then
// double up to the tuned size, so that preparing the next chunk on a helper thread takes about
// as long as applying the current one (a large second chunk would keep the writer waiting).
constexpr int64_t kFirstChunkRows = 1024;

// The input as UTF-8 text.
struct DecodedInput {
  std::string converted;  // owns the text when it had to be converted
  std::string_view text;
  std::vector<std::string> warnings;
};

// Offset of the first byte that breaks UTF-8, for the message about an unreadable input.
size_t FirstInvalidUtf8Offset(std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    auto byte = static_cast<unsigned char>(bytes[i]);
    size_t length = byte < 0x80           ? 1
                    : (byte >> 5) == 0x6  ? 2
                    : (byte >> 4) == 0xE  ? 3
                    : (byte >> 3) == 0x1E ? 4
                                          : 0;
    if (length == 0 || i + length > bytes.size()) return i;
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(bytes[i + k]) & 0xC0) != 0x80) return i;
    }
    i += length;
  }
  return bytes.size();
}

Result<DecodedInput> Decode(std::string_view data) {
  DecodedInput input;
  if (data.starts_with(kUtf8Bom)) data.remove_prefix(kUtf8Bom.size());
  if (text::IsValidUtf8(data)) {
    input.text = data;
  } else {
    Result<std::string> converted = text::Gb18030ToUtf8(data);
    if (!converted) {
      return Fail(Error::InvalidArgument(
          "encoding",
          fmt::format("the input is neither UTF-8 (invalid byte at offset {}) nor GB18030 ({}); "
                      "save the file as UTF-8",
                      FirstInvalidUtf8Offset(data), converted.error().message())));
    }
    input.converted = std::move(*converted);
    input.text = input.converted;
    if (input.text.starts_with(kUtf8Bom)) input.text.remove_prefix(kUtf8Bom.size());
    input.warnings.push_back("input was GB18030 (GBK); converted to UTF-8");
  }
  if (internal::TrimSpace(input.text).empty()) {
    return Fail(Error::InvalidArgument("empty", "the batch is empty: no rows were submitted"));
  }
  return input;
}

// A CSV header never starts with a JSON bracket, so a feed whose first line is a broken JSON
// array or object is still read as NDJSON and reported line by line.
bool LooksLikeNdjson(std::string_view text) {
  std::string_view trimmed = internal::TrimSpace(text);
  return !trimmed.empty() && (trimmed.front() == '{' || trimmed.front() == '[');
}

// Yields the rows of the input, NDJSON lines or CSV records (after the header).
class RowSource {
 public:
  RowSource(std::string_view text, bool csv) : csv_(csv), lines_(text), records_(text) {}
  bool Next(RawRow* row) { return csv_ ? records_.Next(row) : lines_.Next(row); }
  size_t offset() const { return csv_ ? records_.offset() : lines_.offset(); }

 private:
  bool csv_;
  internal::LineSplitter lines_;
  internal::CsvRecordSplitter records_;
};

// Turns raw rows into prepared rows: parse (JSON or CSV layout), then validate.
class RowPreparer {
 public:
  RowPreparer(const internal::RowValidator& validator, const CsvLayout* layout)
      : validator_(validator), layout_(layout) {}

  void Prepare(const RawRow& raw, PreparedRow* row) const {
    row->line = raw.line;
    if (layout_ == nullptr) {
      Result<JsonValue> feed = ParseJson(raw.text);
      if (!feed) {
        internal::RejectRow(row, "", "json", fmt::format("the line is {}", feed.error().message()));
        return;
      }
      validator_.Prepare(std::move(*feed), row);
      return;
    }
    thread_local std::vector<std::string> fields;
    if (!internal::SplitCsvFields(raw.text, &fields)) {
      internal::RejectRow(row, "", "csv",
                          "a quoted field is not terminated: the closing \" is missing, so the "
                          "rest of the file was read as part of this record");
      return;
    }
    Result<JsonValue> feed = internal::CsvRecordToFeed(*layout_, fields);
    if (!feed) {
      internal::RejectRow(row, "", feed.error().reason(), feed.error().message());
      return;
    }
    validator_.Prepare(std::move(*feed), row);
    if (row->action == RowAction::kRejected) {
      // Name the template column too: the data officer sees the Chinese headers.
      std::string_view column = layout_->ColumnFor(row->error.field);
      if (!column.empty()) row->error.message += fmt::format(" (column {})", column);
    }
  }

 private:
  const internal::RowValidator& validator_;
  const CsvLayout* layout_;
};

// One chunk of raw rows being prepared. Any number of threads may call Work() at once; each
// claims blocks of rows and writes only their slots, so the result is in input order whatever
// the number of threads.
class ChunkJob {
 public:
  ChunkJob(const RowPreparer& preparer, std::vector<RawRow> raw)
      : preparer_(preparer), raw_(std::move(raw)), rows_(raw_.size()) {}

  void Work() {
    while (true) {
      size_t begin = next_.fetch_add(kRowsPerClaim, std::memory_order_relaxed);
      if (begin >= raw_.size()) return;
      size_t end = std::min(raw_.size(), begin + kRowsPerClaim);
      for (size_t i = begin; i < end; ++i) preparer_.Prepare(raw_[i], &rows_[i]);
    }
  }

  // Stops handing out rows (the chunk will not be used).
  void Cancel() { next_.store(raw_.size(), std::memory_order_relaxed); }

  // The prepared rows, once every thread that called Work() has returned.
  std::vector<PreparedRow> TakeRows() { return std::move(rows_); }
  bool empty() const { return raw_.empty(); }

 private:
  const RowPreparer& preparer_;
  std::vector<RawRow> raw_;
  std::vector<PreparedRow> rows_;
  std::atomic<size_t> next_{0};
};

// Runs job.Work() on `helpers` extra threads until Join(); the caller may call Work() too.
class Helpers {
 public:
  Helpers(ChunkJob& job, int helpers) {
    try {
      for (int i = 0; i < helpers; ++i) threads_.emplace_back([&job] { job.Work(); });
    } catch (const std::system_error&) {
      // No thread to be had: the calling thread's own Work() prepares the rest.
    }
  }
  void Join() { threads_.clear(); }  // std::jthread joins on destruction

 private:
  std::vector<std::jthread> threads_;
};

// What happens to a valid row once the store's current state is known.
enum class Outcome : uint8_t { kRejected, kInsert, kRevise, kWithdraw, kUnchanged };

// A subject the rows of a chunk are about.
struct SubjectSlot {
  store::Subject subject;
  bool exists = false;  // already in the store
  bool is_new = false;  // created by this chunk
  bool dirty = false;   // an existing subject changed by this chunk
};

// Applies prepared rows to the store within one write transaction, chunk after chunk, and keeps
// the counts, errors and the state that spans chunks (source references seen, subjects touched).
class BatchWriter {
 public:
  BatchWriter(store::Store& store, store::WriteTxn& txn, std::string department, std::string actor,
              Timestamp now, BatchReport* report)
      : store_(store),
        txn_(txn),
        department_(std::move(department)),
        actor_(std::move(actor)),
        now_(now),
        report_(*report) {}

  Status Apply(std::vector<PreparedRow>& rows);
  // Checks the counts, logs the batch commit, stores the report and commits.
  Status Finish(store::Batch& batch, double seconds);

 private:
  void MarkDuplicates(std::vector<PreparedRow>& rows);
  Status Classify(std::vector<PreparedRow>& rows, std::vector<Outcome>& outcomes,
                  std::vector<std::optional<store::RecordHead>>& heads);
  Status ResolveSubjects(std::vector<PreparedRow>& rows, const std::vector<Outcome>& outcomes,
                         std::vector<int64_t>& subject_ids);
  void Count(std::vector<PreparedRow>& rows, const std::vector<Outcome>& outcomes);
  Result<std::optional<store::Record>> CurrentRecord(int64_t id);

  store::Store& store_;
  store::WriteTxn& txn_;
  std::string department_;
  std::string actor_;
  Timestamp now_;
  BatchReport& report_;
  // source_ref → the line that first carried it, over the whole batch.
  std::unordered_map<std::string, int64_t> first_line_of_ref_;
  std::vector<int64_t> touched_;
};

void BatchWriter::MarkDuplicates(std::vector<PreparedRow>& rows) {
  for (PreparedRow& row : rows) {
    if (!row.has_source_ref) continue;
    auto [it, inserted] = first_line_of_ref_.try_emplace(row.source_ref, row.line);
    if (!inserted) {
      internal::RejectRow(&row, "source_ref", "duplicate",
                          fmt::format("source_ref '{}' already appears on line {} of this "
                                      "batch; each record may appear once per batch",
                                      row.source_ref, it->second));
    }
  }
}

Status BatchWriter::Classify(std::vector<PreparedRow>& rows, std::vector<Outcome>& outcomes,
                             std::vector<std::optional<store::RecordHead>>& heads) {
  std::vector<std::string> refs;
  std::vector<size_t> ref_rows;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].action == RowAction::kRejected) continue;
    // Lent to the lookup and given back below: no copy per row.
    refs.push_back(std::move(rows[i].source_ref));
    ref_rows.push_back(i);
  }
  outcomes.assign(rows.size(), Outcome::kRejected);
  heads.assign(rows.size(), std::nullopt);
  if (refs.empty()) return OkStatus();
  Result<std::vector<std::optional<store::RecordHead>>> lookup =
      txn_.FindRecordsByRef(department_, refs);
  for (size_t k = 0; k < ref_rows.size(); ++k) rows[ref_rows[k]].source_ref = std::move(refs[k]);
  if (!lookup) return Fail(std::move(lookup).error());
  std::vector<std::optional<store::RecordHead>>& found = *lookup;
  if (found.size() != refs.size()) {
    return Fail(Error::Internal("the store answered a record lookup with the wrong count"));
  }
  for (size_t k = 0; k < ref_rows.size(); ++k) {
    size_t i = ref_rows[k];
    PreparedRow& row = rows[i];
    const std::optional<store::RecordHead>& head = found[k];
    if (row.action == RowAction::kUpsert) {
      if (!head) {
        outcomes[i] = Outcome::kInsert;
      } else if (head->content_hash == row.record.content_hash &&
                 head->status != store::RecordStatus::kWithdrawn) {
        // The same record again: whatever happened to it since (restoration, expiry) stands.
        outcomes[i] = Outcome::kUnchanged;
      } else {
        outcomes[i] = Outcome::kRevise;
      }
    } else {
      if (!head) {
        internal::RejectRow(&row, "source_ref", "not_found",
                            fmt::format("there is no record '{}' of department {} to withdraw",
                                        row.source_ref, department_));
      } else if (head->status == store::RecordStatus::kWithdrawn) {
        outcomes[i] = Outcome::kUnchanged;
      } else {
        outcomes[i] = Outcome::kWithdraw;
      }
    }
    heads[i] = head;
  }
  return OkStatus();
}

Status BatchWriter::ResolveSubjects(std::vector<PreparedRow>& rows,
                                    const std::vector<Outcome>& outcomes,
                                    std::vector<int64_t>& subject_ids) {
  subject_ids.assign(rows.size(), 0);
  std::vector<std::string> codes;
  std::unordered_map<std::string_view, size_t> slot_of_code;
  std::vector<size_t> slot_of_row(rows.size(), 0);
  for (size_t i = 0; i < rows.size(); ++i) {
    if (outcomes[i] != Outcome::kInsert && outcomes[i] != Outcome::kRevise) continue;
    auto [it, inserted] = slot_of_code.try_emplace(rows[i].subject.code, codes.size());
    if (inserted) codes.push_back(rows[i].subject.code);
    slot_of_row[i] = it->second;
  }
  if (codes.empty()) return OkStatus();
  CREDENCE_ASSIGN_OR_RETURN(std::vector<std::optional<store::Subject>> found,
                            txn_.FindSubjects(codes));
  if (found.size() != codes.size()) {
    return Fail(Error::Internal("the store answered a subject lookup with the wrong count"));
  }
  std::vector<SubjectSlot> slots(codes.size());
  for (size_t s = 0; s < codes.size(); ++s) {
    if (found[s]) {
      slots[s].subject = std::move(*found[s]);
      slots[s].exists = true;
    }
  }

  // In line order, so that the last registration of a subject in the batch wins.
  for (size_t i = 0; i < rows.size(); ++i) {
    if (outcomes[i] != Outcome::kInsert && outcomes[i] != Outcome::kRevise) continue;
    const internal::SubjectDraft& draft = rows[i].subject;
    SubjectSlot& slot = slots[slot_of_row[i]];
    store::Subject& subject = slot.subject;
    if (!slot.exists && !slot.is_new) {
      // Unknown subject: a provisional one from the record's identity fields.
      subject.code = draft.code;
      subject.code_kind = draft.code_kind;
      subject.name = draft.name;
      subject.name_norm = draft.name_norm;
      subject.kind = draft.kind;
      subject.region = draft.region;
      subject.status = store::SubjectStatus::kProvisional;
      subject.code_flagged = draft.code_flagged;
      subject.created_at = now_;
      subject.updated_at = now_;
      slot.is_new = true;
    }
    if (rows[i].is_registration) {
      const internal::RegistrationDraft& registration = rows[i].registration;
      subject.status = registration.deregistered ? store::SubjectStatus::kDeregistered
                                                 : store::SubjectStatus::kRegistered;
      subject.name = draft.name;
      subject.name_norm = draft.name_norm;
      subject.kind = draft.kind;
      if (registration.registered_on) subject.registered_on = registration.registered_on;
      if (!registration.industry.empty()) subject.industry = registration.industry;
      if (!registration.legal_representative.empty()) {
        subject.legal_representative = registration.legal_representative;
      }
      subject.updated_at = now_;
      if (slot.exists) slot.dirty = true;
    }
    if (draft.code_flagged && !subject.code_flagged) {
      subject.code_flagged = true;
      subject.updated_at = now_;
      if (slot.exists) slot.dirty = true;
    }
  }

  for (SubjectSlot& slot : slots) {
    if (slot.is_new) {
      CREDENCE_RETURN_IF_ERROR(txn_.InsertSubject(slot.subject));
      touched_.push_back(slot.subject.id);
    } else if (slot.dirty) {
      CREDENCE_RETURN_IF_ERROR(txn_.UpdateSubject(slot.subject));
      touched_.push_back(slot.subject.id);
    }
  }
  for (size_t i = 0; i < rows.size(); ++i) {
    if (outcomes[i] != Outcome::kInsert && outcomes[i] != Outcome::kRevise) continue;
    subject_ids[i] = slots[slot_of_row[i]].subject.id;
  }
  return OkStatus();
}

Result<std::optional<store::Record>> BatchWriter::CurrentRecord(int64_t id) {
  Result<std::optional<store::Record>> current = txn_.GetRecord(id);
  if (current || current.error().code() != ErrorCode::kUnavailable) return current;
  // A transaction that cannot read: the committed version is the current one, since a
  // source_ref appears once per batch and so cannot have changed in this batch.
  return store_.GetRecord(id);
}

Status BatchWriter::Apply(std::vector<PreparedRow>& rows) {
  MarkDuplicates(rows);
  std::vector<Outcome> outcomes;
  std::vector<std::optional<store::RecordHead>> heads;
  CREDENCE_RETURN_IF_ERROR(Classify(rows, outcomes, heads));
  std::vector<int64_t> subject_ids;
  CREDENCE_RETURN_IF_ERROR(ResolveSubjects(rows, outcomes, subject_ids));

  // New records, in one call.
  std::vector<store::Record> inserts;
  std::vector<size_t> insert_rows;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (outcomes[i] != Outcome::kInsert) continue;
    store::Record& record = rows[i].record;
    record.subject_id = subject_ids[i];
    record.batch_id = report_.batch_id;
    record.version = 1;
    record.created_at = now_;
    record.updated_at = now_;
    inserts.push_back(std::move(record));
    insert_rows.push_back(i);
  }
  if (!inserts.empty()) CREDENCE_RETURN_IF_ERROR(txn_.InsertRecords(inserts));

  // Audit events in line order: (row index, event).
  std::vector<audit::Event> events;
  std::vector<std::pair<size_t, audit::Event>> pending;
  // The digest of an active version was computed while preparing the row, off this thread.
  auto event_for = [&](std::string_view action, const store::Record& record,
                       const Sha256Digest* active_digest) {
    audit::Event event;
    event.actor = actor_;
    event.action = std::string(action);
    event.object = "record:" + std::to_string(record.id) + "@" + std::to_string(record.version);
    event.digest = record.status == store::RecordStatus::kActive && active_digest != nullptr
                       ? *active_digest
                       : Sha256Concat({record.payload, store::RecordStatusKey(record.status)});
    return event;
  };
  for (size_t k = 0; k < inserts.size(); ++k) {
    pending.emplace_back(insert_rows[k],
                         event_for("record.insert", inserts[k], &rows[insert_rows[k]].digest));
    touched_.push_back(inserts[k].subject_id);
  }
  inserts.clear();
  inserts.shrink_to_fit();

  for (size_t i = 0; i < rows.size(); ++i) {
    if (outcomes[i] == Outcome::kRevise) {
      const store::RecordHead& head = *heads[i];
      store::Record& record = rows[i].record;
      record.id = head.id;
      record.subject_id = subject_ids[i];
      record.batch_id = report_.batch_id;
      record.version = head.version + 1;
      // A correction does not undo a credit restoration; anything else is in force again.
      record.status = head.status == store::RecordStatus::kRestored ? store::RecordStatus::kRestored
                                                                    : store::RecordStatus::kActive;
      record.created_at = now_;
      record.updated_at = now_;
      CREDENCE_RETURN_IF_ERROR(txn_.ReviseRecord(record));
      pending.emplace_back(i, event_for("record.revise", record, &rows[i].digest));
      touched_.push_back(record.subject_id);
      if (head.subject_id != record.subject_id) touched_.push_back(head.subject_id);
    } else if (outcomes[i] == Outcome::kWithdraw) {
      const store::RecordHead& head = *heads[i];
      // The current version's content stays; only its status changes. Withdrawals are rare, so
      // a point read per row is fine.
      CREDENCE_ASSIGN_OR_RETURN(std::optional<store::Record> current, CurrentRecord(head.id));
      if (!current) {
        return Fail(
            Error::Internal(fmt::format("record {} vanished during a withdrawal", head.id)));
      }
      store::Record& record = *current;
      record.version = head.version + 1;
      record.status = store::RecordStatus::kWithdrawn;
      record.status_reason = rows[i].withdraw_reason;
      record.batch_id = report_.batch_id;
      record.updated_at = now_;
      CREDENCE_RETURN_IF_ERROR(txn_.ReviseRecord(record));
      pending.emplace_back(i, event_for("record.withdraw", record, nullptr));
      touched_.push_back(record.subject_id);
    }
  }
  std::stable_sort(pending.begin(), pending.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  events.reserve(pending.size());
  for (auto& [row_index, event] : pending) events.push_back(std::move(event));
  if (!events.empty()) CREDENCE_RETURN_IF_ERROR(audit::Append(txn_, now_, events));

  Count(rows, outcomes);
  return OkStatus();
}

void BatchWriter::Count(std::vector<PreparedRow>& rows, const std::vector<Outcome>& outcomes) {
  for (size_t i = 0; i < rows.size(); ++i) {
    ++report_.submitted;
    switch (outcomes[i]) {
      case Outcome::kInsert:
        ++report_.accepted;
        if (rows[i].subject.code_flagged) ++report_.flagged;
        break;
      case Outcome::kRevise:
        ++report_.updated;
        if (rows[i].subject.code_flagged) ++report_.flagged;
        break;
      case Outcome::kWithdraw: ++report_.updated; break;
      case Outcome::kUnchanged: ++report_.unchanged; break;
      case Outcome::kRejected:
        ++report_.rejected;
        report_.errors.push_back(std::move(rows[i].error));
        break;
    }
  }
}

Status BatchWriter::Finish(store::Batch& batch, double seconds) {
  std::sort(touched_.begin(), touched_.end());
  touched_.erase(std::unique(touched_.begin(), touched_.end()), touched_.end());
  report_.touched_subjects = std::move(touched_);

  // The counts must reconcile; if they ever do not, nothing is applied.
  if (report_.submitted !=
          report_.accepted + report_.updated + report_.unchanged + report_.rejected ||
      static_cast<int64_t>(report_.errors.size()) != report_.rejected) {
    return Fail(Error::Internal(fmt::format(
        "batch counts do not reconcile (submitted {}, accepted {}, updated {}, unchanged {}, "
        "rejected {}, errors {}); nothing was applied",
        report_.submitted, report_.accepted, report_.updated, report_.unchanged, report_.rejected,
        report_.errors.size())));
  }
  report_.seconds = seconds;
  batch.finished_at = now_;
  batch.submitted = report_.submitted;
  batch.accepted = report_.accepted;
  batch.updated = report_.updated;
  batch.unchanged = report_.unchanged;
  batch.rejected = report_.rejected;
  batch.report_json = BatchReportJson(report_);

  audit::Event commit;
  commit.actor = actor_;
  commit.action = "batch.commit";
  commit.object = fmt::format("batch:{}", batch.id);
  commit.digest = Sha256(batch.report_json);
  CREDENCE_RETURN_IF_ERROR(audit::Append(txn_, now_, std::span<const audit::Event>(&commit, 1)));
  CREDENCE_RETURN_IF_ERROR(txn_.UpdateBatch(batch));
  return txn_.Commit();
}

// Reads up to max_rows raw rows.
std::vector<RawRow> ReadChunk(RowSource& source, int64_t max_rows) {
  std::vector<RawRow> chunk;
  chunk.reserve(static_cast<size_t>(std::min<int64_t>(max_rows, 1 << 16)));
  RawRow row;
  while (static_cast<int64_t>(chunk.size()) < max_rows && source.Next(&row)) {
    chunk.push_back(row);
  }
  return chunk;
}

}  // namespace

Ingestor::Ingestor(store::Store& store, const policy::Catalog& catalog, const Clock& clock)
    : store_(store), catalog_(catalog), clock_(clock) {}

void Ingestor::OnCommitted(CommittedFn observer) { observers_.push_back(std::move(observer)); }

void Ingestor::SetMetrics(MetricsRegistry* metrics) {
  if (metrics == nullptr) {
    rows_accepted_ = rows_updated_ = rows_unchanged_ = rows_rejected_ = batches_ = nullptr;
    return;
  }
  constexpr std::string_view kRowsHelp = "Feed rows ingested, by outcome";
  rows_accepted_ = &metrics->GetCounter("ingest_rows_total", kRowsHelp, R"(outcome="accepted")");
  rows_updated_ = &metrics->GetCounter("ingest_rows_total", kRowsHelp, R"(outcome="updated")");
  rows_unchanged_ = &metrics->GetCounter("ingest_rows_total", kRowsHelp, R"(outcome="unchanged")");
  rows_rejected_ = &metrics->GetCounter("ingest_rows_total", kRowsHelp, R"(outcome="rejected")");
  batches_ = &metrics->GetCounter("ingest_batches_total", "Feed batches committed");
}

Result<BatchReport> Ingestor::Submit(const BatchInput& input, const ProgressFn& progress) {
  const auto started = std::chrono::steady_clock::now();
  if (catalog_.FindDepartment(input.department) == nullptr) {
    return Fail(Error::InvalidArgument(
        "unknown_department",
        fmt::format("department '{}' is not in the policy catalog", input.department)));
  }
  CREDENCE_ASSIGN_OR_RETURN(DecodedInput decoded, Decode(input.data));

  BatchReport report;
  report.warnings = std::move(decoded.warnings);
  bool csv = input.format == Format::kCsv ||
             (input.format == Format::kAuto && !LooksLikeNdjson(decoded.text));
  RowSource source(decoded.text, csv);
  std::optional<CsvLayout> layout;
  if (csv) {
    RawRow header;
    std::vector<std::string> header_fields;
    if (!source.Next(&header) || !internal::SplitCsvFields(header.text, &header_fields)) {
      return Fail(Error::InvalidArgument("csv_header", "the CSV header row cannot be read"));
    }
    CREDENCE_ASSIGN_OR_RETURN(layout, internal::RecognizeCsvHeader(header_fields));
    report.format = layout->format;
    for (std::string& warning : layout->warnings) report.warnings.push_back(warning);
  } else {
    report.format = "ndjson";
  }

  const Timestamp now = clock_.Now();
  const std::string actor =
      input.actor.empty() ? fmt::format("department:{}", input.department) : input.actor;
  internal::RowValidator validator(catalog_, input.department, now.ShanghaiDate());
  RowPreparer preparer(validator, layout ? &*layout : nullptr);
  int threads = tuning_.threads > 0
                    ? tuning_.threads
                    : static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 2u));
  int64_t chunk_rows = std::max<int64_t>(1, tuning_.chunk_rows);

  CREDENCE_ASSIGN_OR_RETURN(std::unique_ptr<store::WriteTxn> txn, store_.BeginWrite());
  if (wrap_txn_) txn = wrap_txn_(std::move(txn));
  store::Batch batch;
  batch.department = input.department;
  batch.actor = actor;
  batch.format = report.format;
  batch.source_name = input.source_name;
  batch.started_at = now;
  batch.finished_at = now;
  CREDENCE_RETURN_IF_ERROR(txn->InsertBatch(batch));
  report.batch_id = batch.id;

  BatchWriter writer(store_, *txn, input.department, actor, now, &report);
  // Pipeline: while the calling thread applies one chunk to the store, helper threads prepare
  // (parse and validate) the next one; once the chunk is applied the calling thread helps.
  const int helpers = threads - 1;
  std::vector<PreparedRow> current;
  {
    ChunkJob first(preparer, ReadChunk(source, std::min(chunk_rows, kFirstChunkRows)));
    Helpers running(first, helpers);
    first.Work();
    running.Join();
    current = first.TakeRows();
  }
  int64_t next_chunk_rows = std::min(chunk_rows, kFirstChunkRows);
  while (!current.empty()) {
    next_chunk_rows = std::min(chunk_rows, next_chunk_rows * 2);
    ChunkJob next(preparer, ReadChunk(source, next_chunk_rows));
    Status applied;
    {
      Helpers running(next, next.empty() ? 0 : helpers);
      applied = writer.Apply(current);
      if (applied) {
        next.Work();
      } else {
        next.Cancel();
      }
    }  // the helpers join here, also when Apply failed
    if (!applied) return Fail(std::move(applied).error());
    if (progress) {
      progress(report.submitted, static_cast<int64_t>(source.offset()),
               static_cast<int64_t>(decoded.text.size()));
    }
    current = next.TakeRows();
  }

  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  CREDENCE_RETURN_IF_ERROR(writer.Finish(batch, seconds));
  // The transaction is over: observers may begin their own (re-rating stores ratings).
  txn.reset();

  if (batches_ != nullptr) {
    batches_->Add();
    rows_accepted_->Add(report.accepted);
    rows_updated_->Add(report.updated);
    rows_unchanged_->Add(report.unchanged);
    rows_rejected_->Add(report.rejected);
  }
  LogInfo("ingest.batch", {{"batch", BatchName(report.batch_id)},
                           {"department", input.department},
                           {"format", report.format},
                           {"submitted", report.submitted},
                           {"accepted", report.accepted},
                           {"updated", report.updated},
                           {"unchanged", report.unchanged},
                           {"rejected", report.rejected},
                           {"seconds", report.seconds}});
  for (const CommittedFn& observer : observers_) observer(report);
  return report;
}

}  // namespace credence::ingest
