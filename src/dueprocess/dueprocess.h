// Due process (DOMAIN.md §3, §6): objections against records, credit restoration applications
// and credit commitments — what a subject files, the department that decides it by a deadline
// in working days, and what the decision does to the credit file.
//
// Objections. A subject objects to one of its records with grounds and attachments. From that
// moment the record is "under objection" in every view (files::RecordView::under_objection, read
// from the open objection cases). The case goes to the record's department, due
// objection_working_days after filing (policy/dueprocess.toml, calendar.toml); an open case past
// its deadline is escalated to the operators (Escalations). The department ends it as
//   corrected     the record's content is revised: a new version written through the ingest path
//                 (the record's payload with the department's changes, same source_ref);
//   removed       the record is withdrawn through the ingest path;
//   upheld        the record stands and the mark is removed; reasons are required;
//   unverifiable  the record stands and the objection stays beside it in every view
//                 (files::RecordView::objection_note); reasons are required.
//
// Restoration. A subject may apply for credit restoration of a record once lifecycle says it is
// restorable (RestorableFrom reached, the kind restorable, not expired): never for kinds that
// cannot be restored. The application carries proof of fulfilment (text and attachments) and a
// restoration-type credit commitment, signed with it as its own commitment case. The department
// decides within restoration_decision_working_days (due_on) and the platform answers within
// restoration_answer_working_days (answer_due_on). Approval moves the record to restored
// (lifecycle::Restore) in the same transaction as the decision, so public views stop showing it
// at once; a refusal needs reasons. Outlook tells the subject, for each of its negative records,
// from when it may apply and when publicity ends by itself.
//
// Commitments. A subject signs one of the four types (approval, voluntary, industry,
// restoration) to a department, with the matter, the text and a deadline. The department decides
// kept or broken after the fact; the decision enters the file as a "commitment" record (status
// kept or broken, source_ref "CMT-<case id>") submitted through the ingest path in the
// department's name: the rating counts kept commitments for the subject and broken ones against.
//
// Every state change is one store transaction with an audit entry ("objection.file",
// "objection.decide", "restoration.apply", "restoration.decide", "commitment.sign",
// "commitment.decide"; object "case:ID@VERSION"; digest SHA-256 of the case's detail JSON) and a
// notification to the subject. Decisions that write records through the ingest path commit the
// batch first and the case right after: a failure between the two leaves the record changed
// and the case open, and deciding it again completes it (the ingest answers "unchanged").
// After every change to a file, the observers given to OnFileChanged are called with the
// subject id: the one place that re-rating (or re-indexing) of a subject is triggered from here.
//
// Who may do what: subjects file and read their own cases (auth::Principal::subject_code);
// departments read and decide the cases addressed to them; operators read the escalations and
// every case; other roles are refused (PermissionDenied).
//
// Thread-safe: every method may be called from several threads (writes are serialised by the
// store). Attachments are files under the attachments directory named by their content's
// SHA-256 (never by the name given); the name given is kept, cleaned, as a label only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/auth.h"
#include "calendar/calendar.h"
#include "common/json.h"
#include "common/result.h"
#include "common/time.h"
#include "ingest/ingest.h"
#include "policy/policy.h"
#include "store/store.h"

namespace credence::dueprocess {

// The [due_process] table of the policy (policy/dueprocess.toml).
struct Settings {
  int32_t objection_working_days = 20;
  int32_t restoration_decision_working_days = 3;
  int32_t restoration_answer_working_days = 10;
  int64_t attachment_max_bytes = 2 * 1024 * 1024;
  int32_t attachment_max_files = 5;
  std::vector<std::string> attachment_types = {"pdf", "png", "jpeg"};
  int32_t text_max_chars = 4000;

  // Reads and validates the table; problems are details of one InvalidArgument (reason
  // "invalid_policy") naming file and key. Every key is required.
  static Result<Settings> Load(const policy::Catalog& catalog);
};

inline constexpr std::string_view kObjection = "objection";
inline constexpr std::string_view kRestoration = "restoration";
inline constexpr std::string_view kCommitment = "commitment";

// Case status keys (store::Case::status).
//   objection:    open, corrected, removed, upheld, unverifiable
//   restoration:  open, approved, refused
//   commitment:   signed, kept, broken
inline constexpr std::string_view kOpen = "open";
inline constexpr std::string_view kSigned = "signed";

// The four commitment types of DOMAIN.md §6, as the feed format names them.
inline constexpr std::string_view kCommitmentTypes[] = {"approval", "voluntary", "industry",
                                                        "restoration"};

// An attachment as uploaded.
struct Upload {
  std::string name;     // as given by the subject; a label only
  std::string content;  // the bytes
};

// A case as its reader sees it.
struct CaseView {
  store::Case case_;
  std::string subject_code;
  std::string subject_name;
  JsonValue detail;               // case_.detail parsed
  bool overdue = false;           // open and today is after due_on
  int32_t working_days_left = 0;  // working days from today to due_on (0 when overdue)
  std::string escalated_to;       // "operator" while overdue, else empty
};

struct ObjectionDecision {
  std::string outcome;  // corrected, removed, upheld, unverifiable
  std::string reasons;  // required for upheld and unverifiable; kept for every outcome
  // corrected: the fields to change in the record's content (top-level feed fields; "extra" as
  // a whole), e.g. {"amount_yuan": 20000}. source_ref, kind and subject cannot change.
  JsonValue changes;
};

// For one negative record of the subject: when restoration becomes possible and when the record
// stops being public by itself.
struct RestorationOutlook {
  int64_t record_id = 0;
  std::string kind;
  std::string document_no;
  std::string publicity_state;          // lifecycle::PublicityStateKey
  std::optional<Date> restorable_from;  // nullopt: the kind or state allows no restoration
  std::optional<Date> expires_on;       // nullopt: no automatic end
  bool may_apply_now = false;           // restorable today and no application open
  std::string reason;                   // why not, when may_apply_now is false
};

struct CaseFilter {
  std::string kind;  // empty: every kind
  std::optional<bool> open;
  int64_t offset = 0;
  int64_t limit = 20;
};

class DueProcess {
 public:
  // All references must outlive this object. attachments_dir is created when first needed.
  DueProcess(store::Store& store, const policy::Catalog& catalog,
             const calendar::WorkingCalendar& calendar, Settings settings,
             ingest::Ingestor& ingestor, const Clock& clock, std::filesystem::path attachments_dir);

