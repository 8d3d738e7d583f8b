// Evaluating a subject against its rating model: the hot path of bulk re-rating.
//
// One pass over the records collects what counts (integer points, caps they trigger); the
// features, memberships and the level follow. What-ifs reuse the totals: removing one record
// subtracts its points and its share of each cap's triggers, so each costs O(caps + memberships)
// and no re-evaluation. Explanations are not built here but when the rating is written
// (explain.cc), so bulk runs pay for texts only in the JSON they produce.
#include <algorithm>
#include <array>
#include <bit>

#include "rating/rating.h"
#include "rating/rating_internal.h"

namespace credence::rating {

std::string_view LevelKey(Level level) {
  static constexpr std::string_view kKeys[] = {"A+", "A", "B", "C", "D"};
  return kKeys[static_cast<int>(level)];
}

std::optional<Level> ParseLevel(std::string_view key) {
  for (Level level : kAllLevels) {
    if (LevelKey(level) == key) return level;
  }
  return std::nullopt;
}

Level RatingModel::LevelForScore(int32_t score) const {
  for (Level level : kAllLevels) {
    if (score >= level_min_[static_cast<int>(level)]) return level;
  }
  return Level::kD;
}

const policy::Text* RatingModel::DepartmentName(std::string_view key) const {
  auto found = departments_.find(key);
  return found == departments_.end() ? nullptr : &found->second;
}

int RatingModel::Match(const RatingRecord& record) const {
  auto found = kinds_.find(record.kind);
  if (found == kinds_.end()) return -1;
  const KindRule& rule = found->second;
  if (!rule.by_value.empty()) {
    for (const auto& [value, factor] : rule.by_value) {
      if (value == record.match_value) return factor;
    }
    return -1;
  }
  if (rule.tiered) {
    policy::Tier tier = record.tier == policy::Tier::kNone ? rule.default_tier : record.tier;
    int factor = rule.by_tier[static_cast<int>(tier)];
    if (factor >= 0) return factor;
  }
  return rule.any;
}

const RatingModel* RatingModels::ForKind(policy::SubjectKind kind) const {
  for (const RatingModel& model : models_) {
    if (std::find(model.subject_kinds().begin(), model.subject_kinds().end(), kind) !=
        model.subject_kinds().end()) {
      return &model;
    }
  }
  return nullptr;
}

std::string_view RatingModels::MatchField(std::string_view kind) const {
  for (const auto& [match_kind, field] : match_fields_) {
    if (match_kind == kind) return field;
  }
  return {};
}

namespace {

// a / b rounded to the nearest integer, halves away from zero; b > 0.
int64_t RoundedDivide(int64_t a, int64_t b) {
  int64_t magnitude = ((a < 0 ? -a : a) * 2 + b) / (2 * b);
  return a < 0 ? -magnitude : magnitude;
}

// Whole years from since to day (0 when day is earlier); 2024-02-29 → 2025-02-28 is one year.
int32_t WholeYears(Date since, Date day) {
  if (day < since) return 0;
  int32_t years = day.year() - since.year();
  if (since.AddYears(years) > day) --years;
  return years;
}

// A record that counts, before it becomes a Contribution.
struct Counted {
  const RatingRecord* record = nullptr;
  uint16_t factor = 0;
  int32_t points = 0;
  uint32_t caps = 0;                 // record rules it triggers (bit per RatingModel::caps())
  std::optional<Date> counts_until;  // first day it no longer counts
  // latest_only: the record that would count instead, were this one gone.
  int32_t successor_points = 0;
  uint32_t successor_caps = 0;
};

bool ContentOrder(const RatingRecord& a, const RatingRecord& b) {
  if (a.decided_at != b.decided_at) return a.decided_at < b.decided_at;
  if (a.department != b.department) return a.department < b.department;
  if (a.source_ref != b.source_ref) return a.source_ref < b.source_ref;
  return a.id < b.id;
}

// Per-thread scratch space, so that a bulk run allocates nothing per subject once warm.
struct Scratch {
  std::vector<Counted> counted;
  std::vector<Counted> latest;  // latest_only candidates
  struct Grounded {
    int64_t record_id;
    uint32_t caps;
    bool a_plus_list;
    std::optional<Date> term_end;
  };
  std::vector<Grounded> grounded;  // memberships resting on a record
};

}  // namespace

// Friend of RatingModel: reads its private lookup tables.
class Evaluator {
 public:
  Evaluator(const RatingModel& model, const RatingInput& input, Date as_of, Rating& out)
      : model_(model), input_(input), as_of_(as_of), out_(out) {}

