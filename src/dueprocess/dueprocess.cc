#include "dueprocess/dueprocess.h"

#include <algorithm>
#include <fstream>
#include <system_error>

#include <fmt/format.h>

#include "audit/audit.h"
#include "common/hash.h"
#include "lifecycle/lifecycle.h"

namespace credence::dueprocess {
namespace {

namespace fs = std::filesystem;

// Feed fields a correction may not change: they identify the record and its subject.
constexpr std::string_view kIdentityFields[] = {"source_ref", "kind", "subject", "action"};

struct AttachmentType {
  std::string_view key;
  std::string_view content_type;
  std::string_view magic;
};
constexpr AttachmentType kAttachmentTypes[] = {
    {"pdf", "application/pdf", "%PDF-"},
    {"png", "image/png", "\x89PNG\r\n\x1a\n"},
    {"jpeg", "image/jpeg", "\xFF\xD8\xFF"},
};

std::string_view ContentTypeOf(std::string_view key) {
  for (const AttachmentType& type : kAttachmentTypes) {
    if (type.key == key) return type.content_type;
  }
  return "application/octet-stream";
}

// Characters in UTF-8 text (continuation bytes not counted).
int64_t CharCount(std::string_view text) {
  return std::count_if(text.begin(), text.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

// A name given by a subject, fit to show as a label: control characters and path separators
// dropped, at most 100 bytes (cut at a character boundary).
std::string CleanLabel(std::string_view name) {
  std::string label;
  for (char c : name) {
    unsigned char byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F || c == '/' || c == '\\') continue;
    label += c;
  }
  if (label.size() > 100) {
    size_t cut = 100;
    while (cut > 0 && (static_cast<unsigned char>(label[cut]) & 0xC0) == 0x80) --cut;
    label.resize(cut);
  }
  return label.empty() ? "attachment" : label;
}

std::string CaseObject(const store::Case& case_) {
  return fmt::format("case:{}@{}", case_.id, case_.version);
}

JsonValue Text(std::string zh, std::string en) {
  return JsonValue(
      JsonValue::Object{{"zh", JsonValue(std::move(zh))}, {"en", JsonValue(std::move(en))}});
}

JsonValue& Member(JsonValue& object, std::string_view key) {
  for (auto& [name, value] : object.as_object()) {
    if (name == key) return value;
  }
  object.Set(std::string(key), JsonValue(JsonValue::Object{}));
  return object.as_object().back().second;
}

Result<int32_t> ReadInt(const JsonValue& table, std::string_view key, int64_t min, int64_t max,
                        std::string_view file, std::vector<Error>& problems) {
  const JsonValue* value = table.Find(key);
  if (value == nullptr || value->type() != JsonValue::Type::kInt || value->as_int() < min ||
      value->as_int() > max) {
    problems.push_back(Error::InvalidArgument(
        "invalid_policy",
        fmt::format("{}: due_process.{}: must be an integer from {} to {}", file, key, min, max)));
    return 0;
  }
  return static_cast<int32_t>(value->as_int());
}

}  // namespace

std::string_view SniffAttachmentType(std::string_view content) {
  for (const AttachmentType& type : kAttachmentTypes) {
    if (content.substr(0, type.magic.size()) == type.magic) return type.key;
  }
  return {};
}

Result<Settings> Settings::Load(const policy::Catalog& catalog) {
  std::span<const policy::ExtensionPart> parts = catalog.extension_parts("due_process");
  std::vector<Error> problems;
  Settings settings;
  if (parts.empty()) {
    problems.push_back(Error::InvalidArgument(
        "invalid_policy", "dueprocess.toml: due_process: is required (due-process deadlines)"));
  } else {
    const policy::ExtensionPart& part = parts.front();
    const JsonValue& table = part.value;
    settings.objection_working_days =
        *ReadInt(table, "objection_working_days", 1, 250, part.file, problems);
    settings.restoration_decision_working_days =
        *ReadInt(table, "restoration_decision_working_days", 1, 250, part.file, problems);
    settings.restoration_answer_working_days =
        *ReadInt(table, "restoration_answer_working_days", 1, 250, part.file, problems);
    settings.attachment_max_bytes =
        *ReadInt(table, "attachment_max_bytes", 1, 64 << 20, part.file, problems);
    settings.attachment_max_files =
        *ReadInt(table, "attachment_max_files", 0, 20, part.file, problems);
    settings.text_max_chars = *ReadInt(table, "text_max_chars", 1, 100000, part.file, problems);
    if (settings.restoration_decision_working_days > settings.restoration_answer_working_days) {
      problems.push_back(Error::InvalidArgument(
          "invalid_policy",
          fmt::format("{}: due_process.restoration_decision_working_days: is after the answer "
                      "deadline (restoration_answer_working_days)",
                      part.file)));
    }
    settings.attachment_types.clear();
    const JsonValue* types = table.Find("attachment_types");
    bool types_ok = types != nullptr && types->is_array();
    if (types_ok) {
      for (const JsonValue& type : types->as_array()) {
        bool known =
            type.is_string() &&
            std::any_of(std::begin(kAttachmentTypes), std::end(kAttachmentTypes),
                        [&](const AttachmentType& t) { return t.key == type.as_string(); });
        if (!known) {
          types_ok = false;
          break;
        }
        settings.attachment_types.push_back(type.as_string());
      }
    }
    if (!types_ok) {
      problems.push_back(Error::InvalidArgument(
          "invalid_policy", fmt::format("{}: due_process.attachment_types: must list types among "
                                        "\"pdf\", \"png\", \"jpeg\"",
                                        part.file)));
    }
  }
  if (!problems.empty()) {
    Error error = Error::InvalidArgument(
        "invalid_policy", fmt::format("due-process policy: {} problem{}", problems.size(),
                                      problems.size() == 1 ? "" : "s"));
    for (Error& problem : problems) error.AddDetail(std::move(problem));
    return Fail(std::move(error));
  }
  return settings;
}

// The private workings, kept out of the contract header.
struct DueProcess::Impl {
  DueProcess& self;

