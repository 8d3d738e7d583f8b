// Ratings: a subject's rating computed on read from its current records.
#include <fmt/format.h>

#include <array>
#include <map>
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

// The records of a subject the public does not see on a day.
std::unordered_set<int64_t> HiddenRecords(Services& s, const store::Subject& subject,
                                          std::span<const store::Record> records, Date day) {
  std::unordered_set<int64_t> hidden;
  for (const store::Record& record : records) {
    if (!lifecycle::IsPublicOn(record, *s.catalog, subject.kind, day)) hidden.insert(record.id);
  }
  return hidden;
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
  CREDENCE_ASSIGN_OR_RETURN(std::vector<store::Record> records,
                            rating::LoadSubjectRecords(*s.store, subject.id));
  rating::SubjectRater rater(*s.catalog, *s.rating_models, *s.lists);
  rating::Rating rating;
  if (!rater.Rate(subject, records, as_of, rating)) return std::optional<rating::Rating>();
  CREDENCE_ASSIGN_OR_RETURN(bool full, s.files->OpenFile(viewer, subject, "rating"));
  if (!full) {
    KeepPublicReasons(rating, HiddenRecords(s, subject, records, as_of));
  }
  return std::optional<rating::Rating>(std::move(rating));
}

namespace {

// A stored rating's JSON with the reasons this viewer may not see left out, as RateSubject
// would have given it: the elements of contributions, top_factors and what_if whose record the
// public does not see on the rating's day.
Result<std::string> PublicStoredRating(Services& s, const auth::Principal& viewer,
                                       const store::Subject& subject,
                                       const store::StoredRating& stored) {
  // A staff read of the full rating is a read of non-public data: it needs a purpose and enters
  // the subject's access log.
  CREDENCE_ASSIGN_OR_RETURN(bool full, s.files->OpenFile(viewer, subject, "rating"));
  if (full) return stored.json;
  CREDENCE_ASSIGN_OR_RETURN(std::vector<store::Record> records,
                            rating::LoadSubjectRecords(*s.store, subject.id));
  std::unordered_set<int64_t> hidden = HiddenRecords(s, subject, records, stored.as_of);
  if (hidden.empty()) return stored.json;
  CREDENCE_ASSIGN_OR_RETURN(JsonValue rating, ParseJson(stored.json));
  if (!rating.is_object()) return Fail(Error::Internal("a stored rating is not a JSON object"));
  for (auto& [key, value] : rating.as_object()) {
    if ((key != "contributions" && key != "top_factors" && key != "what_if") || !value.is_array()) {
      continue;
    }
    JsonValue::Array& items = value.as_array();
    std::erase_if(items, [&](const JsonValue& item) {
      const JsonValue* id = item.FindPath("record.id");
      return id != nullptr && id->is_number() && hidden.contains(id->as_int());
    });
  }
  return ToJson(rating);
}

// The subject of a rating route, refused where the viewer may not see its rating.
Result<store::Subject> RatedSubject(Services& s, const auth::Principal& viewer,
                                    const Request& request) {
  std::string_view code = request.Param("code");
  CREDENCE_ASSIGN_OR_RETURN(auto subject, s.subjects->FindSubjectByCode(ids::NormalizeCode(code)));
  if (!subject) return Fail(Error::NotFound(fmt::format("no credit file for code {}", code)));
  // Persons are rated for those who see their full file only: the public sees no penalties of
  // natural persons, and a score would disclose them.
  if (subject->kind == ids::SubjectKind::kPerson && !s.files->SeesFullFile(viewer, *subject)) {
    return Fail(Error::NotFound("ratings of natural persons are not public"));
  }
  return std::move(*subject);
}

// The stored rating (kept current by re-rating after each ingest and daily); computed on read
// for another day (?at=) or when none was stored yet.
Result<Response> GetRating(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal viewer, Caller(s, request));
  std::optional<Date> at;
  if (auto text = request.Query("at"); text && !text->empty()) {
    if (viewer.is_public() || viewer.role == auth::Role::kSubject) {
      return Fail(
          Error::PermissionDenied("only authorised departments, operators, lenders and "
                                  "auditors may rate another day (at)"));
    }
    auto day = Date::Parse(*text);
    if (!day) {
      return Fail(Error::InvalidArgument(
          "parameter", fmt::format("at must be a date YYYY-MM-DD, not '{}'", *text)));
    }
    at = *day;
  }
  CREDENCE_ASSIGN_OR_RETURN(store::Subject subject, RatedSubject(s, viewer, request));
  if (!at) {
    CREDENCE_ASSIGN_OR_RETURN(auto stored, s.store->GetRating(subject.id));
    if (stored) {
      CREDENCE_ASSIGN_OR_RETURN(std::string json, PublicStoredRating(s, viewer, subject, *stored));
      return Response::Json(std::move(json));
    }
  }
  CREDENCE_ASSIGN_OR_RETURN(auto rating,
                            RateSubject(s, viewer, subject, at.value_or(s.clock->Today())));
  if (!rating) {
    return Fail(Error::NotFound(
        fmt::format("the policy rates no subject of kind {}", ids::SubjectKindKey(subject.kind))));
  }
  return Response::Json(rating::RatingJson(*rating));
}

