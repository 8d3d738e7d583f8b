// Loading and validating the rating models from the policy's [rating_model] table.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "rating/rating.h"
#include "rating/rating_internal.h"

namespace credence::rating {
namespace {

using policy::Catalog;
using policy::SubjectKind;
using policy::Text;
using policy::Tier;

constexpr std::string_view kRoot = "rating_model";
constexpr int kMaxPoints = 100000;
constexpr size_t kMaxCaps = 32;  // a rating keeps the triggered rules in a 32-bit mask

// Every problem found, each naming the file and the key.
class Problems {
 public:
  explicit Problems(const Catalog& catalog) : catalog_(catalog) {}

  // path is the full dotted key, e.g. "rating_model.models.enterprise.base".
  void Add(std::string_view reason, std::string_view path, std::string_view what) {
    errors_.push_back(Error::InvalidArgument(std::string(reason),
                                             fmt::format("{}: {}: {}", FileOf(path), path, what)));
  }
  bool empty() const { return errors_.empty(); }

  Error ToError() && {
    Error error = Error::InvalidArgument(
        "invalid_policy", fmt::format("rating policy: {} problem{} in the rating models",
                                      errors_.size(), errors_.size() == 1 ? "" : "s"));
    for (Error& detail : errors_) error.AddDetail(std::move(detail));
    return error;
  }

 private:
  // The file that sets the entry under [rating_model] the path starts with.
  std::string FileOf(std::string_view path) const {
    std::span<const policy::ExtensionPart> parts = catalog_.extension_parts(kRoot);
    if (parts.empty()) return "policy";
    std::string_view rest = path.substr(std::min(path.size(), kRoot.size() + 1));
    std::string_view top = rest.substr(0, rest.find('.'));
    for (const policy::ExtensionPart& part : parts) {
      if (part.value.is_object() && part.value.Find(top) != nullptr) return part.file;
    }
    return parts.front().file;
  }

  const Catalog& catalog_;
  std::vector<Error> errors_;
};

std::string Quoted(std::string_view text) { return fmt::format("\"{}\"", text); }

std::string_view TypeName(const JsonValue& value) {
  switch (value.type()) {
    case JsonValue::Type::kNull: return "nothing";
    case JsonValue::Type::kBool: return "a boolean";
    case JsonValue::Type::kInt: return "an integer";
    case JsonValue::Type::kDouble: return "a decimal number";
    case JsonValue::Type::kString: return "a string";
    case JsonValue::Type::kArray: return "an array";
    case JsonValue::Type::kObject: return "a table";
  }
  return "?";
}

// Reads one table's keys, reporting wrong types, missing keys and, at Finish, unknown keys.
class TableReader {
 public:
  TableReader(const JsonValue& table, std::string path, Problems& problems)
      : table_(table), path_(std::move(path)), problems_(problems) {}

  const std::string& path() const { return path_; }
  std::string PathOf(std::string_view key) const { return fmt::format("{}.{}", path_, key); }

  // The member, marked as read; nullptr (and reported when required) when absent.
  const JsonValue* Get(std::string_view key, bool required) {
    read_.insert(std::string(key));
    const JsonValue* value = table_.Find(key);
    if (value == nullptr && required) problems_.Add("missing", PathOf(key), "is required");
    return value;
  }
  bool Has(std::string_view key) const { return table_.Find(key) != nullptr; }

  std::optional<std::string> String(std::string_view key, bool required) {
    const JsonValue* value = Get(key, required);
    if (value == nullptr) return std::nullopt;
    if (!value->is_string() || value->as_string().empty()) {
      problems_.Add("type", PathOf(key),
                    fmt::format("must be a non-empty string, not {}", TypeName(*value)));
      return std::nullopt;
    }
    return value->as_string();
  }

  std::optional<int64_t> Int(std::string_view key, bool required, int64_t min, int64_t max) {
    const JsonValue* value = Get(key, required);
    if (value == nullptr) return std::nullopt;
    return IntValue(*value, PathOf(key), min, max);
  }

  std::optional<int64_t> IntValue(const JsonValue& value, const std::string& path, int64_t min,
                                  int64_t max) {
    if (value.type() != JsonValue::Type::kInt) {
      problems_.Add("type", path, fmt::format("must be an integer, not {}", TypeName(value)));
      return std::nullopt;
    }
    if (value.as_int() < min || value.as_int() > max) {
      problems_.Add("range", path, fmt::format("{} is outside {}..{}", value.as_int(), min, max));
      return std::nullopt;
    }
    return value.as_int();
  }