  Timestamp Now() const { return self.clock_.Now(); }

  // The subject a subject caller acts for.
  Result<store::Subject> CallerSubject(const auth::Principal& caller) const {
    if (caller.role != auth::Role::kSubject || caller.subject_code.empty()) {
      return Fail(Error::PermissionDenied("only a subject may file this, for its own records"));
    }
    CREDENCE_ASSIGN_OR_RETURN(auto subject, self.store_.FindSubjectByCode(caller.subject_code));
    if (!subject) {
      return Fail(Error::NotFound("the subject this token acts for is not in the file"));
    }
    return *subject;
  }

  // A record of the caller's own file.
  Result<std::pair<store::Subject, store::Record>> OwnRecord(const auth::Principal& caller,
                                                             int64_t record_id) const {
    CREDENCE_ASSIGN_OR_RETURN(store::Subject subject, CallerSubject(caller));
    CREDENCE_ASSIGN_OR_RETURN(auto record, self.store_.GetRecord(record_id));
    if (!record) return Fail(Error::NotFound(fmt::format("no record {}", record_id)));
    if (record->subject_id != subject.id) {
      return Fail(Error::PermissionDenied(
          fmt::format("record {} is not in the file of {}", record_id, subject.code)));
    }
    return std::make_pair(std::move(subject), std::move(*record));
  }

  Status CheckText(std::string_view field, std::string_view text, bool required) const {
    if (required && text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
      return Fail(Error::InvalidArgument(std::string(field), fmt::format("{} is required", field)));
    }
    if (CharCount(text) > self.settings_.text_max_chars) {
      return Fail(Error::InvalidArgument(
          std::string(field),
          fmt::format("{} is longer than {} characters", field, self.settings_.text_max_chars)));
    }
    return OkStatus();
  }

  // Checks every attachment before storing any; stores each under its content's SHA-256.
  Result<JsonValue> SaveAttachments(const std::vector<Upload>& uploads) const {
    const Settings& settings = self.settings_;
    if (static_cast<int64_t>(uploads.size()) > settings.attachment_max_files) {
      return Fail(Error::InvalidArgument(
          "attachment", fmt::format("at most {} attachments may be given, not {}",
                                    settings.attachment_max_files, uploads.size())));
    }
    std::vector<std::string_view> types;
    for (size_t i = 0; i < uploads.size(); ++i) {
      const Upload& upload = uploads[i];
      std::string label = CleanLabel(upload.name);
      if (upload.content.empty()) {
        return Fail(
            Error::InvalidArgument("attachment", fmt::format("attachment {} is empty", label)));
      }
      if (static_cast<int64_t>(upload.content.size()) > settings.attachment_max_bytes) {
        return Fail(Error::InvalidArgument(
            "attachment", fmt::format("attachment {} is {} bytes; the limit is {}", label,
                                      upload.content.size(), settings.attachment_max_bytes)));
      }
      std::string_view type = SniffAttachmentType(upload.content);
      if (type.empty() ||
          std::find(settings.attachment_types.begin(), settings.attachment_types.end(), type) ==
              settings.attachment_types.end()) {
        return Fail(Error::InvalidArgument(
            "attachment",
            fmt::format("attachment {} is not of an accepted type ({}); the type is read from "
                        "the content, not the name",
                        label, fmt::join(settings.attachment_types, ", "))));
      }
      types.push_back(type);
    }
    JsonValue list{JsonValue::Array{}};
    std::error_code ec;
    if (!uploads.empty()) fs::create_directories(self.attachments_dir_, ec);
    if (ec) {
      return Fail(Error::Unavailable(
          fmt::format("cannot create the attachments directory: {}", ec.message())));
    }
    for (size_t i = 0; i < uploads.size(); ++i) {
      const Upload& upload = uploads[i];
      std::string digest = HexEncode(Sha256(upload.content));
      std::string file_name = fmt::format("{}.{}", digest, types[i]);
      fs::path path = self.attachments_dir_ / file_name;
      if (!fs::exists(path, ec)) {
        // Written under a temporary name and renamed, so that a reader never sees half a file.
        fs::path temporary = path;
        temporary += fmt::format(".tmp{}", Now().micros());
        {
          std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
          out.write(upload.content.data(), static_cast<std::streamsize>(upload.content.size()));
          if (!out) return Fail(Error::Unavailable("cannot write an attachment"));
        }
        fs::rename(temporary, path, ec);
        if (ec) return Fail(Error::Unavailable("cannot store an attachment: " + ec.message()));
      }
      list.as_array().push_back(JsonValue(JsonValue::Object{
          {"index", JsonValue(static_cast<int64_t>(i))},
          {"label", JsonValue(CleanLabel(upload.name))},
          {"type", JsonValue(types[i])},
          {"bytes", JsonValue(static_cast<int64_t>(upload.content.size()))},
          {"sha256", JsonValue(digest)},
      }));
    }
    return list;
  }

