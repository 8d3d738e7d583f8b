#include <algorithm>

#include <fmt/format.h>

#include "ingest/csv_internal.h"
#include "ingest/validate_internal.h"
#include "text/text.h"

namespace credence::ingest::internal {
namespace {

constexpr size_t kMaxSourceRefChars = 128;
constexpr size_t kMaxNameChars = 200;

std::string_view JsonTypeName(const JsonValue& value) {
  switch (value.type()) {
    case JsonValue::Type::kNull: return "null";
    case JsonValue::Type::kBool: return "a boolean";
    case JsonValue::Type::kInt:
    case JsonValue::Type::kDouble: return "a number";
    case JsonValue::Type::kString: return "a string";
    case JsonValue::Type::kArray: return "an array";
    case JsonValue::Type::kObject: return "an object";
  }
  return "a value";
}

// A field that must hold text when present. Returns false (row rejected) on a wrong type;
// *out is empty when the field is absent, null or blank.
bool OptionalText(const JsonValue& feed, std::string_view path, PreparedRow* row,
                  std::string_view* out) {
  *out = {};
  const JsonValue* value = feed.FindPath(path);
  if (value == nullptr || value->is_null()) return true;
  if (!value->is_string()) {
    RejectRow(row, std::string(path), "type",
              fmt::format("{} must be a string, not {}", path, JsonTypeName(*value)));
    return false;
  }
  *out = TrimSpace(value->as_string());
  return true;
}

// A field that must hold non-blank text.
bool RequiredText(const JsonValue& feed, std::string_view path, PreparedRow* row,
                  std::string_view* out) {
  if (!OptionalText(feed, path, row, out)) return false;
  if (out->empty()) {
    RejectRow(row, std::string(path), "required", fmt::format("{} is required", path));
    return false;
  }
  return true;
}

bool IsPresent(const JsonValue* value) {
  if (value == nullptr || value->is_null()) return false;
  if (value->is_string()) return !TrimSpace(value->as_string()).empty();
  if (value->is_array()) return !value->as_array().empty();
  if (value->is_object()) return !value->as_object().empty();
  return true;
}

bool HasControlCharacter(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7F;
  });
}

// Parses an optional date field; rejects with code "date" when it is not a real date.
bool OptionalDate(const JsonValue& feed, std::string_view path, PreparedRow* row,
                  std::optional<Date>* out) {
  out->reset();
  std::string_view text;
  if (!OptionalText(feed, path, row, &text)) return false;
  if (text.empty()) return true;
  Result<Date> date = Date::Parse(text);
  if (!date) {
    RejectRow(row, std::string(path), "date",
              fmt::format("{} '{}' is not a real date of the form YYYY-MM-DD", path, text));
    return false;
  }
  *out = *date;
  return true;
}

std::string SubjectKindList() {
  std::string out;
  for (ids::SubjectKind kind : ids::kAllSubjectKinds) {
    if (!out.empty()) out += ", ";
    out += ids::SubjectKindKey(kind);
  }
  return out;
}

bool SaysDeregistered(std::string_view status) {
  static constexpr std::string_view kWords[] = {"注销", "吊销", "撤销"};
  for (std::string_view word : kWords) {
    if (status.find(word) != std::string_view::npos) return true;
  }
  std::string lower(status);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
  return lower == "deregistered" || lower == "revoked" || lower == "cancelled" ||
         lower == "canceled";
}

// A text member of extra, or "" when absent or not text.
std::string_view ExtraText(const JsonValue& feed, std::string_view path) {
  const JsonValue* value = feed.FindPath(path);
  return value != nullptr && value->is_string() ? TrimSpace(value->as_string())
                                                : std::string_view();
}

// Kinds published only for some values of a field (the tax authority publishes A grades only).
bool PublishedByValue(const JsonValue& feed, const policy::RecordKind& kind) {
  if (kind.published_only_field.empty()) return true;
  const JsonValue* value = feed.FindPath(kind.published_only_field);
  if (value == nullptr || !value->is_string()) return false;
  std::string_view text = TrimSpace(value->as_string());
  return std::find(kind.published_only_values.begin(), kind.published_only_values.end(), text) !=
         kind.published_only_values.end();
}

}  // namespace