  std::optional<bool> Bool(std::string_view key) {
    const JsonValue* value = Get(key, false);
    if (value == nullptr) return std::nullopt;
    if (!value->is_bool()) {
      problems_.Add("type", PathOf(key),
                    fmt::format("must be true or false, not {}", TypeName(*value)));
      return std::nullopt;
    }
    return value->as_bool();
  }

  std::optional<std::vector<std::string>> Strings(std::string_view key, bool required) {
    const JsonValue* value = Get(key, required);
    if (value == nullptr) return std::nullopt;
    if (!value->is_array() || value->as_array().empty()) {
      problems_.Add("type", PathOf(key), "must be a non-empty array of strings");
      return std::nullopt;
    }
    std::vector<std::string> strings;
    for (const JsonValue& item : value->as_array()) {
      if (!item.is_string() || item.as_string().empty()) {
        problems_.Add("type", PathOf(key), "must be a non-empty array of strings");
        return std::nullopt;
      }
      strings.push_back(item.as_string());
    }
    return strings;
  }

  // A bilingual text whose placeholders are among allowed.
  std::optional<Text> BilingualText(std::string_view key, bool required,
                                    std::span<const std::string_view> allowed) {
    const JsonValue* value = Get(key, required);
    if (value == nullptr) return std::nullopt;
    if (!value->is_object()) {
      problems_.Add("type", PathOf(key), "must be a table { zh = \"…\", en = \"…\" }");
      return std::nullopt;
    }
    TableReader text(*value, PathOf(key), problems_);
    std::optional<std::string> zh = text.String("zh", true);
    std::optional<std::string> en = text.String("en", true);
    text.Finish();
    bool ok = zh && en;
    if (zh) ok = CheckPlaceholders(*zh, text.PathOf("zh"), allowed) && ok;
    if (en) ok = CheckPlaceholders(*en, text.PathOf("en"), allowed) && ok;
    if (!ok) return std::nullopt;
    return Text{std::move(*zh), std::move(*en)};
  }

  bool CheckPlaceholders(std::string_view text, const std::string& path,
                         std::span<const std::string_view> allowed) {
    size_t pos = 0;
    while ((pos = text.find_first_of("{}", pos)) != std::string_view::npos) {
      size_t close = text[pos] == '{' ? text.find('}', pos) : std::string_view::npos;
      if (close == std::string_view::npos) {
        problems_.Add("placeholder", path,
                      fmt::format("unbalanced brace at byte {} (placeholders are {{name}})", pos));
        return false;
      }
      std::string_view name = text.substr(pos + 1, close - pos - 1);
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        std::string names;
        for (std::string_view a : allowed)
          names += fmt::format("{}{{{}}}", names.empty() ? "" : " ", a);
        problems_.Add("placeholder", path,
                      fmt::format("unknown placeholder {{{}}} (allowed here: {})", name,
                                  names.empty() ? "none" : names));
        return false;
      }
      pos = close + 1;
    }
    return true;
  }

  // Reports keys that were never read.
  void Finish() {
    if (!table_.is_object()) return;
    for (const auto& [key, value] : table_.as_object()) {
      if (!read_.contains(key)) problems_.Add("unknown_key", PathOf(key), "unknown key");
    }
  }