  // Registers an observer of changed files (called with the subject id after each commit that
  // changed the subject's records or their marks). Call before the first write.
  void OnFileChanged(std::function<void(int64_t subject_id)> observer);

  // --- subjects ---
  // Errors: PermissionDenied for a caller that is not the record's subject; NotFound for an
  // unknown record; InvalidArgument for empty or too long grounds and for attachments over the
  // limits or of a type not accepted (reason "attachment", naming which); FailedPrecondition
  // "already_open" when an objection to the record is open, "withdrawn" for a withdrawn record.
  Result<CaseView> FileObjection(const auth::Principal& caller, int64_t record_id,
                                 std::string_view grounds, const std::vector<Upload>& attachments);
  // As FileObjection; FailedPrecondition with lifecycle's reasons (not_restorable, too_early,
  // expired, not_active) when the record cannot be restored today, "already_open" when an
  // application is open.
  Result<CaseView> ApplyForRestoration(const auth::Principal& caller, int64_t record_id,
                                       std::string_view proof, std::string_view commitment_text,
                                       const std::vector<Upload>& attachments);
  // InvalidArgument for an unknown type, an unknown department or one that may not record
  // commitments, a deadline before today, empty matter or text.
  Result<CaseView> SignCommitment(const auth::Principal& caller, std::string_view type,
                                  std::string_view department, std::string_view matter,
                                  std::string_view text, Date deadline);
  Result<std::vector<RestorationOutlook>> Outlook(const auth::Principal& caller);
  Result<store::Page<store::Notification>> Notifications(const auth::Principal& caller,
                                                         int64_t offset, int64_t limit);

  // --- reading cases ---
  // Subjects: their own; departments: addressed to them; operators: all. Earliest deadline
  // first.
  Result<store::Page<CaseView>> List(const auth::Principal& caller, const CaseFilter& filter);
  // NotFound for an unknown id or one the caller may not read.
  Result<CaseView> Get(const auth::Principal& caller, int64_t case_id);
  // Open cases past their deadline on today, every kind: the operators' escalation list.
  Result<store::Page<CaseView>> Escalations(const auth::Principal& caller, int64_t offset,
                                            int64_t limit);
  // An attachment's bytes and type ("application/pdf", ...), for whoever may read the case.
  struct AttachmentContent {
    std::string content_type;
    std::string bytes;
  };
  Result<AttachmentContent> ReadAttachment(const auth::Principal& caller, int64_t case_id,
                                           int32_t index);

  // --- departments ---
  // FailedPrecondition "decided" for a case already decided; PermissionDenied for a department
  // the case is not addressed to; InvalidArgument for a bad outcome, missing reasons, or
  // changes that are not an object, touch identity fields or change nothing (corrected);
  // the ingest's row error (reason of its code) when the corrected content is invalid.
  Result<CaseView> DecideObjection(const auth::Principal& caller, int64_t case_id,
                                   const ObjectionDecision& decision);
  // approve false needs reasons. Approval fails with lifecycle's reason when the record can no
  // longer be restored (e.g. it expired meanwhile).
  Result<CaseView> DecideRestoration(const auth::Principal& caller, int64_t case_id, bool approve,
                                     std::string_view reasons);
  Result<CaseView> DecideCommitment(const auth::Principal& caller, int64_t case_id, bool kept,
                                    std::string_view reasons);

 private:
  struct Impl;
  store::Store& store_;
  const policy::Catalog& catalog_;
  const calendar::WorkingCalendar& calendar_;
  Settings settings_;
  ingest::Ingestor& ingestor_;
  const Clock& clock_;
  std::filesystem::path attachments_dir_;
  std::vector<std::function<void(int64_t)>> observers_;
};

// The content type recognised from an attachment's first bytes: "pdf", "png", "jpeg", or empty
// when none of these.
std::string_view SniffAttachmentType(std::string_view content);

}  // namespace credence::dueprocess
