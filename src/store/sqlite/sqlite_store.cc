// The SQLite backend: one writing connection, used by one WriteTxn at a time under a mutex, and
// a pool of read-only connections handed out per call, all in WAL mode so that readers see the
// last committed state while a write is under way.
#include "store/sqlite/sqlite_store.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <numeric>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>

#include "store/key_dictionary.h"
#include "store/sqlite/sqlite_handle.h"
#include "store/sqlite/sqlite_schema.h"

namespace credence::store {

namespace {

using sqlite::Connection;
using sqlite::ConnectionOptions;
using sqlite::Query;

// ---------------------------------------------------------------------------------------------
// On-disk codes of enums. Explicit, so that reordering an enum never changes what a stored
// number means.

template <typename Enum, size_t N>
struct EnumCodes {
  std::string_view what;
  std::array<std::pair<Enum, int64_t>, N> pairs;

  int64_t Code(Enum value) const {
    for (const auto& [candidate, code] : pairs) {
      if (candidate == value) return code;
    }
    return pairs[0].second;
  }
  Result<Enum> FromCode(int64_t code) const {
    for (const auto& [value, candidate] : pairs) {
      if (candidate == code) return value;
    }
    return Fail(Error::Internal("the database holds " + std::to_string(code) +
                                " where a known code of " + std::string(what) + " belongs"));
  }
};

constexpr EnumCodes<ids::CodeKind, 3> kCodeKindCodes{
    "subjects.code_kind",
    {{{ids::CodeKind::kUnknown, 0}, {ids::CodeKind::kUscc, 1}, {ids::CodeKind::kResidentId, 2}}}};

constexpr EnumCodes<ids::SubjectKind, 6> kSubjectKindCodes{
    "subjects.kind",
    {{{ids::SubjectKind::kEnterprise, 1},
      {ids::SubjectKind::kPublicInstitution, 2},
      {ids::SubjectKind::kSocialOrganisation, 3},
      {ids::SubjectKind::kIndividualBusiness, 4},
      {ids::SubjectKind::kPerson, 5},
      {ids::SubjectKind::kGovernmentOrgan, 6}}}};

constexpr EnumCodes<SubjectStatus, 3> kSubjectStatusCodes{"subjects.status",
                                                          {{{SubjectStatus::kProvisional, 0},
                                                            {SubjectStatus::kRegistered, 1},
                                                            {SubjectStatus::kDeregistered, 2}}}};

constexpr EnumCodes<RecordStatus, 4> kRecordStatusCodes{"records.status",
                                                        {{{RecordStatus::kActive, 0},
                                                          {RecordStatus::kWithdrawn, 1},
                                                          {RecordStatus::kRestored, 2},
                                                          {RecordStatus::kExpired, 3}}}};

std::optional<int64_t> OptionalDays(const std::optional<Date>& date) {
  if (!date) return std::nullopt;
  return date->days();
}

std::optional<Date> ColumnOptionalDate(const Query& query, int column) {
  std::optional<int64_t> days = query.ColumnOptionalInt(column);
  if (!days) return std::nullopt;
  return Date::FromDays(static_cast<int32_t>(*days));
}

Date ColumnDate(const Query& query, int column) {
  return Date::FromDays(static_cast<int32_t>(query.ColumnInt(column)));
}

Timestamp ColumnTimestamp(const Query& query, int column) {
  return Timestamp::FromMicros(query.ColumnInt(column));
}

// ---------------------------------------------------------------------------------------------
// Key dictionaries: departments and record kinds as small integers.

struct KeyTable {
  std::string_view what;  // for messages
  std::string_view select_key;
  std::string_view select_id;
  std::string_view insert;
  std::string_view select_all;
};

constexpr KeyTable kDepartmentTable{"department", "SELECT key FROM departments WHERE id = ?1",
                                    "SELECT id FROM departments WHERE key = ?1",
                                    "INSERT INTO departments (key) VALUES (?1)",
                                    "SELECT id, key FROM departments"};

constexpr KeyTable kKindTable{"record kind", "SELECT key FROM record_kinds WHERE id = ?1",
                              "SELECT id FROM record_kinds WHERE key = ?1",
                              "INSERT INTO record_kinds (key) VALUES (?1)",
                              "SELECT id, key FROM record_kinds"};

// Keys a write transaction created: visible to it at once, published to the shared dictionary
// only after its commit.
struct PendingKeys {
  StringMap<int64_t> ids;
  std::unordered_map<int64_t, std::string> keys;
};

// Where one sort of key lives.
struct KeySpace {
  const KeyTable* table;
  KeyDictionary* dictionary;
  PendingKeys* pending = nullptr;  // inside a write transaction only
};

// The key of an id. The dictionary lacks an id only when another process (or a transaction
// committed a moment ago) created it: then the table has it, and it is committed.
Result<std::string> KeyOfId(Connection& db, const KeySpace& space, int64_t id) {
  if (std::optional<std::string> key = space.dictionary->KeyOf(id)) return std::move(*key);
  if (space.pending != nullptr) {
    auto it = space.pending->keys.find(id);
    if (it != space.pending->keys.end()) return it->second;
  }
  CREDENCE_ASSIGN_OR_RETURN(Query query, db.Prepare(space.table->select_key));
  query.BindInt(1, id);
  CREDENCE_ASSIGN_OR_RETURN(bool found, query.Step());
  if (!found) {
    return Fail(Error::Internal("the database refers to " + std::string(space.table->what) +
                                " id " + std::to_string(id) + ", which does not exist"));
  }
  std::string key(query.ColumnText(0));
  space.dictionary->Add(id, key);
  return key;
}

// The id of a key, or nullopt when it was never stored.
Result<std::optional<int64_t>> IdOfKey(Connection& db, const KeySpace& space,
                                       std::string_view key) {
  if (std::optional<int64_t> id = space.dictionary->IdOf(key)) return id;
  if (space.pending != nullptr) {
    auto it = space.pending->ids.find(key);
    if (it != space.pending->ids.end()) return it->second;
  }
  CREDENCE_ASSIGN_OR_RETURN(Query query, db.Prepare(space.table->select_id));
  query.BindText(1, key);
  CREDENCE_ASSIGN_OR_RETURN(bool found, query.Step());
  if (!found) return std::optional<int64_t>();
  // Not created by this transaction (that would be pending), so committed: safe to share.
  int64_t id = query.ColumnInt(0);
  space.dictionary->Add(id, key);
  return id;
}

// The id of a key, creating it (pending until commit) when it is new.
Result<int64_t> InternKey(Connection& db, const KeySpace& space, std::string_view key) {
  CREDENCE_ASSIGN_OR_RETURN(std::optional<int64_t> known, IdOfKey(db, space, key));
  if (known) return *known;
  CREDENCE_ASSIGN_OR_RETURN(Query insert, db.Prepare(space.table->insert));
  insert.BindText(1, key);
  CREDENCE_RETURN_IF_ERROR(insert.Run());
  int64_t id = db.LastInsertRowid();
  space.pending->ids.emplace(std::string(key), id);
  space.pending->keys.emplace(id, std::string(key));
  return id;
}

// The id and key of the last lookup: records of a batch mostly share their department and kind.
struct LastKey {
  std::string key;
  int64_t id = 0;
};

Result<int64_t> InternCached(Connection& db, const KeySpace& space, std::string_view key,
                             LastKey& last) {
  if (last.id != 0 && last.key == key) return last.id;
  CREDENCE_ASSIGN_OR_RETURN(int64_t id, InternKey(db, space, key));
  last.key.assign(key);
  last.id = id;
  return id;
}

// What reading a row needs to turn ids back into keys.
struct Keys {
  Connection& db;
  KeySpace departments;
  KeySpace kinds;
};

// ---------------------------------------------------------------------------------------------
// Subjects.

constexpr std::string_view kSubjectColumns =
    "id, code, code_kind, kind, status, code_flagged, registered_on, region, industry, "
    "created_at, updated_at, name, name_norm, legal_representative";

// Parameters: ?1 id (NULL: a new row) ... ?14 legal_representative, in kSubjectColumns order.
constexpr std::string_view kInsertSubject =
    "INSERT INTO subjects (id, code, code_kind, kind, status, code_flagged, registered_on, "
    "region, industry, created_at, updated_at, name, name_norm, legal_representative) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";

// created_at (?10) is kept as first written.
constexpr std::string_view kUpdateSubject =
    "UPDATE subjects SET code = ?2, code_kind = ?3, kind = ?4, status = ?5, code_flagged = ?6, "
    "registered_on = ?7, region = ?8, industry = ?9, updated_at = ?11, name = ?12, "
    "name_norm = ?13, legal_representative = ?14 WHERE id = ?1";

// ?1 of an INSERT or UPDATE: the row's id, or NULL for a new row (SQLite assigns the rowid).
void BindRowId(Query& query, int64_t id) {
  if (id != 0) {
    query.BindInt(1, id);
  } else {
    query.BindNull(1);
  }
}

void BindSubject(Query& query, const Subject& subject) {
  BindRowId(query, subject.id);
  query.BindText(2, subject.code);
  query.BindInt(3, kCodeKindCodes.Code(subject.code_kind));
  query.BindInt(4, kSubjectKindCodes.Code(subject.kind));
  query.BindInt(5, kSubjectStatusCodes.Code(subject.status));
  query.BindBool(6, subject.code_flagged);
  query.BindOptionalInt(7, OptionalDays(subject.registered_on));
  query.BindText(8, subject.region);
  query.BindText(9, subject.industry);
  query.BindInt(10, subject.created_at.micros());
  query.BindInt(11, subject.updated_at.micros());
  query.BindText(12, subject.name);
  query.BindText(13, subject.name_norm);
  query.BindText(14, subject.legal_representative);
}

Result<Subject> ReadSubject(const Query& query) {
  Subject subject;
  subject.id = query.ColumnInt(0);
  subject.code = query.ColumnText(1);
  CREDENCE_ASSIGN_OR_RETURN(subject.code_kind, kCodeKindCodes.FromCode(query.ColumnInt(2)));
  CREDENCE_ASSIGN_OR_RETURN(subject.kind, kSubjectKindCodes.FromCode(query.ColumnInt(3)));
  CREDENCE_ASSIGN_OR_RETURN(subject.status, kSubjectStatusCodes.FromCode(query.ColumnInt(4)));
  subject.code_flagged = query.ColumnBool(5);
  subject.registered_on = ColumnOptionalDate(query, 6);
  subject.region = query.ColumnText(7);
  subject.industry = query.ColumnText(8);
  subject.created_at = ColumnTimestamp(query, 9);
  subject.updated_at = ColumnTimestamp(query, 10);
  subject.name = query.ColumnText(11);
  subject.name_norm = query.ColumnText(12);
  subject.legal_representative = query.ColumnText(13);
  return subject;
}

// ---------------------------------------------------------------------------------------------
// Records.

constexpr std::string_view kRecordColumns =
    "id, subject_id, department_id, kind_id, status, published, flagged, version, decided_at, "
    "publicity_start, publicity_min_end, publicity_max_end, content_hash, batch_id, created_at, "
    "updated_at, tier, source_ref, document_no, legal_basis, status_reason, payload";

// The same columns of record_history, with record_id in the place of id.
constexpr std::string_view kHistoryColumns =
    "record_id, subject_id, department_id, kind_id, status, published, flagged, version, "
    "decided_at, publicity_start, publicity_min_end, publicity_max_end, content_hash, batch_id, "
    "created_at, updated_at, tier, source_ref, document_no, legal_basis, status_reason, payload";

constexpr std::string_view kHeadColumns =
    "id, subject_id, kind_id, status, decided_at, publicity_max_end, published, version, "
    "content_hash";

// Copies the current row into the history, only when it is at the expected version.
constexpr std::string_view kCopyRecordToHistory =
    "INSERT INTO record_history (record_id, subject_id, department_id, kind_id, status, "
    "published, flagged, version, decided_at, publicity_start, publicity_min_end, "
    "publicity_max_end, content_hash, batch_id, created_at, updated_at, tier, source_ref, "
    "document_no, legal_basis, status_reason, payload) "
    "SELECT id, subject_id, department_id, kind_id, status, published, flagged, version, "
    "decided_at, publicity_start, publicity_min_end, publicity_max_end, content_hash, batch_id, "
    "created_at, updated_at, tier, source_ref, document_no, legal_basis, status_reason, payload "
    "FROM records WHERE id = ?1 AND version = ?2";

// Parameters numbered as in SqliteInsertRecordSql(), plus ?22 id; the identity (?2 department,
// ?14 created_at, ?17 source_ref) is kept.
constexpr std::string_view kUpdateRecord =
    "UPDATE records SET subject_id = ?1, kind_id = ?3, status = ?4, published = ?5, "
    "flagged = ?6, version = ?7, decided_at = ?8, publicity_start = ?9, publicity_min_end = ?10, "
    "publicity_max_end = ?11, content_hash = ?12, batch_id = ?13, updated_at = ?15, tier = ?16, "
    "document_no = ?18, legal_basis = ?19, status_reason = ?20, payload = ?21 WHERE id = ?22";

// Binds ?1 ... ?21 of SqliteInsertRecordSql() (and kUpdateRecord).
void BindRecord(Query& query, const Record& record, int64_t department_id, int64_t kind_id) {
  query.BindInt(1, record.subject_id);
  query.BindInt(2, department_id);
  query.BindInt(3, kind_id);
  query.BindInt(4, kRecordStatusCodes.Code(record.status));
  query.BindBool(5, record.published);
  query.BindBool(6, record.flagged);
  query.BindInt(7, record.version);
  query.BindInt(8, record.decided_at.days());
  query.BindInt(9, record.publicity_start.days());
  query.BindOptionalInt(10, OptionalDays(record.publicity_min_end));
  query.BindOptionalInt(11, OptionalDays(record.publicity_max_end));
  query.BindInt(12, record.content_hash);
  query.BindInt(13, record.batch_id);
  query.BindInt(14, record.created_at.micros());
  query.BindInt(15, record.updated_at.micros());
  query.BindText(16, record.tier);
  query.BindText(17, record.source_ref);
  query.BindText(18, record.document_no);
  query.BindText(19, record.legal_basis);
  query.BindText(20, record.status_reason);
  query.BindText(21, record.payload);
}

// Reads a row of kRecordColumns (or kHistoryColumns).
Result<Record> ReadRecord(const Query& query, Keys& keys) {
  Record record;
  record.id = query.ColumnInt(0);
  record.subject_id = query.ColumnInt(1);
  CREDENCE_ASSIGN_OR_RETURN(record.department,
                            KeyOfId(keys.db, keys.departments, query.ColumnInt(2)));
  CREDENCE_ASSIGN_OR_RETURN(record.kind, KeyOfId(keys.db, keys.kinds, query.ColumnInt(3)));
  CREDENCE_ASSIGN_OR_RETURN(record.status, kRecordStatusCodes.FromCode(query.ColumnInt(4)));
  record.published = query.ColumnBool(5);
  record.flagged = query.ColumnBool(6);
  record.version = static_cast<int32_t>(query.ColumnInt(7));
  record.decided_at = ColumnDate(query, 8);
  record.publicity_start = ColumnDate(query, 9);
  record.publicity_min_end = ColumnOptionalDate(query, 10);
  record.publicity_max_end = ColumnOptionalDate(query, 11);
  record.content_hash = query.ColumnInt(12);
  record.batch_id = query.ColumnInt(13);
  record.created_at = ColumnTimestamp(query, 14);
  record.updated_at = ColumnTimestamp(query, 15);
  record.tier = query.ColumnText(16);
  record.source_ref = query.ColumnText(17);
  record.document_no = query.ColumnText(18);
  record.legal_basis = query.ColumnText(19);
  record.status_reason = query.ColumnText(20);
  record.payload = query.ColumnText(21);
  return record;
}

Result<RecordHead> ReadHead(const Query& query, Keys& keys) {
  RecordHead head;
  head.id = query.ColumnInt(0);
  head.subject_id = query.ColumnInt(1);
  CREDENCE_ASSIGN_OR_RETURN(head.kind, KeyOfId(keys.db, keys.kinds, query.ColumnInt(2)));
  CREDENCE_ASSIGN_OR_RETURN(head.status, kRecordStatusCodes.FromCode(query.ColumnInt(3)));
  head.decided_at = ColumnDate(query, 4);
  head.publicity_max_end = ColumnOptionalDate(query, 5);
  head.published = query.ColumnBool(6);
  head.version = static_cast<int32_t>(query.ColumnInt(7));
  head.content_hash = query.ColumnInt(8);
  return head;
}

// ---------------------------------------------------------------------------------------------
// Batches, tokens, audit.

constexpr std::string_view kBatchColumns =
    "id, department, actor, format, source_name, started_at, finished_at, submitted, accepted, "
    "updated, unchanged, rejected, report_json";

constexpr std::string_view kInsertBatch =
    "INSERT INTO batches (id, department, actor, format, source_name, started_at, finished_at, "
    "submitted, accepted, updated, unchanged, rejected, report_json) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";

constexpr std::string_view kUpdateBatch =
    "UPDATE batches SET department = ?2, actor = ?3, format = ?4, source_name = ?5, "
    "started_at = ?6, finished_at = ?7, submitted = ?8, accepted = ?9, updated = ?10, "
    "unchanged = ?11, rejected = ?12, report_json = ?13 WHERE id = ?1";

void BindBatch(Query& query, const Batch& batch) {
  BindRowId(query, batch.id);
  query.BindText(2, batch.department);
  query.BindText(3, batch.actor);
  query.BindText(4, batch.format);
  query.BindText(5, batch.source_name);
  query.BindInt(6, batch.started_at.micros());
  query.BindInt(7, batch.finished_at.micros());
  query.BindInt(8, batch.submitted);
  query.BindInt(9, batch.accepted);
  query.BindInt(10, batch.updated);
  query.BindInt(11, batch.unchanged);
  query.BindInt(12, batch.rejected);
  query.BindText(13, batch.report_json);
}

Batch ReadBatch(const Query& query) {
  Batch batch;
  batch.id = query.ColumnInt(0);
  batch.department = query.ColumnText(1);
  batch.actor = query.ColumnText(2);
  batch.format = query.ColumnText(3);
  batch.source_name = query.ColumnText(4);
  batch.started_at = ColumnTimestamp(query, 5);
  batch.finished_at = ColumnTimestamp(query, 6);
  batch.submitted = query.ColumnInt(7);
  batch.accepted = query.ColumnInt(8);
  batch.updated = query.ColumnInt(9);
  batch.unchanged = query.ColumnInt(10);
  batch.rejected = query.ColumnInt(11);
  batch.report_json = query.ColumnText(12);
  return batch;
}

constexpr std::string_view kTokenColumns =
    "id, hash, prefix, role, department, region, label, created_at, revoked_at, subject_code";

Token ReadToken(const Query& query) {
  Token token;
  token.id = query.ColumnInt(0);
  token.hash = query.ColumnText(1);
  token.prefix = query.ColumnText(2);
  token.role = query.ColumnText(3);
  token.department = query.ColumnText(4);
  token.region = query.ColumnText(5);
  token.label = query.ColumnText(6);
  token.created_at = ColumnTimestamp(query, 7);
  if (std::optional<int64_t> revoked = query.ColumnOptionalInt(8)) {
    token.revoked_at = Timestamp::FromMicros(*revoked);
  }
  token.subject_code = query.ColumnText(9);
  return token;
}

constexpr std::string_view kAccountColumns =
    "id, login, password_hash, role, department, region, subject_code, display_name, "
    "activation_hash, activation_expires_at, created_at, disabled_at";

constexpr std::string_view kInsertAccount =
    "INSERT INTO accounts (id, login, password_hash, role, department, region, subject_code, "
    "display_name, activation_hash, activation_expires_at, created_at, disabled_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

// login (?2) and created_at (?11) are bound by BindAccount but not used: they are kept as stored.
constexpr std::string_view kUpdateAccount =
    "UPDATE accounts SET password_hash = ?3, role = ?4, department = ?5, region = ?6, "
    "subject_code = ?7, display_name = ?8, activation_hash = ?9, activation_expires_at = ?10, "
    "disabled_at = ?12 WHERE id = ?1";

std::optional<int64_t> OptionalMicros(const std::optional<Timestamp>& at) {
  return at ? std::optional<int64_t>(at->micros()) : std::nullopt;
}

std::optional<Timestamp> ColumnOptionalTimestamp(const Query& query, int column) {
  std::optional<int64_t> micros = query.ColumnOptionalInt(column);
  if (!micros) return std::nullopt;
  return Timestamp::FromMicros(*micros);
}

void BindAccount(Query& query, const Account& account) {
  BindRowId(query, account.id);
  query.BindText(2, account.login);
  query.BindText(3, account.password_hash);
  query.BindText(4, account.role);
  query.BindText(5, account.department);
  query.BindText(6, account.region);
  query.BindText(7, account.subject_code);
  query.BindText(8, account.display_name);
  query.BindText(9, account.activation_hash);
  query.BindOptionalInt(10, OptionalMicros(account.activation_expires_at));
  query.BindInt(11, account.created_at.micros());
  query.BindOptionalInt(12, OptionalMicros(account.disabled_at));
}

Account ReadAccount(const Query& query) {
  Account account;
  account.id = query.ColumnInt(0);
  account.login = query.ColumnText(1);
  account.password_hash = query.ColumnText(2);
  account.role = query.ColumnText(3);
  account.department = query.ColumnText(4);
  account.region = query.ColumnText(5);
  account.subject_code = query.ColumnText(6);
  account.display_name = query.ColumnText(7);
  account.activation_hash = query.ColumnText(8);
  account.activation_expires_at = ColumnOptionalTimestamp(query, 9);
  account.created_at = ColumnTimestamp(query, 10);
  account.disabled_at = ColumnOptionalTimestamp(query, 11);
  return account;
}

constexpr std::string_view kSessionColumns =
    "id, hash, account_id, created_at, expires_at, revoked_at";

constexpr std::string_view kInsertSession =
    "INSERT INTO sessions (id, hash, account_id, created_at, expires_at, revoked_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

void BindSession(Query& query, const Session& session) {
  BindRowId(query, session.id);
  query.BindText(2, session.hash);
  query.BindInt(3, session.account_id);
  query.BindInt(4, session.created_at.micros());
  query.BindInt(5, session.expires_at.micros());
  query.BindOptionalInt(6, OptionalMicros(session.revoked_at));
}

Session ReadSession(const Query& query) {
  Session session;
  session.id = query.ColumnInt(0);
  session.hash = query.ColumnText(1);
  session.account_id = query.ColumnInt(2);
  session.created_at = ColumnTimestamp(query, 3);
  session.expires_at = ColumnTimestamp(query, 4);
  session.revoked_at = ColumnOptionalTimestamp(query, 5);
  return session;
}

constexpr std::string_view kAccessColumns =
    "id, subject_id, at, actor, role, department, purpose, what";

constexpr std::string_view kInsertAccess =
    "INSERT INTO access_log (id, subject_id, at, actor, role, department, purpose, what) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

void BindAccess(Query& query, const AccessEntry& entry) {
  BindRowId(query, entry.id);
  query.BindInt(2, entry.subject_id);
  query.BindInt(3, entry.at.micros());
  query.BindText(4, entry.actor);
  query.BindText(5, entry.role);
  query.BindText(6, entry.department);
  query.BindText(7, entry.purpose);
  query.BindText(8, entry.what);
}

AccessEntry ReadAccess(const Query& query) {
  AccessEntry entry;
  entry.id = query.ColumnInt(0);
  entry.subject_id = query.ColumnInt(1);
  entry.at = ColumnTimestamp(query, 2);
  entry.actor = query.ColumnText(3);
  entry.role = query.ColumnText(4);
  entry.department = query.ColumnText(5);
  entry.purpose = query.ColumnText(6);
  entry.what = query.ColumnText(7);
  return entry;
}

constexpr std::string_view kAuditColumns = "seq, at, actor, action, object, digest, hash";

AuditEntry ReadAuditEntry(const Query& query) {
  AuditEntry entry;
  entry.seq = query.ColumnInt(0);
  entry.at = ColumnTimestamp(query, 1);
  entry.actor = query.ColumnText(2);
  entry.action = query.ColumnText(3);
  entry.object = query.ColumnText(4);
  entry.digest = query.ColumnBlob(5);
  entry.hash = query.ColumnBlob(6);
  return entry;
}

std::string Sql(std::initializer_list<std::string_view> parts) {
  std::string sql;
  for (std::string_view part : parts) sql += part;
  return sql;
}

// Statements built once: the text of a cached statement is its cache key.
const std::string kSelectSubjectByCode =
    Sql({"SELECT ", kSubjectColumns, " FROM subjects WHERE code = ?1"});
const std::string kSelectSubjectById =
    Sql({"SELECT ", kSubjectColumns, " FROM subjects WHERE id = ?1"});
const std::string kScanSubjects =
    Sql({"SELECT ", kSubjectColumns, " FROM subjects WHERE id > ?1 ORDER BY id LIMIT ?2"});
const std::string kSelectRecordById =
    Sql({"SELECT ", kRecordColumns, " FROM records WHERE id = ?1"});
const std::string kSelectRecordByRef =
    Sql({"SELECT ", kRecordColumns, " FROM records WHERE department_id = ?1 AND source_ref = ?2"});
const std::string kScanRecordsBySubject =
    Sql({"SELECT ", kRecordColumns, " FROM records ORDER BY subject_id, id"});
const std::string kSelectDueToExpire =
    Sql({"SELECT ", kHeadColumns,
         " FROM records WHERE status = ?1 AND publicity_max_end IS NOT NULL AND "
         "publicity_max_end <= ?2 AND id > ?3 ORDER BY id LIMIT ?4"});
const std::string kScanHeads = Sql({"SELECT ", kHeadColumns, " FROM records ORDER BY id"});
const std::string kSelectHeadsOfSubject =
    Sql({"SELECT ", kHeadColumns, " FROM records WHERE subject_id = ?1 ORDER BY decided_at, id"});
const std::string kSelectHistory =
    Sql({"SELECT ", kHistoryColumns, " FROM record_history WHERE record_id = ?1 ORDER BY version"});
const std::string kSelectBatch = Sql({"SELECT ", kBatchColumns, " FROM batches WHERE id = ?1"});
const std::string kListBatches =
    Sql({"SELECT ", kBatchColumns, " FROM batches ORDER BY id DESC LIMIT ?1 OFFSET ?2"});
// started_at grows with id (batches are numbered as they start), so the newest-first walk
// stops at the first older batch: the window costs its own rows, not the table.
const std::string kBatchesNewestFirst =
    Sql({"SELECT ", kBatchColumns, " FROM batches ORDER BY id DESC"});
const std::string kListBatchesOfDepartment =
    Sql({"SELECT ", kBatchColumns,
         " FROM batches WHERE department = ?3 ORDER BY id DESC LIMIT ?1 OFFSET ?2"});
// Cases: the bound columns ?1..?13 in this order, shared by insert and update (the update keeps
// kind, subject_id, record_id and filed_at as stored and matches version - 1).
constexpr std::string_view kCaseColumns =
    "id, kind, subject_id, record_id, department, status, open, due_on, answer_due_on, filed_at, "
    "updated_at, version, detail";
constexpr std::string_view kInsertCase =
    "INSERT INTO cases (kind, subject_id, record_id, department, status, open, due_on, "
    "answer_due_on, filed_at, updated_at, version, detail) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
constexpr std::string_view kUpdateCase =
    "UPDATE cases SET department = ?4, status = ?5, open = ?6, due_on = ?7, answer_due_on = ?8, "
    "updated_at = ?10, version = ?11, detail = ?12 "
    "WHERE id = ?14 AND version = ?11 - 1";

void BindCase(Query& query, const Case& case_) {
  query.BindText(1, case_.kind);
  query.BindInt(2, case_.subject_id);
  query.BindInt(3, case_.record_id);
  query.BindText(4, case_.department);
  query.BindText(5, case_.status);
  query.BindBool(6, case_.open);
  query.BindInt(7, case_.due_on.days());
  query.BindOptionalInt(
      8, case_.answer_due_on ? std::optional<int64_t>(case_.answer_due_on->days()) : std::nullopt);
  query.BindInt(9, case_.filed_at.micros());
  query.BindInt(10, case_.updated_at.micros());
  query.BindInt(11, case_.version);
  query.BindText(12, case_.detail);
}

Case ReadCase(const Query& query) {
  Case case_;
  case_.id = query.ColumnInt(0);
  case_.kind = query.ColumnText(1);
  case_.subject_id = query.ColumnInt(2);
  case_.record_id = query.ColumnInt(3);
  case_.department = query.ColumnText(4);
  case_.status = query.ColumnText(5);
  case_.open = query.ColumnBool(6);
  case_.due_on = Date::FromDays(static_cast<int32_t>(query.ColumnInt(7)));
  if (std::optional<int64_t> answer = query.ColumnOptionalInt(8)) {
    case_.answer_due_on = Date::FromDays(static_cast<int32_t>(*answer));
  }
  case_.filed_at = ColumnTimestamp(query, 9);
  case_.updated_at = ColumnTimestamp(query, 10);
  case_.version = static_cast<int32_t>(query.ColumnInt(11));
  case_.detail = query.ColumnText(12);
  return case_;
}

const std::string kSelectCaseById = Sql({"SELECT ", kCaseColumns, " FROM cases WHERE id = ?1"});

const std::string kSelectTokenByHash =
    Sql({"SELECT ", kTokenColumns, " FROM tokens WHERE hash = ?1"});
const std::string kSelectCertificate =
    "SELECT id, serial, subject_code, type, level, token, issued_at, expires_at "
    "FROM certificates WHERE serial = ?1";
const std::string kListTokens = Sql({"SELECT ", kTokenColumns, " FROM tokens ORDER BY id"});
const std::string kSelectAccountByLogin =
    Sql({"SELECT ", kAccountColumns, " FROM accounts WHERE login = ?1"});
const std::string kSelectAccountById =
    Sql({"SELECT ", kAccountColumns, " FROM accounts WHERE id = ?1"});
const std::string kSelectSessionByHash =
    Sql({"SELECT ", kSessionColumns, " FROM sessions WHERE hash = ?1"});
const std::string kListAccess =
    Sql({"SELECT ", kAccessColumns,
         " FROM access_log WHERE subject_id = ?3 ORDER BY id DESC LIMIT ?1 OFFSET ?2"});
const std::string kScanAudit =
    Sql({"SELECT ", kAuditColumns, " FROM audit_log WHERE seq >= ?1 ORDER BY seq"});
const std::string kAuditHead =
    Sql({"SELECT ", kAuditColumns, " FROM audit_log ORDER BY seq DESC LIMIT 1"});

// Index walks for FindSubjects and FindRecordsByRef: the covering index gives each key's rowid.
const std::string kWalkSubjectCodes =
    "SELECT code, id FROM subjects WHERE code >= ?1 ORDER BY code";
const std::string kWalkSourceRefs =
    "SELECT source_ref, id FROM records WHERE department_id = ?1 AND source_ref >= ?2 "
    "ORDER BY source_ref";
const std::string kSelectHeadById = Sql({"SELECT ", kHeadColumns, " FROM records WHERE id = ?1"});

// How many index entries a walk steps over without a match before it seeks instead: a step
// within a page costs a fraction of a seek from the root.
constexpr int kWalkStepsBeforeSeek = 8;

// Finds which of keys are in an index, for batches of up to tens of thousands of keys. The keys
// are sorted and merged with the index in one walk (walk: a statement yielding key, rowid in
// key order from the key bound at key_parameter), seeking again only over gaps wider than a few
// entries. A feed's new references, beyond everything stored, then cost one seek in all rather
// than one each; scattered keys cost about one seek each, in index order, which keeps the pages
// they need hot. Calls found(index into keys, rowid) for each key present.
template <typename FoundFn>
Status FindKeysInIndex(Query& walk, int key_parameter, std::span<const std::string> keys,
                       FoundFn&& found) {
  std::vector<size_t> order(keys.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return keys[a] < keys[b]; });
  size_t next = 0;  // the first key (in order) not yet decided
  while (next < order.size()) {
    walk.Reset();
    walk.BindText(key_parameter, keys[order[next]]);
    int steps_without_match = 0;
    while (steps_without_match <= kWalkStepsBeforeSeek) {
      CREDENCE_ASSIGN_OR_RETURN(bool row, walk.Step());
      if (!row) return OkStatus();  // nothing at or beyond the remaining keys
      std::string_view indexed = walk.ColumnText(0);
      while (next < order.size() && std::string_view(keys[order[next]]) < indexed) ++next;
      if (next == order.size()) return OkStatus();
      if (keys[order[next]] != indexed) {
        ++steps_without_match;
        continue;
      }
      const int64_t rowid = walk.ColumnInt(1);
      for (; next < order.size() && keys[order[next]] == indexed; ++next) {
        CREDENCE_RETURN_IF_ERROR(found(order[next], rowid));  // must not use walk
      }
      steps_without_match = 0;
    }
  }
  return OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Credit checks.

std::string JoinLines(const std::vector<std::string>& keys) {
  std::string joined;
  for (const std::string& key : keys) {
    if (!joined.empty()) joined += '\n';
    joined += key;
  }
  return joined;
}

std::vector<std::string> SplitLines(std::string_view joined) {
  std::vector<std::string> keys;
  while (!joined.empty()) {
    size_t end = joined.find('\n');
    keys.emplace_back(joined.substr(0, end));
    if (end == std::string_view::npos) break;
    joined.remove_prefix(end + 1);
  }
  return keys;
}

constexpr std::string_view kCheckColumns =
    "id, department, actor, subject_code, subject_id, region, scenario, level, lists, measures, "
    "result_json, checked_at, feedback_due, answered_at";

CreditCheck ReadCheck(const Query& query) {
  CreditCheck check;
  check.id = query.ColumnInt(0);
  check.department = query.ColumnText(1);
  check.actor = query.ColumnText(2);
  check.subject_code = query.ColumnText(3);
  check.subject_id = query.ColumnInt(4);
  check.region = query.ColumnText(5);
  check.scenario = query.ColumnText(6);
  check.level = query.ColumnText(7);
  check.lists = SplitLines(query.ColumnText(8));
  check.measures = SplitLines(query.ColumnText(9));
  check.result_json = query.ColumnText(10);
  check.checked_at = ColumnTimestamp(query, 11);
  check.feedback_due = ColumnDate(query, 12);
  if (std::optional<int64_t> answered = query.ColumnOptionalInt(13)) {
    check.answered_at = Timestamp::FromMicros(*answered);
  }
  return check;
}

constexpr std::string_view kFeedbackColumns = "check_id, measure, action, reason, actor, at";

CheckFeedback ReadFeedback(const Query& query) {
  CheckFeedback feedback;
  feedback.check_id = query.ColumnInt(0);
  feedback.measure = query.ColumnText(1);
  feedback.action = query.ColumnText(2);
  feedback.reason = query.ColumnText(3);
  feedback.actor = query.ColumnText(4);
  feedback.at = ColumnTimestamp(query, 5);
  return feedback;
}

const std::string kSelectCheck =
    Sql({"SELECT ", kCheckColumns, " FROM credit_checks WHERE id = ?1"});
// rowid order is arrival order: a check's feedback as it came in.
const std::string kSelectFeedbackOfCheck =
    Sql({"SELECT ", kFeedbackColumns,
         " FROM credit_check_feedback WHERE check_id = ?1 ORDER BY rowid"});
const std::string kScanChecksInRange = Sql({"SELECT ", kCheckColumns,
                                            " FROM credit_checks WHERE checked_at >= ?1 AND "
                                            "checked_at < ?2 ORDER BY id"});
const std::string kScanFeedbackInRange =
    Sql({"SELECT f.check_id, f.measure, f.action, f.reason, f.actor, f.at FROM "
         "credit_check_feedback f JOIN credit_checks c ON c.id = f.check_id WHERE c.checked_at >= "
         "?1 AND c.checked_at < ?2 ORDER BY f.check_id, f.rowid"});

Status FillFeedback(Connection& db, CreditCheck& check) {
  CREDENCE_ASSIGN_OR_RETURN(Query query, db.Prepare(kSelectFeedbackOfCheck));
  query.BindInt(1, check.id);
  for (;;) {
    CREDENCE_ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    check.feedback.push_back(ReadFeedback(query));
  }
  return OkStatus();
}

// Ends a read transaction when it goes out of scope: several statements of one call then see
// one snapshot (a page and its total, a record and its history).
class ReadTransaction {
 public:
  explicit ReadTransaction(Connection& db) : db_(db) {}
  ~ReadTransaction() {
    if (!open_) return;
    if (Result<Query> end = db_.Prepare("COMMIT")) (void)end->Run();
  }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

