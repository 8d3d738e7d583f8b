// Explaining a rating: plain-language texts, the FORMATS.md JSON and the bulk digest.
#include <cstdlib>

#include <fmt/format.h>

#include "common/json.h"
#include "rating/rating.h"

namespace credence::rating {
namespace {

std::string ChineseDate(Date date) {
  return fmt::format("{}年{}月{}日", date.year(), date.month(), date.day());
}

std::string EnglishDate(Date date) {
  static constexpr std::string_view kMonths[] = {"January",   "February", "March",    "April",
                                                 "May",       "June",     "July",     "August",
                                                 "September", "October",  "November", "December"};
  return fmt::format("{} {} {}", date.day(), kMonths[date.month() - 1], date.year());
}

// Replaces each {name} of a policy text with value(name); the loader checked the names.
template <typename Value>
std::string Fill(std::string_view text, Value value) {
  std::string out;
  out.reserve(text.size() + 32);
  size_t at = 0;
  while (at < text.size()) {
    size_t open = text.find('{', at);
    size_t close = open == std::string_view::npos ? open : text.find('}', open);
    if (close == std::string_view::npos) {
      out.append(text.substr(at));
      break;
    }
    out.append(text.substr(at, open - at));
    out.append(value(text.substr(open + 1, close - open - 1)));
    at = close + 1;
  }
  return out;
}

void WriteRecord(const std::optional<RecordRef>& record, JsonWriter& writer) {
  writer.Key("record");
  if (!record) {
    writer.Null();
    return;
  }
  writer.StartObject()
      .Field("department", record->department)
      .Field("source_ref", record->source_ref)
      .Field("id", record->id)
      .EndObject();
}

void WriteText(const policy::Text& text, JsonWriter& writer) {
  writer.Key("text").StartObject().Field("zh-CN", text.zh).Field("en", text.en).EndObject();
}

void WriteDate(std::string_view key, const std::optional<Date>& date, JsonWriter& writer) {
  writer.Key(key);
  if (date) {
    writer.String(date->ToString());
  } else {
    writer.Null();
  }
}

}  // namespace

policy::Text ContributionText(const Rating& rating, const Contribution& contribution) {
  const Factor& factor = rating.model->factors()[contribution.factor];
  const policy::Text* department =
      contribution.record ? rating.model->DepartmentName(contribution.record->department) : nullptr;
  auto fill = [&](std::string_view text, bool chinese) {
    return Fill(text, [&](std::string_view name) -> std::string {
      if (name == "points") return std::to_string(std::abs(contribution.points));
      if (name == "years") return std::to_string(contribution.years);
      if (name == "date") {
        if (!contribution.record) return "";
        return chinese ? ChineseDate(contribution.decided_at)
                       : EnglishDate(contribution.decided_at);
      }
      if (name == "department") {
        if (department != nullptr) return chinese ? department->zh : department->en;
        return contribution.record ? contribution.record->department : "";
      }
      return "";
    });
  };
  return {fill(factor.text.zh, true), fill(factor.text.en, false)};
}

policy::Text CapText(const AppliedCap& cap) {
  if (cap.text == nullptr) return {};
  auto level = [&](std::string_view) { return std::string(LevelKey(cap.level)); };
  return {Fill(cap.text->zh, level), Fill(cap.text->en, level)};
}

void WriteRatingJson(const Rating& rating, JsonWriter& writer) {
  const RatingModel& model = *rating.model;
  writer.StartObject()
      .Field("code", rating.code)
      .Field("level", LevelKey(rating.level))
      .Field("score", int64_t{rating.score})
      .Field("model_version", model.version())
      .Field("policy_version", model.policy_version())
      .Field("as_of", rating.as_of.ToString() + "T00:00:00Z")
      .Field("base", int64_t{model.base()});

  writer.Key("contributions").StartArray();
  for (const Contribution& contribution : rating.contributions) {
    writer.StartObject()
        .Field("factor", model.factors()[contribution.factor].key)
        .Field("points", int64_t{contribution.points});
    WriteRecord(contribution.record, writer);
    WriteDate("decided_at",
              contribution.record ? std::optional<Date>(contribution.decided_at) : std::nullopt,
              writer);
    writer.EndObject();
  }
  writer.EndArray();

  writer.Key("top_factors").StartArray();
  for (uint32_t index : rating.top_factors) {
    const Contribution& contribution = rating.contributions[index];
    writer.StartObject()
        .Field("factor", model.factors()[contribution.factor].key)
        .Field("points", int64_t{contribution.points});
    WriteRecord(contribution.record, writer);
    WriteText(ContributionText(rating, contribution), writer);
    writer.EndObject();
  }
  writer.EndArray();

  writer.Key("caps").StartArray();
  for (const AppliedCap& cap : rating.caps) {
    writer.StartObject().Field("rule", cap.rule).Field("level", LevelKey(cap.level));
    WriteText(CapText(cap), writer);
    writer.EndObject();
  }
  writer.EndArray();

  writer.Key("what_if").StartArray();
  for (const WhatIf& what_if : rating.what_if) {
    writer.StartObject();
    WriteRecord(rating.contributions[what_if.contribution].record, writer);
    writer.Field("if", what_if.way == WhatIf::Way::kRestored ? "restored" : "expired")
        .Field("score", int64_t{what_if.score})
        .Field("level", LevelKey(what_if.level));
    WriteDate("expires_on", what_if.expires_on, writer);
    if (what_if.way == WhatIf::Way::kRestored) {
      WriteDate("restorable_from", what_if.restorable_from, writer);
    }
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
}

std::string RatingJson(const Rating& rating) {
  // One writer per thread keeps its buffer: bulk runs write millions of ratings.
  static thread_local JsonWriter writer;
  WriteRatingJson(rating, writer);
  return writer.Take();
}

}  // namespace credence::rating
