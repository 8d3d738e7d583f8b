#include "lifecycle/lifecycle.h"

#include <fmt/format.h>

#include "audit/audit.h"
#include "common/hash.h"

namespace credence::lifecycle {
namespace {

// "market_regulation/LC-CF-2024-000123 (record 42)": how errors name a record.
std::string Describe(const store::Record& record) {
  return fmt::format("{}/{} (record {})", record.department, record.source_ref, record.id);
}

Error Refuse(std::string reason, std::string message) {
  return Error::FailedPrecondition(std::move(reason), std::move(message));
}

// The next version of `current` with a new status; content, window and identity unchanged.
store::Record NextVersion(const store::Record& current, store::RecordStatus status, Timestamp at,
                          std::string reason) {
  store::Record next = current;
  next.version = current.version + 1;
  next.status = status;
  next.status_reason = std::move(reason);
  next.updated_at = at;
  return next;
}

bool KindRestorable(const store::Record& record, const policy::Catalog& catalog) {
  const policy::RecordKind* kind = catalog.FindKind(record.kind);
  return kind != nullptr && kind->restorable;
}

// The restoration threshold of a record whose kind is restorable: the stored minimum, or for a
// record stored before its kind became restorable, the current policy's minimum.
std::optional<Date> MinEnd(const store::Record& record, const policy::Catalog& catalog) {
  if (record.publicity_min_end) return record.publicity_min_end;
  const policy::RecordKind* kind = catalog.FindKind(record.kind);
  if (kind == nullptr || !kind->restorable) return std::nullopt;
  std::optional<policy::Tier> tier = policy::ParseTier(record.tier);
  return catalog.Window(*kind, tier.value_or(policy::Tier::kNone), record.decided_at).min_end;
}

}  // namespace

std::string_view PublicityStateKey(PublicityState state) {
  switch (state) {
    case PublicityState::kPending: return "pending";
    case PublicityState::kPublishing: return "publishing";
    case PublicityState::kRestorable: return "restorable";
    case PublicityState::kExpired: return "expired";
    case PublicityState::kWithdrawn: return "withdrawn";
    case PublicityState::kRestored: return "restored";
    case PublicityState::kUnpublished: return "unpublished";
  }
  return "unknown";
}

std::optional<PublicityState> ParsePublicityState(std::string_view key) {
  for (PublicityState state : kAllPublicityStates) {
    if (PublicityStateKey(state) == key) return state;
  }
  return std::nullopt;
}

bool IsInForce(PublicityState state) {
  return state == PublicityState::kPublishing || state == PublicityState::kRestorable ||
         state == PublicityState::kUnpublished;
}

bool IsShownPublicly(PublicityState state) {
  return state == PublicityState::kPublishing || state == PublicityState::kRestorable;
}

Date StatusDay(const store::Record& record) { return record.updated_at.ShanghaiDate(); }

PublicityState StateOn(const store::Record& record, const policy::Catalog& catalog, Date today) {
  if (today < record.decided_at) return PublicityState::kPending;
  // A status change holds from the day its version was written; before it, the record was in
  // force as its window says.
  bool status_holds = record.status != store::RecordStatus::kActive && StatusDay(record) <= today;
  if (status_holds && record.status == store::RecordStatus::kWithdrawn) {
    return PublicityState::kWithdrawn;
  }
  if (status_holds && record.status == store::RecordStatus::kRestored) {
    return PublicityState::kRestored;
  }
  if (record.publicity_max_end ? *record.publicity_max_end <= today
                               : status_holds && record.status == store::RecordStatus::kExpired) {
    return PublicityState::kExpired;
  }
  if (!record.published) return PublicityState::kUnpublished;
  if (record.publicity_min_end && *record.publicity_min_end <= today &&
      KindRestorable(record, catalog)) {
    return PublicityState::kRestorable;
  }
  return PublicityState::kPublishing;
}

bool IsPublicOn(const store::Record& record, const policy::Catalog& catalog,
                ids::SubjectKind subject_kind, Date today) {
  const policy::RecordKind* kind = catalog.FindKind(record.kind);
  if (kind == nullptr || !catalog.IsPublic(*kind, subject_kind)) return false;
  return IsShownPublicly(StateOn(record, catalog, today));
}

std::optional<Date> RestorableFrom(const store::Record& record, const policy::Catalog& catalog) {
  if (record.status != store::RecordStatus::kActive || !KindRestorable(record, catalog)) {
    return std::nullopt;
  }
  std::optional<Date> min_end = MinEnd(record, catalog);
  if (!min_end) return std::nullopt;
  if (record.publicity_max_end && *min_end >= *record.publicity_max_end) return std::nullopt;
  return min_end;
}

std::optional<Date> ExpiresOn(const store::Record& record) {
  if (record.status != store::RecordStatus::kActive &&
      record.status != store::RecordStatus::kExpired) {
    return std::nullopt;
  }
  return record.publicity_max_end;
}

Result<store::Record> Expire(const store::Record& current, Timestamp at) {
  Date today = at.ShanghaiDate();
  switch (current.status) {
    case store::RecordStatus::kActive: break;
    case store::RecordStatus::kExpired:
      return Fail(
          Refuse("already_expired", fmt::format("{} has already expired", Describe(current))));
    case store::RecordStatus::kWithdrawn:
    case store::RecordStatus::kRestored:
      return Fail(Refuse("not_active",
                         fmt::format("{} is {}, not active: only an active record expires",
                                     Describe(current), store::RecordStatusKey(current.status))));
  }
  if (!current.publicity_max_end) {
    return Fail(Refuse(
        "no_end", fmt::format("{} has no maximum publicity period: it does not expire by itself",
                              Describe(current))));
  }
  if (today < *current.publicity_max_end) {
    return Fail(Refuse(
        "not_due", fmt::format("{} is public until {} inclusive; it expires on {}, "
                               "not on {}",
                               Describe(current), current.publicity_max_end->AddDays(-1).ToString(),
                               current.publicity_max_end->ToString(), today.ToString())));
  }
  return NextVersion(
      current, store::RecordStatus::kExpired, at,
      fmt::format("publicity ended on {} (maximum period)", current.publicity_max_end->ToString()));
}

Result<store::Record> Restore(const store::Record& current, const policy::Catalog& catalog,
                              Timestamp at, std::string_view reason) {
  Date today = at.ShanghaiDate();
  switch (current.status) {
    case store::RecordStatus::kActive: break;
    case store::RecordStatus::kExpired:
      return Fail(Refuse("expired", fmt::format("{} has expired: its publicity is already over",
                                                Describe(current))));
    case store::RecordStatus::kWithdrawn:
    case store::RecordStatus::kRestored:
      return Fail(Refuse("not_active",
                         fmt::format("{} is {}, not active: only an active record is restored",
                                     Describe(current), store::RecordStatusKey(current.status))));
  }
  const policy::RecordKind* kind = catalog.FindKind(current.kind);
  if (kind == nullptr || !kind->restorable) {
    return Fail(Refuse("not_restorable",
                       kind == nullptr
                           ? fmt::format("{} is of kind '{}', unknown to policy {}: it cannot be "
                                         "restored",
                                         Describe(current), current.kind, catalog.version())
                           : fmt::format("records of kind {} cannot be restored (policy {}); {} "
                                         "ends only by its own rules",
                                         current.kind, catalog.version(), Describe(current))));
  }
  std::optional<Date> min_end = MinEnd(current, catalog);
  if (!min_end) {
    return Fail(
        Refuse("not_restorable", fmt::format("{} has no minimum publicity period under policy {}",
                                             Describe(current), catalog.version())));
  }
  if (today < *min_end) {
    return Fail(
        Refuse("too_early", fmt::format("{} can be restored from {}, not on {}", Describe(current),
                                        min_end->ToString(), today.ToString())));
  }
  if (current.publicity_max_end && *current.publicity_max_end <= today) {
    return Fail(
        Refuse("expired", fmt::format("{} stopped being public on {}: nothing is left to restore",
                                      Describe(current), current.publicity_max_end->ToString())));
  }
  return NextVersion(current, store::RecordStatus::kRestored, at,
                     reason.empty() ? std::string("credit restored") : std::string(reason));
}

Result<store::Record> Withdraw(const store::Record& current, Timestamp at,
                               std::string_view reason) {
  if (current.status == store::RecordStatus::kWithdrawn) {
    return Fail(
        Refuse("already_withdrawn", fmt::format("{} is already withdrawn", Describe(current))));
  }
  return NextVersion(
      current, store::RecordStatus::kWithdrawn, at,
      reason.empty() ? std::string("withdrawn by its department") : std::string(reason));
}

Result<store::Record> Reinstate(const store::Record& current, Timestamp at,
                                std::string_view reason) {
  switch (current.status) {
    case store::RecordStatus::kWithdrawn:
    case store::RecordStatus::kRestored: break;
    case store::RecordStatus::kActive:
      return Fail(
          Refuse("already_active", fmt::format("{} is already in force", Describe(current))));
    case store::RecordStatus::kExpired:
      return Fail(Refuse("expired",
                         fmt::format("{} has expired: an expired record is not put back in force",
                                     Describe(current))));
  }
  return NextVersion(current, store::RecordStatus::kActive, at,
                     reason.empty() ? std::string("back in force") : std::string(reason));
}

Result<store::Record> Correct(const store::Record& current, store::Record revised, Timestamp at) {
  if ((revised.id != 0 && revised.id != current.id) || revised.department != current.department ||
      revised.source_ref != current.source_ref) {
    return Fail(Error::InvalidArgument(
        "identity",
        fmt::format("a correction of {} must keep its department and source_ref "
                    "(got {}/{}, record {})",
                    Describe(current), revised.department, revised.source_ref, revised.id)));
  }
  if (revised.content_hash == current.content_hash) {
    return Fail(Refuse("unchanged", fmt::format("{} already has this content: nothing to correct",
                                                Describe(current))));
  }
  revised.id = current.id;
  if (revised.subject_id == 0) revised.subject_id = current.subject_id;
  revised.created_at = current.created_at;
  revised.version = current.version + 1;
  revised.updated_at = at;
  // A correction does not undo a credit restoration; anything else is in force again.
  if (current.status == store::RecordStatus::kRestored) {
    revised.status = store::RecordStatus::kRestored;
    revised.status_reason = current.status_reason;
  } else {
    revised.status = store::RecordStatus::kActive;
    revised.status_reason.clear();
  }
  return revised;
}

bool IsCorrection(const store::Record& previous, const store::Record& next) {
  return next.version > previous.version && next.content_hash != previous.content_hash;
}

int CountCorrections(std::span<const store::Record> versions) {
  int count = 0;
  for (size_t i = 1; i < versions.size(); ++i) {
    if (IsCorrection(versions[i - 1], versions[i])) ++count;
  }
  return count;
}

namespace {

template <typename RecordLike>
void AddDue(std::span<const RecordLike> records, Date today, ExpiryPlan& plan) {
  plan.examined += static_cast<int64_t>(records.size());
  for (const RecordLike& record : records) {
    if (IsDueToExpire(record.status, record.publicity_max_end, today)) {
      plan.due.push_back({record.id, record.subject_id, record.version, *record.publicity_max_end});
    }
  }
}

}  // namespace

ExpiryPlan PlanExpiry(std::span<const store::RecordHead> records, Date today) {
  ExpiryPlan plan;
  AddDue(records, today, plan);
  return plan;
}

ExpiryPlan PlanExpiry(std::span<const store::Record> records, Date today) {
  ExpiryPlan plan;
  AddDue(records, today, plan);
  return plan;
}

void AddToExpiryPlan(std::span<const store::RecordHead> records, Date today, ExpiryPlan& plan) {
  AddDue(records, today, plan);
}

Result<ExpiryCounts> ApplyExpiry(store::WriteTxn& txn, std::span<const DueRecord> due, Timestamp at,
                                 std::string_view actor, std::vector<int64_t>* written_subjects) {
  ExpiryCounts counts;
  counts.planned = static_cast<int64_t>(due.size());
  std::vector<audit::Event> events;
  for (const DueRecord& item : due) {
    CREDENCE_ASSIGN_OR_RETURN(std::optional<store::Record> current, txn.GetRecord(item.id));
    if (!current) {
      ++counts.skipped;
      continue;
    }
    // Re-checked on the current version: it may have been corrected, withdrawn or restored since
    // it was planned.
    Result<store::Record> expired = Expire(*current, at);
    if (!expired) {
      ++counts.skipped;
      continue;
    }
    CREDENCE_RETURN_IF_ERROR(txn.ReviseRecord(*expired));
    audit::Event event;
    event.actor = std::string(actor);
    event.action = "record.expire";
    event.object = fmt::format("record:{}@{}", expired->id, expired->version);
    event.digest = Sha256Concat({expired->payload, store::RecordStatusKey(expired->status)});
    events.push_back(std::move(event));
    if (written_subjects != nullptr) written_subjects->push_back(expired->subject_id);
    ++counts.expired;
  }
  if (!events.empty()) CREDENCE_RETURN_IF_ERROR(audit::Append(txn, at, events));
  return counts;
}

Result<ExpiryCounts> RunExpiry(store::Store& store, Date today, Timestamp at,
                               std::string_view actor, std::vector<int64_t>* touched) {
  constexpr int64_t kPage = 2000;  // records per write transaction
  ExpiryCounts total;
  int64_t after_id = 0;
  while (true) {
    CREDENCE_ASSIGN_OR_RETURN(std::vector<store::RecordHead> heads,
                              store.ListRecordsDueToExpire(today, after_id, kPage));
    if (heads.empty()) break;
    after_id = heads.back().id;
    ExpiryPlan plan = PlanExpiry(heads, today);
    CREDENCE_ASSIGN_OR_RETURN(std::unique_ptr<store::WriteTxn> txn, store.BeginWrite());
    CREDENCE_ASSIGN_OR_RETURN(ExpiryCounts counts, ApplyExpiry(*txn, plan.due, at, actor, touched));
    CREDENCE_RETURN_IF_ERROR(txn->Commit());
    total.planned += counts.planned;
    total.expired += counts.expired;
    total.skipped += counts.skipped;
    if (static_cast<int64_t>(heads.size()) < kPage) break;
  }
  return total;
}

}  // namespace credence::lifecycle
