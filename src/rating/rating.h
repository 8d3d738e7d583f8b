// Public credit rating: an explainable score and level per subject, from a versioned model that
// the policy defines per subject kind (policy/rating.toml, DOMAIN.md §4).
//
// The engine is pure: it reads no store and no clock. A rating is a function of the subject, its
// records, its list memberships, the model and the as-of day, and the same inputs give
// byte-identical JSON whatever the order of the records or memberships.
//
// How a rating is computed (the policy file documents each key):
//  - score = base + features of the file + the points of every record that counts, clamped to
//    [min_score, max_score]. A record counts on the as-of day when its kind and value match a
//    factor of the model, it was decided on or before that day, it is active (not withdrawn,
//    restored or expired), the day is before the end of its publicity window and before its
//    factor's window, it is published or its factor includes unpublished records, and, for a
//    while_listed factor, an active membership rests on it. Linear decay scales a record's
//    points by the days left in that window over the window's length, rounded once (halves away
//    from zero). A latest_only factor counts only the newest counting record of its kind.
//  - level: the highest level whose minimum the score reaches; A+ further needs no negative
//    record (one matching a factor with negative points, withdrawn ones excepted) decided within
//    the last clean_years, and an active membership of an incentive or key-support list. Then
//    every cap rule triggered (a membership of a listed list, or a counting record of the named
//    factors decided within the rule's months) lowers the level to the rule's level.
//  - Records are taken with the status they have: the engine does not replay history. Rating a
//    past day is right as far as the views say what held then (RatingModels::View does, from
//    each version's date).
//  - "Within N months/years of the decision" and "before the end of a window" follow the
//    publicity rules (policy.h PublicityWindow): the window of a record decided on day d ends on
//    d.AddMonths(N), the first day outside it; 2024-02-29 + 12 months = 2025-02-28.
//
// How it is meant to be called (the API after an ingest, or a bulk run with one rater per
// thread, subjects in code order):
//   Result<RatingModels> models = LoadRatingModels(catalog);       // once per policy load
//   Result<lists::ListCatalog> lists = lists::ListCatalog::Load(catalog);
//   SubjectRater rater(catalog, *models, *lists);                  // per thread; reuse it
//   Rating rating;                                                 // reuse it too
//   if (rater.Rate(subject, records, as_of, rating)) {             // records: current versions
//     std::string json = RatingJson(rating);                       // what the API returns
//     digest.Add(subject.code, json);                              // bulk runs
//   }
// SubjectRater derives the list memberships (lists::DeriveMemberships) and the record views
// (RatingModels::View) and calls Evaluate. Callers with their own compact scan of the store can
// build RatingRecord and RatingMembership views themselves and call Evaluate directly: the views
// must outlive that call only. A Rating owns its strings but points into its RatingModel, which
// must outlive it.
//
// Cost (RelWithDebInfo, this machine): Evaluate about 200 ns per record and 50-100 ns per
// subject besides; SubjectRater adds list derivation and payload reads (about 800 ns per record
// in all); RatingJson and the digest 2 µs for a subject without records, 5-10 µs with a full
// explanation. Texts are built only for the JSON, and for top factors and caps only.
//
// Thread safety: RatingModels is immutable after loading and may be shared by any number of
// threads; Evaluate and RatingJson are reentrant. A Rating, SubjectRater or RatingDigest is used
// by one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/metrics.h"
#include "common/result.h"
#include "common/time.h"
#include "lifecycle/lifecycle.h"
#include "lists/lists.h"
#include "policy/policy.h"
#include "store/store.h"

namespace credence {
class JsonWriter;
}