  Status Begin() {
    CREDENCE_ASSIGN_OR_RETURN(Query begin, db_.Prepare("BEGIN"));
    CREDENCE_RETURN_IF_ERROR(begin.Run());
    open_ = true;
    return OkStatus();
  }

 private:
  Connection& db_;
  bool open_ = false;
};

// ---------------------------------------------------------------------------------------------
// Migrations.

Status Migrate(Connection& db, int migrations_to_apply) {
  const std::vector<std::string_view>& migrations = SqliteMigrations();
  const int known = static_cast<int>(migrations.size());
  const int target = migrations_to_apply < 0 ? known : std::min(migrations_to_apply, known);
  CREDENCE_RETURN_IF_ERROR(
      db.Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
              "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT"));

  auto current_version = [&]() -> Result<int> {
    CREDENCE_ASSIGN_OR_RETURN(
        Query query, db.Prepare("SELECT coalesce(max(version), 0) FROM schema_migrations"));
    CREDENCE_RETURN_IF_ERROR(query.Step());
    return static_cast<int>(query.ColumnInt(0));
  };
  CREDENCE_ASSIGN_OR_RETURN(int applied, current_version());
  if (applied > known) {
    return Fail(Error::FailedPrecondition(
        "schema_newer", "the database has schema version " + std::to_string(applied) +
                            " but this build knows only up to " + std::to_string(known) +
                            ": use a newer credence"));
  }

