#include "store/store.h"

#include <cctype>
#include <string>

#include "store/sqlite/sqlite_store.h"

namespace credence::store {

std::string_view SubjectStatusKey(SubjectStatus status) {
  switch (status) {
    case SubjectStatus::kProvisional: return "provisional";
    case SubjectStatus::kRegistered: return "registered";
    case SubjectStatus::kDeregistered: return "deregistered";
  }
  return "provisional";
}

std::optional<SubjectStatus> ParseSubjectStatus(std::string_view key) {
  for (SubjectStatus status :
       {SubjectStatus::kProvisional, SubjectStatus::kRegistered, SubjectStatus::kDeregistered}) {
    if (SubjectStatusKey(status) == key) return status;
  }
  return std::nullopt;
}

std::string_view RecordStatusKey(RecordStatus status) {
  switch (status) {
    case RecordStatus::kActive: return "active";
    case RecordStatus::kWithdrawn: return "withdrawn";
    case RecordStatus::kRestored: return "restored";
    case RecordStatus::kExpired: return "expired";
  }
  return "active";
}

std::optional<RecordStatus> ParseRecordStatus(std::string_view key) {
  for (RecordStatus status : {RecordStatus::kActive, RecordStatus::kWithdrawn,
                              RecordStatus::kRestored, RecordStatus::kExpired}) {
    if (RecordStatusKey(status) == key) return status;
  }
  return std::nullopt;
}

namespace {

// The scheme of a URL ("sqlite", "postgres", ...), or empty when url is a plain path. A scheme
// is a letter followed by letters, digits, '+', '-' or '.', then ':' (RFC 3986).
std::string_view SchemeOf(std::string_view url) {
  size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0) return {};
  std::string_view scheme = url.substr(0, colon);
  if (!std::isalpha(static_cast<unsigned char>(scheme[0]))) return {};
  for (char c : scheme) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') {
      return {};  // e.g. "data/x:y.db": a '/' before the colon makes it a path
    }
  }
  return scheme;
}

}  // namespace

// The one place where a store URL chooses its backend.
Result<std::unique_ptr<Store>> Store::Open(std::string_view url) {
  if (url.empty()) {
    return Fail(Error::InvalidArgument("store_url", "the store URL is empty"));
  }
  std::string_view scheme = SchemeOf(url);
  std::string lower_scheme(scheme);
  for (char& c : lower_scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));

  if (scheme.empty() || lower_scheme == "sqlite") {
    std::string_view path = scheme.empty() ? url : url.substr(scheme.size() + 1);
    // "sqlite:///var/lib/x.db" names the absolute path "/var/lib/x.db".
    if (path.substr(0, 2) == "//") path.remove_prefix(2);
    if (path.empty()) {
      return Fail(Error::InvalidArgument(
          "store_url", "the SQLite store URL has no path: \"" + std::string(url) + "\""));
    }
    return OpenSqliteStore(std::string(path));
  }
  if (lower_scheme == "postgres" || lower_scheme == "postgresql") {
    return Fail(Error::Unavailable("the PostgreSQL backend is not built yet"));
  }
  return Fail(Error::InvalidArgument("store_url",
                                     "unknown store scheme \"" + std::string(scheme) +
                                         "\": use sqlite:PATH, a plain path, or postgres://..."));
}

Status Store::ScanRecordHeads(const std::function<Status(const RecordHead&)>& visit) {
  return ScanRecordsBySubject([&](const Record& record) -> Status {
    RecordHead head;
    head.id = record.id;
    head.subject_id = record.subject_id;
    head.kind = record.kind;
    head.status = record.status;
    head.decided_at = record.decided_at;
    head.publicity_max_end = record.publicity_max_end;
    head.published = record.published;
    head.version = record.version;
    head.content_hash = record.content_hash;
    return visit(head);
  });
}

}  // namespace credence::store