namespace credence::rating {

// The five levels, best first: comparisons read "kA < kB" as "A is better than B".
enum class Level : uint8_t { kAPlus, kA, kB, kC, kD };
inline constexpr Level kAllLevels[] = {Level::kAPlus, Level::kA, Level::kB, Level::kC, Level::kD};
std::string_view LevelKey(Level level);  // "A+", "A", "B", "C", "D"
std::optional<Level> ParseLevel(std::string_view key);

// A record as the rating sees it: a borrowed view, cheap to build from a store::Record
// (RatingModels::View) or from a compact scan of the store. status is the record's status on
// the as-of day; list action records (lists::IsListAction) are no records to rate.
struct RatingRecord {
  int64_t id = 0;
  std::string_view kind;        // record kind key
  std::string_view department;  // department key
  std::string_view source_ref;
  policy::Tier tier = policy::Tier::kNone;  // kNone on a tiered kind: the kind's default tier
  // The value of the payload field the models match this kind on (RatingModels::MatchField):
  // "A" for a tax grade, "broken" for a commitment. Empty for kinds matched otherwise.
  std::string_view match_value;
  Date decided_at;
  // When restoration may be applied for (lifecycle::RestorableFrom); nullopt: it may not.
  std::optional<Date> restorable_from;
  std::optional<Date> publicity_max_end;  // the first day it is no longer public
  bool published = true;
  store::RecordStatus status = store::RecordStatus::kActive;
};

// A list membership as the rating sees it, from the lists module's derived memberships.
struct RatingMembership {
  std::string_view list;  // list key of the lists policy
  // The record the entry rests on (0: listed by document). Restoring or expiring that record in
  // a what-if ends the membership with it.
  int64_t record_id = 0;
  std::optional<Date> term_end;  // first day off the list; nullopt: no fixed term
  bool active = true;            // on the list on the as-of day
};

struct RatingInput {
  const store::Subject* subject = nullptr;  // required
  std::span<const RatingRecord> records;
  std::span<const RatingMembership> memberships;
};

// --- The model, as loaded from the policy ---

enum class Feature : uint8_t {
  kNone,                     // a record factor
  kYearsInOperation,         // whole years since registered_on
  kFileRegistration,         // a registration was received (status registered or deregistered)
  kFileLegalRepresentative,  // the legal representative is known
  kFileIndustry,             // the industry is known
};
enum class Decay : uint8_t { kNone, kLinear };

struct Factor {
  std::string key;   // "admin_penalty.general", "years_in_operation"
  std::string kind;  // record kind key; empty for features
  Feature feature = Feature::kNone;
  policy::Tier tier = policy::Tier::kNone;  // match on tier; kNone: any tier
  std::string field;                        // match on this payload field (dotted) ...
  std::string value;                        // ... holding this value
  Decay decay = Decay::kNone;
  int window_months = 0;  // 0: the record's publicity window alone
  bool include_unpublished = false;
  bool latest_only = false;
  // Counts only while an active list membership rests on the record: a listing the court or a
  // department removed (performance, correction) costs nothing more, even while the record
  // itself is still public.
  bool while_listed = false;
  int32_t points = 0;  // at full weight, in this model; features other than years: the points
  policy::Text text;   // template; placeholders {date} {points} {department} {years}
};

struct CapRule {
  std::string key;                   // "court_list"
  Level level = Level::kD;           // at best this level while triggered
  std::vector<std::string> on_list;  // list key patterns ('*' = any run); or
  std::vector<uint16_t> factors;     // indexes into RatingModel::factors() ...
  int within_months = 0;             // ... decided within these months (0: while counting)
  policy::Text text;                 // placeholder {level}
};

struct YearsStep {
  int min_years = 0;
  int32_t points = 0;
};

class RatingModel {
 public:
  const std::string& key() const { return key_; }          // "enterprise"
  const std::string& version() const { return version_; }  // "enterprise-2026.1"
  const policy::Text& name() const { return name_; }
  const std::string& policy_version() const { return policy_version_; }  // Catalog::version
  const std::vector<policy::SubjectKind>& subject_kinds() const { return subject_kinds_; }
  int32_t base() const { return base_; }
  int32_t min_score() const { return min_score_; }
  int32_t max_score() const { return max_score_; }
  int32_t level_min_score(Level level) const { return level_min_[static_cast<int>(level)]; }
  // The factors this model scores: records first in policy order, then features.
  const std::vector<Factor>& factors() const { return factors_; }
  const std::vector<YearsStep>& years_in_operation() const { return years_; }
  const std::vector<CapRule>& caps() const { return caps_; }
  int a_plus_clean_years() const { return clean_years_; }
  const std::vector<std::string>& a_plus_lists() const { return a_plus_lists_; }
  const policy::Text& a_plus_clean_text() const { return a_plus_clean_text_; }
  const policy::Text& a_plus_list_text() const { return a_plus_list_text_; }
  // A department's name for the {department} placeholder; nullptr for an unknown key.
  const policy::Text* DepartmentName(std::string_view key) const;

  // The level a score reaches before the A+ conditions and caps.
  Level LevelForScore(int32_t score) const;

 private:
  friend class ModelBuilder;  // model.cc
  friend class Evaluator;     // rating.cc

