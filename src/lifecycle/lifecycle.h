// The publicity lifecycle of a record (DOMAIN.md §3): where a record stands on a given day, and
// the transitions that move it on, each written as a new version of the record.
//
// States (PublicityState, stable keys for APIs and logs):
//   pending      decided after the day asked about: not in force yet on that day (only seen
//                when evaluating "as of" a past day, e.g. `credence rate --at DATE`)
//   publishing   in force and public; restoration not possible yet (before publicity_min_end,
//                or the kind is not restorable)
//   restorable   in force and public; the subject may apply for credit restoration
//                (publicity_min_end reached, the kind restorable)
//   expired      the maximum period is over (publicity_max_end reached): hidden, kept
//   withdrawn    withdrawn by its department: hidden, kept
//   restored     publicity ended early by credit restoration: hidden, kept
//   unpublished  in force but never public (warnings, tax grades other than A, ...)
//
//   active ──(min_end)──▶ restorable ──(max_end)──▶ expired
//      │                      │
//      │                      └──Restore──▶ restored ──Reinstate──▶ active
//      └──Withdraw (from active, restored or expired)──▶ withdrawn ──Reinstate──▶ active
//
// The state is computed, not stored: StateOn derives it from the record's window
// (publicity_start, publicity_min_end, publicity_max_end, published, fixed at ingest from the
// policy in force then) and its stored status. A status change (withdrawn, restored, expired)
// takes effect from the Asia/Shanghai day of the version that made it (updated_at), so asking
// about an earlier day gives the state the record had then. Because expiry follows from the
// dates alone, public views are right on the day publicity ends even before the expiry job has
// written the "expired" status; the job (PlanExpiry + ApplyExpiry) makes the stored status catch
// up, so that store queries by status and the audit log say so too.
//
// Corrections are version markers, not a state. A department that revises a record's content
// writes a new version (same department and source_ref, version + 1, a different content_hash);
// the record keeps its place in the lifecycle, computed from the new content's window. A
// correction never undoes a credit restoration; on any other record it puts it back in force
// (the rule ingest applies to revised feed rows; Correct applies the same). IsCorrection and
// CountCorrections tell them apart from status-only versions, for "corrected" markers in views.
//
// Every transition returns the next version of the record (version + 1, the new status, its
// status_reason, updated_at) and leaves the argument untouched: the caller writes it with
// WriteTxn::ReviseRecord (which keeps the previous version in the history) and appends an audit
// entry in the same transaction. Refused transitions are FailedPrecondition errors whose reason
// is a stable key (below) and whose message names the record and the dates involved.
//
// Everything here is pure and thread-safe, except ApplyExpiry, which writes through the
// transaction it is given. No function reads a clock: "today" and "at" are parameters.
//
// How it is meant to be called:
//  - public views and counts: IsPublicOn(record, catalog, subject.kind, clock.Today()); the
//    subject's own view shows PublicityStateKey(StateOn(...)), RestorableFrom and ExpiresOn;
//  - the rating: StateOn, RestorableFrom and ExpiresOn per record for "what would change it";
//  - the expiry job (`credence lifecycle run --data DIR [--at DATE]`, and daily inside serve),
//    with `at` the run's instant (StartOfDayShanghai(DATE) for --at) and today = its day:
//        for each page of records (RecordHeads by id; best a store query selecting status active
//        and publicity_max_end <= today, which store does not offer yet):
//          ExpiryPlan plan = PlanExpiry(heads, today);
//          auto txn = store.BeginWrite();
//          counts += ApplyExpiry(*txn, plan.due, at, "lifecycle", &touched);
//          txn->Commit();   // then re-index and re-rate the `touched` subjects
//        report examined, expired and skipped;
//  - the restoration workflow: Restore(current, catalog, at, decision) on the record read in
//    the write transaction, then ReviseRecord and an audit entry ("record.restore"); likewise
//    Withdraw ("record.withdraw") and Reinstate ("record.reinstate") outside the ingest.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "ids/ids.h"
#include "policy/policy.h"
#include "store/store.h"

