// Validation of one feed row (the NDJSON object, or the object a CSV record became) and the
// preparation of everything the store needs from it. Pure and thread-safe: rows are prepared in
// parallel. Internal to ingest.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/hash.h"
#include "common/json.h"
#include "common/time.h"
#include "ids/ids.h"
#include "ingest/ingest.h"
#include "policy/policy.h"
#include "store/store.h"

namespace credence::ingest::internal {

// The subject a row is about, as the row describes it (used to create a provisional subject or,
// for registration records, to confirm one).
struct SubjectDraft {
  std::string code;  // normalised
  ids::CodeKind code_kind = ids::CodeKind::kUnknown;
  std::string name;       // trimmed
  std::string name_norm;  // text::NormalizeName(name)
  ids::SubjectKind kind = ids::SubjectKind::kEnterprise;
  std::string region;  // the division code inside the identifier
  bool code_flagged = false;
};

// What a registration record says about its subject beyond the draft.
struct RegistrationDraft {
  std::optional<Date> registered_on;  // extra.established, else decided_at
  std::string industry;               // GB/T 4754 section letter, from extra.industry
  std::string legal_representative;
  bool deregistered = false;  // extra.status says 注销 / 吊销 / deregistered
};

enum class RowAction : uint8_t { kRejected, kUpsert, kWithdraw };

struct PreparedRow {
  int64_t line = 0;
  RowAction action = RowAction::kRejected;
  RowError error;  // when rejected
  // Set once source_ref was read, even if the row is rejected later: rows claim their
  // source_ref in line order for the within-batch duplicate check.
  bool has_source_ref = false;
  std::string source_ref;
  std::string withdraw_reason;  // kWithdraw: the optional "reason"

  // kUpsert: the record as far as the row decides it (kind, department, source_ref, decided_at,
  // tier, publicity window, legal_basis, document_no, payload, content_hash, flagged). Ids,
  // version, batch and timestamps are set when it is applied.
  store::Record record;
  Sha256Digest digest{};  // the audit digest of the record as active: SHA-256(payload + "active")
  SubjectDraft subject;
  bool is_registration = false;
  RegistrationDraft registration;
};

// Sets row to rejected with this error.
void RejectRow(PreparedRow* row, std::string field, std::string code, std::string message);

class RowValidator {
 public:
  // today: the platform's calendar day (Asia/Shanghai) that bounds decision dates.
  RowValidator(const policy::Catalog& catalog, std::string department, Date today);

  // Validates one feed row and fills row (line must be set). The first problem found rejects
  // the row; checks run from the most fundamental (source_ref, kind, who the record is about)
  // to the details (amounts, grades).
  void Prepare(JsonValue feed, PreparedRow* row) const;

 private:
  bool CheckSubject(const JsonValue& feed, const policy::RecordKind& kind, PreparedRow* row) const;
  bool CheckDates(const JsonValue& feed, PreparedRow* row, Date* decided) const;
  bool CheckKindFields(const JsonValue& feed, const policy::RecordKind& kind,
                       PreparedRow* row) const;

  const policy::Catalog& catalog_;
  std::string department_;
  Date today_;
};

// Number of Unicode code points in UTF-8 text.
size_t CountCodePoints(std::string_view utf8);

}  // namespace credence::ingest::internal
