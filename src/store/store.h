// Storage of credit files: subjects, records with their full version history, ingest batches,
// tokens and the audit log.
//
// Store is an interface with one implementation per backend (sqlite/ now, postgres/ later),
// chosen by URL in Store::Open. Callers never see SQL types. The contract:
//  - Read methods are safe to call from many threads at once; each sees committed data only.
//  - Writes go through a WriteTxn: one at a time per process (BeginWrite waits for the
//    previous one), all-or-nothing (destroying a WriteTxn without Commit rolls it back, and a
//    crash mid-transaction leaves nothing of it).
//  - Nothing is deleted or overwritten in place: revising a record or changing its status first
//    copies the current version to its history.
//  - Record kinds and departments are passed as their policy keys; the store may intern them.
//  - Errors: a duplicate key (subject code, department + source_ref, token hash, audit seq) is
//    Conflict; a revision that does not follow the current version is Conflict with reason
//    "version"; updating an unknown id is NotFound; a busy database is Unavailable.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "ids/ids.h"

namespace credence::store {

enum class SubjectStatus : uint8_t {
  kProvisional,   // created from a record; no registration seen yet
  kRegistered,    // a registration record confirmed it
  kDeregistered,  // cancelled / revoked / deceased
};
std::string_view SubjectStatusKey(SubjectStatus status);  // "provisional", ...
std::optional<SubjectStatus> ParseSubjectStatus(std::string_view key);

struct Subject {
  int64_t id = 0;
  std::string code;  // normalised USCC or resident ID number (unique)
  ids::CodeKind code_kind = ids::CodeKind::kUnknown;
  std::string name;
  std::string name_norm;  // text::NormalizeName(name), for search
  ids::SubjectKind kind = ids::SubjectKind::kEnterprise;
  std::string region;    // 6-digit GB/T 2260 division code
  std::string industry;  // GB/T 4754 section letter A-T, empty when unknown
  std::optional<Date> registered_on;
  SubjectStatus status = SubjectStatus::kProvisional;
  std::string legal_representative;  // empty when unknown
  bool code_flagged = false;         // code failed its check character and was accepted for review
  Timestamp created_at;
  Timestamp updated_at;
};

enum class RecordStatus : uint8_t {
  kActive,     // in force (public or not according to its window)
  kWithdrawn,  // withdrawn by its department
  kRestored,   // publicity ended early by credit restoration
  kExpired,    // publicity period over
};
std::string_view RecordStatusKey(RecordStatus status);  // "active", "withdrawn", ...
std::optional<RecordStatus> ParseRecordStatus(std::string_view key);

struct Record {
  int64_t id = 0;
  int64_t subject_id = 0;
  std::string kind;        // policy record kind key
  std::string department;  // policy department key (the submitter)
  std::string source_ref;  // the department's own id; unique per department
  Date decided_at;
  std::string tier;  // "", "minor", "general", "serious"
  Date publicity_start;
  std::optional<Date> publicity_min_end;
  std::optional<Date> publicity_max_end;
  bool published = true;  // false: never public (e.g. warnings)
  RecordStatus status = RecordStatus::kActive;
  std::string legal_basis;
  std::string document_no;
  std::string payload;        // canonical JSON of the record as submitted (feed field names)
  int64_t content_hash = 0;   // hash of payload: equal payloads mean "unchanged"
  int64_t batch_id = 0;       // the batch that wrote this version
  int32_t version = 1;        // 1 for the first version, +1 per change
  bool flagged = false;       // accepted for review (e.g. legacy code failing its checksum)
  std::string status_reason;  // why the status last changed (withdrawal reason, ...)
  Timestamp created_at;       // first version
  Timestamp updated_at;       // this version
};

// The few fields of a record that visibility and counting need.
struct RecordHead {
  int64_t id = 0;
  int64_t subject_id = 0;
  std::string kind;
  RecordStatus status = RecordStatus::kActive;
  Date decided_at;
  std::optional<Date> publicity_max_end;
  bool published = true;
  int32_t version = 1;
  int64_t content_hash = 0;
};

// ListRecords returns the newest first: decided_at descending, then id descending.
struct RecordQuery {
  int64_t subject_id = 0;
  std::vector<std::string> kinds;  // empty: all kinds
  std::optional<RecordStatus> status;
  // Only records public on this day: active, published, and before their publicity_max_end.
  std::optional<Date> public_on;
  int64_t offset = 0;
  int64_t limit = 20;
};

template <typename T>
struct Page {
  std::vector<T> items;
  int64_t total = 0;  // matching items in all pages
  int64_t offset = 0;
  int64_t limit = 0;
};

struct Batch {
  int64_t id = 0;
  std::string department;
  std::string actor;        // who submitted: "token:<id>", "cli", "demo"
  std::string format;       // "ndjson", "csv", "csv_penalty", "csv_license"
  std::string source_name;  // file name or "http"
  Timestamp started_at;
  Timestamp finished_at;
  int64_t submitted = 0;
  int64_t accepted = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  int64_t rejected = 0;
  std::string report_json;  // the full batch report (FORMATS.md), including every error
};

struct Token {
  int64_t id = 0;
  std::string hash;        // hex SHA-256 of the secret token; the secret itself is never stored
  std::string prefix;      // first characters of the token, to recognise it in listings
  std::string role;        // "department", "operator", "lender", "auditor", "subject"
  std::string department;  // for department tokens
  std::string region;      // operator scope: a division code, empty for the whole city
  std::string label;
  Timestamp created_at;
  std::optional<Timestamp> revoked_at;
};

struct AuditEntry {
  int64_t seq = 0;  // 1-based, gap-free
  Timestamp at;
  std::string actor;   // "department:market_regulation", "cli", "operator:token:3"
  std::string action;  // "record.insert", "record.revise", "record.withdraw", "batch.commit", ...
  std::string object;  // "record:123@2", "batch:42", "token:7"
  std::string digest;  // 32 raw bytes: SHA-256 of the object's content at this point
  std::string hash;    // 32 raw bytes: SHA-256(previous hash || entry) — see audit/audit.h
};

struct GroupCount {
  std::string key;
  int64_t count = 0;
};

// A subject's current rating as stored by bulk rating, re-rating after an ingest and the daily
// job. The store keeps what it is given: computing ratings is the rating module's business.
struct StoredRating {
  int64_t subject_id = 0;
  int32_t score = 0;
  std::string level;          // "A+", "A", "B", "C", "D"
  std::string model_version;  // "enterprise-2026.1"
  Date as_of;                 // the day the rating is of
  std::string digest;         // 64 hex characters: SHA-256 of json
  std::string json;           // the full rating (FORMATS.md Rating), every reason included
  // Keys of the lists the subject is on as of that day (sorted, no repeats): what list member
  // listings read.
  std::vector<std::string> lists;
};

// One entry of a subject's rating history: written whenever the stored level or score changed
// (and for the first rating stored).
struct RatingChange {
  int64_t seq = 0;  // increases in the order the changes were stored
  int64_t subject_id = 0;
  Date as_of;
  int32_t score = 0;
  std::string level;
  std::string model_version;
  std::string digest;
};

// A member of a list, as the stored ratings say.
struct ListMember {
  Subject subject;
  Date as_of;  // the day of the rating that saw the membership
};

struct ListMemberQuery {
  std::string list;
  // Empty: every member. Else those whose code starts with it (ASCII letters compared
  // upper-cased) or whose name_norm contains it: callers normalise it (text::NormalizeName).
  std::string search;
  // False: persons match by their whole code only, never by name or part of a code (what the
  // public may search for).
  bool search_persons = true;
  int64_t offset = 0;
  int64_t limit = 20;
};

// Stored ratings counted per region, industry, subject kind and level.
struct RatingLevelCount {
  std::string region;
  std::string industry;
  ids::SubjectKind kind = ids::SubjectKind::kEnterprise;
  std::string level;
  int64_t count = 0;
};

struct StoreStats {
  int64_t subjects = 0;
  int64_t records = 0;
  int64_t batches = 0;
  int64_t audit_entries = 0;
};

// One write transaction. Not thread-safe: used by one thread at a time. Must be destroyed before
// the Store that began it. After Commit (successful or not) no other method may be called. A
// call refused before writing (a NotFound, a version Conflict, an audit gap) leaves the
// transaction usable; a call that fails after writing part of its rows (e.g. a duplicate in the
// middle of InsertRecords) leaves it able only to roll back: Commit then fails.
class WriteTxn {
 public:
  virtual ~WriteTxn() = default;  // rolls back unless committed