  for (int version = applied + 1; version <= target; ++version) {
    // Each migration in its own transaction, re-checked inside it: another process opening the
    // same file at the same moment may have applied it first.
    CREDENCE_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
    Status step = [&]() -> Status {
      CREDENCE_ASSIGN_OR_RETURN(int now_applied, current_version());
      if (now_applied >= version) return OkStatus();
      CREDENCE_RETURN_IF_ERROR(db.Exec(migrations[version - 1]));
      // applied_at is bookkeeping for operators, not domain time: SQLite's clock is fine.
      return db.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES (" +
                     std::to_string(version) +
                     ", CAST((julianday('now') - 2440587.5) * 86400000000.0 AS INTEGER))");
    }();
    if (!step) {
      (void)db.Exec("ROLLBACK");
      return Fail(
          std::move(step).error().Context("applying schema migration " + std::to_string(version)));
    }
    CREDENCE_RETURN_IF_ERROR(db.Exec("COMMIT"));
  }
  return OkStatus();
}

Status LoadKeys(Connection& db, const KeyTable& table, KeyDictionary& dictionary) {
  CREDENCE_ASSIGN_OR_RETURN(Query query, db.Prepare(table.select_all));
  while (true) {
    CREDENCE_ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    dictionary.Add(query.ColumnInt(0), query.ColumnText(1));
  }
  return OkStatus();
}

// Copies the WAL into the database file on a thread and connection of its own. SQLite would
// otherwise do it inside the commit that crosses its threshold, so that an import waits for
// that copy and its fsyncs after every large transaction; here the commit only signals.
class BackgroundCheckpointer {
 public:
  static Result<std::unique_ptr<BackgroundCheckpointer>> Start(const std::string& path) {
    ConnectionOptions options;
    options.pragmas = {"PRAGMA busy_timeout = 10000"};
    CREDENCE_ASSIGN_OR_RETURN(std::unique_ptr<Connection> db, Connection::Open(path, options));
    return std::unique_ptr<BackgroundCheckpointer>(new BackgroundCheckpointer(std::move(db)));
  }

  ~BackgroundCheckpointer() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }

  BackgroundCheckpointer(const BackgroundCheckpointer&) = delete;
  BackgroundCheckpointer& operator=(const BackgroundCheckpointer&) = delete;

  // Asks for a checkpoint soon; never blocks.
  void Request() {
    {
      std::lock_guard lock(mutex_);
      requested_ = true;
    }
    wake_.notify_one();
  }

 private:
  explicit BackgroundCheckpointer(std::unique_ptr<Connection> db)
      : db_(std::move(db)), thread_([this] { Run(); }) {}

  void Run() {
    std::unique_lock lock(mutex_);
    while (true) {
      wake_.wait(lock, [this] { return requested_ || stopping_; });
      if (stopping_) return;
      requested_ = false;
      lock.unlock();
      // A failure (another checkpoint running, a reader holding old frames) only means the
      // next request or the closing connection copies these frames instead.
      (void)db_->CheckpointPassive();
      lock.lock();
    }
  }

  std::unique_ptr<Connection> db_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool requested_ = false;  // guarded by mutex_
  bool stopping_ = false;   // guarded by mutex_
  std::thread thread_;      // last: starts once the members above exist
};

// WAL sizes (in pages) at which a commit asks for a background checkpoint, and at which,
// should the background fall behind, the committing thread checkpoints itself as SQLite would.
constexpr int64_t kCheckpointRequestFrames = 1000;
constexpr int64_t kCheckpointInlineFrames = 262144;  // 1 GiB of 4 KiB pages

