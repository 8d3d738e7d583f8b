// Storage of credit files: subjects, records with their full version history, ingest batches,
// tokens, the audit log, and the due-process cases (objections, restoration applications,
// credit commitments) with the notifications sent to subjects.
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
  std::string hash;          // hex SHA-256 of the secret token; the secret itself is never stored
  std::string prefix;        // first characters of the token, to recognise it in listings
  std::string role;          // "department", "operator", "lender", "auditor", "subject"
  std::string department;    // for department tokens
  std::string region;        // operator scope: a division code, empty for the whole city
  std::string subject_code;  // for subject tokens: the USCC or ID number the holder acts for
  std::string label;
  Timestamp created_at;
  std::optional<Timestamp> revoked_at;
};

// A credit certificate (or report) as issued: the signed token is the certificate; the rest
// is what a lookup by serial needs without decoding it. Its status (valid, expired, revoked,
// superseded) is not stored: it is computed when asked, from the subject's current standing.
struct IssuedCertificate {
  int64_t id = 0;
  std::string serial;        // unique
  std::string subject_code;  // USCC or resident ID number
  std::string type;          // "certificate" or "report"
  std::string level;         // the credit level it states
  std::string token;         // "CC1:…"
  Timestamp issued_at;
  Timestamp expires_at;
};

// A person who logs in with a password (DESIGN.md "Who uses it"). A subject account is bound to
// one subject's code (an enterprise's USCC, a resident's ID number); a staff account carries
// its role's scope. Passwords and activation codes are stored only as hashes.
struct Account {
  int64_t id = 0;
  std::string login;          // unique; a subject account logs in with its subject code
  std::string password_hash;  // argon2id string (libsodium crypto_pwhash_str); empty until set
  std::string role;           // "subject", "department", "lender", "operator", "auditor"
  std::string department;     // department accounts
  std::string region;         // operator scope: a division code, empty for the whole city
  std::string subject_code;   // subject accounts: the bound code
  std::string display_name;
  std::string activation_hash;  // hex SHA-256 of a one-time activation code; empty when none
  std::optional<Timestamp> activation_expires_at;
  Timestamp created_at;
  std::optional<Timestamp> disabled_at;
};

// A browser session of an account. Only the hash of the session secret is stored.
struct Session {
  int64_t id = 0;
  std::string hash;  // hex SHA-256 of the session secret
  int64_t account_id = 0;
  Timestamp created_at;
  Timestamp expires_at;
  std::optional<Timestamp> revoked_at;
};