namespace credence::lifecycle {

enum class PublicityState : uint8_t {
  kPending,
  kPublishing,
  kRestorable,
  kExpired,
  kWithdrawn,
  kRestored,
  kUnpublished,
};
inline constexpr PublicityState kAllPublicityStates[] = {
    PublicityState::kPending,     PublicityState::kPublishing, PublicityState::kRestorable,
    PublicityState::kExpired,     PublicityState::kWithdrawn,  PublicityState::kRestored,
    PublicityState::kUnpublished,
};
// "pending", "publishing", "restorable", "expired", "withdrawn", "restored", "unpublished".
std::string_view PublicityStateKey(PublicityState state);
std::optional<PublicityState> ParsePublicityState(std::string_view key);

// Whether a record in this state is in force on that day: publishing, restorable or
// unpublished. Ratings and list memberships count records in force.
bool IsInForce(PublicityState state);
// Whether a record in this state may be shown publicly at all: publishing or restorable.
// Whether it is shown for a given subject also depends on the kind (see IsPublicOn).
bool IsShownPublicly(PublicityState state);

// The Asia/Shanghai day from which a record's stored status holds: the day its current version
// was written.
Date StatusDay(const store::Record& record);

// Where the record stands on `today` (see the top of this file). O(1), no allocation. The
// catalog is consulted only for whether the kind is restorable now: a kind unknown to it is not
// restorable.
PublicityState StateOn(const store::Record& record, const policy::Catalog& catalog, Date today);

// Whether the public sees the record on `today`: shown by its state, and its kind public for a
// subject of this kind (Catalog::IsPublic: e.g. penalties of persons are not published). A kind
// unknown to the catalog is not public.
bool IsPublicOn(const store::Record& record, const policy::Catalog& catalog,
                ids::SubjectKind subject_kind, Date today);

// The first day the subject may apply for restoration of this record: publicity_min_end, when
// the kind is restorable, the record is active and restoration would end publicity before it
// ends by itself. nullopt otherwise (not restorable, withdrawn, restored, expired, or a window
// whose minimum is not before its maximum). A record stored without a minimum whose kind has
// become restorable since gets the minimum of the current policy's window.
std::optional<Date> RestorableFrom(const store::Record& record, const policy::Catalog& catalog);

// The first day the record is no longer public by the passage of time (publicity_max_end), for
// a record that is active or expired. nullopt when it has no automatic end or has already ended
// otherwise (withdrawn, restored).
std::optional<Date> ExpiresOn(const store::Record& record);

// --- transitions ---------------------------------------------------------------------------
// Each takes the current version and `at`, the instant of the change (the new version's
// updated_at; its Asia/Shanghai day is "today" for the preconditions). The new version keeps
// the record's identity, content, window and batch_id (set batch_id before writing when the
// change belongs to a batch). Reasons of refusals:
//   not_due            Expire before publicity_max_end
//   no_end             Expire of a record without publicity_max_end
//   not_active         Expire or Restore of a record that is not active (withdrawn/restored)
//   already_expired    Expire of an expired record
//   not_restorable     Restore of a kind that does not allow restoration (or unknown kind)
//   too_early          Restore before publicity_min_end
//   expired            Restore of an expired record, or of one whose maximum has passed
//   already_withdrawn  Withdraw of a withdrawn record
//   already_active     Reinstate of an active record
//   unchanged          Correct with the same content_hash
//   identity           Correct with a different id, department or source_ref (InvalidArgument)

// active → expired, once today ≥ publicity_max_end. status_reason: "publicity ended on
// YYYY-MM-DD (maximum period)".
Result<store::Record> Expire(const store::Record& current, Timestamp at);

// active → restored: credit restoration ends publicity early. Only for restorable kinds, on or
// after publicity_min_end and before publicity_max_end. `reason` (the restoration decision, e.g.
// its document number) becomes status_reason; empty gives "credit restored".
Result<store::Record> Restore(const store::Record& current, const policy::Catalog& catalog,
                              Timestamp at, std::string_view reason);

// active, restored or expired → withdrawn: the department takes the record back (it was wrong,
// or its basis was revoked). `reason` becomes status_reason; empty gives "withdrawn by its
// department". Ingest applies the same rule to feed rows with action "withdraw".
Result<store::Record> Withdraw(const store::Record& current, Timestamp at, std::string_view reason);

// withdrawn or restored → active: a withdrawal taken back, or a restoration revoked (e.g.
// obtained with false proof). A record whose maximum has passed by then is in force again only
// in its history: StateOn says expired and the next expiry run stores it so. `reason` becomes
// status_reason; empty gives "back in force".
Result<store::Record> Reinstate(const store::Record& current, Timestamp at,
                                std::string_view reason);

// A correction: `revised` carries the new content (payload, content_hash and the fields taken
// from it, including the window recomputed from its decision date and tier); the result is that
// content as the next version of `current`, with identity (id, subject_id unless revised sets
// one, department, source_ref, created_at) kept, status restored if it was restored and active
// otherwise, and status_reason kept only while restored.
Result<store::Record> Correct(const store::Record& current, store::Record revised, Timestamp at);

// Whether `next` (a later version of the same record) changed its content, not only its status.
bool IsCorrection(const store::Record& previous, const store::Record& next);
// How many versions of a record (oldest first, as Store::ListRecordVersions returns them) were
// corrections of the version before.
int CountCorrections(std::span<const store::Record> versions);

// --- the expiry job ------------------------------------------------------------------------

// Whether a record with this status and maximum is due to be stored as expired on `today`.
inline bool IsDueToExpire(store::RecordStatus status, const std::optional<Date>& max_end,
                          Date today) {
  return status == store::RecordStatus::kActive && max_end.has_value() && *max_end <= today;
}

struct DueRecord {
  int64_t id = 0;
  int64_t subject_id = 0;
  int32_t version = 0;  // the version planned from; ApplyExpiry re-reads the current one
  Date max_end;
};

struct ExpiryPlan {
  int64_t examined = 0;        // records looked at
  std::vector<DueRecord> due;  // in input order
};

// The records of the span that are due to expire on `today`: status active and
// publicity_max_end ≤ today. Costs a comparison per record; allocates only for due records.
// The job pages through the store (by record id) and calls this per page, or the store selects
// the due records itself; either way ApplyExpiry re-checks each record before writing.
ExpiryPlan PlanExpiry(std::span<const store::RecordHead> records, Date today);
ExpiryPlan PlanExpiry(std::span<const store::Record> records, Date today);
// Appends to an existing plan (for paging); same rule.
void AddToExpiryPlan(std::span<const store::RecordHead> records, Date today, ExpiryPlan& plan);

struct ExpiryCounts {
  int64_t planned = 0;  // due records given
  int64_t expired = 0;  // new "expired" versions written
  int64_t skipped = 0;  // no longer due when re-read (changed, withdrawn, restored, corrected)
                        // or vanished
};

// Writes the "expired" version of each due record within `txn`: re-reads the record's current
// version (WriteTxn::GetRecord), applies Expire at `at`, writes it with ReviseRecord, and
// appends one audit entry per written version (action "record.expire", object
// "record:ID@VERSION", digest SHA-256(payload || "expired"), actor as given, e.g. "lifecycle" or
// "cli"). Records no longer due are skipped, not errors. Errors are the store's; on error the
// transaction can only roll back. The caller commits, and then re-indexes and re-rates the
// touched subjects (the subject_id of each due record written; `written_subjects` receives them
// in plan order when not null).
Result<ExpiryCounts> ApplyExpiry(store::WriteTxn& txn, std::span<const DueRecord> due, Timestamp at,
                                 std::string_view actor,
                                 std::vector<int64_t>* written_subjects = nullptr);

// The expiry job: pages through the records due on `today` (Store::ListRecordsDueToExpire, 2,000
// per write transaction) and applies ApplyExpiry to each page, committing it. `touched`, when
// not null, receives the subjects written. Used by `credence lifecycle run` and the daily job of
// `credence serve`.
Result<ExpiryCounts> RunExpiry(store::Store& store, Date today, Timestamp at,
                               std::string_view actor, std::vector<int64_t>* touched = nullptr);

}  // namespace credence::lifecycle