  // Subjects with these codes, in the same order (nullopt where unknown).
  virtual Result<std::vector<std::optional<Subject>>> FindSubjects(
      std::span<const std::string> codes) = 0;
  // Inserts and sets subject.id.
  virtual Status InsertSubject(Subject& subject) = 0;
  virtual Status UpdateSubject(const Subject& subject) = 0;

  // Current heads of the records with these source references of one department, in order.
  virtual Result<std::vector<std::optional<RecordHead>>> FindRecordsByRef(
      std::string_view department, std::span<const std::string> source_refs) = 0;
  // Inserts new records (version 1) and sets each id, in order. subject_id must name a subject
  // (inserted earlier, possibly in this transaction): the store does not check it.
  virtual Status InsertRecords(std::span<Record> records) = 0;
  // Replaces the current version of record.id with record (its version must be the current
  // version + 1); the current version is kept in the history first. The identity of a record
  // (department, source_ref, created_at) is kept as stored; every other field is replaced.
  virtual Status ReviseRecord(const Record& record) = 0;
  // The current version of a record as this transaction sees it (including its own writes):
  // what a withdrawal or status change starts from before calling ReviseRecord.
  virtual Result<std::optional<Record>> GetRecord(int64_t id) {
    // A default so that test doubles of WriteTxn need not implement it; backends override it.
    return Fail(Error::Unavailable("GetRecord is not supported by this transaction"));
  }