// One read of a subject's non-public data by staff (the subject's access log).
struct AccessEntry {
  int64_t id = 0;
  int64_t subject_id = 0;
  Timestamp at;
  std::string actor;       // "department:court#token:4", "operator#account:7", ...
  std::string role;        // role key of the reader
  std::string department;  // the reader's department, when it has one
  std::string purpose;     // as stated by the reader; never empty
  std::string what;        // what was read: "profile", "records", "record:12", "rating"
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

// The newest batch of one department.
struct DepartmentLatestBatch {
  std::string department;
  int64_t batch_id = 0;
  Timestamp started_at;
};

// A due-process case: something a subject filed that a department must decide by a deadline
// (dueprocess/dueprocess.h gives the workflow). The store keeps the fields it selects on as
// columns and the rest (grounds, attachments, decision, ...) as the workflow's own JSON.
struct Case {
  int64_t id = 0;
  std::string kind;                   // "objection", "restoration", "commitment"
  int64_t subject_id = 0;             // the subject that filed it
  int64_t record_id = 0;              // the record it concerns; 0 when none
  std::string department;             // policy department key: who decides it
  std::string status;                 // the workflow's state key ("open", "corrected", ...)
  bool open = true;                   // still waiting for a decision
  Date due_on;                        // the department's deadline (last day, inclusive)
  std::optional<Date> answer_due_on;  // a second deadline when the workflow has one
  Timestamp filed_at;
  Timestamp updated_at;
  int32_t version = 1;  // 1 when filed, +1 per update
  std::string detail;   // JSON object owned by the workflow
};

// ListCases returns the earliest deadline first: due_on ascending, then id ascending.
struct CaseQuery {
  std::string kind;          // empty: every kind
  int64_t subject_id = 0;    // 0: every subject
  int64_t record_id = 0;     // 0: every record
  std::string department;    // empty: every department
  std::optional<bool> open;  // only open (true) or only closed (false) cases
  // Only open cases whose due_on is before this day (overdue on it).
  std::optional<Date> overdue_on;
  int64_t offset = 0;
  int64_t limit = 20;
};

// Feedback of a department on one measure of a credit check.
struct CheckFeedback {
  int64_t check_id = 0;
  std::string measure;  // measure key
  std::string action;   // "applied", "not_applied", "exempted"
  std::string reason;   // required for not_applied (checked by the checks module)
  std::string actor;    // who reported it
  Timestamp at;
};

// One credit check of one subject by a department (the checks module decides its content; the
// store keeps it as given).
struct CreditCheck {
  int64_t id = 0;
  std::string department;             // department key of the caller
  std::string actor;                  // "department:tax#token:4"
  std::string subject_code;           // as normalised; the check is kept even without a credit file
  int64_t subject_id = 0;             // 0: no credit file for the code
  std::string region;                 // the subject's division code ("" without a file)
  std::string scenario;               // scenario key
  std::string level;                  // rating level key, "" when not rated
  std::vector<std::string> lists;     // active list keys
  std::vector<std::string> measures;  // measure keys that applied, in answer order
  std::string result_json;            // the answer as given to the department
  Timestamp checked_at;
  Date feedback_due;                     // last day for feedback on every measure
  std::optional<Timestamp> answered_at;  // when the last missing feedback arrived
  std::vector<CheckFeedback> feedback;   // read methods fill it, in measure order of arrival
};

// ListChecks returns the newest first (id descending).
struct CheckQuery {
  std::string department;  // empty: every department
  // Only checks with measures, not answered, whose feedback_due is before this day.
  std::optional<Date> overdue_on;
  int64_t offset = 0;
  int64_t limit = 20;
};

// A message to a subject about its cases ("your objection was decided").
struct Notification {
  int64_t id = 0;
  int64_t subject_id = 0;
  Timestamp at;
  std::string topic;    // stable key, e.g. "objection.decided"
  int64_t case_id = 0;  // the case it is about; 0 when none
  std::string body;     // JSON object: the message in each language and its facts
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
  // Sets certificate.id; Conflict when the serial exists.
  virtual Status InsertCertificate(IssuedCertificate& certificate) = 0;
  // Revoking an already revoked token keeps the first revocation time.
  virtual Status RevokeToken(int64_t id, Timestamp at) = 0;

  // Due-process cases and notifications. Backends override these; the defaults (Unavailable)
  // only spare test doubles of WriteTxn from implementing them.
  // Inserts a case (its version must be 1, else InvalidArgument) and sets case_.id.
  virtual Status InsertCase(Case& case_) {
    return Fail(Error::Unavailable("InsertCase is not supported by this transaction"));
  }
  // Replaces case_.id's stored fields (kind, subject_id, record_id and filed_at are kept as
  // stored). case_.version must be the stored version + 1, else Conflict with reason "version";
  // an unknown id is NotFound.
  virtual Status UpdateCase(const Case& case_) {
    return Fail(Error::Unavailable("UpdateCase is not supported by this transaction"));
  }
  // Inserts and sets notification.id.
  virtual Status InsertNotification(Notification& notification) {
    return Fail(Error::Unavailable("InsertNotification is not supported by this transaction"));
  }

  // Inserts and sets account.id; Conflict when the login is taken.
  virtual Status InsertAccount(Account& account) = 0;
  // Replaces every field of the account with account.id except login and created_at; NotFound
  // when there is none.
  virtual Status UpdateAccount(const Account& account) = 0;
  // Inserts and sets session.id; Conflict when the hash is taken.
  virtual Status InsertSession(Session& session) = 0;
  // Revoking an already revoked session keeps the first revocation time; NotFound when unknown.
  virtual Status RevokeSession(int64_t id, Timestamp at) = 0;
  // Appends to the access log and sets entry.id (increasing in the order of appends).
  virtual Status AppendAccess(AccessEntry& entry) = 0;