  void Run() {
    static thread_local Scratch scratch;
    scratch.counted.clear();
    scratch.latest.clear();
    scratch.grounded.clear();
    out_.model = &model_;
    out_.code = input_.subject->code;
    out_.as_of = as_of_;
    out_.contributions.clear();
    out_.top_factors.clear();
    out_.caps.clear();
    out_.what_if.clear();
    raw_ = model_.base_;

    AddFeatures();
    CountMemberships(scratch);
    for (const RatingRecord& record : input_.records) Consider(record, scratch);
    ChooseLatest(scratch);

    std::sort(
        scratch.counted.begin(), scratch.counted.end(),
        [](const Counted& a, const Counted& b) { return ContentOrder(*a.record, *b.record); });
    for (const Counted& counted : scratch.counted) {
      raw_ += counted.points;
      AddTriggers(counted.caps, +1);
    }
    out_.score = Clamp(raw_);
    out_.level = LevelWith(
        out_.score, a_plus_lists_, [&](size_t cap) { return hits_[cap] > 0; }, &out_.caps);
    EmitContributions(scratch);
    ChooseTopFactors();
    AddWhatIfs(scratch);
  }

 private:
  int32_t Clamp(int64_t raw) const {
    return static_cast<int32_t>(std::clamp<int64_t>(raw, model_.min_score_, model_.max_score_));
  }

  void AddFeatures() {
    const store::Subject& subject = *input_.subject;
    for (size_t i = 0; i < model_.factors_.size(); ++i) {
      const Factor& factor = model_.factors_[i];
      int32_t points = 0;
      int32_t years = 0;
      switch (factor.feature) {
        case Feature::kNone: continue;
        case Feature::kYearsInOperation:
          if (!subject.registered_on) continue;
          years = WholeYears(*subject.registered_on, as_of_);
          for (const YearsStep& step : model_.years_) {
            if (years >= step.min_years) points = step.points;
          }
          break;
        case Feature::kFileRegistration:
          if (subject.status != store::SubjectStatus::kProvisional) points = factor.points;
          break;
        case Feature::kFileLegalRepresentative:
          if (!subject.legal_representative.empty()) points = factor.points;
          break;
        case Feature::kFileIndustry:
          if (!subject.industry.empty()) points = factor.points;
          break;
      }
      if (points == 0) continue;
      raw_ += points;
      Contribution& contribution = out_.contributions.emplace_back();
      contribution.factor = static_cast<uint16_t>(i);
      contribution.points = points;
      contribution.years = years;
    }
  }

  void Consider(const RatingRecord& record, Scratch& scratch) {
    if (record.status == store::RecordStatus::kWithdrawn || record.decided_at > as_of_) return;
    const int factor_index = model_.Match(record);
    if (factor_index < 0) return;
    const Factor& factor = model_.factors_[static_cast<size_t>(factor_index)];
    if (!record.published && !factor.include_unpublished) return;
    // A+ looks at history: restored and expired records still speak against it.
    if (factor.points < 0 && !clean_blocked_ &&
        as_of_ < record.decided_at.AddYears(model_.clean_years_)) {
      clean_blocked_ = true;
    }
    if (record.status != store::RecordStatus::kActive) return;
    std::optional<Date> until = record.publicity_max_end;
    if (factor.window_months > 0) {
      Date window_end = record.decided_at.AddMonths(factor.window_months);
      if (!until || window_end < *until) until = window_end;
    }
    if (until && as_of_ >= *until) return;
    if (factor.while_listed && !Listed(record.id, scratch)) return;

    int64_t points = factor.points;
    if (factor.decay == Decay::kLinear && until) {
      int64_t length = until->days() - record.decided_at.days();
      int64_t left = until->days() - as_of_.days();
      if (length > 0) points = RoundedDivide(points * left, length);
    }
    Counted counted;
    counted.record = &record;
    counted.factor = static_cast<uint16_t>(factor_index);
    counted.points = static_cast<int32_t>(points);
    counted.counts_until = until;
    counted.caps = RecordTriggers(record, counted.factor);
    (factor.latest_only ? scratch.latest : scratch.counted).push_back(counted);
  }

