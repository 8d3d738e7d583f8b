// Credit files as people see them: a subject's profile and records, filtered by who is asking.
//
// The rules (DESIGN.md, DOMAIN.md §1-§3):
//  - the public sees only record kinds the catalog makes public for that subject kind, only
//    while active and inside their publicity window, never penalties of natural persons;
//  - residents' ID numbers are masked in every public view (3304**********1234);
//  - departments, lenders and auditors see the full file, operators that of subjects in their
//    region; each such read must state a purpose and is recorded in the subject's access log
//    (who, when, purpose, what) — consent checks for lenders are not built yet;
//  - a subject sees its own full file, and its access log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/auth.h"
#include "common/result.h"
#include "common/time.h"
#include "policy/policy.h"
#include "store/store.h"

namespace credence::files {

struct CategoryCount {
  std::string category;                // policy category key
  const policy::Text* name = nullptr;  // the category's name, owned by the catalog
  int64_t visible = 0;                 // records this viewer can see
  int64_t total = 0;                   // all records (only filled for full views)
};

struct Profile {
  store::Subject subject;   // code and name as this viewer may see them (masked for persons)
  bool full_view = false;   // true when the viewer sees the whole file
  std::string region_name;  // "浙江省温州市鹿城区"
  std::vector<CategoryCount> counts;  // every catalog category, in catalog order
  int64_t visible_records = 0;
};

// What the viewer may see of a record, and the record's publicity state on `today`.
struct RecordView {
  store::Record record;  // payload already masked when the viewer does not see the full file
  std::string category;
  std::string publicity_state;  // "publishing", "restorable", "ended", "unpublished",
                                // "withdrawn", "restored", "expired"
  // Objections (dueprocess/dueprocess.h): an objection to the record is being verified (the
  // record is "under objection" for every viewer from the moment it is filed) ...
  bool under_objection = false;
  int64_t objection_case = 0;  // that open case, or the unverifiable one below; 0 when none
  // ... or was found unverifiable: the subject's grounds stay beside the record (masked like the
  // payload for viewers who do not see the full file).
  std::string objection_note;
};

struct RecordFilter {
  std::string category;  // empty: all
  std::optional<store::RecordStatus> status;
  int64_t offset = 0;
  int64_t limit = 20;
};

// Masks every resident ID number inside free text or serialised JSON (a run of 17 digits and a
// digit or X, not part of a longer run, that is a valid resident ID or looks like one: a known
// province and a real birth date). Unified Social Credit Codes are left alone.
std::string MaskPersonalIds(std::string_view text);

class CreditFiles {
 public:
  // Subjects and record heads are read through `subjects` when given (the in-memory
  // store::SubjectCache of a server), else from the store.
  CreditFiles(store::Store& store, const policy::Catalog& catalog, const Clock& clock,
              store::SubjectReads* subjects = nullptr);

  // NotFound when no subject has this code.
  Result<Profile> GetProfile(const auth::Principal& viewer, std::string_view code, Date today);
  Result<store::Page<RecordView>> ListRecords(const auth::Principal& viewer, std::string_view code,
                                              const RecordFilter& filter, Date today);
  // Whether this viewer sees the whole file of this subject.
  bool SeesFullFile(const auth::Principal& viewer, const store::Subject& subject) const;
  // Opens a subject's file for a viewer: true for the full view. A staff viewer (anyone but the
  // public and the subject itself) who sees the full file must have stated a purpose —
  // InvalidArgument with reason "purpose_required" otherwise — and the read is appended to the
  // subject's access log as `what` ("profile", "records", "record:12", "rating"). GetProfile and
  // ListRecords call it; so must every other read of a subject's non-public data.
  Result<bool> OpenFile(const auth::Principal& viewer, const store::Subject& subject,
                        std::string_view what);
  // The subject's access log, newest first.
  Result<store::Page<store::AccessEntry>> AccessLog(const store::Subject& subject, int64_t offset,
                                                    int64_t limit);
  // Publicity state of a record on a day (see RecordView).
  std::string PublicityState(const store::Record& record, Date today) const;
  // Sets the objection fields of views of one subject's records from the store's objection
  // cases (one store query). `full` tells whether the viewer sees the full file.
  Status MarkObjections(int64_t subject_id, std::vector<RecordView>& views, bool full) const;
  // A subject as this viewer may see it (ID numbers masked for the public).
  store::Subject Redact(const auth::Principal& viewer, store::Subject subject) const;

 private:
  store::Store& store_;
  store::SubjectReads& subjects_;
  const policy::Catalog& catalog_;
  const Clock& clock_;
};

}  // namespace credence::files