  // The case written (inserted when id is 0, else updated to the next version), its audit entry
  // and a notification to the subject, in one transaction that the caller commits.
  Status Write(store::WriteTxn& txn, store::Case& case_, std::string_view action,
               std::string_view actor, std::string_view topic, JsonValue message) const {
    if (case_.id == 0) {
      CREDENCE_RETURN_IF_ERROR(txn.InsertCase(case_));
    } else {
      CREDENCE_RETURN_IF_ERROR(txn.UpdateCase(case_));
    }
    audit::Event event{std::string(actor), std::string(action), CaseObject(case_),
                       Sha256(case_.detail)};
    CREDENCE_RETURN_IF_ERROR(audit::Append(txn, case_.updated_at, {&event, 1}));
    store::Notification notification;
    notification.subject_id = case_.subject_id;
    notification.at = case_.updated_at;
    notification.topic = std::string(topic);
    notification.case_id = case_.id;
    message.Set("kind", JsonValue(case_.kind));
    message.Set("status", JsonValue(case_.status));
    notification.body = ToJson(message);
    return txn.InsertNotification(notification);
  }

  void Changed(int64_t subject_id) const {
    for (const auto& observer : self.observers_) observer(subject_id);
  }

  Result<CaseView> View(store::Case case_) const {
    CaseView view;
    CREDENCE_ASSIGN_OR_RETURN(auto subject, self.store_.GetSubject(case_.subject_id));
    if (subject) {
      view.subject_code = subject->code;
      view.subject_name = subject->name;
    }
    Result<JsonValue> detail = ParseJson(case_.detail);
    view.detail = detail ? std::move(*detail) : JsonValue(JsonValue::Object{});
    Date today = self.clock_.Today();
    view.overdue = case_.open && today > case_.due_on;
    view.working_days_left =
        view.overdue ? 0 : self.calendar_.WorkingDaysBetween(today, case_.due_on);
    if (view.overdue) view.escalated_to = "operator";
    view.case_ = std::move(case_);
    return view;
  }

  Result<store::Page<CaseView>> Views(store::Page<store::Case> page) const {
    store::Page<CaseView> views;
    views.total = page.total;
    views.offset = page.offset;
    views.limit = page.limit;
    for (store::Case& case_ : page.items) {
      CREDENCE_ASSIGN_OR_RETURN(CaseView view, View(std::move(case_)));
      views.items.push_back(std::move(view));
    }
    return views;
  }

  bool MayRead(const auth::Principal& caller, const store::Case& case_,
               const std::optional<store::Subject>& subject) const {
    switch (caller.role) {
      case auth::Role::kSubject: return subject && subject->code == caller.subject_code;
      case auth::Role::kDepartment: return caller.department == case_.department;
      case auth::Role::kOperator: return true;
      default: return false;
    }
  }

  // A case the caller (a department) may decide, still open, of the kind.
  Result<store::Case> CaseToDecide(const auth::Principal& caller, int64_t case_id,
                                   std::string_view kind) const {
    if (caller.role != auth::Role::kDepartment) {
      return Fail(Error::PermissionDenied("only the responsible department decides a case"));
    }
    CREDENCE_ASSIGN_OR_RETURN(auto case_, self.store_.GetCase(case_id));
    if (!case_ || case_->kind != kind) {
      return Fail(Error::NotFound(fmt::format("no {} case {}", kind, case_id)));
    }
    if (case_->department != caller.department) {
      return Fail(Error::PermissionDenied(
          fmt::format("case {} is addressed to the department {}", case_id, case_->department)));
    }
    if (!case_->open) {
      return Fail(Error::FailedPrecondition(
          "decided", fmt::format("case {} was already decided: {}", case_id, case_->status)));
    }
    return *case_;
  }

  // Submits one feed row in the department's name through the ingest path; the row's own
  // rejection becomes the error.
  Result<ingest::BatchReport> Submit(const auth::Principal& caller, const store::Case& case_,
                                     const JsonValue& row) const {
    std::string line = ToJson(row);
    ingest::BatchInput input;
    input.department = caller.department;
    input.actor = caller.ActorName();
    input.source_name = fmt::format("{}:{}", case_.kind, case_.id);
    input.format = ingest::Format::kNdjson;
    input.data = line;
    CREDENCE_ASSIGN_OR_RETURN(ingest::BatchReport report, self.ingestor_.Submit(input));
    if (report.rejected > 0 && !report.errors.empty()) {
      const ingest::RowError& error = report.errors.front();
      return Fail(Error::InvalidArgument(
          error.code, error.field.empty() ? error.message : error.field + ": " + error.message));
    }
    return report;
  }

  // Stamps the decision into the case's detail.
  void RecordDecision(store::Case& case_, JsonValue& detail, const auth::Principal& caller,
                      std::string_view outcome, std::string_view reasons, Timestamp at) const {
    detail.Set("decision", JsonValue(JsonValue::Object{
                               {"outcome", JsonValue(outcome)},
                               {"reasons", JsonValue(reasons)},
                               {"decided_by", JsonValue(caller.ActorName())},
                               {"decided_at", JsonValue(at.ToString())},
                           }));
    case_.status = std::string(outcome);
    case_.open = false;
    case_.updated_at = at;
    case_.version += 1;
    case_.detail = ToJson(detail);
  }