  // Whether an active membership rests on the record.
  static bool Listed(int64_t record_id, const Scratch& scratch) {
    return std::any_of(
        scratch.grounded.begin(), scratch.grounded.end(),
        [&](const Scratch::Grounded& grounded) { return grounded.record_id == record_id; });
  }

  // The record rules a counting record triggers.
  uint32_t RecordTriggers(const RatingRecord& record, uint16_t factor) const {
    uint32_t mask = 0;
    for (size_t cap = 0; cap < model_.caps_.size(); ++cap) {
      const CapRule& rule = model_.caps_[cap];
      if (std::find(rule.factors.begin(), rule.factors.end(), factor) == rule.factors.end()) {
        continue;
      }
      if (rule.within_months == 0 || as_of_ < record.decided_at.AddMonths(rule.within_months)) {
        mask |= uint32_t{1} << cap;
      }
    }
    return mask;
  }

  // Of each latest_only kind, the newest counting record counts; the next newest is what would
  // count without it.
  void ChooseLatest(Scratch& scratch) {
    if (scratch.latest.empty()) return;
    std::sort(scratch.latest.begin(), scratch.latest.end(), [](const Counted& a, const Counted& b) {
      if (a.record->kind != b.record->kind) return a.record->kind < b.record->kind;
      return ContentOrder(*b.record, *a.record);  // newest first
    });
    for (size_t i = 0; i < scratch.latest.size(); ++i) {
      if (i > 0 && scratch.latest[i].record->kind == scratch.latest[i - 1].record->kind) continue;
      Counted chosen = scratch.latest[i];
      if (i + 1 < scratch.latest.size() &&
          scratch.latest[i + 1].record->kind == chosen.record->kind) {
        chosen.successor_points = scratch.latest[i + 1].points;
        chosen.successor_caps = scratch.latest[i + 1].caps;
      }
      scratch.counted.push_back(chosen);
    }
  }

  void CountMemberships(Scratch& scratch) {
    for (const RatingMembership& membership : input_.memberships) {
      if (!membership.active) continue;
      uint32_t mask = 0;
      for (size_t cap = 0; cap < model_.caps_.size(); ++cap) {
        for (const std::string& pattern : model_.caps_[cap].on_list) {
          if (ListPatternMatches(pattern, membership.list)) {
            mask |= uint32_t{1} << cap;
            break;
          }
        }
      }
      bool a_plus_list = std::any_of(
          model_.a_plus_lists_.begin(), model_.a_plus_lists_.end(),
          [&](const std::string& pattern) { return ListPatternMatches(pattern, membership.list); });
      AddTriggers(mask, +1);
      if (a_plus_list) ++a_plus_lists_;
      if (membership.record_id != 0) {
        scratch.grounded.push_back({membership.record_id, mask, a_plus_list, membership.term_end});
      }
    }
  }

  void AddTriggers(uint32_t mask, int delta) {
    while (mask != 0) {
      int cap = std::countr_zero(mask);
      hits_[static_cast<size_t>(cap)] += delta;
      mask &= mask - 1;
    }
  }

  // The level of a score under the A+ conditions and the triggered caps; appends the rules
  // that apply to caps when given.
  template <typename Triggered>
  Level LevelWith(int32_t score, int a_plus_lists, Triggered triggered,
                  std::vector<AppliedCap>* caps) const {
    Level level = model_.LevelForScore(score);
    if (level == Level::kAPlus && (clean_blocked_ || a_plus_lists == 0)) {
      level = Level::kA;
      if (caps != nullptr && clean_blocked_) {
        caps->push_back({"a_plus_clean_record", Level::kA, &model_.a_plus_clean_text_});
      }
      if (caps != nullptr && a_plus_lists == 0) {
        caps->push_back({"a_plus_list", Level::kA, &model_.a_plus_list_text_});
      }
    }
    for (size_t cap = 0; cap < model_.caps_.size(); ++cap) {
      if (!triggered(cap)) continue;
      const CapRule& rule = model_.caps_[cap];
      level = std::max(level, rule.level);
      if (caps != nullptr) caps->push_back({rule.key, rule.level, &rule.text});
    }
    if (caps != nullptr) {
      std::sort(caps->begin(), caps->end(), [](const AppliedCap& a, const AppliedCap& b) {
        if (a.level != b.level) return a.level > b.level;
        return a.rule < b.rule;
      });
    }
    return level;
  }