  virtual Status InsertBatch(Batch& batch) = 0;  // sets batch.id
  virtual Status UpdateBatch(const Batch& batch) = 0;

  virtual Status InsertToken(Token& token) = 0;  // sets token.id
  // Revoking an already revoked token keeps the first revocation time.
  virtual Status RevokeToken(int64_t id, Timestamp at) = 0;

  // The last audit entry (seq 0 and empty hash when the log is empty), including entries
  // appended earlier in this transaction.
  virtual Result<AuditEntry> AuditHead() = 0;
  // Entries must continue the log without gaps: seq = head seq + 1, + 2, ... (else Conflict).
  virtual Status AppendAudit(std::span<const AuditEntry> entries) = 0;

  // Stores the current rating of each subject (replacing what was stored, list memberships
  // included) and appends a RatingChange, with seq increasing in span order, for each whose
  // score or level differs from the rating stored before or that had none. A subject must
  // appear at most once and name a stored subject (not checked). Returns the number of changes
  // appended. Unavailable by default, so that test doubles need not implement it.
  virtual Result<int64_t> PutRatings(std::span<const StoredRating> ratings) {
    return Fail(Error::Unavailable("PutRatings is not supported by this transaction"));
  }

  virtual Status Commit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // "sqlite:PATH" (or a plain path) opens or creates an SQLite file (and its parent folder) and
  // migrates it forward. "postgres://..." / "postgresql://..." is served by the PostgreSQL
  // backend (Unavailable until it is built). Any other scheme is InvalidArgument. A path with a
  // ':' before its first '/' must be written with the "sqlite:" prefix.
  static Result<std::unique_ptr<Store>> Open(std::string_view url);

  virtual std::string_view backend() const = 0;  // "sqlite", "postgres"

  // --- reads (thread-safe) ---
  virtual Result<std::optional<Subject>> FindSubjectByCode(std::string_view code) = 0;
  virtual Result<std::optional<Subject>> GetSubject(int64_t id) = 0;
  // In the order of ids; unknown ids are skipped.
  virtual Result<std::vector<Subject>> GetSubjects(std::span<const int64_t> ids) = 0;
  // Calls visit for every subject with id > after_id in id order, at most limit of them
  // (limit < 0: no limit). Streams from one snapshot: fit for loading millions of subjects.
  virtual Status ScanSubjects(int64_t after_id, int64_t limit,
                              const std::function<void(const Subject&)>& visit) = 0;