  struct KindRule {
    int16_t any = -1;                                       // factor of an unmatched kind
    int16_t by_tier[4] = {-1, -1, -1, -1};                  // factor per policy::Tier
    std::vector<std::pair<std::string, int16_t>> by_value;  // factor per match value
    bool tiered = false;
    policy::Tier default_tier = policy::Tier::kNone;
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const noexcept {
      return std::hash<std::string_view>{}(key);
    }
  };
  // The factor matching a record; -1 when none.
  int Match(const RatingRecord& record) const;

  std::string key_;
  std::string version_;
  policy::Text name_;
  std::string policy_version_;
  std::vector<policy::SubjectKind> subject_kinds_;
  int32_t base_ = 0;
  int32_t min_score_ = 0;
  int32_t max_score_ = 1000;
  int32_t level_min_[5] = {};
  std::vector<Factor> factors_;
  std::vector<YearsStep> years_;
  std::vector<CapRule> caps_;
  int clean_years_ = 5;
  std::vector<std::string> a_plus_lists_;
  policy::Text a_plus_clean_text_;
  policy::Text a_plus_list_text_;
  std::unordered_map<std::string, KindRule, KeyHash, std::equal_to<>> kinds_;
  // Department key → name, for the {department} placeholder.
  std::unordered_map<std::string, policy::Text, KeyHash, std::equal_to<>> departments_;
};

// Every model of a policy. Move-only: ratings point into the models, whose addresses a move
// keeps.
class RatingModels {
 public:
  RatingModels() = default;
  RatingModels(RatingModels&&) = default;
  RatingModels& operator=(RatingModels&&) = default;
  RatingModels(const RatingModels&) = delete;
  RatingModels& operator=(const RatingModels&) = delete;

  const std::vector<RatingModel>& models() const { return models_; }
  // The model rating subjects of this kind; nullptr when the policy rates none of them.
  const RatingModel* ForKind(policy::SubjectKind kind) const;
  // The payload field (dotted) records of this kind are matched on; empty when none.
  std::string_view MatchField(std::string_view kind) const;
  // A view of a stored record (its current version) as of a day; it borrows the record's
  // strings. The status is the one the record had that day (lifecycle::StateOn: a withdrawal
  // or restoration written later did not hold yet), restorable_from is
  // lifecycle::RestorableFrom, and the match value is read from the payload without allocating.
  // List action records (lists::IsListAction) are not records to rate: callers leave them out
  // (SubjectRater does).
  RatingRecord View(const store::Record& record, const policy::Catalog& catalog, Date as_of) const;

 private:
  friend class ModelBuilder;
  std::vector<RatingModel> models_;
  std::vector<std::pair<std::string, std::string>> match_fields_;  // kind → field
};

// The view of a derived list membership: its list key, the record it rests on, the first day
// off the list (the earlier of its term end and a decided removal) and whether it is active.
RatingMembership MembershipView(const lists::Membership& membership);

// Loads and validates the [rating_model] table of the policy (policy/rating.toml). Every problem
// is one detail of the error (reason "invalid_policy"), its message "file: key.path: what is
// wrong", e.g. "rating.toml: rating_model.models.enterprise.points."honor": unknown factor".
// A factor or rule found invalid is reported once, not again at each use.
// Factor kinds must be catalog kinds that may be about the model's subjects (a model of persons
// only kinds collected about persons); list patterns must name lists of the lists policy when
// the catalog has one ([[list]] with key).
Result<RatingModels> LoadRatingModels(const policy::Catalog& catalog);

// --- The rating ---

struct RecordRef {
  int64_t id = 0;
  std::string department;
  std::string source_ref;
};

struct Contribution {
  uint16_t factor = 0;              // index into RatingModel::factors()
  int32_t points = 0;               // after decay; never 0
  std::optional<RecordRef> record;  // nullopt for features
  Date decided_at;                  // the record's decision date
  int32_t years = 0;                // years in operation, for that feature
};

struct AppliedCap {
  std::string_view rule;  // a CapRule key, or "a_plus_clean_record" / "a_plus_list"
  Level level = Level::kD;
  const policy::Text* text = nullptr;  // template; placeholder {level}
};

struct WhatIf {
  enum class Way : uint8_t { kRestored, kExpired };
  uint32_t contribution = 0;  // index into Rating::contributions (a negative record)
  Way way = Way::kRestored;
  int32_t score = 0;  // the score and level on the as-of day, had the record stopped counting
  Level level = Level::kD;
  // When the record and what it brings with it stop by themselves: the end of its publicity or
  // factor window, or the end of the memberships resting on it when later (for a while_listed
  // factor, their end); nullopt: never by itself (e.g. a court listing without a fixed term).
  std::optional<Date> expires_on;
  std::optional<Date> restorable_from;  // kRestored: when restoration may be applied for
};

struct Rating {
  const RatingModel* model = nullptr;
  std::string code;
  Date as_of;
  int32_t score = 0;
  Level level = Level::kD;
  // Features first in model order, then records by decision date, department, source_ref.
  std::vector<Contribution> contributions;
  // At most 4 indexes into contributions: those that cost the most points, most first; ties by
  // factor key, then the newer record, then department and source_ref.
  std::vector<uint32_t> top_factors;
  // Every cap rule triggered, worst level first, then by rule key; the A+ conditions appear
  // only when the score reaches A+ and one of them is missing.
  std::vector<AppliedCap> caps;
  // For each counting record of a factor with negative points: "restored" when the record may
  // be restored (it has restorable_from), "expired" when it stops counting by itself; most
  // points regained first, then in contribution order. "Stopped counting" also ends the
  // memberships the record grounds; A+ still sees it as a negative record.
  std::vector<WhatIf> what_if;
};

// Rates a subject; the model must be the one for the subject's kind. out is cleared first and
// reuses its capacity, for bulk runs.
void Evaluate(const RatingModel& model, const RatingInput& input, Date as_of, Rating& out);
Rating Evaluate(const RatingModel& model, const RatingInput& input, Date as_of);

// Rates subjects from what the store holds (see the top of this file). Keeps its buffers
// between subjects: one rater per thread. The catalog, models and lists must outlive it.
class SubjectRater {
 public:
  SubjectRater(const policy::Catalog& catalog, const RatingModels& models,
               const lists::ListCatalog& lists)
      : catalog_(catalog), models_(models), lists_(lists) {}

