#include "policy/policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <system_error>

namespace credence::policy {

std::string_view PolarityKey(Polarity polarity) {
  switch (polarity) {
    case Polarity::kNegative: return "negative";
    case Polarity::kNeutral: return "neutral";
    case Polarity::kPositive: return "positive";
  }
  return "neutral";
}

std::optional<Polarity> ParsePolarity(std::string_view key) {
  if (key == "negative") return Polarity::kNegative;
  if (key == "neutral") return Polarity::kNeutral;
  if (key == "positive") return Polarity::kPositive;
  return std::nullopt;
}

std::string_view TierKey(Tier tier) {
  switch (tier) {
    case Tier::kNone: return "";
    case Tier::kMinor: return "minor";
    case Tier::kGeneral: return "general";
    case Tier::kSerious: return "serious";
  }
  return "";
}

std::optional<Tier> ParseTier(std::string_view key) {
  if (key.empty() || key == "none") return Tier::kNone;
  if (key == "minor") return Tier::kMinor;
  if (key == "general") return Tier::kGeneral;
  if (key == "serious") return Tier::kSerious;
  return std::nullopt;
}

const TierPeriod* PublicityRule::ForTier(Tier tier) const {
  for (const TierPeriod& period : periods) {
    if (period.tier == tier) return &period;
  }
  return nullptr;
}

namespace {

// Separators between several penalty categories in one field, as departments write them.
constexpr std::string_view kCategorySeparators[] = {";", "；", ",", "，", "、", " ", "\t", "　"};

// Length of the separator at the start of text, or 0.
size_t SeparatorAt(std::string_view text) {
  for (std::string_view separator : kCategorySeparators) {
    if (text.starts_with(separator)) return separator.size();
  }
  return 0;
}

}  // namespace

bool PublicityRule::IsUnpublishedCategory(std::string_view penalty_category) const {
  if (unpublished_categories.empty()) return false;
  bool any_part = false;
  size_t pos = 0;
  while (pos < penalty_category.size()) {
    if (size_t skip = SeparatorAt(penalty_category.substr(pos)); skip > 0) {
      pos += skip;
      continue;
    }
    size_t end = pos;
    while (end < penalty_category.size() && SeparatorAt(penalty_category.substr(end)) == 0) ++end;
    std::string_view part = penalty_category.substr(pos, end - pos);
    any_part = true;
    if (std::find(unpublished_categories.begin(), unpublished_categories.end(), part) ==
        unpublished_categories.end()) {
      return false;
    }
    pos = end;
  }
  return any_part;
}

bool RecordKind::AllowsSubject(SubjectKind subject) const {
  return std::find(subject_kinds.begin(), subject_kinds.end(), subject) != subject_kinds.end();
}

void Catalog::BuildIndexes() {
  auto index = [](const auto& items, KeyIndex& out) {
    out.clear();
    out.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) out.emplace(items[i].key, static_cast<uint32_t>(i));
  };
  std::stable_sort(categories_.begin(), categories_.end(),
                   [](const Category& a, const Category& b) { return a.order < b.order; });
  index(categories_, category_index_);
  index(kinds_, kind_index_);
  index(departments_, department_index_);
  index(publicity_rules_, rule_index_);

  permitted_.assign(kinds_.size() * departments_.size(), false);
  for (size_t kind_idx = 0; kind_idx < kinds_.size(); ++kind_idx) {
    for (const std::string& department : kinds_[kind_idx].departments) {
      if (auto it = department_index_.find(department); it != department_index_.end()) {
        permitted_[kind_idx * departments_.size() + it->second] = true;
      }
    }
  }
}

const Category* Catalog::FindCategory(std::string_view key) const {
  auto it = category_index_.find(key);
  return it == category_index_.end() ? nullptr : &categories_[it->second];
}

const RecordKind* Catalog::FindKind(std::string_view key) const {
  auto it = kind_index_.find(key);
  return it == kind_index_.end() ? nullptr : &kinds_[it->second];
}

const Department* Catalog::FindDepartment(std::string_view key) const {
  auto it = department_index_.find(key);
  return it == department_index_.end() ? nullptr : &departments_[it->second];
}

const PublicityRule* Catalog::FindPublicityRule(std::string_view key) const {
  auto it = rule_index_.find(key);
  return it == rule_index_.end() ? nullptr : &publicity_rules_[it->second];
}

bool Catalog::MaySubmit(std::string_view department, std::string_view kind) const {
  auto kind_it = kind_index_.find(kind);
  if (kind_it == kind_index_.end()) return false;
  auto department_it = department_index_.find(department);
  if (department_it == department_index_.end()) return false;
  return permitted_[kind_it->second * departments_.size() + department_it->second];
}

bool Catalog::IsPublic(const RecordKind& kind, SubjectKind subject) const {
  return IsNaturalPerson(subject) ? kind.public_natural_person : kind.public_legal_person;
}

PublicityWindow Catalog::Window(const RecordKind& kind, Tier tier, Date decided,
                                std::string_view penalty_category) const {
  PublicityWindow window;
  window.start = decided;

  const PublicityRule* rule =
      kind.publicity_rule.empty() ? nullptr : FindPublicityRule(kind.publicity_rule);
  if (rule == nullptr) return window;  // public while in force, no window

  Tier effective_tier = Tier::kNone;
  if (kind.tiered) effective_tier = tier == Tier::kNone ? kind.default_tier : tier;
  const TierPeriod* period = rule->ForTier(effective_tier);
  if (period == nullptr) period = rule->ForTier(kind.default_tier);
  if (period == nullptr) return window;  // validation prevents this; be public, not silent

  window.published = period->published && !rule->IsUnpublishedCategory(penalty_category);
  if (kind.restorable) window.min_end = decided.AddMonths(period->min_months);
  if (period->max_months > 0) window.max_end = decided.AddMonths(period->max_months);
  return window;
}

std::optional<SubjectKind> Catalog::SubjectKindForOrgType(std::string_view type2) const {
  auto it = org_types_.find(type2);
  if (it == org_types_.end()) return std::nullopt;
  return it->second;
}

const JsonValue* Catalog::extension(std::string_view table) const {
  auto it = extensions_.find(table);
  return it == extensions_.end() ? nullptr : &it->second;
}

std::span<const ExtensionPart> Catalog::extension_parts(std::string_view table) const {
  auto it = extension_parts_.find(table);
  if (it == extension_parts_.end()) return {};
  return it->second;
}

std::filesystem::path DefaultPolicyDir() {
  if (const char* env = std::getenv("CREDENCE_POLICY_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  std::error_code ignored;
  if (std::filesystem::is_regular_file("policy/catalog.toml", ignored)) return "policy";
  return std::filesystem::path(CREDENCE_SOURCE_DIR) / "policy";
}

void ExtensionProblems::Add(std::string_view reason, std::string_view file, std::string_view path,
                            std::string_view what) {
  errors_.push_back(
      Error::InvalidArgument(std::string(reason), fmt::format("{}: {}: {}", file, path, what)));
}

Error ExtensionProblems::ToError(std::string_view owner, std::string_view subject) && {
  Error error = Error::InvalidArgument(
      "invalid_policy", fmt::format("{}: {} problem{} in the {}", owner, errors_.size(),
                                    errors_.size() == 1 ? "" : "s", subject));
  for (Error& detail : errors_) error.AddDetail(std::move(detail));
  return error;
}

}  // namespace credence::policy