  // The last audit entry (seq 0 and empty hash when the log is empty), including entries
  // appended earlier in this transaction.
  virtual Result<AuditEntry> AuditHead() = 0;
  // Entries must continue the log without gaps: seq = head seq + 1, + 2, ... (else Conflict).
  virtual Status AppendAudit(std::span<const AuditEntry> entries) = 0;

  // Inserts credit checks and sets each id, in order (their feedback is ignored).
  // Unavailable by default (test doubles need not implement it); backends override it.
  virtual Status InsertChecks(std::span<CreditCheck> checks) {
    return Fail(Error::Unavailable("InsertChecks is not supported by this transaction"));
  }
  // Adds feedback rows to one check and, when answered_at is given, marks the check answered.
  // NotFound for an unknown check; Conflict when a measure of the check already has feedback.
  virtual Status AddCheckFeedback(int64_t check_id, std::span<const CheckFeedback> feedback,
                                  std::optional<Timestamp> answered_at) {
    return Fail(Error::Unavailable("AddCheckFeedback is not supported by this transaction"));
  }

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

// What a committed write transaction changed, for views kept in memory beside the store (the
// subject cache, the search index).
struct CommitEvent {
  // Subjects whose row or whose records the transaction inserted or changed: sorted, unique.
  std::vector<int64_t> subject_ids;
  // True when the store cannot say what changed (another process or instance wrote to a
  // shared database): everything kept in memory must be reloaded.
  bool everything = false;
};
using CommitObserver = std::function<void(const CommitEvent&)>;

// The reads a credit file is served from; answered by every Store and, from memory, by
// store::SubjectCache (subject_cache.h).
class SubjectReads {
 public:
  virtual ~SubjectReads() = default;
  virtual Result<std::optional<Subject>> FindSubjectByCode(std::string_view code) = 0;
  virtual Result<std::optional<Subject>> GetSubject(int64_t id) = 0;
  // In the order of ids; unknown ids are skipped.
  virtual Result<std::vector<Subject>> GetSubjects(std::span<const int64_t> ids) = 0;
  // Every record of a subject, oldest decision first (decided_at, then id).
  virtual Result<std::vector<RecordHead>> ListRecordHeads(int64_t subject_id) = 0;
};

class Store : public SubjectReads {
 public:
  ~Store() override = default;

  // "sqlite:PATH" (or a plain path) opens or creates an SQLite file (and its parent folder) and
  // migrates it forward. "postgres://..." / "postgresql://..." is served by the PostgreSQL
  // backend (Unavailable until it is built). Any other scheme is InvalidArgument. A path with a
  // ':' before its first '/' must be written with the "sqlite:" prefix.
  static Result<std::unique_ptr<Store>> Open(std::string_view url);

  virtual std::string_view backend() const = 0;  // "sqlite", "postgres"

  // --- reads (thread-safe) ---
  // FindSubjectByCode, GetSubject, GetSubjects and ListRecordHeads: see SubjectReads.
  // Calls visit for every subject with id > after_id in id order, at most limit of them
  // (limit < 0: no limit). Streams from one snapshot: fit for loading millions of subjects.
  virtual Status ScanSubjects(int64_t after_id, int64_t limit,
                              const std::function<void(const Subject&)>& visit) = 0;

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
  // Calls visit for the head of every current record, in id order, from one snapshot (to load
  // an in-memory view). The default walks ScanRecordsBySubject; backends may read less.
  virtual Status ScanRecordHeads(const std::function<Status(const RecordHead&)>& visit);
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
  // Calls visit for every batch started at or after `since`, newest first, reports included,
  // from one snapshot (for data-quality statistics over a window of days). An error from visit
  // stops the scan and is returned.
  virtual Status ScanBatchesSince(Timestamp since,
                                  const std::function<Status(const Batch&)>& visit) = 0;
  // The newest batch of every department that ever submitted one, by department key.
  virtual Result<std::vector<DepartmentLatestBatch>> LatestBatchPerDepartment() = 0;