  // Rates subject on as_of from records, its current record versions in any order (records of
  // other subjects are ignored). False, with out untouched, when the policy rates no subject of
  // its kind.
  bool Rate(const store::Subject& subject, std::span<const store::Record> records, Date as_of,
            Rating& out);

  // The keys of the public lists the subject was on (active memberships of public lists,
  // published for the subject's kind) in the last Rate that returned true: sorted, no repeats.
  // Valid until the next Rate.
  const std::vector<std::string_view>& public_lists() const { return public_lists_; }

 private:
  const policy::Catalog& catalog_;
  const RatingModels& models_;
  const lists::ListCatalog& lists_;
  std::vector<RatingRecord> records_;
  std::vector<RatingMembership> memberships_;
  std::vector<std::string_view> public_lists_;
};

// The explanation of one contribution in plain words, placeholders filled.
policy::Text ContributionText(const Rating& rating, const Contribution& contribution);
policy::Text CapText(const AppliedCap& cap);

// The rating as FORMATS.md "Rating" JSON, fields in this fixed order: code, level, score,
// model_version, policy_version, as_of (the as-of day at 00:00:00Z: a rating is of a day),
// base, contributions [{factor, points, record {department, source_ref, id} | null,
// decided_at | null}], top_factors [{factor, points, record, text {zh-CN, en}}], caps [{rule,
// level, text}], what_if [{record, if, score, level, expires_on | null, restorable_from (for
// "restored")}]. Integers only; byte-identical for equal ratings.
std::string RatingJson(const Rating& rating);
void WriteRatingJson(const Rating& rating, JsonWriter& writer);

// The digest of a bulk run: SHA-256 over the JSON of every rating in subject-code order, each
// followed by a line feed (the bytes of an NDJSON file of the ratings). Two runs over the same
// records, policy and day print the same digest. Streaming: O(1) memory. Move-only (it owns a
// hash context).
class RatingDigest {
 public:
  RatingDigest();
  ~RatingDigest();
  RatingDigest(RatingDigest&&) noexcept;
  RatingDigest& operator=(RatingDigest&&) noexcept;
  RatingDigest(const RatingDigest&) = delete;
  RatingDigest& operator=(const RatingDigest&) = delete;

  void Add(std::string_view code, std::string_view rating_json);
  // The digest of what was added so far, 64 lower-case hex characters; adding may go on.
  std::string Hex() const;
  int64_t count() const { return count_; }
  // False once a code arrived out of (strictly increasing byte) order: the digest would then
  // not be comparable with another run's.
  bool in_code_order() const { return in_order_; }

