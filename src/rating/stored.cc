// Rating subjects from stored records: the seam between the engine and the store, lifecycle and
// lists modules.
#include <algorithm>

#include "lifecycle/lifecycle.h"
#include "lists/lists.h"
#include "rating/rating.h"
#include "rating/rating_internal.h"

namespace credence::rating {

RatingRecord RatingModels::View(const store::Record& record, const policy::Catalog& catalog,
                                Date as_of) const {
  RatingRecord view;
  view.id = record.id;
  view.kind = record.kind;
  view.department = record.department;
  view.source_ref = record.source_ref;
  view.tier = policy::ParseTier(record.tier).value_or(policy::Tier::kNone);
  std::string_view field = MatchField(record.kind);
  if (!field.empty()) view.match_value = FindJsonString(record.payload, field).value_or("");
  view.decided_at = record.decided_at;
  view.publicity_max_end = record.publicity_max_end;
  view.published = record.published;
  switch (lifecycle::StateOn(record, catalog, as_of)) {
    case lifecycle::PublicityState::kWithdrawn:
      view.status = store::RecordStatus::kWithdrawn;
      break;
    case lifecycle::PublicityState::kRestored: view.status = store::RecordStatus::kRestored; break;
    case lifecycle::PublicityState::kExpired: view.status = store::RecordStatus::kExpired; break;
    default: view.status = store::RecordStatus::kActive; break;
  }
  if (view.status == store::RecordStatus::kActive &&
      record.status == store::RecordStatus::kActive) {
    view.restorable_from = lifecycle::RestorableFrom(record, catalog);
  } else if (view.status == store::RecordStatus::kActive) {
    // In force on that day, its status changed later: restorable as it stood then.
    const policy::RecordKind* kind = catalog.FindKind(record.kind);
    if (kind != nullptr && kind->restorable && record.publicity_min_end &&
        (!record.publicity_max_end || *record.publicity_min_end < *record.publicity_max_end)) {
      view.restorable_from = record.publicity_min_end;
    }
  }
  return view;
}

RatingMembership MembershipView(const lists::Membership& membership) {
  RatingMembership view;
  view.list = membership.list != nullptr ? std::string_view(membership.list->key) : "";
  view.record_id = membership.record_id();
  view.term_end = membership.term_end;
  if (membership.removal && (!view.term_end || membership.removal->on < *view.term_end)) {
    view.term_end = membership.removal->on;
  }
  view.active = membership.active;
  return view;
}

bool SubjectRater::Rate(const store::Subject& subject, std::span<const store::Record> records,
                        Date as_of, Rating& out) {
  const RatingModel* model = models_.ForKind(subject.kind);
  if (model == nullptr) return false;
  // Memberships point into their list catalog and own their source lists; their views borrow
  // the list keys only, which the list catalog keeps.
  std::vector<lists::Membership> memberships =
      lists::DeriveMemberships(lists_, subject, records, as_of);
  memberships_.clear();
  public_lists_.clear();
  for (const lists::Membership& membership : memberships) {
    memberships_.push_back(MembershipView(membership));
    if (membership.active && membership.is_public && membership.list != nullptr &&
        membership.list->is_public) {
      public_lists_.push_back(membership.list->key);
    }
  }
  std::sort(public_lists_.begin(), public_lists_.end());
  public_lists_.erase(std::unique(public_lists_.begin(), public_lists_.end()), public_lists_.end());
  records_.clear();
  for (const store::Record& record : records) {
    if (record.subject_id != subject.id) continue;
    // A delisting or extension decision is an act on a listing, not conduct of the subject.
    if (lists_.IsSourceKind(record.kind) && lists::IsListAction(record)) continue;
    records_.push_back(models_.View(record, catalog_, as_of));
  }
  Evaluate(*model, {&subject, records_, memberships_}, as_of, out);
  return true;
}

}  // namespace credence::rating