  Result<JsonValue> DetailOf(const store::Case& case_) const {
    CREDENCE_ASSIGN_OR_RETURN(JsonValue detail, ParseJson(case_.detail));
    if (!detail.is_object()) return Fail(Error::Internal("case detail is not an object"));
    return detail;
  }

  Result<bool> HasOpenCase(std::string_view kind, int64_t record_id) const {
    store::CaseQuery query;
    query.kind = std::string(kind);
    query.record_id = record_id;
    query.open = true;
    query.limit = 1;
    CREDENCE_ASSIGN_OR_RETURN(auto page, self.store_.ListCases(query));
    return page.total > 0;
  }
};

DueProcess::DueProcess(store::Store& store, const policy::Catalog& catalog,
                       const calendar::WorkingCalendar& calendar, Settings settings,
                       ingest::Ingestor& ingestor, const Clock& clock,
                       std::filesystem::path attachments_dir)
    : store_(store),
      catalog_(catalog),
      calendar_(calendar),
      settings_(std::move(settings)),
      ingestor_(ingestor),
      clock_(clock),
      attachments_dir_(std::move(attachments_dir)) {}

void DueProcess::OnFileChanged(std::function<void(int64_t subject_id)> observer) {
  observers_.push_back(std::move(observer));
}

Result<CaseView> DueProcess::FileObjection(const auth::Principal& caller, int64_t record_id,
                                           std::string_view grounds,
                                           const std::vector<Upload>& attachments) {
  Impl impl{*this};
  CREDENCE_ASSIGN_OR_RETURN(auto own, impl.OwnRecord(caller, record_id));
  const store::Record& record = own.second;
  CREDENCE_RETURN_IF_ERROR(impl.CheckText("grounds", grounds, true));
  if (record.status == store::RecordStatus::kWithdrawn) {
    return Fail(Error::FailedPrecondition(
        "withdrawn", fmt::format("record {} was withdrawn by its department", record_id)));
  }
  CREDENCE_ASSIGN_OR_RETURN(bool open, impl.HasOpenCase(kObjection, record_id));
  if (open) {
    return Fail(Error::FailedPrecondition(
        "already_open", fmt::format("an objection to record {} is being verified", record_id)));
  }
  CREDENCE_ASSIGN_OR_RETURN(JsonValue saved, impl.SaveAttachments(attachments));
  Timestamp now = impl.Now();
  store::Case case_;
  case_.kind = std::string(kObjection);
  case_.subject_id = record.subject_id;
  case_.record_id = record.id;
  case_.department = record.department;
  case_.status = std::string(kOpen);
  case_.open = true;
  case_.due_on = calendar_.AddWorkingDays(now.ShanghaiDate(), settings_.objection_working_days);
  case_.filed_at = now;
  case_.updated_at = now;
  case_.detail = ToJson(JsonValue(JsonValue::Object{
      {"grounds", JsonValue(grounds)},
      {"attachments", std::move(saved)},
      {"record", JsonValue(JsonValue::Object{{"kind", JsonValue(record.kind)},
                                             {"document_no", JsonValue(record.document_no)},
                                             {"version", JsonValue(record.version)}})},
  }));
  CREDENCE_ASSIGN_OR_RETURN(auto txn, store_.BeginWrite());
  JsonValue message = Text(
      fmt::format("您对记录 {} 的异议已受理，将于 {} 前答复。", record.id, case_.due_on.ToString()),
      fmt::format("Your objection to record {} was received; it will be answered by {}.", record.id,
                  case_.due_on.ToString()));
  CREDENCE_RETURN_IF_ERROR(impl.Write(*txn, case_, "objection.file", caller.ActorName(),
                                      "objection.filed", std::move(message)));
  CREDENCE_RETURN_IF_ERROR(txn->Commit());
  impl.Changed(case_.subject_id);
  return impl.View(std::move(case_));
}

Result<CaseView> DueProcess::DecideObjection(const auth::Principal& caller, int64_t case_id,
                                             const ObjectionDecision& decision) {
  Impl impl{*this};
  CREDENCE_ASSIGN_OR_RETURN(store::Case case_, impl.CaseToDecide(caller, case_id, kObjection));
  const std::string& outcome = decision.outcome;
  if (outcome != "corrected" && outcome != "removed" && outcome != "upheld" &&
      outcome != "unverifiable") {
    return Fail(Error::InvalidArgument(
        "outcome",
        fmt::format("outcome '{}' is not corrected, removed, upheld or unverifiable", outcome)));
  }
  bool reasons_required = outcome == "upheld" || outcome == "unverifiable";
  CREDENCE_RETURN_IF_ERROR(impl.CheckText("reasons", decision.reasons, reasons_required));
  CREDENCE_ASSIGN_OR_RETURN(auto record, store_.GetRecord(case_.record_id));
  if (!record) return Fail(Error::NotFound(fmt::format("no record {}", case_.record_id)));
  CREDENCE_ASSIGN_OR_RETURN(JsonValue detail, impl.DetailOf(case_));

  int32_t version_at_filing = 0;
  if (const JsonValue* filed = detail.FindPath("record.version"); filed && filed->is_number()) {
    version_at_filing = static_cast<int32_t>(filed->as_int());
  }
  if (outcome == "corrected") {
    if (!decision.changes.is_object() || decision.changes.as_object().empty()) {
      return Fail(Error::InvalidArgument("changes",
                                         "a correction gives the fields to change, as an object"));
    }
    CREDENCE_ASSIGN_OR_RETURN(JsonValue row, ParseJson(record->payload));
    for (const auto& [key, value] : decision.changes.as_object()) {
      if (std::find(std::begin(kIdentityFields), std::end(kIdentityFields), key) !=
          std::end(kIdentityFields)) {
        return Fail(Error::InvalidArgument(
            "changes", fmt::format("{} identifies the record and cannot be corrected; withdraw "
                                   "the record instead",
                                   key)));
      }
      row.Set(key, value);
    }
    bool same = ToCanonicalJson(row) == record->payload ||
                ToCanonicalJson(row) == ToCanonicalJson(*ParseJson(record->payload));
    // The same content is refused unless the record was revised since the objection was filed
    // (a decision whose record write committed and whose case write did not, tried again).
    if (same && record->version <= version_at_filing) {
      return Fail(Error::InvalidArgument("unchanged", "the changes leave the record as it is"));
    }
    if (!same) CREDENCE_RETURN_IF_ERROR(impl.Submit(caller, case_, row));
  } else if (outcome == "removed" && record->status != store::RecordStatus::kWithdrawn) {
    JsonValue row(JsonValue::Object{{"source_ref", JsonValue(record->source_ref)},
                                    {"action", JsonValue("withdraw")},
                                    {"kind", JsonValue(record->kind)}});
    CREDENCE_RETURN_IF_ERROR(impl.Submit(caller, case_, row));
  }
  CREDENCE_ASSIGN_OR_RETURN(auto after, store_.GetRecord(case_.record_id));
  Timestamp now = impl.Now();
  impl.RecordDecision(case_, detail, caller, outcome, decision.reasons, now);
  if (after) {
    Member(detail, "decision").Set("record_version", JsonValue(after->version));
    case_.detail = ToJson(detail);
  }
  std::string zh_outcome = outcome == "corrected" ? "记录已更正"
                           : outcome == "removed" ? "记录已撤销"
                           : outcome == "upheld"  ? "经核实记录无误，异议标注已撤除"
                                                  : "无法核实，异议已附于记录旁";
  std::string en_outcome = outcome == "corrected" ? "the record was corrected"
                           : outcome == "removed" ? "the record was withdrawn"
                           : outcome == "upheld"
                               ? "the record was verified and stands; the mark is removed"
                               : "it could not be verified; your objection is kept beside the "
                                 "record";
  CREDENCE_ASSIGN_OR_RETURN(auto txn, store_.BeginWrite());
  CREDENCE_RETURN_IF_ERROR(
      impl.Write(*txn, case_, "objection.decide", caller.ActorName(), "objection.decided",
                 Text(fmt::format("您对记录 {} 的异议已处理：{}。{}", case_.record_id, zh_outcome,
                                  decision.reasons),
                      fmt::format("Your objection to record {} was decided: {}. {}",
                                  case_.record_id, en_outcome, decision.reasons))));
  CREDENCE_RETURN_IF_ERROR(txn->Commit());
  impl.Changed(case_.subject_id);
  return impl.View(std::move(case_));
}

Result<CaseView> DueProcess::ApplyForRestoration(const auth::Principal& caller, int64_t record_id,
                                                 std::string_view proof,
                                                 std::string_view commitment_text,
                                                 const std::vector<Upload>& attachments) {
  Impl impl{*this};
  CREDENCE_ASSIGN_OR_RETURN(auto own, impl.OwnRecord(caller, record_id));
  const store::Record& record = own.second;
  CREDENCE_RETURN_IF_ERROR(impl.CheckText("proof", proof, true));
  CREDENCE_RETURN_IF_ERROR(impl.CheckText("commitment", commitment_text, true));
  Timestamp now = impl.Now();
  // The lifecycle's own rule, tried without writing: its refusal is the answer.
  if (auto trial = lifecycle::Restore(record, catalog_, now, ""); !trial) {
    return Fail(trial.error());
  }
  CREDENCE_ASSIGN_OR_RETURN(bool open, impl.HasOpenCase(kRestoration, record_id));
  if (open) {
    return Fail(Error::FailedPrecondition(
        "already_open",
        fmt::format("an application to restore record {} is being decided", record_id)));
  }
  CREDENCE_ASSIGN_OR_RETURN(JsonValue saved, impl.SaveAttachments(attachments));
  Date today = now.ShanghaiDate();

  // The restoration-type commitment signed with the application, due when publicity would
  // have ended by itself (or in a year when it has no end): the department decides whether it
  // was kept.
  store::Case commitment;
  commitment.kind = std::string(kCommitment);
  commitment.subject_id = record.subject_id;
  commitment.record_id = record.id;
  commitment.department = record.department;
  commitment.status = std::string(kSigned);
  commitment.due_on = record.publicity_max_end.value_or(today.AddYears(1));
  commitment.filed_at = now;
  commitment.updated_at = now;

  store::Case case_;
  case_.kind = std::string(kRestoration);
  case_.subject_id = record.subject_id;
  case_.record_id = record.id;
  case_.department = record.department;
  case_.status = std::string(kOpen);
  case_.due_on = calendar_.AddWorkingDays(today, settings_.restoration_decision_working_days);
  case_.answer_due_on = calendar_.AddWorkingDays(today, settings_.restoration_answer_working_days);
  case_.filed_at = now;
  case_.updated_at = now;

  CREDENCE_ASSIGN_OR_RETURN(auto txn, store_.BeginWrite());
  commitment.detail = ToJson(JsonValue(JsonValue::Object{
      {"type", JsonValue("restoration")},
      {"matter", JsonValue(fmt::format("信用修复：记录 {}（{}）", record.id, record.document_no))},
      {"text", JsonValue(commitment_text)},
      {"deadline", JsonValue(commitment.due_on.ToString())},
  }));
  CREDENCE_RETURN_IF_ERROR(
      impl.Write(*txn, commitment, "commitment.sign", caller.ActorName(), "commitment.signed",
                 Text("您的信用修复承诺已签署。", "Your restoration commitment was signed.")));
  case_.detail = ToJson(JsonValue(JsonValue::Object{
      {"proof", JsonValue(proof)},
      {"attachments", std::move(saved)},
      {"commitment_case", JsonValue(commitment.id)},
      {"record", JsonValue(JsonValue::Object{{"kind", JsonValue(record.kind)},
                                             {"document_no", JsonValue(record.document_no)},
                                             {"version", JsonValue(record.version)}})},
  }));
  CREDENCE_RETURN_IF_ERROR(impl.Write(
      *txn, case_, "restoration.apply", caller.ActorName(), "restoration.filed",
      Text(fmt::format("您对记录 {} 的信用修复申请已受理，部门于 {} 前决定，平台于 {} 前答复。",
                       record.id, case_.due_on.ToString(), case_.answer_due_on->ToString()),
           fmt::format("Your application to restore record {} was received; the department "
                       "decides by {} and the platform answers by {}.",
                       record.id, case_.due_on.ToString(), case_.answer_due_on->ToString()))));
  CREDENCE_RETURN_IF_ERROR(txn->Commit());
  return impl.View(std::move(case_));
}

Result<CaseView> DueProcess::DecideRestoration(const auth::Principal& caller, int64_t case_id,
                                               bool approve, std::string_view reasons) {
  Impl impl{*this};
  CREDENCE_ASSIGN_OR_RETURN(store::Case case_, impl.CaseToDecide(caller, case_id, kRestoration));
  CREDENCE_RETURN_IF_ERROR(impl.CheckText("reasons", reasons, !approve));
  CREDENCE_ASSIGN_OR_RETURN(JsonValue detail, impl.DetailOf(case_));
  Timestamp now = impl.Now();
  CREDENCE_ASSIGN_OR_RETURN(auto txn, store_.BeginWrite());
  if (approve) {
    CREDENCE_ASSIGN_OR_RETURN(auto current, txn->GetRecord(case_.record_id));
    if (!current) return Fail(Error::NotFound(fmt::format("no record {}", case_.record_id)));
    std::string decision_text = fmt::format("credit restored (case {})", case_.id);
    CREDENCE_ASSIGN_OR_RETURN(store::Record restored,
                              lifecycle::Restore(*current, catalog_, now, decision_text));
    CREDENCE_RETURN_IF_ERROR(txn->ReviseRecord(restored));
    audit::Event event{caller.ActorName(), "record.restore",
                       fmt::format("record:{}@{}", restored.id, restored.version),
                       Sha256(restored.payload + "restored")};
    CREDENCE_RETURN_IF_ERROR(audit::Append(*txn, now, {&event, 1}));
  }
  std::string_view outcome = approve ? "approved" : "refused";
  impl.RecordDecision(case_, detail, caller, outcome, reasons, now);
  JsonValue message =
      approve
          ? Text(fmt::format("记录 {} 的信用修复申请已批准，该记录已停止公示。", case_.record_id),
                 fmt::format("Your application to restore record {} was approved; the record "
                             "is no longer published.",
                             case_.record_id))
          : Text(fmt::format("记录 {} 的信用修复申请未获批准：{}", case_.record_id, reasons),
                 fmt::format("Your application to restore record {} was refused: {}",
                             case_.record_id, reasons));
  CREDENCE_RETURN_IF_ERROR(impl.Write(*txn, case_, "restoration.decide", caller.ActorName(),
                                      "restoration.decided", std::move(message)));
  CREDENCE_RETURN_IF_ERROR(txn->Commit());
  if (approve) impl.Changed(case_.subject_id);
  return impl.View(std::move(case_));
}

Result<CaseView> DueProcess::SignCommitment(const auth::Principal& caller, std::string_view type,
                                            std::string_view department, std::string_view matter,
                                            std::string_view text, Date deadline) {
  Impl impl{*this};
  CREDENCE_ASSIGN_OR_RETURN(store::Subject subject, impl.CallerSubject(caller));
  if (std::find(std::begin(kCommitmentTypes), std::end(kCommitmentTypes), type) ==
      std::end(kCommitmentTypes)) {
    return Fail(Error::InvalidArgument(
        "type", fmt::format("'{}' is not a commitment type (approval, voluntary, industry, "
                            "restoration)",
                            type)));
  }
  if (!catalog_.MaySubmit(department, kCommitment)) {
    return Fail(Error::InvalidArgument(
        "department",
        fmt::format("'{}' is not a department that records credit commitments", department)));
  }
  CREDENCE_RETURN_IF_ERROR(impl.CheckText("matter", matter, true));
  CREDENCE_RETURN_IF_ERROR(impl.CheckText("text", text, true));
  Timestamp now = impl.Now();
  if (deadline < now.ShanghaiDate()) {
    return Fail(Error::InvalidArgument("deadline", "the deadline is in the past"));
  }
  store::Case case_;
  case_.kind = std::string(kCommitment);
  case_.subject_id = subject.id;
  case_.department = std::string(department);
  case_.status = std::string(kSigned);
  case_.due_on = deadline;
  case_.filed_at = now;
  case_.updated_at = now;
  case_.detail = ToJson(JsonValue(JsonValue::Object{
      {"type", JsonValue(type)},
      {"matter", JsonValue(matter)},
      {"text", JsonValue(text)},
      {"deadline", JsonValue(deadline.ToString())},
  }));
  CREDENCE_ASSIGN_OR_RETURN(auto txn, store_.BeginWrite());
  CREDENCE_RETURN_IF_ERROR(
      impl.Write(*txn, case_, "commitment.sign", caller.ActorName(), "commitment.signed",
                 Text(fmt::format("您的信用承诺已签署，履行期限至 {}。", deadline.ToString()),
                      fmt::format("Your credit commitment was signed; it runs until {}.",
                                  deadline.ToString()))));
  CREDENCE_RETURN_IF_ERROR(txn->Commit());
  return impl.View(std::move(case_));
}

Result<CaseView> DueProcess::DecideCommitment(const auth::Principal& caller, int64_t case_id,
                                              bool kept, std::string_view reasons) {
  Impl impl{*this};
  CREDENCE_ASSIGN_OR_RETURN(store::Case case_, impl.CaseToDecide(caller, case_id, kCommitment));
  CREDENCE_RETURN_IF_ERROR(impl.CheckText("reasons", reasons, !kept));
  CREDENCE_ASSIGN_OR_RETURN(JsonValue detail, impl.DetailOf(case_));
  CREDENCE_ASSIGN_OR_RETURN(auto subject, store_.GetSubject(case_.subject_id));
  if (!subject) return Fail(Error::NotFound("the subject of this commitment is not in the file"));
  Timestamp now = impl.Now();
  std::string_view outcome = kept ? "kept" : "broken";
  // The fulfilment enters the file as a record of the commitment, in the department's name.
  std::string source_ref = fmt::format("CMT-{}", case_.id);
  JsonValue row(JsonValue::Object{
      {"source_ref", JsonValue(source_ref)},
      {"kind", JsonValue(kCommitment)},
      {"subject", JsonValue(JsonValue::Object{{"code", JsonValue(subject->code)},
                                              {"name", JsonValue(subject->name)}})},
      {"decided_at", JsonValue(now.ShanghaiDate().ToString())},
      {"type", JsonValue(detail.GetString("type").value_or("voluntary"))},
      {"status", JsonValue(outcome)},
      {"deadline", JsonValue(detail.GetString("deadline").value_or(""))},
      {"content", JsonValue(detail.GetString("matter").value_or(""))},
      {"extra", JsonValue(JsonValue::Object{
                    {"commitment_case", JsonValue(case_.id)},
                    {"commitment_text", JsonValue(detail.GetString("text").value_or(""))},
                    {"reasons", JsonValue(reasons)}})},
  });
  CREDENCE_RETURN_IF_ERROR(impl.Submit(caller, case_, row));
  CREDENCE_ASSIGN_OR_RETURN(auto written, store_.FindRecordByRef(case_.department, source_ref));
  impl.RecordDecision(case_, detail, caller, outcome, reasons, now);
  if (written) {
    Member(detail, "decision").Set("record_id", JsonValue(written->id));
    case_.detail = ToJson(detail);
  }
  CREDENCE_ASSIGN_OR_RETURN(auto txn, store_.BeginWrite());
  CREDENCE_RETURN_IF_ERROR(impl.Write(
      *txn, case_, "commitment.decide", caller.ActorName(), "commitment.decided",
      kept ? Text("您的信用承诺已认定为履行，已记入信用档案。",
                  "Your credit commitment was found kept and entered in your file.")
           : Text(fmt::format("您的信用承诺已认定为未履行，已记入信用档案：{}", reasons),
                  fmt::format("Your credit commitment was found broken and entered in your "
                              "file: {}",
                              reasons))));
  CREDENCE_RETURN_IF_ERROR(txn->Commit());
  impl.Changed(case_.subject_id);
  return impl.View(std::move(case_));
}

Result<std::vector<RestorationOutlook>> DueProcess::Outlook(const auth::Principal& caller) {
  Impl impl{*this};
  CREDENCE_ASSIGN_OR_RETURN(store::Subject subject, impl.CallerSubject(caller));
  CREDENCE_ASSIGN_OR_RETURN(auto heads, store_.ListRecordHeads(subject.id));
  store::CaseQuery open_query;
  open_query.kind = std::string(kRestoration);
  open_query.subject_id = subject.id;
  open_query.open = true;
  open_query.limit = 1000;
  CREDENCE_ASSIGN_OR_RETURN(auto open_cases, store_.ListCases(open_query));
  Date today = clock_.Today();
  Timestamp now = clock_.Now();
  std::vector<RestorationOutlook> outlook;
  for (const store::RecordHead& head : heads) {
    const policy::RecordKind* kind = catalog_.FindKind(head.kind);
    if (kind == nullptr || kind->polarity != policy::Polarity::kNegative) continue;
    CREDENCE_ASSIGN_OR_RETURN(auto record, store_.GetRecord(head.id));
    if (!record) continue;
    RestorationOutlook item;
    item.record_id = record->id;
    item.kind = record->kind;
    item.document_no = record->document_no;
    item.publicity_state =
        std::string(lifecycle::PublicityStateKey(lifecycle::StateOn(*record, catalog_, today)));
    item.restorable_from = lifecycle::RestorableFrom(*record, catalog_);
    item.expires_on = lifecycle::ExpiresOn(*record);
    bool applied = std::any_of(open_cases.items.begin(), open_cases.items.end(),
                               [&](const store::Case& c) { return c.record_id == record->id; });
    auto restorable = lifecycle::Restore(*record, catalog_, now, "");
    if (applied) {
      item.reason = "already_open";
    } else if (!restorable) {
      item.reason = restorable.error().reason();
    } else {
      item.may_apply_now = true;
    }
    outlook.push_back(std::move(item));
  }
  return outlook;
}

Result<store::Page<store::Notification>> DueProcess::Notifications(const auth::Principal& caller,
                                                                   int64_t offset, int64_t limit) {
  Impl impl{*this};
  CREDENCE_ASSIGN_OR_RETURN(store::Subject subject, impl.CallerSubject(caller));
  return store_.ListNotifications(subject.id, offset, limit);
}

Result<store::Page<CaseView>> DueProcess::List(const auth::Principal& caller,
                                               const CaseFilter& filter) {
  Impl impl{*this};
  store::CaseQuery query;
  query.kind = filter.kind;
  query.open = filter.open;
  query.offset = filter.offset;
  query.limit = filter.limit;
  switch (caller.role) {
    case auth::Role::kSubject: {
      CREDENCE_ASSIGN_OR_RETURN(store::Subject subject, impl.CallerSubject(caller));
      query.subject_id = subject.id;
      break;
    }
    case auth::Role::kDepartment: query.department = caller.department; break;
    case auth::Role::kOperator: break;
    default:
      return Fail(
          Error::PermissionDenied("cases are read by their subject, department or "
                                  "the operators"));
  }
  CREDENCE_ASSIGN_OR_RETURN(auto page, store_.ListCases(query));
  return impl.Views(std::move(page));
}

Result<CaseView> DueProcess::Get(const auth::Principal& caller, int64_t case_id) {
  Impl impl{*this};
  CREDENCE_ASSIGN_OR_RETURN(auto case_, store_.GetCase(case_id));
  std::optional<store::Subject> subject;
  if (case_) {
    CREDENCE_ASSIGN_OR_RETURN(subject, store_.GetSubject(case_->subject_id));
  }
  // An unreadable case answers as an unknown one: ids say nothing about other subjects.
  if (!case_ || !impl.MayRead(caller, *case_, subject)) {
    return Fail(Error::NotFound(fmt::format("no case {}", case_id)));
  }
  return impl.View(std::move(*case_));
}

Result<store::Page<CaseView>> DueProcess::Escalations(const auth::Principal& caller, int64_t offset,
                                                      int64_t limit) {
  Impl impl{*this};
  if (caller.role != auth::Role::kOperator) {
    return Fail(Error::PermissionDenied("the escalation list is for the operators"));
  }
  store::CaseQuery query;
  query.overdue_on = clock_.Today();
  query.offset = offset;
  query.limit = limit;
  CREDENCE_ASSIGN_OR_RETURN(auto page, store_.ListCases(query));
  return impl.Views(std::move(page));
}

Result<DueProcess::AttachmentContent> DueProcess::ReadAttachment(const auth::Principal& caller,
                                                                 int64_t case_id, int32_t index) {
  CREDENCE_ASSIGN_OR_RETURN(CaseView view, Get(caller, case_id));
  const JsonValue* list = view.detail.Find("attachments");
  if (list == nullptr || !list->is_array() || index < 0 ||
      index >= static_cast<int32_t>(list->as_array().size())) {
    return Fail(Error::NotFound(fmt::format("case {} has no attachment {}", case_id, index)));
  }
  const JsonValue& entry = list->as_array()[index];
  std::string digest(entry.GetString("sha256").value_or(""));
  std::string type(entry.GetString("type").value_or(""));
  // Only names this module made are opened: 64 hex digits and a known type.
  bool known_type = std::any_of(std::begin(kAttachmentTypes), std::end(kAttachmentTypes),
                                [&](const AttachmentType& known) { return known.key == type; });
  bool well_formed = known_type && digest.size() == 64 &&
                     digest.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (!well_formed) return Fail(Error::Internal("an attachment entry is damaged"));
  std::ifstream in(attachments_dir_ / fmt::format("{}.{}", digest, type), std::ios::binary);
  if (!in) return Fail(Error::NotFound("the attachment's file is missing"));
  AttachmentContent content;
  content.content_type = std::string(ContentTypeOf(type));
  content.bytes.assign(std::istreambuf_iterator<char>(in), {});
  return content;
}

}  // namespace credence::dueprocess