// The changes of the stored rating, newest first: the day, score, level, model and digest.
Result<Response> GetRatingHistory(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal viewer, Caller(s, request));
  CREDENCE_ASSIGN_OR_RETURN(Paging paging, ParsePaging(request));
  CREDENCE_ASSIGN_OR_RETURN(store::Subject subject, RatedSubject(s, viewer, request));
  CREDENCE_ASSIGN_OR_RETURN(auto page,
                            s.store->ListRatingHistory(subject.id, paging.offset, paging.limit));
  JsonWriter json;
  WritePageEnvelopeStart(json);
  for (const store::RatingChange& change : page.items) {
    json.StartObject()
        .Field("as_of", change.as_of.ToString() + "T00:00:00Z")
        .Field("score", static_cast<int64_t>(change.score))
        .Field("level", change.level)
        .Field("model_version", change.model_version)
        .Field("digest", change.digest)
        .EndObject();
  }
  WritePageEnvelopeEnd(json, page.total, page.offset, page.limit);
  json.Field("code", subject.code).EndObject();
  return Response::Json(json.Take());
}

// Rating levels counted by county, industry and subject kind, from the stored ratings. The public
// sees the ratings it may see: persons are left out for it.
Result<Response> RatingStats(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(auth::Principal viewer, Caller(s, request));
  CREDENCE_ASSIGN_OR_RETURN(std::vector<store::RatingLevelCount> counts,
                            s.store->CountRatingLevels());
  using Levels = std::array<int64_t, std::size(rating::kAllLevels)>;
  std::map<std::string, Levels> by_county, by_industry, by_kind;
  Levels all{};
  for (const store::RatingLevelCount& count : counts) {
    if (count.kind == ids::SubjectKind::kPerson && viewer.is_public()) continue;
    auto level = rating::ParseLevel(count.level);
    if (!level) continue;
    size_t index = static_cast<size_t>(*level);
    by_county[count.region][index] += count.count;
    by_industry[count.industry][index] += count.count;
    by_kind[std::string(ids::SubjectKindKey(count.kind))][index] += count.count;
    all[index] += count.count;
  }
  auto write_levels = [](JsonWriter& json, const Levels& levels) {
    int64_t total = 0;
    json.Key("levels").StartObject();
    for (rating::Level level : rating::kAllLevels) {
      json.Field(rating::LevelKey(level), levels[static_cast<size_t>(level)]);
      total += levels[static_cast<size_t>(level)];
    }
    json.EndObject().Field("total", total);
  };
  auto write_groups = [&](JsonWriter& json, std::string_view key,
                          const std::map<std::string, Levels>& groups, bool regions) {
    json.Key(key).StartArray();
    for (const auto& [group, levels] : groups) {
      json.StartObject().Field("key", group);
      if (regions) json.Field("name", ids::DivisionFullName(group));
      write_levels(json, levels);
      json.EndObject();
    }
    json.EndArray();
  };
  JsonWriter json;
  json.StartObject();
  write_levels(json, all);
  write_groups(json, "by_county", by_county, true);
  write_groups(json, "by_industry", by_industry, false);
  write_groups(json, "by_kind", by_kind, false);
  json.EndObject();
  return Response::Json(json.Take());
}

}  // namespace

void RegisterRatingRoutes(http::Router& router, Services& services) {
  Services* s = &services;
  router.Add(Method::kGet, "/api/v1/subjects/{code}/rating",
             [s](const Request& r) { return Handle([&] { return GetRating(*s, r); }); });
  router.Add(Method::kGet, "/api/v1/subjects/{code}/rating/history",
             [s](const Request& r) { return Handle([&] { return GetRatingHistory(*s, r); }); });
  router.Add(Method::kGet, "/api/v1/stats/ratings",
             [s](const Request& r) { return Handle([&] { return RatingStats(*s, r); }); });
}

}  // namespace credence::api
