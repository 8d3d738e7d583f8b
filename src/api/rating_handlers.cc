// Ratings: a subject's rating computed on read from its current records.
#include <fmt/format.h>

#include <unordered_set>

#include "api/api_internal.h"
#include "lifecycle/lifecycle.h"
#include "rating/rating.h"

namespace credence::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

// Leaves out of a rating every contribution resting on a record the public does not see on the
// as-of day, with the top factors and what-ifs citing it. Score, level and caps stay: they are
// the rating; only the explanation would disclose the hidden record.
void KeepPublicReasons(rating::Rating& rating, const std::unordered_set<int64_t>& hidden) {
  if (hidden.empty()) return;
  std::vector<int64_t> new_index(rating.contributions.size(), -1);
  std::vector<rating::Contribution> kept;
  for (size_t i = 0; i < rating.contributions.size(); ++i) {
    const rating::Contribution& c = rating.contributions[i];
    if (c.record && hidden.contains(c.record->id)) continue;
    new_index[i] = static_cast<int64_t>(kept.size());
    kept.push_back(std::move(rating.contributions[i]));
  }
  rating.contributions = std::move(kept);
  std::vector<uint32_t> top;
  for (uint32_t index : rating.top_factors) {
    if (new_index[index] >= 0) top.push_back(static_cast<uint32_t>(new_index[index]));
  }
  rating.top_factors = std::move(top);
  std::vector<rating::WhatIf> what_if;
  for (rating::WhatIf w : rating.what_if) {
    if (new_index[w.contribution] < 0) continue;
    w.contribution = static_cast<uint32_t>(new_index[w.contribution]);
    what_if.push_back(w);
  }
  rating.what_if = std::move(what_if);
}

}  // namespace

Result<std::vector<store::Record>> AllRecords(store::Store& store, int64_t subject_id) {
  std::vector<store::Record> records;
  store::RecordQuery query;
  query.subject_id = subject_id;
  query.limit = 1000;
  for (;;) {
    CREDENCE_ASSIGN_OR_RETURN(store::Page<store::Record> page, store.ListRecords(query));
    int64_t got = static_cast<int64_t>(page.items.size());
    for (store::Record& record : page.items) records.push_back(std::move(record));
    query.offset += got;
    if (got == 0 || query.offset >= page.total) break;
  }
  return records;
}

Result<std::optional<rating::Rating>> RateSubject(Services& s, const auth::Principal& viewer,
                                                  const store::Subject& subject, Date as_of) {
  if (s.rating_models == nullptr || s.lists == nullptr) {
    return Fail(Error::Unavailable("ratings are not configured on this server"));
  }
  CREDENCE_ASSIGN_OR_RETURN(std::vector<store::Record> records, AllRecords(*s.store, subject.id));
  rating::SubjectRater rater(*s.catalog, *s.rating_models, *s.lists);
  rating::Rating rating;
  if (!rater.Rate(subject, records, as_of, rating)) return std::optional<rating::Rating>();
  CREDENCE_ASSIGN_OR_RETURN(bool full, s.files->OpenFile(viewer, subject, "rating"));
  if (!full) {
    std::unordered_set<int64_t> hidden;
    for (const store::Record& record : records) {
      if (!lifecycle::IsPublicOn(record, *s.catalog, subject.kind, as_of)) {
        hidden.insert(record.id);
      }
    }
    KeepPublicReasons(rating, hidden);
  }
  return std::optional<rating::Rating>(std::move(rating));
}

namespace {

Result<Response> GetRating(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal viewer, Caller(s, request));
  Date as_of = s.clock->Today();
  if (auto at = request.Query("at"); at && !at->empty()) {
    if (viewer.is_public() || viewer.role == auth::Role::kSubject) {
      return Fail(
          Error::PermissionDenied("only authorised departments, operators, lenders and "
                                  "auditors may rate another day (at)"));
    }
    auto day = Date::Parse(*at);
    if (!day) {
      return Fail(Error::InvalidArgument(
          "parameter", fmt::format("at must be a date YYYY-MM-DD, not '{}'", *at)));
    }
    as_of = *day;
  }
  std::string_view code = request.Param("code");
  CREDENCE_ASSIGN_OR_RETURN(auto subject, s.subjects->FindSubjectByCode(ids::NormalizeCode(code)));
  if (!subject) return Fail(Error::NotFound(fmt::format("no credit file for code {}", code)));
  // Persons are rated for those who see their full file only: the public sees no penalties of
  // natural persons, and a score would disclose them.
  if (subject->kind == ids::SubjectKind::kPerson && !s.files->SeesFullFile(viewer, *subject)) {
    return Fail(Error::NotFound("ratings of natural persons are not public"));
  }
  CREDENCE_ASSIGN_OR_RETURN(auto rating, RateSubject(s, viewer, *subject, as_of));
  if (!rating) {
    return Fail(Error::NotFound(
        fmt::format("the policy rates no subject of kind {}", ids::SubjectKindKey(subject->kind))));
  }
  return Response::Json(rating::RatingJson(*rating));
}

}  // namespace

void RegisterRatingRoutes(http::Router& router, Services& services) {
  Services* s = &services;
  router.Add(Method::kGet, "/api/v1/subjects/{code}/rating",
             [s](const Request& r) { return Handle([&] { return GetRating(*s, r); }); });
}

}  // namespace credence::api