class SqliteWriteTxn;

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, std::unique_ptr<Connection> writer)
      : path_(std::move(path)), writer_(std::move(writer)) {}

  ~SqliteStore() override {
    StopWatchingOtherWriters();
    writer_->SetWalHook(nullptr);
    checkpointer_.reset();
  }

  Status Initialize(const SqliteOptions& options) {
    CREDENCE_RETURN_IF_ERROR(Migrate(*writer_, options.migrations_to_apply));
    CREDENCE_RETURN_IF_ERROR(LoadKeys(*writer_, kDepartmentTable, departments_));
    CREDENCE_RETURN_IF_ERROR(LoadKeys(*writer_, kKindTable, kinds_));
    CREDENCE_ASSIGN_OR_RETURN(checkpointer_, BackgroundCheckpointer::Start(path_));
    writer_->SetWalHook([this](int64_t wal_frames) {
      if (wal_frames >= kCheckpointInlineFrames) {
        (void)writer_->CheckpointPassive();
      } else if (wal_frames >= kCheckpointRequestFrames) {
        checkpointer_->Request();
      }
    });
    // One reader now, so that a file readers cannot open fails here rather than on first use.
    CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
    return OkStatus();
  }

  std::string_view backend() const override { return "sqlite"; }

  Result<std::optional<Subject>> FindSubjectByCode(std::string_view code) override;
  Result<std::optional<Subject>> GetSubject(int64_t id) override;
  Result<std::vector<Subject>> GetSubjects(std::span<const int64_t> ids) override;
  Status ScanSubjects(int64_t after_id, int64_t limit,
                      const std::function<void(const Subject&)>& visit) override;
  Result<std::vector<RecordHead>> ListRecordHeads(int64_t subject_id) override;
  Status ScanRecordsBySubject(const std::function<Status(const Record&)>& visit) override;
  Status ScanRecordHeads(const std::function<Status(const RecordHead&)>& visit) override;
  Result<std::vector<RecordHead>> ListRecordsDueToExpire(Date day, int64_t after_id,
                                                         int64_t limit) override;
  Result<Page<Record>> ListRecords(const RecordQuery& query) override;
  Result<std::optional<Record>> GetRecord(int64_t id) override;
  Result<std::optional<Record>> FindRecordByRef(std::string_view department,
                                                std::string_view source_ref) override;
  Result<std::vector<Record>> ListRecordVersions(int64_t record_id) override;
  Result<std::optional<StoredRating>> GetRating(int64_t subject_id) override;
  Result<Page<RatingChange>> ListRatingHistory(int64_t subject_id, int64_t offset,
                                               int64_t limit) override;
  Result<Page<ListMember>> ListListMembers(const ListMemberQuery& query) override;
  Result<std::vector<RatingLevelCount>> CountRatingLevels() override;
  Result<std::optional<Batch>> GetBatch(int64_t id) override;
  Result<Page<Batch>> ListBatches(std::string_view department, int64_t offset,
                                  int64_t limit) override;
  Status ScanBatchesSince(Timestamp since,
                          const std::function<Status(const Batch&)>& visit) override;
  Result<std::vector<DepartmentLatestBatch>> LatestBatchPerDepartment() override;
  Result<std::optional<Token>> FindTokenByHash(std::string_view hash) override;
  Result<std::vector<Token>> ListTokens() override;
  Result<std::optional<Case>> GetCase(int64_t id) override;
  Result<Page<Case>> ListCases(const CaseQuery& query) override;
  Result<Page<Notification>> ListNotifications(int64_t subject_id, int64_t offset,
                                               int64_t limit) override;
  Result<std::optional<IssuedCertificate>> FindCertificate(std::string_view serial) override;
  Result<std::optional<Account>> FindAccountByLogin(std::string_view login) override;
  Result<std::optional<Account>> GetAccount(int64_t id) override;
  Result<std::optional<Session>> FindSessionByHash(std::string_view hash) override;
  Result<Page<AccessEntry>> ListAccess(int64_t subject_id, int64_t offset, int64_t limit) override;
  Status ScanAudit(int64_t from_seq,
                   const std::function<Status(const AuditEntry&)>& visit) override;
  Result<StoreStats> Stats() override;
  Result<std::vector<GroupCount>> CountSubjectsByRegion() override;
  Result<std::vector<GroupCount>> CountRecordsByKind() override;
  Result<std::optional<CreditCheck>> GetCheck(int64_t id) override;
  Result<Page<CreditCheck>> ListChecks(const CheckQuery& query) override;
  Status ScanChecks(Timestamp from, Timestamp to,
                    const std::function<Status(const CreditCheck&)>& visit) override;
  Result<std::unique_ptr<WriteTxn>> BeginWrite() override;
  int64_t AddCommitObserver(CommitObserver observer) override;
  void RemoveCommitObserver(int64_t id) override;

 private:
  friend class SqliteWriteTxn;

  // Called with write_mutex_ held, after a commit or on noticing another process's commits.
  void Notify(const CommitEvent& event) {
    for (const auto& [id, observer] : observers_) observer(event);
  }

  // Another process writing to the same file (`credence import` beside `credence serve`) is
  // noticed through PRAGMA data_version on the writing connection, which changes only for
  // commits made on other connections: checked about once a second while the writer is idle.
  void WatchOtherWriters();
  void StopWatchingOtherWriters();
  Result<int64_t> WriterDataVersion();

  // A read-only connection borrowed from the pool for one call.
  class Lease {
   public:
    Lease(SqliteStore* store, std::unique_ptr<Connection> connection)
        : store_(store), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (connection_) store_->ReturnReader(std::move(connection_));
    }
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    SqliteStore* store_;
    std::unique_ptr<Connection> connection_;
  };

  Result<Lease> AcquireReader() {
    {
      std::lock_guard lock(readers_mutex_);
      if (!idle_readers_.empty()) {
        std::unique_ptr<Connection> connection = std::move(idle_readers_.back());
        idle_readers_.pop_back();
        return Lease(this, std::move(connection));
      }
    }
    ConnectionOptions options;
    options.read_only = true;
    options.pragmas = SqliteReaderPragmas();
    CREDENCE_ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection,
                              Connection::Open(path_, options));
    return Lease(this, std::move(connection));
  }

  void ReturnReader(std::unique_ptr<Connection> connection) {
    std::lock_guard lock(readers_mutex_);
    idle_readers_.push_back(std::move(connection));
  }

  Keys ReaderKeys(Connection& db) {
    return Keys{db, KeySpace{&kDepartmentTable, &departments_}, KeySpace{&kKindTable, &kinds_}};
  }

  const std::string path_;
  KeyDictionary departments_;
  KeyDictionary kinds_;

  // The writing connection belongs to whoever holds write_mutex_ (the live SqliteWriteTxn).
  std::mutex write_mutex_;
  std::unique_ptr<Connection> writer_;
  // The thread holding write_mutex_, to refuse a second BeginWrite on it instead of deadlocking.
  std::atomic<std::thread::id> writer_thread_{};

  std::unique_ptr<BackgroundCheckpointer> checkpointer_;

  // Guarded by write_mutex_: observers run with it held, so removing one waits for its call.
  std::vector<std::pair<int64_t, CommitObserver>> observers_;
  int64_t next_observer_id_ = 1;   // guarded by write_mutex_
  int64_t seen_data_version_ = 0;  // guarded by write_mutex_
  std::mutex watch_mutex_;
  std::condition_variable watch_wake_;
  bool watch_stopping_ = false;  // guarded by watch_mutex_
  std::thread watcher_;

  // Declared after writer_ so that readers close first and the writer, closing last,
  // checkpoints the WAL into the database file.
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;  // guarded by readers_mutex_
};

// ---------------------------------------------------------------------------------------------
// The write transaction.

class SqliteWriteTxn final : public WriteTxn {
 public:
  SqliteWriteTxn(SqliteStore& store, std::unique_lock<std::mutex> lock)
      : store_(store),
        db_(*store.writer_),
        lock_(std::move(lock)),
        keys_{db_, KeySpace{&kDepartmentTable, &store.departments_, &new_departments_},
              KeySpace{&kKindTable, &store.kinds_, &new_kinds_}} {}

  ~SqliteWriteTxn() override {
    if (db_.InTransaction()) {
      if (Result<Query> rollback = db_.Prepare("ROLLBACK")) (void)rollback->Run();
    }
    store_.writer_thread_.store(std::thread::id());
  }

  SqliteWriteTxn(const SqliteWriteTxn&) = delete;
  SqliteWriteTxn& operator=(const SqliteWriteTxn&) = delete;

