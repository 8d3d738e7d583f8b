#include "files/files.h"

#include <algorithm>

#include <fmt/format.h>

#include "common/json.h"

namespace credence::files {
namespace {

// An operator scoped to a division sees subjects inside it: "330300" covers "3303xx",
// "330000" the whole province, "330302" one county.
bool RegionCovers(std::string_view scope, std::string_view region) {
  if (scope.empty()) return true;
  std::string_view prefix = scope;
  while (prefix.size() > 2 && prefix.substr(prefix.size() - 2) == "00") {
    prefix.remove_suffix(2);
  }
  return region.substr(0, prefix.size()) == prefix;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsCodeChar(char c) { return IsDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

bool LooksLikeResidentId(std::string_view candidate) {
  ids::CodeCheck as_id = ids::CheckResidentId(candidate);
  if (as_id.valid) return true;
  if (ids::CheckUscc(candidate).valid) return false;
  // Invalid check characters are still somebody's number: mask anything with a known province
  // and a real birth date.
  return ids::IsKnownProvince(candidate.substr(0, 6)) && as_id.failure != ids::Failure::kBadDate &&
         as_id.failure != ids::Failure::kFormat;
}

}  // namespace

std::string MaskPersonalIds(std::string_view text) {
  std::string out;
  size_t copied = 0;
  size_t i = 0;
  while (i < text.size()) {
    if (!IsDigit(text[i]) || (i > 0 && IsCodeChar(text[i - 1]))) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && IsCodeChar(text[end])) ++end;
    std::string_view run = text.substr(i, end - i);
    if (run.size() == 18 && std::all_of(run.begin(), run.begin() + 17, IsDigit) &&
        (IsDigit(run[17]) || run[17] == 'X' || run[17] == 'x') && LooksLikeResidentId(run)) {
      out.append(text.substr(copied, i - copied));
      out += ids::MaskResidentId(run);
      copied = end;
    }
    i = end;
  }
  if (copied == 0) return std::string(text);
  out.append(text.substr(copied));
  return out;
}

CreditFiles::CreditFiles(store::Store& store, const policy::Catalog& catalog, const Clock& clock,
                         store::SubjectReads* subjects)
    : store_(store),
      subjects_(subjects != nullptr ? *subjects : store),
      catalog_(catalog),
      clock_(clock) {}

Result<bool> CreditFiles::OpenFile(const auth::Principal& viewer, const store::Subject& subject,
                                   std::string_view what) {
  if (!SeesFullFile(viewer, subject)) return false;
  if (viewer.role == auth::Role::kSubject) return true;  // its own file
  if (viewer.purpose.empty()) {
    return Fail(Error::InvalidArgument(
        "purpose_required",
        "state the purpose of this read (X-Purpose header or ?purpose=): reads of a subject's "
        "non-public data are shown to the subject"));
  }
  store::AccessEntry entry;
  entry.subject_id = subject.id;
  entry.at = clock_.Now();
  entry.actor = viewer.ActorName();
  entry.role = std::string(auth::RoleKey(viewer.role));
  entry.department = viewer.department;
  entry.purpose = viewer.purpose;
  entry.what = std::string(what);
  CREDENCE_ASSIGN_OR_RETURN(auto txn, store_.BeginWrite());
  CREDENCE_RETURN_IF_ERROR(txn->AppendAccess(entry));
  CREDENCE_RETURN_IF_ERROR(txn->Commit());
  return true;
}

Result<store::Page<store::AccessEntry>> CreditFiles::AccessLog(const store::Subject& subject,
                                                               int64_t offset, int64_t limit) {
  return store_.ListAccess(subject.id, offset, limit);
}

bool CreditFiles::SeesFullFile(const auth::Principal& viewer, const store::Subject& subject) const {
  switch (viewer.role) {
    case auth::Role::kPublic: return false;
    case auth::Role::kSubject: return viewer.subject_code == subject.code;
    case auth::Role::kDepartment:
    case auth::Role::kLender:
    case auth::Role::kAuditor: return true;
    case auth::Role::kOperator: return RegionCovers(viewer.region, subject.region);
  }
  return false;
}

store::Subject CreditFiles::Redact(const auth::Principal& viewer, store::Subject subject) const {
  if (subject.code_kind == ids::CodeKind::kResidentId && !SeesFullFile(viewer, subject)) {
    subject.code = ids::MaskResidentId(subject.code);
  }
  return subject;
}

std::string CreditFiles::PublicityState(const store::Record& record, Date today) const {
  switch (record.status) {
    case store::RecordStatus::kWithdrawn: return "withdrawn";
    case store::RecordStatus::kRestored: return "restored";
    case store::RecordStatus::kExpired: return "expired";
    case store::RecordStatus::kActive: break;
  }
  if (!record.published) return "unpublished";
  if (record.publicity_max_end && today >= *record.publicity_max_end) return "ended";
  const policy::RecordKind* kind = catalog_.FindKind(record.kind);
  if (kind != nullptr && kind->restorable && record.publicity_min_end &&
      today >= *record.publicity_min_end) {
    return "restorable";
  }
  return "publishing";
}

Result<Profile> CreditFiles::GetProfile(const auth::Principal& viewer, std::string_view code,
                                        Date today) {
  CREDENCE_ASSIGN_OR_RETURN(auto subject, subjects_.FindSubjectByCode(ids::NormalizeCode(code)));
  if (!subject) return Fail(Error::NotFound(fmt::format("no credit file for code {}", code)));
  Profile profile;
  CREDENCE_ASSIGN_OR_RETURN(profile.full_view, OpenFile(viewer, *subject, "profile"));
  profile.region_name = ids::DivisionFullName(subject->region);
  for (const policy::Category& category : catalog_.categories()) {
    profile.counts.push_back(CategoryCount{category.key, &category.name, 0, 0});
  }
  CREDENCE_ASSIGN_OR_RETURN(auto heads, subjects_.ListRecordHeads(subject->id));
  for (const store::RecordHead& head : heads) {
    const policy::RecordKind* kind = catalog_.FindKind(head.kind);
    if (kind == nullptr) continue;  // a kind no longer in the catalog stays stored, unshown
    bool visible =
        profile.full_view ||
        (catalog_.IsPublic(*kind, subject->kind) && head.status == store::RecordStatus::kActive &&
         head.published && (!head.publicity_max_end || today < *head.publicity_max_end));
    for (CategoryCount& count : profile.counts) {
      if (count.category != kind->category) continue;
      if (profile.full_view) ++count.total;
      if (visible) {
        ++count.visible;
        ++profile.visible_records;
      }
    }
  }
  profile.subject = Redact(viewer, std::move(*subject));
  return profile;
}

Result<store::Page<RecordView>> CreditFiles::ListRecords(const auth::Principal& viewer,
                                                         std::string_view code,
                                                         const RecordFilter& filter, Date today) {
  CREDENCE_ASSIGN_OR_RETURN(auto subject, subjects_.FindSubjectByCode(ids::NormalizeCode(code)));
  if (!subject) return Fail(Error::NotFound(fmt::format("no credit file for code {}", code)));
  if (!filter.category.empty() && catalog_.FindCategory(filter.category) == nullptr) {
    return Fail(
        Error::InvalidArgument("category", fmt::format("unknown category '{}'", filter.category)));
  }
  CREDENCE_ASSIGN_OR_RETURN(bool full, OpenFile(viewer, *subject, "records"));
  store::RecordQuery query;
  query.subject_id = subject->id;
  query.offset = filter.offset;
  query.limit = filter.limit;
  bool any_kind_filter = !filter.category.empty() || !full;
  for (const policy::RecordKind& kind : catalog_.kinds()) {
    if (!filter.category.empty() && kind.category != filter.category) continue;
    if (!full && !catalog_.IsPublic(kind, subject->kind)) continue;
    query.kinds.push_back(kind.key);
  }
  if (any_kind_filter && query.kinds.empty()) {
    return store::Page<RecordView>{{}, 0, filter.offset, filter.limit};
  }
  if (full) {
    query.status = filter.status;
  } else {
    // The public sees what is in its publicity window; a status filter can only narrow that.
    if (filter.status && *filter.status != store::RecordStatus::kActive) {
      return store::Page<RecordView>{{}, 0, filter.offset, filter.limit};
    }
    query.public_on = today;
  }
  CREDENCE_ASSIGN_OR_RETURN(auto page, store_.ListRecords(query));
  store::Page<RecordView> views{{}, page.total, page.offset, page.limit};
  views.items.reserve(page.items.size());
  for (store::Record& record : page.items) {
    const policy::RecordKind* kind = catalog_.FindKind(record.kind);
    RecordView view;
    view.category = kind != nullptr ? kind->category : "";
    view.publicity_state = PublicityState(record, today);
    if (!full) record.payload = MaskPersonalIds(record.payload);
    view.record = std::move(record);
    views.items.push_back(std::move(view));
  }
  CREDENCE_RETURN_IF_ERROR(MarkObjections(subject->id, views.items, full));
  return views;
}

Status CreditFiles::MarkObjections(int64_t subject_id, std::vector<RecordView>& views,
                                   bool full) const {
  if (views.empty()) return OkStatus();
  // The case kind and status keys of dueprocess/dueprocess.h.
  store::CaseQuery query;
  query.kind = "objection";
  query.subject_id = subject_id;
  query.limit = 10000;
  CREDENCE_ASSIGN_OR_RETURN(auto cases, store_.ListCases(query));
  for (const store::Case& objection : cases.items) {
    if (!objection.open && objection.status != "unverifiable") continue;
    for (RecordView& view : views) {
      if (view.record.id != objection.record_id) continue;
      if (objection.open) {
        view.under_objection = true;
        view.objection_case = objection.id;
      } else if (!view.under_objection) {
        Result<JsonValue> detail = ParseJson(objection.detail);
        std::optional<std::string_view> grounds =
            detail ? detail->GetString("grounds") : std::nullopt;
        std::string note(grounds.value_or(""));
        view.objection_note = full ? note : MaskPersonalIds(note);
        view.objection_case = objection.id;
      }
    }
  }
  return OkStatus();
}

}  // namespace credence::files