  // Every record of a subject, oldest decision first (decided_at, then id).
  virtual Result<std::vector<RecordHead>> ListRecordHeads(int64_t subject_id) = 0;
  virtual Result<Page<Record>> ListRecords(const RecordQuery& query) = 0;
  virtual Result<std::optional<Record>> GetRecord(int64_t id) = 0;
  virtual Result<std::optional<Record>> FindRecordByRef(std::string_view department,
                                                        std::string_view source_ref) = 0;
  // Every version of a record, oldest first, the current one last (empty for an unknown id).
  virtual Result<std::vector<Record>> ListRecordVersions(int64_t record_id) = 0;

  // Calls visit for every current record version, ordered by subject_id then id, streamed from
  // one snapshot in one statement (for bulk rating: memory stays O(1) in the store). An error
  // from visit stops the scan and is returned. Backends that do not offer it answer
  // Unavailable (the default, so that test doubles need not implement it).
  virtual Status ScanRecordsBySubject(const std::function<Status(const Record&)>& visit) {
    return Fail(Error::Unavailable("ScanRecordsBySubject is not supported by this store"));
  }
  // Heads of active records whose publicity_max_end is on or before `day` (due to be stored as
  // expired), with id > after_id, in id order, at most limit of them: the expiry job pages
  // through them. Unavailable by default, as above.
  virtual Result<std::vector<RecordHead>> ListRecordsDueToExpire(Date day, int64_t after_id,
                                                                 int64_t limit) {
    return Fail(Error::Unavailable("ListRecordsDueToExpire is not supported by this store"));
  }

  // --- stored ratings (WriteTxn::PutRatings); Unavailable by default, as above ---
  // The stored rating of a subject; nullopt when none was stored.
  virtual Result<std::optional<StoredRating>> GetRating(int64_t subject_id) {
    return Fail(Error::Unavailable("GetRating is not supported by this store"));
  }
  // The rating history of a subject, newest first (seq descending), paged.
  virtual Result<Page<RatingChange>> ListRatingHistory(int64_t subject_id, int64_t offset,
                                                       int64_t limit) {
    return Fail(Error::Unavailable("ListRatingHistory is not supported by this store"));
  }
  // Subjects whose stored rating lists them on query.list, in code order, paged (see
  // ListMemberQuery).
  virtual Result<Page<ListMember>> ListListMembers(const ListMemberQuery& query) {
    return Fail(Error::Unavailable("ListListMembers is not supported by this store"));
  }
  // Stored ratings counted by region, industry, kind and level, in that order of keys. Scans
  // the ratings: callers cache it.
  virtual Result<std::vector<RatingLevelCount>> CountRatingLevels() {
    return Fail(Error::Unavailable("CountRatingLevels is not supported by this store"));
  }

  virtual Result<std::optional<Batch>> GetBatch(int64_t id) = 0;
  // Newest first; department empty: all departments.
  virtual Result<Page<Batch>> ListBatches(std::string_view department, int64_t offset,
                                          int64_t limit) = 0;

  virtual Result<std::optional<Token>> FindTokenByHash(std::string_view hash) = 0;
  virtual Result<std::vector<Token>> ListTokens() = 0;

  // Calls visit for each audit entry with seq >= from_seq, in order, from one snapshot. An error
  // from visit stops the scan and is returned.
  virtual Status ScanAudit(int64_t from_seq,
                           const std::function<Status(const AuditEntry&)>& visit) = 0;

  virtual Result<StoreStats> Stats() = 0;
  // Subjects per region (division code) and records per kind key, largest first. These scan the
  // tables: callers cache them (a city's statistics change by the batch, not by the request).
  virtual Result<std::vector<GroupCount>> CountSubjectsByRegion() = 0;
  virtual Result<std::vector<GroupCount>> CountRecordsByKind() = 0;

  // --- writes ---
  // Waits until no other WriteTxn of this Store is alive (and, for a shared database, until
  // other processes' write transactions end, or Unavailable after a timeout).
  virtual Result<std::unique_ptr<WriteTxn>> BeginWrite() = 0;
};

}  // namespace credence::store