  void EmitContributions(Scratch& scratch) {
    first_record_ = out_.contributions.size();
    for (const Counted& counted : scratch.counted) {
      if (counted.points == 0) continue;
      Contribution& contribution = out_.contributions.emplace_back();
      contribution.factor = counted.factor;
      contribution.points = counted.points;
      contribution.record = RecordRef{counted.record->id, std::string(counted.record->department),
                                      std::string(counted.record->source_ref)};
      contribution.decided_at = counted.record->decided_at;
    }
  }

  void ChooseTopFactors() {
    const std::vector<Factor>& factors = model_.factors_;
    const std::vector<Contribution>& contributions = out_.contributions;
    for (uint32_t i = 0; i < contributions.size(); ++i) {
      if (contributions[i].points < 0) out_.top_factors.push_back(i);
    }
    auto costlier = [&](uint32_t a, uint32_t b) {
      const Contribution& x = contributions[a];
      const Contribution& y = contributions[b];
      if (x.points != y.points) return x.points < y.points;
      const std::string& x_key = factors[x.factor].key;
      const std::string& y_key = factors[y.factor].key;
      if (x_key != y_key) return x_key < y_key;
      if (x.decided_at != y.decided_at) return x.decided_at > y.decided_at;
      if (x.record.has_value() != y.record.has_value()) return !x.record.has_value();
      if (!x.record) return false;
      if (x.record->department != y.record->department) {
        return x.record->department < y.record->department;
      }
      return x.record->source_ref < y.record->source_ref;
    };
    const size_t kept = std::min<size_t>(4, out_.top_factors.size());
    std::partial_sort(out_.top_factors.begin(), out_.top_factors.begin() + kept,
                      out_.top_factors.end(), costlier);
    out_.top_factors.resize(kept);
  }

  void AddWhatIfs(Scratch& scratch) {
    uint32_t index = static_cast<uint32_t>(first_record_);
    for (const Counted& counted : scratch.counted) {
      if (counted.points == 0) continue;
      const uint32_t contribution = index++;
      if (model_.factors_[counted.factor].points >= 0) continue;
      const RatingRecord& record = *counted.record;

      // What the record takes with it: its points and triggers, and the memberships it grounds.
      std::array<int32_t, 32> own{};
      int own_a_plus_lists = 0;
      std::optional<Date> listings_end;  // the last end of the memberships resting on it
      bool listed_without_end = false;
      for (uint32_t mask = counted.caps; mask != 0; mask &= mask - 1) ++own[std::countr_zero(mask)];
      for (uint32_t mask = counted.successor_caps; mask != 0; mask &= mask - 1) {
        --own[std::countr_zero(mask)];
      }
      for (const Scratch::Grounded& grounded : scratch.grounded) {
        if (grounded.record_id != record.id) continue;
        for (uint32_t mask = grounded.caps; mask != 0; mask &= mask - 1) {
          ++own[std::countr_zero(mask)];
        }
        if (grounded.a_plus_list) ++own_a_plus_lists;
        if (!grounded.term_end) {
          listed_without_end = true;
        } else if (!listings_end || *grounded.term_end > *listings_end) {
          listings_end = grounded.term_end;
        }
      }
      // When the record and all it brings with it stop by themselves: its own end, or later the
      // end of the listings it grounds. A while_listed record counts only while listed, so its
      // listings' end is the end of everything it costs.
      std::optional<Date> expires_on;
      if (!listed_without_end) {
        if (model_.factors_[counted.factor].while_listed) {
          expires_on = listings_end;
        } else if (counted.counts_until) {
          expires_on =
              std::max(*counted.counts_until, listings_end.value_or(*counted.counts_until));
        }
      }
      WhatIf what_if;
      what_if.contribution = contribution;
      what_if.score = Clamp(raw_ - counted.points + counted.successor_points);
      what_if.level = LevelWith(
          what_if.score, a_plus_lists_ - own_a_plus_lists,
          [&](size_t cap) { return hits_[cap] - own[cap] > 0; }, nullptr);
      what_if.expires_on = expires_on;
      if (record.restorable_from) {
        what_if.way = WhatIf::Way::kRestored;
        what_if.restorable_from = record.restorable_from;
        out_.what_if.push_back(what_if);
      }
      if (expires_on) {
        what_if.way = WhatIf::Way::kExpired;
        what_if.restorable_from.reset();
        out_.what_if.push_back(what_if);
      }
    }
    std::stable_sort(out_.what_if.begin(), out_.what_if.end(),
                     [](const WhatIf& a, const WhatIf& b) { return a.score > b.score; });
  }