  Result<std::vector<std::optional<Subject>>> FindSubjects(
      std::span<const std::string> codes) override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    std::vector<std::optional<Subject>> subjects(codes.size());
    CREDENCE_ASSIGN_OR_RETURN(Query walk, db_.Prepare(kWalkSubjectCodes));
    CREDENCE_ASSIGN_OR_RETURN(Query select, db_.Prepare(kSelectSubjectById));
    CREDENCE_RETURN_IF_ERROR(
        FindKeysInIndex(walk, 1, codes, [&](size_t index, int64_t id) -> Status {
          select.Reset();
          select.BindInt(1, id);
          CREDENCE_ASSIGN_OR_RETURN(bool found, select.Step());
          if (!found) return Fail(Error::Internal("subject " + std::to_string(id) + " vanished"));
          CREDENCE_ASSIGN_OR_RETURN(subjects[index], ReadSubject(select));
          return OkStatus();
        }));
    return subjects;
  }

  // Inserts row as a new row (its id ignored) and sets row.id to the new rowid.
  template <typename Row, typename Bind>
  Status InsertNew(std::string_view sql, Row& row, Bind bind) {
    CREDENCE_ASSIGN_OR_RETURN(Query insert, db_.Prepare(sql));
    Row as_new = row;
    as_new.id = 0;
    bind(insert, as_new);
    CREDENCE_RETURN_IF_ERROR(insert.Run());
    row.id = db_.LastInsertRowid();
    return OkStatus();
  }

  // Updates the row with row.id; NotFound when there is none.
  template <typename Row, typename Bind>
  Status UpdateExisting(std::string_view sql, const Row& row, Bind bind, std::string_view what) {
    CREDENCE_ASSIGN_OR_RETURN(Query update, db_.Prepare(sql));
    bind(update, row);
    CREDENCE_RETURN_IF_ERROR(update.Run());
    if (db_.Changes() == 0) {
      return Fail(
          Error::NotFound("no " + std::string(what) + " with id " + std::to_string(row.id)));
    }
    return OkStatus();
  }

  Status InsertSubject(Subject& subject) override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    if (subject.code.empty()) {
      return Fail(Error::InvalidArgument("required", "a subject needs a code"));
    }
    CREDENCE_RETURN_IF_ERROR(InsertNew(kInsertSubject, subject, BindSubject));
    touched_subjects_.push_back(subject.id);
    return OkStatus();
  }

  Status UpdateSubject(const Subject& subject) override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    CREDENCE_RETURN_IF_ERROR(UpdateExisting(kUpdateSubject, subject, BindSubject, "subject"));
    touched_subjects_.push_back(subject.id);
    return OkStatus();
  }

  Result<std::vector<std::optional<RecordHead>>> FindRecordsByRef(
      std::string_view department, std::span<const std::string> source_refs) override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    std::vector<std::optional<RecordHead>> heads(source_refs.size());
    CREDENCE_ASSIGN_OR_RETURN(std::optional<int64_t> department_id,
                              IdOfKey(db_, keys_.departments, department));
    if (!department_id) return heads;  // a department that never submitted has no records
    CREDENCE_ASSIGN_OR_RETURN(Query walk, db_.Prepare(kWalkSourceRefs));
    CREDENCE_ASSIGN_OR_RETURN(Query select, db_.Prepare(kSelectHeadById));
    walk.BindInt(1, *department_id);
    CREDENCE_RETURN_IF_ERROR(
        FindKeysInIndex(walk, 2, source_refs, [&](size_t index, int64_t id) -> Status {
          select.Reset();
          select.BindInt(1, id);
          CREDENCE_ASSIGN_OR_RETURN(bool found, select.Step());
          if (!found) return Fail(Error::Internal("record " + std::to_string(id) + " vanished"));
          CREDENCE_ASSIGN_OR_RETURN(heads[index], ReadHead(select, keys_));
          return OkStatus();
        }));
    return heads;
  }

  Status InsertRecords(std::span<Record> records) override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    for (size_t i = 0; i < records.size(); ++i) {
      const Record& record = records[i];
      if (record.version != 1 || record.department.empty() || record.kind.empty()) {
        return Fail(Error::InvalidArgument(
            "record", "record " + std::to_string(i) + " (source_ref \"" + record.source_ref +
                          "\") must be version 1 and name its department and kind"));
      }
    }
    CREDENCE_ASSIGN_OR_RETURN(Query insert, db_.Prepare(SqliteInsertRecordSql()));
    LastKey last_department;
    LastKey last_kind;
    for (Record& record : records) {
      Status inserted = [&]() -> Status {
        CREDENCE_ASSIGN_OR_RETURN(
            int64_t department_id,
            InternCached(db_, keys_.departments, record.department, last_department));
        CREDENCE_ASSIGN_OR_RETURN(int64_t kind_id,
                                  InternCached(db_, keys_.kinds, record.kind, last_kind));
        BindRecord(insert, record, department_id, kind_id);
        return insert.Run();
      }();
      if (!inserted) {
        // The rows before this one are in the transaction and cannot be taken back alone.
        if (&record != records.data()) poisoned_ = true;
        return Fail(std::move(inserted).error().Context("inserting the record of " +
                                                        record.department + " with source_ref \"" +
                                                        record.source_ref + "\""));
      }
      record.id = db_.LastInsertRowid();
      if (touched_subjects_.empty() || touched_subjects_.back() != record.subject_id) {
        touched_subjects_.push_back(record.subject_id);
      }
    }
    return OkStatus();
  }

  Status ReviseRecord(const Record& record) override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    if (record.version < 2 || record.kind.empty()) {
      return Fail(
          Error::InvalidArgument("record", "a revision of record " + std::to_string(record.id) +
                                               " needs a version of at least 2 and a kind"));
    }
    // Interned first: failing here leaves nothing half-written.
    CREDENCE_ASSIGN_OR_RETURN(int64_t kind_id, InternKey(db_, keys_.kinds, record.kind));
    {
      // A revision may move a record to another subject: both files change.
      CREDENCE_ASSIGN_OR_RETURN(Query owner,
                                db_.Prepare("SELECT subject_id FROM records WHERE id = ?1"));
      owner.BindInt(1, record.id);
      CREDENCE_ASSIGN_OR_RETURN(bool found, owner.Step());
      if (found) touched_subjects_.push_back(owner.ColumnInt(0));
    }
    touched_subjects_.push_back(record.subject_id);
    {
      CREDENCE_ASSIGN_OR_RETURN(Query copy, db_.Prepare(kCopyRecordToHistory));
      copy.BindInt(1, record.id);
      copy.BindInt(2, record.version - 1);
      CREDENCE_RETURN_IF_ERROR(copy.Run());
    }
    if (db_.Changes() == 0) return RevisionMismatch(record);
    Status updated = [&]() -> Status {
      CREDENCE_ASSIGN_OR_RETURN(Query update, db_.Prepare(kUpdateRecord));
      BindRecord(update, record, /*department_id (kept)=*/0, kind_id);
      update.BindInt(22, record.id);
      return update.Run();
    }();
    if (!updated) poisoned_ = true;  // the history row is written, the record is not
    return updated;
  }

  Result<std::optional<Record>> GetRecord(int64_t id) override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    CREDENCE_ASSIGN_OR_RETURN(Query query, db_.Prepare(kSelectRecordById));
    query.BindInt(1, id);
    CREDENCE_ASSIGN_OR_RETURN(bool found, query.Step());
    if (!found) return std::optional<Record>();
    return ReadRecord(query, keys_);
  }

  Status InsertBatch(Batch& batch) override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    return InsertNew(kInsertBatch, batch, BindBatch);
  }

  Status UpdateBatch(const Batch& batch) override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    return UpdateExisting(kUpdateBatch, batch, BindBatch, "batch");
  }

  Status InsertToken(Token& token) override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    CREDENCE_ASSIGN_OR_RETURN(
        Query insert,
        db_.Prepare("INSERT INTO tokens (hash, prefix, role, department, region, label, "
                    "created_at, revoked_at, subject_code) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    insert.BindText(1, token.hash);
    insert.BindText(2, token.prefix);
    insert.BindText(3, token.role);
    insert.BindText(4, token.department);
    insert.BindText(5, token.region);
    insert.BindText(6, token.label);
    insert.BindInt(7, token.created_at.micros());
    insert.BindOptionalInt(
        8, token.revoked_at ? std::optional<int64_t>(token.revoked_at->micros()) : std::nullopt);
    insert.BindText(9, token.subject_code);
    CREDENCE_RETURN_IF_ERROR(insert.Run());
    token.id = db_.LastInsertRowid();
    return OkStatus();
  }

  Status InsertCase(Case& case_) override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    if (case_.version != 1) {
      return Fail(Error::InvalidArgument("version", "a new case starts at version 1"));
    }
    CREDENCE_ASSIGN_OR_RETURN(Query insert, db_.Prepare(kInsertCase));
    BindCase(insert, case_);
    CREDENCE_RETURN_IF_ERROR(insert.Run());
    case_.id = db_.LastInsertRowid();
    return OkStatus();
  }

  Status UpdateCase(const Case& case_) override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    CREDENCE_ASSIGN_OR_RETURN(Query update, db_.Prepare(kUpdateCase));
    BindCase(update, case_);
    update.BindInt(14, case_.id);
    CREDENCE_RETURN_IF_ERROR(update.Run());
    if (db_.Changes() > 0) return OkStatus();
    CREDENCE_ASSIGN_OR_RETURN(Query current,
                              db_.Prepare("SELECT version FROM cases WHERE id = ?1"));
    current.BindInt(1, case_.id);
    CREDENCE_ASSIGN_OR_RETURN(bool found, current.Step());
    if (!found) return Fail(Error::NotFound("no case with id " + std::to_string(case_.id)));
    return Fail(Error::Conflict("version", "case " + std::to_string(case_.id) + " is at version " +
                                               std::to_string(current.ColumnInt(0)) + "; version " +
                                               std::to_string(case_.version) +
                                               " does not follow it"));
  }

  Status InsertNotification(Notification& notification) override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    CREDENCE_ASSIGN_OR_RETURN(
        Query insert,
        db_.Prepare("INSERT INTO notifications (subject_id, at, topic, case_id, body) "
                    "VALUES (?1, ?2, ?3, ?4, ?5)"));
    insert.BindInt(1, notification.subject_id);
    insert.BindInt(2, notification.at.micros());
    insert.BindText(3, notification.topic);
    insert.BindInt(4, notification.case_id);
    insert.BindText(5, notification.body);
    CREDENCE_RETURN_IF_ERROR(insert.Run());
    notification.id = db_.LastInsertRowid();
    return OkStatus();
  }

  Status InsertCertificate(IssuedCertificate& certificate) override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    CREDENCE_ASSIGN_OR_RETURN(
        Query insert,
        db_.Prepare("INSERT INTO certificates (serial, subject_code, type, level, token, "
                    "issued_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    insert.BindText(1, certificate.serial);
    insert.BindText(2, certificate.subject_code);
    insert.BindText(3, certificate.type);
    insert.BindText(4, certificate.level);
    insert.BindText(5, certificate.token);
    insert.BindInt(6, certificate.issued_at.micros());
    insert.BindInt(7, certificate.expires_at.micros());
    CREDENCE_RETURN_IF_ERROR(insert.Run());
    certificate.id = db_.LastInsertRowid();
    return OkStatus();
  }

  Status RevokeToken(int64_t id, Timestamp at) override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    CREDENCE_ASSIGN_OR_RETURN(
        Query update,
        db_.Prepare("UPDATE tokens SET revoked_at = coalesce(revoked_at, ?2) WHERE id = ?1"));
    update.BindInt(1, id);
    update.BindInt(2, at.micros());
    CREDENCE_RETURN_IF_ERROR(update.Run());
    if (db_.Changes() == 0) {
      return Fail(Error::NotFound("no token with id " + std::to_string(id)));
    }
    return OkStatus();
  }

  Status InsertChecks(std::span<CreditCheck> checks) override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    CREDENCE_ASSIGN_OR_RETURN(
        Query insert,
        db_.Prepare("INSERT INTO credit_checks (department, actor, subject_code, subject_id, "
                    "region, scenario, level, lists, measures, measure_count, result_json, "
                    "checked_at, feedback_due, answered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                    "?8, ?9, ?10, ?11, ?12, ?13, ?14)"));
    for (size_t i = 0; i < checks.size(); ++i) {
      CreditCheck& check = checks[i];
      std::string lists = JoinLines(check.lists);
      std::string measures = JoinLines(check.measures);
      insert.BindText(1, check.department);
      insert.BindText(2, check.actor);
      insert.BindText(3, check.subject_code);
      insert.BindInt(4, check.subject_id);
      insert.BindText(5, check.region);
      insert.BindText(6, check.scenario);
      insert.BindText(7, check.level);
      insert.BindText(8, lists);
      insert.BindText(9, measures);
      insert.BindInt(10, static_cast<int64_t>(check.measures.size()));
      insert.BindText(11, check.result_json);
      insert.BindInt(12, check.checked_at.micros());
      insert.BindInt(13, check.feedback_due.days());
      insert.BindOptionalInt(14, check.answered_at
                                     ? std::optional<int64_t>(check.answered_at->micros())
                                     : std::nullopt);
      Status run = insert.Run();
      if (!run) {
        if (i > 0) poisoned_ = true;
        return run;
      }
      check.id = db_.LastInsertRowid();
      insert.Reset();
    }
    return OkStatus();
  }

  Status AddCheckFeedback(int64_t check_id, std::span<const CheckFeedback> feedback,
                          std::optional<Timestamp> answered_at) override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    {
      CREDENCE_ASSIGN_OR_RETURN(Query exists,
                                db_.Prepare("SELECT 1 FROM credit_checks WHERE id = ?1"));
      exists.BindInt(1, check_id);
      CREDENCE_ASSIGN_OR_RETURN(bool found, exists.Step());
      if (!found)
        return Fail(Error::NotFound("no credit check with id " + std::to_string(check_id)));
    }
    CREDENCE_ASSIGN_OR_RETURN(
        Query insert, db_.Prepare("INSERT INTO credit_check_feedback (check_id, measure, action, "
                                  "reason, actor, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    for (size_t i = 0; i < feedback.size(); ++i) {
      const CheckFeedback& item = feedback[i];
      insert.BindInt(1, check_id);
      insert.BindText(2, item.measure);
      insert.BindText(3, item.action);
      insert.BindText(4, item.reason);
      insert.BindText(5, item.actor);
      insert.BindInt(6, item.at.micros());
      Status run = insert.Run();
      if (!run) {
        if (i > 0) poisoned_ = true;
        if (run.error().code() == ErrorCode::kConflict) {
          return Fail(Error::Conflict("duplicate", "measure " + item.measure + " of check " +
                                                       std::to_string(check_id) +
                                                       " already has feedback"));
        }
        return run;
      }
      insert.Reset();
    }
    if (answered_at) {
      CREDENCE_ASSIGN_OR_RETURN(
          Query update, db_.Prepare("UPDATE credit_checks SET answered_at = ?2 WHERE id = ?1 AND "
                                    "answered_at IS NULL"));
      update.BindInt(1, check_id);
      update.BindInt(2, answered_at->micros());
      Status run = update.Run();
      if (!run) {
        poisoned_ = !feedback.empty();
        return run;
      }
    }
    return OkStatus();
  }

  Status InsertAccount(Account& account) override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    if (account.login.empty()) {
      return Fail(Error::InvalidArgument("required", "an account needs a login"));
    }
    return InsertNew(kInsertAccount, account, BindAccount);
  }

  Status UpdateAccount(const Account& account) override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    return UpdateExisting(kUpdateAccount, account, BindAccount, "account");
  }

  Status InsertSession(Session& session) override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    return InsertNew(kInsertSession, session, BindSession);
  }

  Status RevokeSession(int64_t id, Timestamp at) override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    CREDENCE_ASSIGN_OR_RETURN(
        Query update,
        db_.Prepare("UPDATE sessions SET revoked_at = coalesce(revoked_at, ?2) WHERE id = ?1"));
    update.BindInt(1, id);
    update.BindInt(2, at.micros());
    CREDENCE_RETURN_IF_ERROR(update.Run());
    if (db_.Changes() == 0) {
      return Fail(Error::NotFound("no session with id " + std::to_string(id)));
    }
    return OkStatus();
  }

  Status AppendAccess(AccessEntry& entry) override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    return InsertNew(kInsertAccess, entry, BindAccess);
  }

  Result<AuditEntry> AuditHead() override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    CREDENCE_RETURN_IF_ERROR(LoadAuditHead());
    return *audit_head_;
  }

  Status AppendAudit(std::span<const AuditEntry> entries) override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    if (entries.empty()) return OkStatus();
    CREDENCE_RETURN_IF_ERROR(LoadAuditHead());
    // Checked before writing anything: a gap or a repeat is refused whole.
    for (size_t i = 0; i < entries.size(); ++i) {
      int64_t expected = audit_head_->seq + 1 + static_cast<int64_t>(i);
      if (entries[i].seq != expected) {
        return Fail(Error::Conflict(
            "audit_seq", "audit entry seq " + std::to_string(entries[i].seq) +
                             " does not follow the log: expected " + std::to_string(expected)));
      }
    }
    CREDENCE_ASSIGN_OR_RETURN(
        Query insert,
        db_.Prepare("INSERT INTO audit_log (seq, at, actor, action, object, digest, hash) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    for (const AuditEntry& entry : entries) {
      insert.BindInt(1, entry.seq);
      insert.BindInt(2, entry.at.micros());
      insert.BindText(3, entry.actor);
      insert.BindText(4, entry.action);
      insert.BindText(5, entry.object);
      insert.BindBlob(6, entry.digest);
      insert.BindBlob(7, entry.hash);
      if (Status inserted = insert.Run(); !inserted) {
        poisoned_ = true;
        return inserted;
      }
    }
    *audit_head_ = entries.back();
    return OkStatus();
  }

  Result<int64_t> PutRatings(std::span<const StoredRating> ratings) override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    CREDENCE_ASSIGN_OR_RETURN(
        Query previous, db_.Prepare("SELECT score, level FROM ratings WHERE subject_id = ?1"));
    CREDENCE_ASSIGN_OR_RETURN(
        Query history, db_.Prepare("INSERT INTO rating_history (subject_id, as_of, score, level, "
                                   "model_version, digest) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    CREDENCE_ASSIGN_OR_RETURN(
        Query put, db_.Prepare("INSERT OR REPLACE INTO ratings (subject_id, score, level, "
                               "model_version, as_of, digest, json) VALUES (?1, ?2, ?3, ?4, ?5, "
                               "?6, ?7)"));
    CREDENCE_ASSIGN_OR_RETURN(Query lists_of,
                              db_.Prepare("SELECT list FROM rating_lists WHERE subject_id = ?1 "
                                          "ORDER BY list"));
    CREDENCE_ASSIGN_OR_RETURN(Query unlist,
                              db_.Prepare("DELETE FROM rating_lists WHERE subject_id = ?1"));
    CREDENCE_ASSIGN_OR_RETURN(
        Query list, db_.Prepare("INSERT INTO rating_lists (list, subject_id) VALUES (?1, ?2)"));
    int64_t changes = 0;
    std::vector<std::string> stored_lists;
    // Any failure below leaves part of the ratings written: the transaction can only roll back.
    auto written = [&]() -> Status {
      for (const StoredRating& rating : ratings) {
        previous.Reset();
        previous.BindInt(1, rating.subject_id);
        CREDENCE_ASSIGN_OR_RETURN(bool found, previous.Step());
        bool changed = !found || previous.ColumnInt(0) != rating.score ||
                       previous.ColumnText(1) != rating.level;
        previous.Reset();
        if (changed) {
          history.Reset();
          history.BindInt(1, rating.subject_id);
          history.BindInt(2, rating.as_of.days());
          history.BindInt(3, rating.score);
          history.BindText(4, rating.level);
          history.BindText(5, rating.model_version);
          history.BindText(6, rating.digest);
          CREDENCE_RETURN_IF_ERROR(history.Run());
          ++changes;
        }
        put.Reset();
        put.BindInt(1, rating.subject_id);
        put.BindInt(2, rating.score);
        put.BindText(3, rating.level);
        put.BindText(4, rating.model_version);
        put.BindInt(5, rating.as_of.days());
        put.BindText(6, rating.digest);
        put.BindText(7, rating.json);
        CREDENCE_RETURN_IF_ERROR(put.Run());
        // The memberships are rewritten only when they changed: most subjects are on no list.
        stored_lists.clear();
        lists_of.Reset();
        lists_of.BindInt(1, rating.subject_id);
        for (;;) {
          CREDENCE_ASSIGN_OR_RETURN(bool row, lists_of.Step());
          if (!row) break;
          stored_lists.emplace_back(lists_of.ColumnText(0));
        }
        lists_of.Reset();
        if (stored_lists == rating.lists) continue;
        unlist.Reset();
        unlist.BindInt(1, rating.subject_id);
        CREDENCE_RETURN_IF_ERROR(unlist.Run());
        for (const std::string& key : rating.lists) {
          list.Reset();
          list.BindText(1, key);
          list.BindInt(2, rating.subject_id);
          CREDENCE_RETURN_IF_ERROR(list.Run());
        }
      }
      return OkStatus();
    }();
    if (!written) {
      poisoned_ = true;
      return Fail(written.error());
    }
    return changes;
  }

  Status Commit() override {
    CREDENCE_RETURN_IF_ERROR(CheckUsable());
    finished_ = true;
    {
      CREDENCE_ASSIGN_OR_RETURN(Query commit, db_.Prepare("COMMIT"));
      CREDENCE_RETURN_IF_ERROR(commit.Run());  // still open: the destructor rolls back
    }
    for (const auto& [id, key] : new_departments_.keys) store_.departments_.Add(id, key);
    for (const auto& [id, key] : new_kinds_.keys) store_.kinds_.Add(id, key);
    if (!store_.observers_.empty() && !touched_subjects_.empty()) {
      CommitEvent event;
      event.subject_ids = std::move(touched_subjects_);
      std::sort(event.subject_ids.begin(), event.subject_ids.end());
      event.subject_ids.erase(std::unique(event.subject_ids.begin(), event.subject_ids.end()),
                              event.subject_ids.end());
      store_.Notify(event);  // write_mutex_ is still held by lock_
    }
    return OkStatus();
  }

 private:
  Status CheckUsable() {
    if (finished_) {
      return Fail(Error::FailedPrecondition("transaction_finished",
                                            "the write transaction has already been committed"));
    }
    if (poisoned_ || !db_.InTransaction()) {
      poisoned_ = true;
      return Fail(Error::FailedPrecondition(
          "transaction_failed",
          "an earlier write of this transaction failed: it can only be rolled back"));
    }
    return OkStatus();
  }

  Status LoadAuditHead() {
    if (audit_head_) return OkStatus();
    CREDENCE_ASSIGN_OR_RETURN(Query query, db_.Prepare(kAuditHead));
    CREDENCE_ASSIGN_OR_RETURN(bool found, query.Step());
    audit_head_ = found ? ReadAuditEntry(query) : AuditEntry{};
    return OkStatus();
  }

  Status RevisionMismatch(const Record& record) {
    CREDENCE_ASSIGN_OR_RETURN(Query query,
                              db_.Prepare("SELECT version FROM records WHERE id = ?1"));
    query.BindInt(1, record.id);
    CREDENCE_ASSIGN_OR_RETURN(bool found, query.Step());
    if (!found) return Fail(Error::NotFound("no record with id " + std::to_string(record.id)));
    int64_t current = query.ColumnInt(0);
    return Fail(Error::Conflict(
        "version", "record " + std::to_string(record.id) + " is at version " +
                       std::to_string(current) + ": its revision must be version " +
                       std::to_string(current + 1) + ", not " + std::to_string(record.version)));
  }

  SqliteStore& store_;
  Connection& db_;
  std::unique_lock<std::mutex> lock_;
  PendingKeys new_departments_;
  PendingKeys new_kinds_;
  Keys keys_;
  bool finished_ = false;
  bool poisoned_ = false;                  // a call failed after writing part of its rows
  std::optional<AuditEntry> audit_head_;   // known once read, then kept up to date
  std::vector<int64_t> touched_subjects_;  // for the commit observers
};