 private:
  const JsonValue& table_;
  std::string path_;
  Problems& problems_;
  std::set<std::string, std::less<>> read_;
};

constexpr std::string_view kRecordPlaceholders[] = {"date", "points", "department"};
constexpr std::string_view kFeaturePlaceholders[] = {"points", "years"};
constexpr std::string_view kCapPlaceholders[] = {"level"};

struct FeatureName {
  std::string_view key;
  Feature feature;
};
constexpr FeatureName kFeatures[] = {
    {"years_in_operation", Feature::kYearsInOperation},
    {"file.registration", Feature::kFileRegistration},
    {"file.legal_representative", Feature::kFileLegalRepresentative},
    {"file.industry", Feature::kFileIndustry},
};

// '*' matches any run of characters (including none); everything else matches itself.
bool GlobMatches(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

bool ListPatternMatches(std::string_view pattern, std::string_view list) {
  return GlobMatches(pattern, list);
}

// Builds RatingModels from the policy; friend of the model classes.
class ModelBuilder {
 public:
  explicit ModelBuilder(const Catalog& catalog) : catalog_(catalog), problems_(catalog) {}

  Result<RatingModels> Build() {
    const JsonValue* root = catalog_.extension(kRoot);
    if (root == nullptr || !root->is_object()) {
      problems_.Add("missing", kRoot,
                    root == nullptr ? "no rating model in the policy (see policy/rating.toml)"
                                    : "must be a table [rating_model]");
      return Fail(std::move(problems_).ToError());
    }
    TableReader reader(*root, std::string(kRoot), problems_);
    ReadFactors(reader);
    ReadCaps(reader);
    ReadAPlus(reader);
    ReadModels(reader);
    reader.Finish();
    CheckListPatterns();
    if (!problems_.empty()) return Fail(std::move(problems_).ToError());
    return std::move(models_);
  }

 private:
  struct KindMatch {
    enum class Mode : uint8_t { kAny, kTier, kField } mode = Mode::kAny;
    std::string field;
    std::string first_factor;
    bool latest_only = false;
  };

  // --- factors ---

  void ReadFactors(TableReader& root) {
    const JsonValue* list = root.Get("factor", true);
    if (list == nullptr) return;
    if (!list->is_array()) {
      problems_.Add("type", root.PathOf("factor"), "must be written as [[rating_model.factor]]");
      return;
    }
    std::map<std::string, KindMatch, std::less<>> kinds;
    std::set<std::string, std::less<>> matches;  // "kind|mode|value", to find duplicates
    for (size_t i = 0; i < list->as_array().size(); ++i) {
      const JsonValue& item = list->as_array()[i];
      std::string path = fmt::format("{}.factor[{}]", kRoot, i);
      if (!item.is_object()) {
        problems_.Add("type", path, "must be a table");
        continue;
      }
      TableReader reader(item, path, problems_);
      std::optional<std::string> key = reader.String("key", true);
      if (key) path = fmt::format("{}.factor.{}", kRoot, *key);
      TableReader factor_reader(item, path, problems_);
      factor_reader.Get("key", true);
      std::optional<Factor> factor = ReadFactor(factor_reader, key, kinds, matches);
      factor_reader.Finish();
      if (!factor) {
        // Reported already: uses of the factor are not reported again.
        if (key) invalid_.insert(*key);
        continue;
      }
      if (factor_index_.contains(factor->key)) {
        problems_.Add("duplicate", path, "is defined twice");
        continue;
      }
      factor_index_.emplace(factor->key, factors_.size());
      factors_.push_back(std::move(*factor));
    }
    for (const auto& [kind, match] : kinds) {
      if (match.mode == KindMatch::Mode::kField) {
        models_.match_fields_.emplace_back(kind, match.field);
      }
    }
  }

  std::optional<Factor> ReadFactor(TableReader& reader, const std::optional<std::string>& key,
                                   std::map<std::string, KindMatch, std::less<>>& kinds,
                                   std::set<std::string, std::less<>>& matches) {
    Factor factor;
    bool ok = key.has_value();
    if (key) factor.key = *key;
    const bool has_kind = reader.Has("kind");
    const bool has_feature = reader.Has("feature");
    if (has_kind == has_feature) {
      reader.Get("kind", false);
      reader.Get("feature", false);
      problems_.Add(has_kind ? "invalid" : "missing", reader.path(),
                    has_kind ? "has both a kind and a feature: choose one"
                             : "needs a kind (a record factor) or a feature");
      return std::nullopt;
    }
    std::optional<std::string> kind_key = reader.String("kind", false);
    std::optional<std::string> feature_key = reader.String("feature", false);
    if (feature_key) {
      auto found = std::find_if(std::begin(kFeatures), std::end(kFeatures),
                                [&](const FeatureName& f) { return f.key == *feature_key; });
      if (found == std::end(kFeatures)) {
        problems_.Add("unknown_reference", reader.PathOf("feature"),
                      fmt::format("unknown feature {} (known: years_in_operation, "
                                  "file.registration, file.legal_representative, file.industry)",
                                  Quoted(*feature_key)));
        ok = false;
      } else {
        factor.feature = found->feature;
      }
      for (std::string_view record_only : {"tier", "field", "value", "decay", "window_months",
                                           "include_unpublished", "latest_only", "while_listed"}) {
        if (reader.Has(record_only)) {
          reader.Get(record_only, false);
          problems_.Add("invalid", reader.PathOf(record_only), "applies to record factors only");
          ok = false;
        }
      }
      std::optional<Text> text = reader.BilingualText("text", true, kFeaturePlaceholders);
      if (!text || !ok) return std::nullopt;
      factor.text = std::move(*text);
      return factor;
    }
    if (!kind_key) return std::nullopt;
    const policy::RecordKind* kind = catalog_.FindKind(*kind_key);
    if (kind == nullptr) {
      problems_.Add("unknown_reference", reader.PathOf("kind"),
                    fmt::format("unknown record kind {}", Quoted(*kind_key)));
      return std::nullopt;
    }
    factor.kind = *kind_key;
    if (key && *key != factor.kind && !key->starts_with(factor.kind + ".")) {
      problems_.Add(
          "invalid", reader.PathOf("key"),
          fmt::format("must be {} or start with \"{}.\"", Quoted(factor.kind), factor.kind));
      ok = false;
    }

    KindMatch match;
    std::string match_value;
    if (std::optional<std::string> tier = reader.String("tier", false)) {
      std::optional<Tier> parsed = policy::ParseTier(*tier);
      if (!parsed || *parsed == Tier::kNone) {
        problems_.Add("invalid", reader.PathOf("tier"),
                      fmt::format("{} is not minor, general or serious", Quoted(*tier)));
        ok = false;
      } else if (!kind->tiered) {
        problems_.Add("invalid", reader.PathOf("tier"),
                      fmt::format("record kind {} has no tiers", Quoted(factor.kind)));
        ok = false;
      } else {
        factor.tier = *parsed;
        match.mode = KindMatch::Mode::kTier;
        match_value = *tier;
      }
    }
    std::optional<std::string> field = reader.String("field", false);
    std::optional<std::string> value = reader.String("value", false);
    if (field.has_value() != value.has_value()) {
      if (!(reader.Has("field") && reader.Has("value"))) {
        problems_.Add("missing", reader.path(), "field and value go together");
      }
      ok = false;
    } else if (field) {
      if (match.mode == KindMatch::Mode::kTier) {
        problems_.Add("invalid", reader.path(), "matches on a tier or a field, not both");
        ok = false;
      }
      factor.field = *field;
      factor.value = *value;
      match.mode = KindMatch::Mode::kField;
      match.field = *field;
      match_value = *value;
    }

    if (std::optional<std::string> decay = reader.String("decay", false)) {
      if (*decay == "linear") {
        factor.decay = Decay::kLinear;
      } else if (*decay != "none") {
        problems_.Add("invalid", reader.PathOf("decay"),
                      fmt::format("{} is not \"linear\" or \"none\"", Quoted(*decay)));
        ok = false;
      }
    }
    if (std::optional<int64_t> months = reader.Int("window_months", false, 1, 1200)) {
      factor.window_months = static_cast<int>(*months);
    } else if (reader.Has("window_months")) {
      ok = false;
    }
    factor.include_unpublished = reader.Bool("include_unpublished").value_or(false);
    factor.latest_only = reader.Bool("latest_only").value_or(false);
    match.latest_only = factor.latest_only;
    factor.while_listed = reader.Bool("while_listed").value_or(false);
    if (factor.while_listed && !FeedsAList(factor.kind)) {
      problems_.Add("invalid", reader.PathOf("while_listed"),
                    fmt::format("no list of the lists policy is fed by records of kind {}: they "
                                "would never count",
                                Quoted(factor.kind)));
      ok = false;
    }
    if (factor.decay == Decay::kLinear && factor.window_months == 0 &&
        !EveryRecordHasPublicityEnd(*kind, factor.tier)) {
      problems_.Add("missing", reader.PathOf("window_months"),
                    fmt::format("linear decay needs window_months: records of kind {} have no "
                                "publicity end",
                                Quoted(factor.kind)));
      ok = false;
    }
    std::optional<Text> text = reader.BilingualText("text", true, kRecordPlaceholders);
    if (!text) return std::nullopt;
    factor.text = std::move(*text);
    if (!ok) return std::nullopt;

    // One way of matching per kind, and no two factors for the same records.
    match.first_factor = factor.key;
    auto [it, inserted] = kinds.emplace(factor.kind, match);
    if (!inserted) {
      const KindMatch& first = it->second;
      if (first.mode != match.mode || first.field != match.field) {
        problems_.Add("invalid", reader.path(),
                      fmt::format("matches records of {} differently from {}: all factors of a "
                                  "kind match on the same tier or field",
                                  Quoted(factor.kind), Quoted(first.first_factor)));
        return std::nullopt;
      }
      if (first.latest_only != match.latest_only) {
        problems_.Add("invalid", reader.PathOf("latest_only"),
                      fmt::format("differs from {}: all factors of a kind are latest_only or none",
                                  Quoted(first.first_factor)));
        return std::nullopt;
      }
    }
    std::string match_key = fmt::format("{}|{}", factor.kind, match_value);
    if (!matches.insert(match_key).second) {
      problems_.Add(
          "duplicate", reader.path(),
          fmt::format("another factor already matches these records of {}", Quoted(factor.kind)));
      return std::nullopt;
    }
    return factor;
  }

  // Whether a list of the lists policy ([[list]] kinds) takes records of this kind.
  bool FeedsAList(std::string_view kind) const {
    const JsonValue* lists = catalog_.extension("list");
    if (lists == nullptr || !lists->is_array()) return false;
    for (const JsonValue& list : lists->as_array()) {
      const JsonValue* kinds = list.Find("kinds");
      if (kinds == nullptr || !kinds->is_array()) continue;
      for (const JsonValue& each : kinds->as_array()) {
        if (each.is_string() && each.as_string() == kind) return true;
      }
    }
    return false;
  }

  bool EveryRecordHasPublicityEnd(const policy::RecordKind& kind, Tier tier) const {
    const Date any_day = Date::FromCivil(2024, 1, 1).value();
    if (!kind.tiered || tier != Tier::kNone) {
      return catalog_.Window(kind, tier, any_day).max_end.has_value();
    }
    for (Tier each : policy::kAllTiers) {
      if (!catalog_.Window(kind, each, any_day).max_end.has_value()) return false;
    }
    return true;
  }

  // --- caps and A+ ---

  struct CapDefinition {
    CapRule rule;  // level unset
    std::vector<std::string> factor_keys;
    std::string path;
  };

  void ReadCaps(TableReader& root) {
    const JsonValue* list = root.Get("cap", false);
    if (list == nullptr) return;
    if (!list->is_array()) {
      problems_.Add("type", root.PathOf("cap"), "must be written as [[rating_model.cap]]");
      return;
    }
    for (size_t i = 0; i < list->as_array().size(); ++i) {
      const JsonValue& item = list->as_array()[i];
      std::string path = fmt::format("{}.cap[{}]", kRoot, i);
      if (!item.is_object()) {
        problems_.Add("type", path, "must be a table");
        continue;
      }
      std::optional<std::string> key = TableReader(item, path, problems_).String("key", true);
      if (key) path = fmt::format("{}.cap.{}", kRoot, *key);
      TableReader reader(item, path, problems_);
      reader.Get("key", true);
      CapDefinition cap;
      cap.path = path;
      bool ok = key.has_value();
      if (key) cap.rule.key = *key;
      if (reader.Has("on_list") == reader.Has("factors")) {
        problems_.Add("missing", path, "needs on_list or factors (one of them)");
        ok = false;
      }
      if (reader.Has("on_list")) {
        if (auto patterns = reader.Strings("on_list", true)) {
          cap.rule.on_list = std::move(*patterns);
          for (const std::string& pattern : cap.rule.on_list) {
            patterns_.push_back({pattern, reader.PathOf("on_list")});
          }
        } else {
          ok = false;
        }
        if (reader.Has("within_months")) {
          reader.Get("within_months", false);
          problems_.Add("invalid", reader.PathOf("within_months"),
                        "applies to rules on factors only");
          ok = false;
        }
      }
      if (reader.Has("factors")) {
        if (auto keys = reader.Strings("factors", true)) {
          for (const std::string& factor : *keys) {
            auto found = factor_index_.find(factor);
            if (invalid_.contains(factor)) {
              ok = false;
            } else if (found == factor_index_.end() || factors_[found->second].kind.empty()) {
              problems_.Add("unknown_reference", reader.PathOf("factors"),
                            fmt::format("{} is not a record factor", Quoted(factor)));
              ok = false;
            }
          }
          cap.factor_keys = std::move(*keys);
        } else {
          ok = false;
        }
        if (auto months = reader.Int("within_months", false, 1, 1200)) {
          cap.rule.within_months = static_cast<int>(*months);
        }
      }
      std::optional<Text> text = reader.BilingualText("text", true, kCapPlaceholders);
      reader.Finish();
      if (!text || !ok) {
        if (key) invalid_.insert("cap:" + *key);
        continue;
      }
      cap.rule.text = std::move(*text);
      if (caps_.contains(cap.rule.key)) {
        problems_.Add("duplicate", path, "is defined twice");
        continue;
      }
      caps_.emplace(cap.rule.key, std::move(cap));
    }
  }

  void ReadAPlus(TableReader& root) {
    const JsonValue* table = root.Get("a_plus", true);
    if (table == nullptr) return;
    if (!table->is_object()) {
      problems_.Add("type", root.PathOf("a_plus"), "must be a table [rating_model.a_plus]");
      return;
    }
    TableReader reader(*table, root.PathOf("a_plus"), problems_);
    clean_years_ = static_cast<int>(reader.Int("clean_years", true, 1, 100).value_or(5));
    if (auto patterns = reader.Strings("on_list", true)) {
      a_plus_lists_ = std::move(*patterns);
      for (const std::string& pattern : a_plus_lists_) {
        patterns_.push_back({pattern, reader.PathOf("on_list")});
      }
    }
    a_plus_clean_text_ = reader.BilingualText("clean_text", true, {}).value_or(Text{});
    a_plus_list_text_ = reader.BilingualText("list_text", true, {}).value_or(Text{});
    reader.Finish();
  }

  // --- models ---

  void ReadModels(TableReader& root) {
    const JsonValue* models = root.Get("models", true);
    if (models == nullptr) return;
    if (!models->is_object() || models->as_object().empty()) {
      problems_.Add("type", root.PathOf("models"),
                    "must hold at least one [rating_model.models.NAME] table");
      return;
    }
    std::map<SubjectKind, std::string> kind_owner;
    std::set<std::string, std::less<>> versions;
    for (const auto& [name, table] : models->as_object()) {
      std::string path = root.PathOf("models") + "." + name;
      if (!table.is_object()) {
        problems_.Add("type", path, "must be a table");
        continue;
      }
      TableReader reader(table, path, problems_);
      RatingModel model;
      if (ReadModel(name, reader, model)) {
        for (SubjectKind kind : model.subject_kinds_) {
          auto [it, inserted] = kind_owner.emplace(kind, name);
          if (!inserted) {
            problems_.Add("duplicate", reader.PathOf("subject_kinds"),
                          fmt::format("{} is already rated by model {}",
                                      Quoted(policy::SubjectKindKey(kind)), Quoted(it->second)));
          }
        }
        if (!versions.insert(model.version_).second) {
          problems_.Add("duplicate", reader.PathOf("version"),
                        fmt::format("{} is the version of another model", Quoted(model.version_)));
        }
        models_.models_.push_back(std::move(model));
      }
      reader.Finish();
    }
  }

  bool ReadModel(const std::string& name, TableReader& reader, RatingModel& model) {
    bool ok = true;
    model.key_ = name;
    model.policy_version_ = catalog_.version();
    model.version_ = reader.String("version", true).value_or("");
    ok = !model.version_.empty() && ok;
    if (auto text = reader.BilingualText("name", true, {})) {
      model.name_ = std::move(*text);
    } else {
      ok = false;
    }
    if (auto kinds = reader.Strings("subject_kinds", true)) {
      for (const std::string& key : *kinds) {
        std::optional<SubjectKind> kind = policy::ParseSubjectKind(key);
        if (!kind) {
          problems_.Add("unknown_reference", reader.PathOf("subject_kinds"),
                        fmt::format("unknown subject kind {}", Quoted(key)));
          ok = false;
        } else if (std::find(model.subject_kinds_.begin(), model.subject_kinds_.end(), *kind) ==
                   model.subject_kinds_.end()) {
          model.subject_kinds_.push_back(*kind);
        }
      }
    } else {
      ok = false;
    }
    std::optional<int64_t> min_score = reader.Int("min_score", true, -kMaxPoints, kMaxPoints);
    std::optional<int64_t> max_score = reader.Int("max_score", true, -kMaxPoints, kMaxPoints);
    std::optional<int64_t> base = reader.Int("base", true, -kMaxPoints, kMaxPoints);
    if (!min_score || !max_score || !base) return false;
    if (*min_score >= *max_score) {
      problems_.Add("range", reader.PathOf("max_score"), "must be above min_score");
      return false;
    }
    if (*base < *min_score || *base > *max_score) {
      problems_.Add("range", reader.PathOf("base"), "must lie within min_score..max_score");
      ok = false;
    }
    model.min_score_ = static_cast<int32_t>(*min_score);
    model.max_score_ = static_cast<int32_t>(*max_score);
    model.base_ = static_cast<int32_t>(*base);
    ok = ReadLevels(reader, model) && ok;
    ok = ReadPoints(reader, model) && ok;
    ok = ReadYears(reader, model) && ok;
    ok = ReadModelCaps(reader, model) && ok;
    model.clean_years_ = clean_years_;
    model.a_plus_lists_ = a_plus_lists_;
    model.a_plus_clean_text_ = a_plus_clean_text_;
    model.a_plus_list_text_ = a_plus_list_text_;
    for (const policy::Department& department : catalog_.departments()) {
      model.departments_.emplace(department.key, department.name);
    }
    if (ok) BuildKindRules(model);
    return ok;
  }

  bool ReadLevels(TableReader& reader, RatingModel& model) {
    const JsonValue* levels = reader.Get("levels", true);
    if (levels == nullptr) return false;
    std::string path = reader.PathOf("levels");
    if (!levels->is_object()) {
      problems_.Add("type", path, "must be a table { \"A+\" = …, A = …, B = …, C = …, D = … }");
      return false;
    }
    TableReader level_reader(*levels, path, problems_);
    bool ok = true;
    std::optional<int32_t> previous;
    for (Level level : kAllLevels) {
      std::string_view key = LevelKey(level);
      std::optional<int64_t> min = level_reader.Int(key, true, model.min_score_, model.max_score_);
      if (!min) {
        ok = false;
        continue;
      }
      model.level_min_[static_cast<int>(level)] = static_cast<int32_t>(*min);
      if (previous && *min >= *previous) {
        problems_.Add("range", level_reader.PathOf(key),
                      "must be below the minimum of the level above it");
        ok = false;
      }
      previous = static_cast<int32_t>(*min);
    }
    if (ok && model.level_min_[static_cast<int>(Level::kD)] != model.min_score_) {
      problems_.Add("range", level_reader.PathOf("D"),
                    "must equal min_score, so that every score has a level");
      ok = false;
    }
    level_reader.Finish();
    return ok;
  }

  bool ReadPoints(TableReader& reader, RatingModel& model) {
    const JsonValue* points = reader.Get("points", true);
    if (points == nullptr) return false;
    std::string path = reader.PathOf("points");
    if (!points->is_object()) {
      problems_.Add("type", path, "must be a table of factor = points");
      return false;
    }
    bool person = std::find(model.subject_kinds_.begin(), model.subject_kinds_.end(),
                            SubjectKind::kPerson) != model.subject_kinds_.end();
    bool ok = true;
    std::map<size_t, int32_t> scored;  // library index → points
    for (const auto& [key, value] : points->as_object()) {
      std::string factor_path = fmt::format("{}.\"{}\"", path, key);
      auto found = factor_index_.find(key);
      if (invalid_.contains(key)) {
        ok = false;
        continue;
      }
      if (found == factor_index_.end()) {
        problems_.Add("unknown_reference", factor_path, "unknown factor");
        ok = false;
        continue;
      }
      const Factor& factor = factors_[found->second];
      if (factor.feature == Feature::kYearsInOperation) {
        problems_.Add("invalid", factor_path, "is scored by years_in_operation");
        ok = false;
        continue;
      }
      std::optional<int64_t> amount = reader.IntValue(value, factor_path, -kMaxPoints, kMaxPoints);
      if (!amount) {
        ok = false;
        continue;
      }
      if (!factor.kind.empty()) {
        const policy::RecordKind* kind = catalog_.FindKind(factor.kind);
        bool any = false;
        for (SubjectKind subject : model.subject_kinds_) any = any || kind->AllowsSubject(subject);
        if (person && !kind->AllowsSubject(SubjectKind::kPerson)) {
          problems_.Add(
              "not_allowed", factor_path,
              fmt::format("record kind {} is not collected about persons", Quoted(factor.kind)));
          ok = false;
          continue;
        }
        if (!any) {
          problems_.Add("not_allowed", factor_path,
                        fmt::format("record kind {} is not collected about this model's subjects",
                                    Quoted(factor.kind)));
          ok = false;
          continue;
        }
      }
      scored.emplace(found->second, static_cast<int32_t>(*amount));
    }
    // Records first, then features, each in library order.
    for (bool features : {false, true}) {
      for (const auto& [index, amount] : scored) {
        if ((factors_[index].feature != Feature::kNone) != features) continue;
        Factor factor = factors_[index];
        factor.points = amount;
        model.factors_.push_back(std::move(factor));
      }
    }
    return ok;
  }

  bool ReadYears(TableReader& reader, RatingModel& model) {
    const JsonValue* steps = reader.Get("years_in_operation", false);
    if (steps == nullptr) return true;
    std::string path = reader.PathOf("years_in_operation");
    if (!steps->is_array() || steps->as_array().empty()) {
      problems_.Add("type", path, "must be a non-empty array of { min_years, points }");
      return false;
    }
    bool ok = true;
    for (size_t i = 0; i < steps->as_array().size(); ++i) {
      const JsonValue& item = steps->as_array()[i];
      std::string step_path = fmt::format("{}[{}]", path, i);
      if (!item.is_object()) {
        problems_.Add("type", step_path, "must be a table { min_years, points }");
        ok = false;
        continue;
      }
      TableReader step(item, step_path, problems_);
      std::optional<int64_t> years = step.Int("min_years", true, 0, 200);
      std::optional<int64_t> points = step.Int("points", true, -kMaxPoints, kMaxPoints);
      step.Finish();
      if (!years || !points) {
        ok = false;
        continue;
      }
      if (!model.years_.empty() && *years <= model.years_.back().min_years) {
        problems_.Add("range", step.PathOf("min_years"), "must be above the step before it");
        ok = false;
      }
      model.years_.push_back({static_cast<int>(*years), static_cast<int32_t>(*points)});
    }
    auto years_factor = std::find_if(factors_.begin(), factors_.end(), [](const Factor& f) {
      return f.feature == Feature::kYearsInOperation;
    });
    if (years_factor == factors_.end()) {
      problems_.Add("missing", path,
                    "needs a factor with feature = \"years_in_operation\" for its text");
      return false;
    }
    if (ok) model.factors_.push_back(*years_factor);
    return ok;
  }

  bool ReadModelCaps(TableReader& reader, RatingModel& model) {
    const JsonValue* caps = reader.Get("caps", false);
    if (caps == nullptr) return true;
    std::string path = reader.PathOf("caps");
    if (!caps->is_object()) {
      problems_.Add("type", path, "must be a table of rule = level");
      return false;
    }
    bool ok = true;
    for (const auto& [key, value] : caps->as_object()) {
      std::string cap_path = fmt::format("{}.{}", path, key);
      auto found = caps_.find(key);
      if (invalid_.contains("cap:" + key)) {
        ok = false;
        continue;
      }
      if (found == caps_.end()) {
        problems_.Add("unknown_reference", cap_path, "unknown cap rule");
        ok = false;
        continue;
      }
      std::optional<Level> level = value.is_string() ? ParseLevel(value.as_string()) : std::nullopt;
      if (!level) {
        problems_.Add("invalid", cap_path, "must be a level: \"A+\", \"A\", \"B\", \"C\" or \"D\"");
        ok = false;
        continue;
      }
      CapRule rule = found->second.rule;
      rule.level = *level;
      for (const std::string& factor_key : found->second.factor_keys) {
        auto scored = std::find_if(model.factors_.begin(), model.factors_.end(),
                                   [&](const Factor& f) { return f.key == factor_key; });
        if (scored == model.factors_.end()) {
          problems_.Add(
              "invalid", cap_path,
              fmt::format("needs factor {}, which this model does not score", Quoted(factor_key)));
          ok = false;
          continue;
        }
        rule.factors.push_back(static_cast<uint16_t>(scored - model.factors_.begin()));
      }
      model.caps_.push_back(std::move(rule));
    }
    if (model.caps_.size() > kMaxCaps) {
      problems_.Add("range", path, fmt::format("at most {} rules per model", kMaxCaps));
      ok = false;
    }
    return ok;
  }

  void BuildKindRules(RatingModel& model) {
    for (size_t i = 0; i < model.factors_.size(); ++i) {
      const Factor& factor = model.factors_[i];
      if (factor.kind.empty()) continue;
      RatingModel::KindRule& rule = model.kinds_[factor.kind];
      const policy::RecordKind* kind = catalog_.FindKind(factor.kind);
      rule.tiered = kind->tiered;
      rule.default_tier = kind->default_tier;
      const auto index = static_cast<int16_t>(i);
      if (!factor.field.empty()) {
        rule.by_value.emplace_back(factor.value, index);
      } else if (factor.tier != Tier::kNone) {
        rule.by_tier[static_cast<int>(factor.tier)] = index;
      } else {
        rule.any = index;
      }
    }
  }

  // List patterns must match some list of the lists policy, when there is one.
  void CheckListPatterns() {
    const JsonValue* lists = catalog_.extension("list");
    if (lists == nullptr || !lists->is_array()) return;
    std::vector<std::string_view> keys;
    for (const JsonValue& list : lists->as_array()) {
      if (std::optional<std::string_view> key = list.GetString("key")) keys.push_back(*key);
    }
    if (keys.empty()) return;
    for (const auto& [pattern, path] : patterns_) {
      bool any = std::any_of(keys.begin(), keys.end(),
                             [&](std::string_view key) { return GlobMatches(pattern, key); });
      if (!any) {
        problems_.Add("unknown_reference", path,
                      fmt::format("{} matches no list of the lists policy", Quoted(pattern)));
      }
    }
  }

  const Catalog& catalog_;
  Problems problems_;
  RatingModels models_;
  std::vector<Factor> factors_;
  std::map<std::string, size_t, std::less<>> factor_index_;
  std::map<std::string, CapDefinition, std::less<>> caps_;
  int clean_years_ = 5;
  std::vector<std::string> a_plus_lists_;
  Text a_plus_clean_text_;
  Text a_plus_list_text_;
  std::vector<std::pair<std::string, std::string>> patterns_;  // pattern, path
  // Factors ("key") and caps ("cap:key") found invalid: their uses are not reported again.
  std::set<std::string, std::less<>> invalid_;
};

Result<RatingModels> LoadRatingModels(const Catalog& catalog) {
  return ModelBuilder(catalog).Build();
}

}  // namespace credence::rating