size_t CountCodePoints(std::string_view utf8) {
  size_t count = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

void RejectRow(PreparedRow* row, std::string field, std::string code, std::string message) {
  row->action = RowAction::kRejected;
  row->error.line = row->line;
  row->error.field = std::move(field);
  row->error.code = std::move(code);
  row->error.message = std::move(message);
}

RowValidator::RowValidator(const policy::Catalog& catalog, std::string department, Date today)
    : catalog_(catalog), department_(std::move(department)), today_(today) {}

void RowValidator::Prepare(JsonValue feed, PreparedRow* row) const {
  row->action = RowAction::kRejected;
  if (!feed.is_object()) {
    RejectRow(row, "", "json",
              fmt::format("each row must be a JSON object, this one is {}", JsonTypeName(feed)));
    return;
  }

  // Identity of the row within the department's data.
  std::string_view source_ref;
  if (!RequiredText(feed, "source_ref", row, &source_ref)) return;
  if (CountCodePoints(source_ref) > kMaxSourceRefChars) {
    RejectRow(row, "source_ref", "too_long",
              fmt::format("source_ref has {} characters; at most {} are allowed",
                          CountCodePoints(source_ref), kMaxSourceRefChars));
    return;
  }
  if (HasControlCharacter(source_ref)) {
    RejectRow(row, "source_ref", "format", "source_ref must not contain control characters");
    return;
  }
  row->source_ref = std::string(source_ref);
  row->has_source_ref = true;

  std::string_view action;
  if (!OptionalText(feed, "action", row, &action)) return;
  if (action == "withdraw") {
    std::string_view reason;
    if (!OptionalText(feed, "reason", row, &reason)) return;
    row->withdraw_reason = std::string(reason);
    row->action = RowAction::kWithdraw;
    return;
  }
  if (!action.empty() && action != "upsert") {
    RejectRow(row, "action", "action",
              fmt::format("action '{}' is unknown; use \"upsert\" (the default) or \"withdraw\"",
                          action));
    return;
  }

  // What the record is, and whether this department may say it.
  std::string_view kind_key;
  if (!RequiredText(feed, "kind", row, &kind_key)) return;
  const policy::RecordKind* kind = catalog_.FindKind(kind_key);
  if (kind == nullptr) {
    RejectRow(row, "kind", "unknown_kind",
              fmt::format("kind '{}' is not a record kind of the catalog (policy {})", kind_key,
                          catalog_.version()));
    return;
  }
  if (!catalog_.MaySubmit(department_, kind->key)) {
    RejectRow(
        row, "kind", "not_allowed",
        fmt::format("department '{}' may not submit records of kind '{}'", department_, kind->key));
    return;
  }

  if (!CheckSubject(feed, *kind, row)) return;
  Date decided;
  if (!CheckDates(feed, row, &decided)) return;

  // Tier.
  policy::Tier tier = policy::Tier::kNone;
  if (kind->tiered) {
    std::string_view tier_key;
    if (!OptionalText(feed, "tier", row, &tier_key)) return;
    if (tier_key.empty()) {
      RejectRow(
          row, "tier", "tier",
          fmt::format("tier is required for {} records: minor, general or serious", kind->key));
      return;
    }
    std::optional<policy::Tier> parsed = policy::ParseTier(tier_key);
    if (!parsed || *parsed == policy::Tier::kNone) {
      RejectRow(row, "tier", "tier",
                fmt::format("tier '{}' is unknown; use minor, general or serious", tier_key));
      return;
    }
    tier = *parsed;
  }

  for (const std::string& path : kind->required_fields) {
    if (!IsPresent(feed.FindPath(path))) {
      RejectRow(row, path, "required",
                fmt::format("{} is required for {} records", path, kind->key));
      return;
    }
  }

  if (!CheckKindFields(feed, *kind, row)) return;

  // Text fields that go into the record's columns.
  std::string_view legal_basis, document_no, penalty_category, content;
  if (!OptionalText(feed, "legal_basis", row, &legal_basis) ||
      !OptionalText(feed, "document_no", row, &document_no) ||
      !OptionalText(feed, "penalty_category", row, &penalty_category) ||
      !OptionalText(feed, "content", row, &content)) {
    return;
  }

  if (kind->key == "registration") {
    row->is_registration = true;
    RegistrationDraft& registration = row->registration;
    // extra is kept verbatim and never rejects a row: what cannot be read is not used.
    Result<Date> established = Date::Parse(ExtraText(feed, "extra.established"));
    registration.registered_on = established ? *established : decided;
    std::string_view industry = ExtraText(feed, "extra.industry");
    std::string_view status = ExtraText(feed, "extra.status");
    std::string_view representative;
    if (!OptionalText(feed, "legal_representative", row, &representative)) return;
    // GB/T 4754 sections are the letters A-T; "C13" (a division) still names section C.
    if (!industry.empty()) {
      char section = industry.front();
      if (section >= 'a' && section <= 'z') section = static_cast<char>(section - 32);
      if (section >= 'A' && section <= 'T') registration.industry = std::string(1, section);
    }
    registration.legal_representative = std::string(representative);
    registration.deregistered = !status.empty() && SaysDeregistered(status);
  }

  // The record.
  store::Record& record = row->record;
  record.kind = kind->key;
  record.department = department_;
  record.source_ref = row->source_ref;
  record.decided_at = decided;
  record.tier = std::string(policy::TierKey(tier));
  policy::PublicityWindow window = catalog_.Window(*kind, tier, decided, penalty_category);
  record.publicity_start = window.start;
  record.publicity_min_end = window.min_end;
  record.publicity_max_end = window.max_end;
  record.published = window.published && PublishedByValue(feed, *kind);
  record.status = store::RecordStatus::kActive;
  record.legal_basis = legal_basis.empty() ? kind->legal_basis : std::string(legal_basis);
  record.document_no = std::string(document_no);
  record.flagged = row->subject.code_flagged;

  // The payload is the row as submitted, minus the action (which is not part of the record).
  JsonValue::Object& members = feed.as_object();
  std::erase_if(members, [](const auto& member) { return member.first == "action"; });
  record.payload = ToCanonicalJson(feed);
  record.content_hash = ContentHash64(record.payload);
  row->digest =
      Sha256Concat({record.payload, store::RecordStatusKey(store::RecordStatus::kActive)});
  row->action = RowAction::kUpsert;
}

bool RowValidator::CheckSubject(const JsonValue& feed, const policy::RecordKind& kind,
                                PreparedRow* row) const {
  const JsonValue* subject = feed.Find("subject");
  if (subject != nullptr && !subject->is_null() && !subject->is_object()) {
    RejectRow(row, "subject", "type",
              fmt::format("subject must be an object with code, name and kind, not {}",
                          JsonTypeName(*subject)));
    return false;
  }

  std::string_view code;
  if (!RequiredText(feed, "subject.code", row, &code)) return false;
  ids::CodeCheck check = ids::CheckCode(code);
  if (check.kind == ids::CodeKind::kResidentId && check.valid) {
    // A birth date after today is as impossible as February 30th.
    check = ids::CheckResidentId(code, today_.ToString());
  }
  SubjectDraft& draft = row->subject;
  if (!check.valid) {
    bool accept_flagged =
        check.failure == ids::Failure::kChecksum && catalog_.ingest().accept_checksum_failures;
    if (!accept_flagged) {
      std::string message = check.message.empty()
                                ? fmt::format("subject.code is not a valid identifier ({})",
                                              ids::FailureNameFor(check.kind, check.failure))
                                : fmt::format("subject.code: {}", check.message);
      if (check.failure == ids::Failure::kChecksum) {
        message +=
            " (a legacy code can be accepted flagged for review only when the policy "
            "allows it)";
      }
      RejectRow(row, "subject.code", std::string(ids::FailureNameFor(check.kind, check.failure)),
                std::move(message));
      return false;
    }
    draft.code_flagged = true;
  }

  // Subject kind: derived from the code, and if given it must agree.
  std::optional<ids::SubjectKind> derived;
  if (check.kind == ids::CodeKind::kResidentId) {
    derived = ids::SubjectKind::kPerson;
  } else if (check.kind == ids::CodeKind::kUscc) {
    derived = catalog_.SubjectKindForOrgType(check.organisation_type);
  }
  std::string_view kind_text;
  if (!OptionalText(feed, "subject.kind", row, &kind_text)) return false;
  std::optional<ids::SubjectKind> subject_kind;
  if (!kind_text.empty()) {
    subject_kind = ids::ParseSubjectKind(kind_text);
    if (!subject_kind) {
      RejectRow(
          row, "subject.kind", "subject_kind",
          fmt::format("subject.kind '{}' is unknown; use one of {}", kind_text, SubjectKindList()));
      return false;
    }
    if (derived && *derived != *subject_kind) {
      RejectRow(
          row, "subject.kind", "subject_kind",
          check.kind == ids::CodeKind::kResidentId
              ? fmt::format("subject.kind is '{}' but the code is a resident ID number, "
                            "which identifies a person",
                            kind_text)
              : fmt::format("subject.kind is '{}' but the code's organisation type {} "
                            "denotes {}",
                            kind_text, check.organisation_type, ids::SubjectKindKey(*derived)));
      return false;
    }
  } else if (derived) {
    subject_kind = derived;
  } else {
    RejectRow(row, "subject.kind", "subject_kind",
              fmt::format("the subject kind cannot be derived from organisation type '{}'; give "
                          "subject.kind",
                          check.organisation_type));
    return false;
  }
  if (!kind.AllowsSubject(*subject_kind)) {
    RejectRow(row, "subject.kind", "subject_kind",
              fmt::format("{} records cannot be about a subject of kind {}", kind.key,
                          ids::SubjectKindKey(*subject_kind)));
    return false;
  }

  std::string_view name;
  if (!RequiredText(feed, "subject.name", row, &name)) return false;
  if (CountCodePoints(name) > kMaxNameChars) {
    RejectRow(row, "subject.name", "too_long",
              fmt::format("subject.name has {} characters; at most {} are allowed",
                          CountCodePoints(name), kMaxNameChars));
    return false;
  }

  draft.code = check.normalized;
  draft.code_kind = check.kind;
  draft.name = std::string(name);
  draft.name_norm = text::NormalizeName(name);
  draft.kind = *subject_kind;
  draft.region = check.division_code;
  return true;
}

bool RowValidator::CheckDates(const JsonValue& feed, PreparedRow* row, Date* decided) const {
  std::string_view decided_text;
  if (!RequiredText(feed, "decided_at", row, &decided_text)) return false;
  Result<Date> parsed = Date::Parse(decided_text);
  if (!parsed) {
    RejectRow(
        row, "decided_at", "date",
        fmt::format("decided_at '{}' is not a real date of the form YYYY-MM-DD", decided_text));
    return false;
  }
  *decided = *parsed;
  if (*decided > today_) {
    RejectRow(row, "decided_at", "future_date",
              fmt::format("decided_at {} is in the future (today is {})", decided->ToString(),
                          today_.ToString()));
    return false;
  }
  int min_year = catalog_.ingest().min_year;
  if (decided->year() < min_year) {
    RejectRow(row, "decided_at", "too_old",
              fmt::format("decided_at {} is before {}, the earliest year accepted",
                          decided->ToString(), min_year));
    return false;
  }

  std::optional<Date> valid_from, valid_until, term_end, deadline;
  if (!OptionalDate(feed, "valid_from", row, &valid_from) ||
      !OptionalDate(feed, "valid_until", row, &valid_until) ||
      !OptionalDate(feed, "term_end", row, &term_end) ||
      !OptionalDate(feed, "deadline", row, &deadline)) {
    return false;
  }
  if (valid_until && *valid_until < *decided) {
    RejectRow(row, "valid_until", "date_order",
              fmt::format("valid_until {} is before decided_at {}", valid_until->ToString(),
                          decided->ToString()));
    return false;
  }
  if (valid_until && valid_from && *valid_until < *valid_from) {
    RejectRow(row, "valid_until", "date_order",
              fmt::format("valid_until {} is before valid_from {}", valid_until->ToString(),
                          valid_from->ToString()));
    return false;
  }
  return true;
}

bool RowValidator::CheckKindFields(const JsonValue& feed, const policy::RecordKind& kind,
                                   PreparedRow* row) const {
  if (const JsonValue* amount = feed.Find("amount_yuan"); amount != nullptr && !amount->is_null()) {
    if (!amount->is_number() || amount->as_double() < 0) {
      RejectRow(row, "amount_yuan", "amount",
                "amount_yuan must be a non-negative number of yuan (in CSV: digits only)");
      return false;
    }
  }

  if (kind.key == "tax_credit_grade") {
    std::string_view grade;
    if (!RequiredText(feed, "grade", row, &grade)) return false;
    if (grade != "A" && grade != "B" && grade != "M" && grade != "C" && grade != "D") {
      RejectRow(row, "grade", "grade",
                fmt::format("grade '{}' is not a tax credit grade: A, B, M, C or D", grade));
      return false;
    }
    const JsonValue* year = feed.Find("year");
    if (!IsPresent(year)) {
      RejectRow(row, "year", "required", "year is required for tax_credit_grade records");
      return false;
    }
    int64_t year_value = -1;
    if (year->type() == JsonValue::Type::kInt) {
      year_value = year->as_int();
    } else if (year->is_string()) {
      std::string_view text = TrimSpace(year->as_string());
      if (text.size() == 4 &&
          std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        year_value = std::stoi(std::string(text));
      }
    }
    if (year_value < 1000 || year_value > 9999) {
      RejectRow(row, "year", "year", "year must be a 4-digit year, e.g. 2024");
      return false;
    }
    if (year_value > today_.year()) {
      RejectRow(row, "year", "year",
                fmt::format("year {} is in the future (this is {})", year_value, today_.year()));
      return false;
    }
  }

  if (kind.key == "commitment") {
    std::string_view type, status;
    if (!OptionalText(feed, "type", row, &type) || !OptionalText(feed, "status", row, &status)) {
      return false;
    }
    if (!type.empty() && type != "approval" && type != "voluntary" && type != "industry" &&
        type != "restoration") {
      RejectRow(row, "type", "commitment_type",
                fmt::format("commitment type '{}' is unknown; use approval, voluntary, industry "
                            "or restoration",
                            type));
      return false;
    }
    if (!status.empty() && status != "pending" && status != "kept" && status != "broken") {
      RejectRow(
          row, "status", "commitment_status",
          fmt::format("commitment status '{}' is unknown; use pending, kept or broken", status));
      return false;
    }
  }
  return true;
}

}  // namespace credence::ingest::internal