Result<std::unique_ptr<WriteTxn>> SqliteStore::BeginWrite() {
  if (writer_thread_.load() == std::this_thread::get_id()) {
    return Fail(Error::FailedPrecondition(
        "nested_write", "this thread already has a write transaction open on this store"));
  }
  std::unique_lock lock(write_mutex_);
  {
    // IMMEDIATE takes the database's write lock now, so that another process writing is
    // waited for here (busy_timeout) and never fails a statement halfway through.
    CREDENCE_ASSIGN_OR_RETURN(Query begin, writer_->Prepare("BEGIN IMMEDIATE"));
    CREDENCE_RETURN_IF_ERROR(begin.Run());
  }
  writer_thread_.store(std::this_thread::get_id());
  return std::make_unique<SqliteWriteTxn>(*this, std::move(lock));
}

// ---------------------------------------------------------------------------------------------
// Reads.

Result<std::optional<Subject>> SqliteStore::FindSubjectByCode(std::string_view code) {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  CREDENCE_ASSIGN_OR_RETURN(Query query, reader->Prepare(kSelectSubjectByCode));
  query.BindText(1, code);
  CREDENCE_ASSIGN_OR_RETURN(bool found, query.Step());
  if (!found) return std::optional<Subject>();
  return ReadSubject(query);
}

Result<std::optional<Subject>> SqliteStore::GetSubject(int64_t id) {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  CREDENCE_ASSIGN_OR_RETURN(Query query, reader->Prepare(kSelectSubjectById));
  query.BindInt(1, id);
  CREDENCE_ASSIGN_OR_RETURN(bool found, query.Step());
  if (!found) return std::optional<Subject>();
  return ReadSubject(query);
}

Result<std::vector<Subject>> SqliteStore::GetSubjects(std::span<const int64_t> ids) {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  ReadTransaction snapshot(*reader);
  CREDENCE_RETURN_IF_ERROR(snapshot.Begin());
  CREDENCE_ASSIGN_OR_RETURN(Query query, reader->Prepare(kSelectSubjectById));
  std::vector<Subject> subjects;
  subjects.reserve(ids.size());
  for (int64_t id : ids) {
    query.BindInt(1, id);
    CREDENCE_ASSIGN_OR_RETURN(bool found, query.Step());
    if (found) {
      CREDENCE_ASSIGN_OR_RETURN(Subject subject, ReadSubject(query));
      subjects.push_back(std::move(subject));
    }
    query.Reset();
  }
  return subjects;
}

Status SqliteStore::ScanSubjects(int64_t after_id, int64_t limit,
                                 const std::function<void(const Subject&)>& visit) {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  CREDENCE_ASSIGN_OR_RETURN(Query query, reader->Prepare(kScanSubjects));
  query.BindInt(1, after_id);
  query.BindInt(2, limit < 0 ? -1 : limit);  // SQLite: a negative LIMIT means none
  while (true) {
    CREDENCE_ASSIGN_OR_RETURN(bool found, query.Step());
    if (!found) break;
    CREDENCE_ASSIGN_OR_RETURN(Subject subject, ReadSubject(query));
    visit(subject);
  }
  return OkStatus();
}

Result<std::vector<RecordHead>> SqliteStore::ListRecordHeads(int64_t subject_id) {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  Keys keys = ReaderKeys(*reader);
  CREDENCE_ASSIGN_OR_RETURN(Query query, reader->Prepare(kSelectHeadsOfSubject));
  query.BindInt(1, subject_id);
  std::vector<RecordHead> heads;
  while (true) {
    CREDENCE_ASSIGN_OR_RETURN(bool found, query.Step());
    if (!found) break;
    CREDENCE_ASSIGN_OR_RETURN(RecordHead head, ReadHead(query, keys));
    heads.push_back(std::move(head));
  }
  return heads;
}

Status SqliteStore::ScanRecordHeads(const std::function<Status(const RecordHead&)>& visit) {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  Keys keys = ReaderKeys(*reader);
  CREDENCE_ASSIGN_OR_RETURN(Query query, reader->Prepare(kScanHeads));
  while (true) {
    CREDENCE_ASSIGN_OR_RETURN(bool found, query.Step());
    if (!found) break;
    CREDENCE_ASSIGN_OR_RETURN(RecordHead head, ReadHead(query, keys));
    CREDENCE_RETURN_IF_ERROR(visit(head));
  }
  return OkStatus();
}

int64_t SqliteStore::AddCommitObserver(CommitObserver observer) {
  int64_t id;
  {
    std::lock_guard write_lock(write_mutex_);
    id = next_observer_id_++;
    observers_.emplace_back(id, std::move(observer));
  }
  if (!watcher_.joinable()) WatchOtherWriters();
  return id;
}

void SqliteStore::RemoveCommitObserver(int64_t id) {
  std::lock_guard write_lock(write_mutex_);
  std::erase_if(observers_, [id](const auto& entry) { return entry.first == id; });
}

Result<int64_t> SqliteStore::WriterDataVersion() {
  CREDENCE_ASSIGN_OR_RETURN(Query query, writer_->Prepare("PRAGMA data_version"));
  CREDENCE_ASSIGN_OR_RETURN(bool found, query.Step());
  if (!found) return Fail(Error::Internal("PRAGMA data_version returned no row"));
  return query.ColumnInt(0);
}

void SqliteStore::WatchOtherWriters() {
  {
    std::lock_guard write_lock(write_mutex_);
    seen_data_version_ = WriterDataVersion().value_or(0);
  }
  watcher_ = std::thread([this] {
    std::unique_lock lock(watch_mutex_);
    while (
        !watch_wake_.wait_for(lock, std::chrono::seconds(1), [this] { return watch_stopping_; })) {
      lock.unlock();
      // Only while our own writer is idle: a commit of ours in progress would be reported
      // by its transaction, and nobody else can commit while we hold the database's lock.
      std::unique_lock write_lock(write_mutex_, std::try_to_lock);
      if (write_lock.owns_lock()) {
        Result<int64_t> version = WriterDataVersion();
        if (version && *version != seen_data_version_) {
          seen_data_version_ = *version;
          CommitEvent event;
          event.everything = true;
          Notify(event);
        }
      }
      write_lock = {};
      lock.lock();
    }
  });
}

void SqliteStore::StopWatchingOtherWriters() {
  if (!watcher_.joinable()) return;
  {
    std::lock_guard lock(watch_mutex_);
    watch_stopping_ = true;
  }
  watch_wake_.notify_one();
  watcher_.join();
}

Status SqliteStore::ScanRecordsBySubject(const std::function<Status(const Record&)>& visit) {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  Keys keys = ReaderKeys(*reader);
  CREDENCE_ASSIGN_OR_RETURN(Query query, reader->Prepare(kScanRecordsBySubject));
  while (true) {
    CREDENCE_ASSIGN_OR_RETURN(bool found, query.Step());
    if (!found) break;
    CREDENCE_ASSIGN_OR_RETURN(Record record, ReadRecord(query, keys));
    CREDENCE_RETURN_IF_ERROR(visit(record));
  }
  return OkStatus();
}

Result<std::vector<RecordHead>> SqliteStore::ListRecordsDueToExpire(Date day, int64_t after_id,
                                                                    int64_t limit) {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  Keys keys = ReaderKeys(*reader);
  CREDENCE_ASSIGN_OR_RETURN(Query query, reader->Prepare(kSelectDueToExpire));
  query.BindInt(1, kRecordStatusCodes.Code(RecordStatus::kActive));
  query.BindInt(2, day.days());
  query.BindInt(3, after_id);
  query.BindInt(4, limit < 0 ? -1 : limit);
  std::vector<RecordHead> heads;
  while (true) {
    CREDENCE_ASSIGN_OR_RETURN(bool found, query.Step());
    if (!found) break;
    CREDENCE_ASSIGN_OR_RETURN(RecordHead head, ReadHead(query, keys));
    heads.push_back(std::move(head));
  }
  return heads;
}

Result<Page<Record>> SqliteStore::ListRecords(const RecordQuery& request) {
  if (request.offset < 0 || request.limit < 0) {
    return Fail(Error::InvalidArgument("paging", "offset and limit must not be negative"));
  }
  Page<Record> page;
  page.offset = request.offset;
  page.limit = request.limit;
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  Keys keys = ReaderKeys(*reader);

  // The filter as SQL text with positional parameters and the values they take, in order.
  std::string where = "subject_id = ?";
  std::vector<int64_t> values = {request.subject_id};
  if (!request.kinds.empty()) {
    std::vector<int64_t> kind_ids;
    for (const std::string& kind : request.kinds) {
      CREDENCE_ASSIGN_OR_RETURN(std::optional<int64_t> kind_id, IdOfKey(*reader, keys.kinds, kind));
      if (kind_id) kind_ids.push_back(*kind_id);
    }
    if (kind_ids.empty()) return page;  // no record of these kinds was ever stored
    std::sort(kind_ids.begin(), kind_ids.end());
    kind_ids.erase(std::unique(kind_ids.begin(), kind_ids.end()), kind_ids.end());
    where += " AND kind_id IN (?";
    for (size_t i = 1; i < kind_ids.size(); ++i) where += ", ?";
    where += ")";
    values.insert(values.end(), kind_ids.begin(), kind_ids.end());
  }
  if (request.status) {
    where += " AND status = ?";
    values.push_back(kRecordStatusCodes.Code(*request.status));
  }
  if (request.public_on) {
    // Public on a day: active, published, and the day before the end of publicity.
    where +=
        " AND status = ? AND published = 1 AND "
        "(publicity_max_end IS NULL OR publicity_max_end > ?)";
    values.push_back(kRecordStatusCodes.Code(RecordStatus::kActive));
    values.push_back(request.public_on->days());
  }
  auto bind_values = [&](Query& query) {
    for (size_t i = 0; i < values.size(); ++i) query.BindInt(static_cast<int>(i + 1), values[i]);
  };

  ReadTransaction snapshot(*reader);
  CREDENCE_RETURN_IF_ERROR(snapshot.Begin());
  {
    CREDENCE_ASSIGN_OR_RETURN(Query count,
                              reader->Prepare("SELECT count(*) FROM records WHERE " + where));
    bind_values(count);
    CREDENCE_RETURN_IF_ERROR(count.Step());
    page.total = count.ColumnInt(0);
  }
  if (request.limit == 0 || request.offset >= page.total) return page;

  CREDENCE_ASSIGN_OR_RETURN(
      Query select, reader->Prepare(Sql({"SELECT ", kRecordColumns, " FROM records WHERE ", where,
                                         " ORDER BY decided_at DESC, id DESC LIMIT ? OFFSET ?"})));
  bind_values(select);
  select.BindInt(static_cast<int>(values.size() + 1), request.limit);
  select.BindInt(static_cast<int>(values.size() + 2), request.offset);
  while (true) {
    CREDENCE_ASSIGN_OR_RETURN(bool found, select.Step());
    if (!found) break;
    CREDENCE_ASSIGN_OR_RETURN(Record record, ReadRecord(select, keys));
    page.items.push_back(std::move(record));
  }
  return page;
}