 private:
  struct Context;
  std::unique_ptr<Context> context_;
  std::string last_code_;
  int64_t count_ = 0;
  bool in_order_ = true;
};

// --- Stored ratings: what the API serves (store::Store::GetRating) ---
//
// Ratings are stored by the bulk run (RateAll, `credence rate --all` and the daily job of
// `credence serve`) and by RatingUpdater after each committed ingest batch. The stored JSON is
// the full RatingJson; public views leave out the reasons resting on records the public does
// not see (the API does, on read). The history gets an entry whenever the score or level
// changed (store::WriteTxn::PutRatings).

// The stored form of a rating: its JSON, the SHA-256 of the JSON as digest, and the public lists
// the subject is on (SubjectRater::public_lists).
store::StoredRating ToStoredRating(int64_t subject_id, const Rating& rating, std::string json,
                                   std::span<const std::string_view> public_lists);

// Every current record version of a subject, read from the store in pages.
Result<std::vector<store::Record>> LoadSubjectRecords(store::Store& store, int64_t subject_id);

struct RerateCounts {
  int64_t subjects = 0;  // asked for and found
  int64_t rated = 0;     // rated and stored (the policy rates their kind)
  int64_t changed = 0;   // whose score or level changed (history entries written)
};

struct BulkRatingResult {
  int64_t subjects = 0;  // rated
  int64_t records = 0;   // current record versions read
  int64_t per_level[5] = {};
  int64_t changed = 0;  // history entries written (0 when the ratings were not stored)
  std::string digest;   // RatingDigest::Hex of every rating
};

// Rates every subject as of a day from one ordered scan of the store, and, when store_ratings,
// stores every rating (in transactions of at most 10,000 subjects, in subject id order, after
// the scan). Deterministic: the same store content, policy and day give the same digest and
// stored bytes.
Result<BulkRatingResult> RateAll(store::Store& store, const policy::Catalog& catalog,
                                 const RatingModels& models, const lists::ListCatalog& lists,
                                 Date as_of, bool store_ratings);

// Re-rates subjects from the store and stores their ratings in one write transaction: after an
// ingest batch commits, for the subjects it touched. Thread-safe (calls are serialised); the
// store, catalog, models and lists must outlive it.
class RatingUpdater {
 public:
  RatingUpdater(store::Store& store, const policy::Catalog& catalog, const RatingModels& models,
                const lists::ListCatalog& lists);
  ~RatingUpdater();

  // Unknown ids are skipped; repeated ids are rated once.
  Result<RerateCounts> Rerate(std::span<const int64_t> subject_ids, Date as_of);
  // RateAll with the ratings stored, serialised with Rerate: a batch committed during the bulk
  // run is re-rated after it, so the newer rating is the one that stays.
  Result<BulkRatingResult> RerateAll(Date as_of);

 private:
  struct State;
  store::Store& store_;
  std::unique_ptr<State> state_;
};

// The daily job of `credence serve`: expires what is due on the clock's day
// (lifecycle::RunExpiry) and then re-rates every subject (RatingUpdater::RerateAll): records
// crossing the end of a window or a decay step change ratings with the calendar alone. It runs
// once per Asia/Shanghai day: the first check runs it (catching up after a restart), later
// checks when the day has changed. Each run logs "daily.run" with its counts and sets the
// gauges credence_daily_{expired,rated,rating_changes,seconds,day} and the counter
// credence_daily_runs_total (credence_daily_failures_total on error).
class DailyJob {
 public:
  struct Report {
    Date day;
    lifecycle::ExpiryCounts expiry;
    BulkRatingResult rating;
    double seconds = 0;
  };

  // metrics may be null. All must outlive the job.
  DailyJob(store::Store& store, RatingUpdater& updater, const Clock& clock,
           MetricsRegistry* metrics);
  ~DailyJob();  // stops the thread started by Start
  DailyJob(const DailyJob&) = delete;
  DailyJob& operator=(const DailyJob&) = delete;

  // Runs the job when it has not run for the clock's day yet; nullopt when it had.
  Result<std::optional<Report>> RunIfDue();
  // Calls RunIfDue now and then every `poll` on a thread of its own, until destroyed.
  void Start(std::chrono::milliseconds poll);

 private:
  struct Thread;
  store::Store& store_;
  RatingUpdater& updater_;
  const Clock& clock_;
  MetricsRegistry* metrics_;
  std::optional<Date> last_day_;
  std::unique_ptr<Thread> thread_;
};

}  // namespace credence::rating