  const RatingModel& model_;
  const RatingInput& input_;
  const Date as_of_;
  Rating& out_;
  int64_t raw_ = 0;
  bool clean_blocked_ = false;
  int a_plus_lists_ = 0;
  std::array<int32_t, 32> hits_{};
  size_t first_record_ = 0;
};

void Evaluate(const RatingModel& model, const RatingInput& input, Date as_of, Rating& out) {
  Evaluator(model, input, as_of, out).Run();
}

Rating Evaluate(const RatingModel& model, const RatingInput& input, Date as_of) {
  Rating rating;
  Evaluate(model, input, as_of, rating);
  return rating;
}

// --- a JSON string member without parsing the whole document ---

namespace {

size_t SkipSpace(std::string_view json, size_t at) {
  while (at < json.size() &&
         (json[at] == ' ' || json[at] == '\n' || json[at] == '\r' || json[at] == '\t')) {
    ++at;
  }
  return at;
}

// At an opening quote: the raw content and the position after the closing quote.
std::optional<std::pair<std::string_view, size_t>> ScanString(std::string_view json, size_t at) {
  if (at >= json.size() || json[at] != '"') return std::nullopt;
  for (size_t i = at + 1; i < json.size(); ++i) {
    if (json[i] == '\\') {
      ++i;
    } else if (json[i] == '"') {
      return std::make_pair(json.substr(at + 1, i - at - 1), i + 1);
    }
  }
  return std::nullopt;
}

// The position after the value starting at at; npos when malformed.
size_t SkipValue(std::string_view json, size_t at) {
  if (at >= json.size()) return std::string_view::npos;
  if (json[at] == '"') {
    auto scanned = ScanString(json, at);
    return scanned ? scanned->second : std::string_view::npos;
  }
  if (json[at] == '{' || json[at] == '[') {
    int depth = 0;
    for (size_t i = at; i < json.size(); ++i) {
      char c = json[i];
      if (c == '"') {
        auto scanned = ScanString(json, i);
        if (!scanned) return std::string_view::npos;
        i = scanned->second - 1;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return i + 1;
      }
    }
    return std::string_view::npos;
  }
  size_t i = at;
  while (i < json.size() && json[i] != ',' && json[i] != '}' && json[i] != ']' && json[i] != ' ' &&
         json[i] != '\n' && json[i] != '\r' && json[i] != '\t') {
    ++i;
  }
  return i;
}

// The start of the value of member key of the object at at; npos when absent.
size_t FindMember(std::string_view json, size_t at, std::string_view key) {
  at = SkipSpace(json, at);
  if (at >= json.size() || json[at] != '{') return std::string_view::npos;
  at = SkipSpace(json, at + 1);
  if (at < json.size() && json[at] == '}') return std::string_view::npos;
  while (at < json.size()) {
    auto name = ScanString(json, at);
    if (!name) return std::string_view::npos;
    at = SkipSpace(json, name->second);
    if (at >= json.size() || json[at] != ':') return std::string_view::npos;
    at = SkipSpace(json, at + 1);
    if (name->first == key) return at;
    at = SkipValue(json, at);
    if (at == std::string_view::npos) return at;
    at = SkipSpace(json, at);
    if (at >= json.size() || json[at] != ',') return std::string_view::npos;
    at = SkipSpace(json, at + 1);
  }
  return std::string_view::npos;
}

}  // namespace

std::optional<std::string_view> FindJsonString(std::string_view json, std::string_view path) {
  size_t at = 0;
  while (true) {
    size_t dot = path.find('.');
    at = FindMember(json, at, path.substr(0, dot));
    if (at == std::string_view::npos) return std::nullopt;
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
  }
  auto value = ScanString(json, at);
  if (!value) return std::nullopt;
  return value->first;
}

}  // namespace credence::rating