Result<std::optional<Record>> SqliteStore::GetRecord(int64_t id) {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  Keys keys = ReaderKeys(*reader);
  CREDENCE_ASSIGN_OR_RETURN(Query query, reader->Prepare(kSelectRecordById));
  query.BindInt(1, id);
  CREDENCE_ASSIGN_OR_RETURN(bool found, query.Step());
  if (!found) return std::optional<Record>();
  return ReadRecord(query, keys);
}

Result<std::optional<Record>> SqliteStore::FindRecordByRef(std::string_view department,
                                                           std::string_view source_ref) {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  Keys keys = ReaderKeys(*reader);
  CREDENCE_ASSIGN_OR_RETURN(std::optional<int64_t> department_id,
                            IdOfKey(*reader, keys.departments, department));
  if (!department_id) return std::optional<Record>();
  CREDENCE_ASSIGN_OR_RETURN(Query query, reader->Prepare(kSelectRecordByRef));
  query.BindInt(1, *department_id);
  query.BindText(2, source_ref);
  CREDENCE_ASSIGN_OR_RETURN(bool found, query.Step());
  if (!found) return std::optional<Record>();
  return ReadRecord(query, keys);
}

Result<std::vector<Record>> SqliteStore::ListRecordVersions(int64_t record_id) {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  Keys keys = ReaderKeys(*reader);
  ReadTransaction snapshot(*reader);
  CREDENCE_RETURN_IF_ERROR(snapshot.Begin());
  std::vector<Record> versions;
  {
    CREDENCE_ASSIGN_OR_RETURN(Query history, reader->Prepare(kSelectHistory));
    history.BindInt(1, record_id);
    while (true) {
      CREDENCE_ASSIGN_OR_RETURN(bool found, history.Step());
      if (!found) break;
      CREDENCE_ASSIGN_OR_RETURN(Record record, ReadRecord(history, keys));
      versions.push_back(std::move(record));
    }
  }
  CREDENCE_ASSIGN_OR_RETURN(Query current, reader->Prepare(kSelectRecordById));
  current.BindInt(1, record_id);
  CREDENCE_ASSIGN_OR_RETURN(bool found, current.Step());
  if (found) {
    CREDENCE_ASSIGN_OR_RETURN(Record record, ReadRecord(current, keys));
    versions.push_back(std::move(record));
  }
  return versions;
}

Result<std::optional<Batch>> SqliteStore::GetBatch(int64_t id) {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  CREDENCE_ASSIGN_OR_RETURN(Query query, reader->Prepare(kSelectBatch));
  query.BindInt(1, id);
  CREDENCE_ASSIGN_OR_RETURN(bool found, query.Step());
  if (!found) return std::optional<Batch>();
  return ReadBatch(query);
}

Status SqliteStore::ScanBatchesSince(Timestamp since,
                                     const std::function<Status(const Batch&)>& visit) {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  ReadTransaction snapshot(*reader);
  CREDENCE_RETURN_IF_ERROR(snapshot.Begin());
  CREDENCE_ASSIGN_OR_RETURN(Query select, reader->Prepare(kBatchesNewestFirst));
  while (true) {
    CREDENCE_ASSIGN_OR_RETURN(bool found, select.Step());
    if (!found) break;
    Batch batch = ReadBatch(select);
    if (batch.started_at < since) break;
    CREDENCE_RETURN_IF_ERROR(visit(batch));
  }
  return OkStatus();
}

Result<std::vector<DepartmentLatestBatch>> SqliteStore::LatestBatchPerDepartment() {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  CREDENCE_ASSIGN_OR_RETURN(
      Query select,
      reader->Prepare("SELECT b.department, b.id, b.started_at FROM batches AS b "
                      "JOIN (SELECT max(id) AS id FROM batches GROUP BY department) AS latest "
                      "ON b.id = latest.id ORDER BY b.department"));
  std::vector<DepartmentLatestBatch> latest;
  while (true) {
    CREDENCE_ASSIGN_OR_RETURN(bool found, select.Step());
    if (!found) break;
    latest.push_back(DepartmentLatestBatch{std::string(select.ColumnText(0)), select.ColumnInt(1),
                                           Timestamp::FromMicros(select.ColumnInt(2))});
  }
  return latest;
}

Result<Page<Batch>> SqliteStore::ListBatches(std::string_view department, int64_t offset,
                                             int64_t limit) {
  if (offset < 0 || limit < 0) {
    return Fail(Error::InvalidArgument("paging", "offset and limit must not be negative"));
  }
  Page<Batch> page;
  page.offset = offset;
  page.limit = limit;
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  ReadTransaction snapshot(*reader);
  CREDENCE_RETURN_IF_ERROR(snapshot.Begin());
  {
    CREDENCE_ASSIGN_OR_RETURN(
        Query count,
        reader->Prepare(department.empty() ? "SELECT count(*) FROM batches"
                                           : "SELECT count(*) FROM batches WHERE department = ?1"));
    if (!department.empty()) count.BindText(1, department);
    CREDENCE_RETURN_IF_ERROR(count.Step());
    page.total = count.ColumnInt(0);
  }
  CREDENCE_ASSIGN_OR_RETURN(
      Query select, reader->Prepare(department.empty() ? kListBatches : kListBatchesOfDepartment));
  select.BindInt(1, limit);
  select.BindInt(2, offset);
  if (!department.empty()) select.BindText(3, department);
  while (true) {
    CREDENCE_ASSIGN_OR_RETURN(bool found, select.Step());
    if (!found) break;
    page.items.push_back(ReadBatch(select));
  }
  return page;
}

Result<std::optional<Token>> SqliteStore::FindTokenByHash(std::string_view hash) {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  CREDENCE_ASSIGN_OR_RETURN(Query query, reader->Prepare(kSelectTokenByHash));
  query.BindText(1, hash);
  CREDENCE_ASSIGN_OR_RETURN(bool found, query.Step());
  if (!found) return std::optional<Token>();
  return ReadToken(query);
}

Result<std::optional<IssuedCertificate>> SqliteStore::FindCertificate(std::string_view serial) {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  CREDENCE_ASSIGN_OR_RETURN(Query query, reader->Prepare(kSelectCertificate));
  query.BindText(1, serial);
  CREDENCE_ASSIGN_OR_RETURN(bool found, query.Step());
  if (!found) return std::optional<IssuedCertificate>();
  IssuedCertificate c;
  c.id = query.ColumnInt(0);
  c.serial = query.ColumnText(1);
  c.subject_code = query.ColumnText(2);
  c.type = query.ColumnText(3);
  c.level = query.ColumnText(4);
  c.token = query.ColumnText(5);
  c.issued_at = Timestamp::FromMicros(query.ColumnInt(6));
  c.expires_at = Timestamp::FromMicros(query.ColumnInt(7));
  return std::optional<IssuedCertificate>(std::move(c));
}

Result<std::vector<Token>> SqliteStore::ListTokens() {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  CREDENCE_ASSIGN_OR_RETURN(Query query, reader->Prepare(kListTokens));
  std::vector<Token> tokens;
  while (true) {
    CREDENCE_ASSIGN_OR_RETURN(bool found, query.Step());
    if (!found) break;
    tokens.push_back(ReadToken(query));
  }
  return tokens;
}

Result<std::optional<Case>> SqliteStore::GetCase(int64_t id) {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  CREDENCE_ASSIGN_OR_RETURN(Query query, reader->Prepare(kSelectCaseById));
  query.BindInt(1, id);
  CREDENCE_ASSIGN_OR_RETURN(bool found, query.Step());
  if (!found) return std::optional<Case>();
  return ReadCase(query);
}

Result<Page<Case>> SqliteStore::ListCases(const CaseQuery& request) {
  Page<Case> page;
  page.offset = request.offset;
  page.limit = request.limit;
  std::string where = "1 = 1";
  std::vector<std::string> texts;
  std::vector<int64_t> numbers;
  if (!request.kind.empty()) {
    where += " AND kind = ?";
    texts.push_back(request.kind);
  }
  if (!request.department.empty()) {
    where += " AND department = ?";
    texts.push_back(request.department);
  }
  if (request.subject_id != 0) {
    where += " AND subject_id = ?";
    numbers.push_back(request.subject_id);
  }
  if (request.record_id != 0) {
    where += " AND record_id = ? AND record_id <> 0";
    numbers.push_back(request.record_id);
  }
  if (request.open) {
    where += " AND open = ?";
    numbers.push_back(*request.open ? 1 : 0);
  }
  if (request.overdue_on) {
    where += " AND open = 1 AND due_on < ?";
    numbers.push_back(request.overdue_on->days());
  }
  // Texts are bound first, then numbers: the WHERE clause lists them in that order.
  auto bind_values = [&](Query& query) {
    int index = 1;
    for (const std::string& text : texts) query.BindText(index++, text);
    for (int64_t number : numbers) query.BindInt(index++, number);
    return index;
  };
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  ReadTransaction snapshot(*reader);
  CREDENCE_RETURN_IF_ERROR(snapshot.Begin());
  {
    CREDENCE_ASSIGN_OR_RETURN(Query count,
                              reader->Prepare("SELECT count(*) FROM cases WHERE " + where));
    bind_values(count);
    CREDENCE_RETURN_IF_ERROR(count.Step());
    page.total = count.ColumnInt(0);
  }
  if (request.limit <= 0 || request.offset >= page.total) return page;
  CREDENCE_ASSIGN_OR_RETURN(
      Query select, reader->Prepare(Sql({"SELECT ", kCaseColumns, " FROM cases WHERE ", where,
                                         " ORDER BY due_on, id LIMIT ? OFFSET ?"})));
  int next = bind_values(select);
  select.BindInt(next, request.limit);
  select.BindInt(next + 1, request.offset);
  while (true) {
    CREDENCE_ASSIGN_OR_RETURN(bool found, select.Step());
    if (!found) break;
    page.items.push_back(ReadCase(select));
  }
  return page;
}

Result<Page<Notification>> SqliteStore::ListNotifications(int64_t subject_id, int64_t offset,
                                                          int64_t limit) {
  Page<Notification> page;
  page.offset = offset;
  page.limit = limit;
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  ReadTransaction snapshot(*reader);
  CREDENCE_RETURN_IF_ERROR(snapshot.Begin());
  {
    CREDENCE_ASSIGN_OR_RETURN(
        Query count, reader->Prepare("SELECT count(*) FROM notifications WHERE subject_id = ?1"));
    count.BindInt(1, subject_id);
    CREDENCE_RETURN_IF_ERROR(count.Step());
    page.total = count.ColumnInt(0);
  }
  if (limit <= 0 || offset >= page.total) return page;
  CREDENCE_ASSIGN_OR_RETURN(
      Query select,
      reader->Prepare("SELECT id, subject_id, at, topic, case_id, body FROM notifications "
                      "WHERE subject_id = ?1 ORDER BY at DESC, id DESC LIMIT ?2 OFFSET ?3"));
  select.BindInt(1, subject_id);
  select.BindInt(2, limit);
  select.BindInt(3, offset);
  while (true) {
    CREDENCE_ASSIGN_OR_RETURN(bool found, select.Step());
    if (!found) break;
    Notification notification;
    notification.id = select.ColumnInt(0);
    notification.subject_id = select.ColumnInt(1);
    notification.at = ColumnTimestamp(select, 2);
    notification.topic = select.ColumnText(3);
    notification.case_id = select.ColumnInt(4);
    notification.body = select.ColumnText(5);
    page.items.push_back(std::move(notification));
  }
  return page;
}

// One row by a cached statement with one text or integer key, read by read_row.
template <typename Row, typename Key, typename ReadRow>
Result<std::optional<Row>> FindOne(Connection& reader, const std::string& sql, const Key& key,
                                   ReadRow read_row) {
  CREDENCE_ASSIGN_OR_RETURN(Query query, reader.Prepare(sql));
  if constexpr (std::is_integral_v<Key>) {
    query.BindInt(1, key);
  } else {
    query.BindText(1, key);
  }
  CREDENCE_ASSIGN_OR_RETURN(bool found, query.Step());
  if (!found) return std::optional<Row>();
  return std::optional<Row>(read_row(query));
}

Result<std::optional<Account>> SqliteStore::FindAccountByLogin(std::string_view login) {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  return FindOne<Account>(*reader, kSelectAccountByLogin, login, ReadAccount);
}

Result<std::optional<Account>> SqliteStore::GetAccount(int64_t id) {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  return FindOne<Account>(*reader, kSelectAccountById, id, ReadAccount);
}

Result<std::optional<Session>> SqliteStore::FindSessionByHash(std::string_view hash) {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  return FindOne<Session>(*reader, kSelectSessionByHash, hash, ReadSession);
}

Result<Page<AccessEntry>> SqliteStore::ListAccess(int64_t subject_id, int64_t offset,
                                                  int64_t limit) {
  if (offset < 0 || limit < 0) {
    return Fail(Error::InvalidArgument("paging", "offset and limit must not be negative"));
  }
  Page<AccessEntry> page;
  page.offset = offset;
  page.limit = limit;
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  ReadTransaction snapshot(*reader);
  CREDENCE_RETURN_IF_ERROR(snapshot.Begin());
  {
    CREDENCE_ASSIGN_OR_RETURN(
        Query count, reader->Prepare("SELECT count(*) FROM access_log WHERE subject_id = ?1"));
    count.BindInt(1, subject_id);
    CREDENCE_RETURN_IF_ERROR(count.Step());
    page.total = count.ColumnInt(0);
  }
  CREDENCE_ASSIGN_OR_RETURN(Query select, reader->Prepare(kListAccess));
  select.BindInt(1, limit);
  select.BindInt(2, offset);
  select.BindInt(3, subject_id);
  while (true) {
    CREDENCE_ASSIGN_OR_RETURN(bool found, select.Step());
    if (!found) break;
    page.items.push_back(ReadAccess(select));
  }
  return page;
}