  virtual Result<std::optional<Token>> FindTokenByHash(std::string_view hash) = 0;
  virtual Result<std::vector<Token>> ListTokens() = 0;

  virtual Result<std::optional<Case>> GetCase(int64_t id) = 0;
  virtual Result<Page<Case>> ListCases(const CaseQuery& query) = 0;
  // A subject's notifications, newest first (at descending, then id descending).
  virtual Result<Page<Notification>> ListNotifications(int64_t subject_id, int64_t offset,
                                                       int64_t limit) = 0;
  // The certificate with this serial; nullopt when there is none.
  virtual Result<std::optional<IssuedCertificate>> FindCertificate(std::string_view serial) = 0;

  // nullopt when unknown.
  virtual Result<std::optional<Account>> FindAccountByLogin(std::string_view login) = 0;
  virtual Result<std::optional<Account>> GetAccount(int64_t id) = 0;
  virtual Result<std::optional<Session>> FindSessionByHash(std::string_view hash) = 0;
  // A subject's access log, newest first (by id); total counts every entry of the subject.
  virtual Result<Page<AccessEntry>> ListAccess(int64_t subject_id, int64_t offset,
                                               int64_t limit) = 0;

  // Calls visit for each audit entry with seq >= from_seq, in order, from one snapshot. An error
  // from visit stops the scan and is returned.
  virtual Status ScanAudit(int64_t from_seq,
                           const std::function<Status(const AuditEntry&)>& visit) = 0;

  // A credit check with its feedback; nullopt for an unknown id.
  // Unavailable by default, as ScanRecordsBySubject (the same for the two below).
  virtual Result<std::optional<CreditCheck>> GetCheck(int64_t id) {
    return Fail(Error::Unavailable("GetCheck is not supported by this store"));
  }
  // Checks with their feedback, newest first, one page.
  virtual Result<Page<CreditCheck>> ListChecks(const CheckQuery& query) {
    return Fail(Error::Unavailable("ListChecks is not supported by this store"));
  }
  // Calls visit for every check with from <= checked_at < to, in id order, with its feedback,
  // from one snapshot (for statistics). An error from visit stops the scan and is returned.
  virtual Status ScanChecks(Timestamp from, Timestamp to,
                            const std::function<Status(const CreditCheck&)>& visit) {
    return Fail(Error::Unavailable("ScanChecks is not supported by this store"));
  }

  virtual Result<StoreStats> Stats() = 0;
  // Subjects per region (division code) and records per kind key, largest first. These scan the
  // tables: callers cache them (a city's statistics change by the batch, not by the request).
  virtual Result<std::vector<GroupCount>> CountSubjectsByRegion() = 0;
  virtual Result<std::vector<GroupCount>> CountRecordsByKind() = 0;

  // --- writes ---
  // Waits until no other WriteTxn of this Store is alive (and, for a shared database, until
  // other processes' write transactions end, or Unavailable after a timeout).
  virtual Result<std::unique_ptr<WriteTxn>> BeginWrite() = 0;

  // Calls observer after every successful Commit of this store's write transactions, on the
  // committing thread before Commit returns (so a reply sent after a commit follows the
  // views' update), one commit at a time. Backends that learn of other writers' commits
  // (another process on the same SQLite file, another instance on the same PostgreSQL) report
  // them too, as soon as they notice, with `everything` when they cannot say what changed.
  // Returns an id for RemoveCommitObserver. Neither may be called by a thread that holds a
  // write transaction of this store.
  virtual int64_t AddCommitObserver(CommitObserver observer) = 0;
  // After it returns, the observer is not running and will not be called again.
  virtual void RemoveCommitObserver(int64_t id) = 0;
};

}  // namespace credence::store