Status SqliteStore::ScanAudit(int64_t from_seq,
                              const std::function<Status(const AuditEntry&)>& visit) {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  CREDENCE_ASSIGN_OR_RETURN(Query query, reader->Prepare(kScanAudit));
  query.BindInt(1, from_seq);
  while (true) {
    CREDENCE_ASSIGN_OR_RETURN(bool found, query.Step());
    if (!found) break;
    CREDENCE_RETURN_IF_ERROR(visit(ReadAuditEntry(query)));
  }
  return OkStatus();
}

Result<StoreStats> SqliteStore::Stats() {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  // Rows are never deleted and SQLite gives a new row the largest rowid + 1 (a rolled-back
  // insert leaves no gap), so the largest id is the count, read in O(log n) where count(*)
  // would scan a whole index of 100 million records.
  CREDENCE_ASSIGN_OR_RETURN(Query query,
                            reader->Prepare("SELECT (SELECT coalesce(max(id), 0) FROM subjects), "
                                            "(SELECT coalesce(max(id), 0) FROM records), "
                                            "(SELECT coalesce(max(id), 0) FROM batches), "
                                            "(SELECT coalesce(max(seq), 0) FROM audit_log)"));
  CREDENCE_RETURN_IF_ERROR(query.Step());
  StoreStats stats;
  stats.subjects = query.ColumnInt(0);
  stats.records = query.ColumnInt(1);
  stats.batches = query.ColumnInt(2);
  stats.audit_entries = query.ColumnInt(3);
  return stats;
}

Result<std::vector<GroupCount>> SqliteStore::CountSubjectsByRegion() {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  CREDENCE_ASSIGN_OR_RETURN(
      Query query, reader->Prepare("SELECT region, count(*) AS n FROM subjects GROUP BY region "
                                   "ORDER BY n DESC, region"));
  std::vector<GroupCount> counts;
  for (;;) {
    CREDENCE_ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    counts.push_back(GroupCount{std::string(query.ColumnText(0)), query.ColumnInt(1)});
  }
  return counts;
}

Result<std::vector<GroupCount>> SqliteStore::CountRecordsByKind() {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  CREDENCE_ASSIGN_OR_RETURN(
      Query query, reader->Prepare("SELECT k.key, c.n FROM (SELECT kind_id, count(*) AS n FROM "
                                   "records GROUP BY kind_id) c JOIN record_kinds k ON k.id = "
                                   "c.kind_id ORDER BY c.n DESC, k.key"));
  std::vector<GroupCount> counts;
  for (;;) {
    CREDENCE_ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    counts.push_back(GroupCount{std::string(query.ColumnText(0)), query.ColumnInt(1)});
  }
  return counts;
}

Result<std::optional<CreditCheck>> SqliteStore::GetCheck(int64_t id) {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  ReadTransaction snapshot(*reader);
  CREDENCE_RETURN_IF_ERROR(snapshot.Begin());
  std::optional<CreditCheck> check;
  {
    CREDENCE_ASSIGN_OR_RETURN(Query query, reader->Prepare(kSelectCheck));
    query.BindInt(1, id);
    CREDENCE_ASSIGN_OR_RETURN(bool found, query.Step());
    if (!found) return check;
    check = ReadCheck(query);
  }
  CREDENCE_RETURN_IF_ERROR(FillFeedback(*reader, *check));
  return check;
}

Result<Page<CreditCheck>> SqliteStore::ListChecks(const CheckQuery& request) {
  Page<CreditCheck> page;
  page.offset = request.offset;
  page.limit = request.limit;
  std::string where = "1";
  if (!request.department.empty()) where += " AND department = ?1";
  if (request.overdue_on) {
    where += " AND answered_at IS NULL AND measure_count > 0 AND feedback_due < ?2";
  }
  auto bind = [&](Query& query) {
    if (!request.department.empty()) query.BindText(1, request.department);
    if (request.overdue_on) query.BindInt(2, request.overdue_on->days());
  };
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  ReadTransaction snapshot(*reader);
  CREDENCE_RETURN_IF_ERROR(snapshot.Begin());
  {
    CREDENCE_ASSIGN_OR_RETURN(Query count,
                              reader->Prepare("SELECT count(*) FROM credit_checks WHERE " + where));
    bind(count);
    CREDENCE_RETURN_IF_ERROR(count.Step());
    page.total = count.ColumnInt(0);
  }
  if (request.limit <= 0 || request.offset >= page.total) return page;
  {
    CREDENCE_ASSIGN_OR_RETURN(
        Query select, reader->Prepare(Sql({"SELECT ", kCheckColumns, " FROM credit_checks WHERE ",
                                           where, " ORDER BY id DESC LIMIT ?3 OFFSET ?4"})));
    bind(select);
    select.BindInt(3, request.limit);
    select.BindInt(4, request.offset);
    for (;;) {
      CREDENCE_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      page.items.push_back(ReadCheck(select));
    }
  }
  for (CreditCheck& check : page.items) CREDENCE_RETURN_IF_ERROR(FillFeedback(*reader, check));
  return page;
}

Status SqliteStore::ScanChecks(Timestamp from, Timestamp to,
                               const std::function<Status(const CreditCheck&)>& visit) {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  ReadTransaction snapshot(*reader);
  CREDENCE_RETURN_IF_ERROR(snapshot.Begin());
  CREDENCE_ASSIGN_OR_RETURN(Query checks, reader->Prepare(kScanChecksInRange));
  CREDENCE_ASSIGN_OR_RETURN(Query feedback, reader->Prepare(kScanFeedbackInRange));
  for (Query* query : {&checks, &feedback}) {
    query->BindInt(1, from.micros());
    query->BindInt(2, to.micros());
  }
  // Both statements walk check ids upwards: merge them.
  CREDENCE_ASSIGN_OR_RETURN(bool feedback_row, feedback.Step());
  for (;;) {
    CREDENCE_ASSIGN_OR_RETURN(bool row, checks.Step());
    if (!row) break;
    CreditCheck check = ReadCheck(checks);
    while (feedback_row && feedback.ColumnInt(0) <= check.id) {
      if (feedback.ColumnInt(0) == check.id) check.feedback.push_back(ReadFeedback(feedback));
      CREDENCE_ASSIGN_OR_RETURN(feedback_row, feedback.Step());
    }
    CREDENCE_RETURN_IF_ERROR(visit(check));
  }
  return OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Stored ratings.

Status CheckPaging(int64_t offset, int64_t limit) {
  if (offset < 0 || limit < 0) {
    return Fail(Error::InvalidArgument("paging", "offset and limit must not be negative"));
  }
  return OkStatus();
}

Result<std::optional<StoredRating>> SqliteStore::GetRating(int64_t subject_id) {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  CREDENCE_ASSIGN_OR_RETURN(
      Query query, reader->Prepare("SELECT score, level, model_version, as_of, digest, json, "
                                   "(SELECT group_concat(list, char(10)) FROM (SELECT list FROM "
                                   "rating_lists WHERE subject_id = ?1 ORDER BY list)) "
                                   "FROM ratings WHERE subject_id = ?1"));
  query.BindInt(1, subject_id);
  CREDENCE_ASSIGN_OR_RETURN(bool found, query.Step());
  if (!found) return std::optional<StoredRating>();
  StoredRating rating;
  rating.subject_id = subject_id;
  rating.score = static_cast<int32_t>(query.ColumnInt(0));
  rating.level = query.ColumnText(1);
  rating.model_version = query.ColumnText(2);
  rating.as_of = ColumnDate(query, 3);
  rating.digest = query.ColumnText(4);
  rating.json = query.ColumnText(5);
  std::string_view lists = query.ColumnText(6);
  while (!lists.empty()) {
    size_t end = std::min(lists.find('\n'), lists.size());
    rating.lists.emplace_back(lists.substr(0, end));
    lists.remove_prefix(std::min(end + 1, lists.size()));
  }
  return std::optional<StoredRating>(std::move(rating));
}

Result<Page<RatingChange>> SqliteStore::ListRatingHistory(int64_t subject_id, int64_t offset,
                                                          int64_t limit) {
  CREDENCE_RETURN_IF_ERROR(CheckPaging(offset, limit));
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  ReadTransaction snapshot(*reader);
  CREDENCE_RETURN_IF_ERROR(snapshot.Begin());
  Page<RatingChange> page;
  page.offset = offset;
  page.limit = limit;
  {
    CREDENCE_ASSIGN_OR_RETURN(
        Query count, reader->Prepare("SELECT count(*) FROM rating_history WHERE subject_id = ?1"));
    count.BindInt(1, subject_id);
    CREDENCE_RETURN_IF_ERROR(count.Step());
    page.total = count.ColumnInt(0);
  }
  CREDENCE_ASSIGN_OR_RETURN(
      Query query,
      reader->Prepare("SELECT seq, as_of, score, level, model_version, digest FROM rating_history "
                      "WHERE subject_id = ?1 ORDER BY seq DESC LIMIT ?2 OFFSET ?3"));
  query.BindInt(1, subject_id);
  query.BindInt(2, limit);
  query.BindInt(3, offset);
  for (;;) {
    CREDENCE_ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    RatingChange change;
    change.seq = query.ColumnInt(0);
    change.subject_id = subject_id;
    change.as_of = ColumnDate(query, 1);
    change.score = static_cast<int32_t>(query.ColumnInt(2));
    change.level = query.ColumnText(3);
    change.model_version = query.ColumnText(4);
    change.digest = query.ColumnText(5);
    page.items.push_back(std::move(change));
  }
  return page;
}

constexpr std::string_view kMemberColumns =
    "s.id, s.code, s.code_kind, s.kind, s.status, s.code_flagged, s.registered_on, s.region, "
    "s.industry, s.created_at, s.updated_at, s.name, s.name_norm, s.legal_representative, r.as_of";
// ?1 list, ?2 search ('' for all), ?5 persons searchable (1) or by whole code only (0), ?6 the
// kind code of persons.
constexpr std::string_view kMembersWhere =
    " FROM rating_lists l JOIN subjects s ON s.id = l.subject_id JOIN ratings r ON r.subject_id "
    "= l.subject_id WHERE l.list = ?1 AND (?2 = '' OR (?5 OR s.kind != ?6) AND "
    "(substr(s.code, 1, length(?2)) = upper(?2) OR instr(s.name_norm, ?2) > 0) OR s.code = "
    "upper(?2))";

Result<Page<ListMember>> SqliteStore::ListListMembers(const ListMemberQuery& request) {
  const std::string& list = request.list;
  const std::string& search = request.search;
  int64_t offset = request.offset;
  int64_t limit = request.limit;
  CREDENCE_RETURN_IF_ERROR(CheckPaging(offset, limit));
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  ReadTransaction snapshot(*reader);
  CREDENCE_RETURN_IF_ERROR(snapshot.Begin());
  Page<ListMember> page;
  page.offset = offset;
  page.limit = limit;
  {
    CREDENCE_ASSIGN_OR_RETURN(Query count,
                              reader->Prepare(Sql({"SELECT count(*)", kMembersWhere})));
    count.BindText(1, list);
    count.BindText(2, search);
    count.BindBool(5, request.search_persons);
    count.BindInt(6, kSubjectKindCodes.Code(ids::SubjectKind::kPerson));
    CREDENCE_RETURN_IF_ERROR(count.Step());
    page.total = count.ColumnInt(0);
  }
  CREDENCE_ASSIGN_OR_RETURN(Query query,
                            reader->Prepare(Sql({"SELECT ", kMemberColumns, kMembersWhere,
                                                 " ORDER BY s.code LIMIT ?3 OFFSET ?4"})));
  query.BindText(1, list);
  query.BindText(2, search);
  query.BindInt(3, limit);
  query.BindInt(4, offset);
  query.BindBool(5, request.search_persons);
  query.BindInt(6, kSubjectKindCodes.Code(ids::SubjectKind::kPerson));
  for (;;) {
    CREDENCE_ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    ListMember member;
    CREDENCE_ASSIGN_OR_RETURN(member.subject, ReadSubject(query));
    member.as_of = ColumnDate(query, 14);
    page.items.push_back(std::move(member));
  }
  return page;
}

Result<std::vector<RatingLevelCount>> SqliteStore::CountRatingLevels() {
  CREDENCE_ASSIGN_OR_RETURN(Lease reader, AcquireReader());
  CREDENCE_ASSIGN_OR_RETURN(
      Query query,
      reader->Prepare("SELECT s.region, s.industry, s.kind, r.level, count(*) FROM ratings r JOIN "
                      "subjects s ON s.id = r.subject_id GROUP BY s.region, s.industry, s.kind, "
                      "r.level ORDER BY s.region, s.industry, s.kind, r.level"));
  std::vector<RatingLevelCount> counts;
  for (;;) {
    CREDENCE_ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    RatingLevelCount count;
    count.region = query.ColumnText(0);
    count.industry = query.ColumnText(1);
    CREDENCE_ASSIGN_OR_RETURN(count.kind, kSubjectKindCodes.FromCode(query.ColumnInt(2)));
    count.level = query.ColumnText(3);
    count.count = query.ColumnInt(4);
    counts.push_back(std::move(count));
  }
  return counts;
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const SqliteOptions& options) {
  if (path == ":memory:" || path.empty()) {
    // Each connection of the pool would get its own empty database.
    return Fail(Error::InvalidArgument("store_url", "the SQLite store needs a file path"));
  }
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code error;
    std::filesystem::create_directories(parent, error);
    if (error) {
      return Fail(Error::FailedPrecondition(
          "database", "cannot create the folder " + parent.string() + ": " + error.message()));
    }
  }
  ConnectionOptions writer_options;
  writer_options.pragmas = SqliteWriterPragmas();
  CREDENCE_ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer,
                            Connection::Open(path, writer_options));
  auto store = std::make_unique<SqliteStore>(path, std::move(writer));
  CREDENCE_RETURN_IF_ERROR(store->Initialize(options));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace credence::store
