// Loading and validating the measures policy ([[measure]] and [check_settings]).
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "checks/checks.h"

namespace credence::checks {
namespace {

constexpr std::string_view kScenarioKeys[kScenarioCount] = {
    "administrative_approval", "law_enforcement",   "convenience_services",
    "public_resource_trading", "financing",         "risk_prevention",
    "industry_supervision",    "social_governance", "other_government_affairs",
    "government_integrity",
};

constexpr size_t kMaxMeasures = 2000;

bool IsKey(std::string_view key) {
  return !key.empty() && key.size() <= 64 && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool IsFieldPath(std::string_view field) {
  return !field.empty() && field.size() <= 64 &&
         std::all_of(field.begin(), field.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.';
         });
}

using Problems = policy::ExtensionProblems;

// One table of the policy being read: typed accessors that report what is wrong with a key.
struct Table {
  Problems& problems;
  std::string_view file;
  std::string path;
  const JsonValue& value;

  std::string At(std::string_view key) const { return fmt::format("{}.{}", path, key); }
  void Bad(std::string_view reason, std::string_view key, std::string_view what) const {
    problems.Add(reason, file, At(key), what);
  }
  bool OnlyKeys(std::initializer_list<std::string_view> known) const {
    bool ok = true;
    for (const auto& [key, item] : value.as_object()) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        Bad("unknown_key", key, "is not a key here");
        ok = false;
      }
    }
    return ok;
  }
  const JsonValue* Find(std::string_view key, bool required, std::string_view why = "") const {
    const JsonValue* item = value.Find(key);
    if (item == nullptr && required) {
      Bad("missing", key, why.empty() ? "is required" : fmt::format("is required ({})", why));
    }
    return item;
  }
  std::optional<std::string> Text(std::string_view key, bool required) const {
    const JsonValue* item = Find(key, required);
    if (item == nullptr) return std::nullopt;
    if (!item->is_string() || item->as_string().empty()) {
      Bad(item->is_string() ? "invalid" : "type", key, "must be a non-empty string");
      return std::nullopt;
    }
    return item->as_string();
  }
  // A non-empty list of distinct non-empty strings.
  std::optional<std::vector<std::string>> TextList(std::string_view key, bool required,
                                                   std::string_view why = "") const {
    const JsonValue* item = Find(key, required, why);
    if (item == nullptr) return std::nullopt;
    bool ok = item->is_array() && !item->as_array().empty();
    std::vector<std::string> out;
    if (ok) {
      for (const JsonValue& element : item->as_array()) {
        if (!element.is_string() || element.as_string().empty()) {
          ok = false;
          break;
        }
        if (std::find(out.begin(), out.end(), element.as_string()) != out.end()) {
          Bad("duplicate", key, fmt::format("\"{}\" is listed twice", element.as_string()));
          return std::nullopt;
        }
        out.push_back(element.as_string());
      }
    }
    if (!ok) {
      Bad(item->is_array() ? "invalid" : "type", key, "must be a non-empty list of strings");
      return std::nullopt;
    }
    return out;
  }
  std::optional<policy::Text> Bilingual(std::string_view key) const {
    const JsonValue* item = Find(key, true);
    if (item == nullptr) return std::nullopt;
    const JsonValue* zh = item->Find("zh");
    const JsonValue* en = item->Find("en");
    if (!item->is_object() || item->as_object().size() != 2 || zh == nullptr || en == nullptr ||
        !zh->is_string() || !en->is_string() || zh->as_string().empty() ||
        en->as_string().empty()) {
      Bad("type", key, "must be { zh = \"…\", en = \"…\" }, both non-empty");
      return std::nullopt;
    }
    return policy::Text{zh->as_string(), en->as_string()};
  }
  std::optional<int> Whole(std::string_view key, int min, int max) const {
    const JsonValue* item = Find(key, false);
    if (item == nullptr) return std::nullopt;
    if (item->type() != JsonValue::Type::kInt || item->as_int() < min || item->as_int() > max) {
      Bad(item->type() == JsonValue::Type::kInt ? "invalid" : "type", key,
          fmt::format("must be a whole number from {} to {}", min, max));
      return std::nullopt;
    }
    return static_cast<int>(item->as_int());
  }
  // Each element of an array of tables, as a Table named key[i]; non-tables are reported.
  std::vector<Table> Tables(std::string_view key, bool required, std::string_view why) const {
    std::vector<Table> out;
    const JsonValue* item = Find(key, required, why);
    if (item == nullptr) return out;
    if (!item->is_array() || item->as_array().empty()) {
      Bad(item->is_array() ? "missing" : "type", key,
          item->is_array() ? fmt::format("must not be empty ({})", why)
                           : "must be a list of tables");
      return out;
    }
    for (size_t i = 0; i < item->as_array().size(); ++i) {
      std::string element_path = fmt::format("{}.{}[{}]", path, key, i);
      const JsonValue& element = item->as_array()[i];
      if (!element.is_object()) {
        problems.Add("type", file, element_path, "must be a table");
        continue;
      }
      out.push_back(Table{problems, file, std::move(element_path), element});
    }
    return out;
  }
};

}  // namespace

std::string_view ScenarioKey(Scenario scenario) {
  return kScenarioKeys[static_cast<int>(scenario)];
}

std::optional<Scenario> ParseScenario(std::string_view key) {
  for (int i = 0; i < kScenarioCount; ++i) {
    if (kScenarioKeys[i] == key) return static_cast<Scenario>(i);
  }
  return std::nullopt;
}

std::string_view MeasureKindKey(MeasureKind kind) {
  return kind == MeasureKind::kReward ? "reward" : "punishment";
}

std::string Measure::LegalBasisText() const {
  std::string text;
  for (const LegalBasis& basis : legal_basis) {
    if (!text.empty()) text += "；";
    text += basis.document;
    for (size_t i = 0; i < basis.articles.size(); ++i) {
      if (i > 0) text += "、";
      text += basis.articles[i];
    }
  }
  return text;
}

bool Measure::AppliesIn(Scenario scenario) const {
  return std::find(scenarios.begin(), scenarios.end(), scenario) != scenarios.end();
}

const Measure* MeasureCatalog::Find(std::string_view key) const {
  for (const Measure& measure : measures_) {
    if (measure.key == key) return &measure;
  }
  return nullptr;
}

size_t MeasureCatalog::MemorandumCount() const {
  std::set<std::string_view> memoranda;
  for (const Measure& measure : measures_) {
    for (const std::string& memorandum : measure.memoranda) memoranda.insert(memorandum);
  }
  return memoranda.size();
}

class MeasureCatalogBuilder {
 public:
  MeasureCatalogBuilder(const policy::Catalog& catalog, const lists::ListCatalog& lists)
      : catalog_(catalog), lists_(lists) {}

  Result<MeasureCatalog> Build() {
    result_.policy_version_ = catalog_.version();
    for (const policy::ExtensionPart& part : catalog_.extension_parts("check_settings")) {
      ReadSettings(part);
    }
    for (const policy::ExtensionPart& part : catalog_.extension_parts("measure")) {
      if (!part.value.is_array()) {
        problems_.Add("type", part.file, "measure", "must be an array of tables ([[measure]])");
        continue;
      }
      for (size_t i = 0; i < part.value.as_array().size(); ++i) {
        ReadMeasure(part.file, i, part.value.as_array()[i]);
      }
    }
    if (result_.measures_.size() > kMaxMeasures) {
      problems_.Add("invalid", "policy", "measure",
                    fmt::format("at most {} measures", kMaxMeasures));
    }
    if (!problems_.empty())
      return Fail(std::move(problems_).ToError("measures policy", "measures"));
    return std::move(result_);
  }

 private:
  void ReadSettings(const policy::ExtensionPart& part) {
    if (!part.value.is_object()) {
      problems_.Add("type", part.file, "check_settings", "must be a table");
      return;
    }
    Table table{problems_, part.file, "check_settings", part.value};
    table.OnlyKeys({"feedback_working_days", "batch_max_subjects"});
    if (auto days = table.Whole("feedback_working_days", 1, 250)) {
      result_.settings_.feedback_working_days = *days;
    }
    if (auto most = table.Whole("batch_max_subjects", 1, 100000)) {
      result_.settings_.batch_max_subjects = *most;
    }
  }

  void ReadMeasure(const std::string& file, size_t index, const JsonValue& value) {
    if (!value.is_object()) {
      problems_.Add("type", file, fmt::format("measure[{}]", index), "must be a table");
      return;
    }
    std::string path = fmt::format("measure[{}]", index);
    if (const JsonValue* key = value.Find("key");
        key && key->is_string() && IsKey(key->as_string())) {
      path = "measure." + key->as_string();
    }
    Table table{problems_, file, path, value};
    bool ok = table.OnlyKeys({"key", "name", "kind", "targets", "legal_basis", "memoranda",
                              "departments", "scenarios", "action", "duration_months"});
    Measure measure;
    measure.file = file;
    std::optional<std::string> key = table.Text("key", true);
    if (key && !IsKey(*key)) {
      table.Bad("invalid", "key", "must be lower-case letters, digits and _ (at most 64)");
      key.reset();
    } else if (key && (keys_.contains(*key))) {
      table.Bad("duplicate", "key", fmt::format("measure \"{}\" is defined twice", *key));
      key.reset();
    }
    ok = key.has_value() && ok;
    if (key) {
      keys_.insert(*key);
      measure.key = *key;
    }
    std::optional<policy::Text> name = table.Bilingual("name");
    std::optional<policy::Text> action = table.Bilingual("action");
    ok = name && action && ok;
    if (name) measure.name = std::move(*name);
    if (action) measure.action = std::move(*action);

    std::optional<std::string> kind = table.Text("kind", true);
    if (kind && *kind != "punishment" && *kind != "reward") {
      table.Bad("invalid", "kind", "must be \"punishment\" or \"reward\"");
      kind.reset();
    }
    ok = kind.has_value() && ok;
    if (kind) measure.kind = *kind == "reward" ? MeasureKind::kReward : MeasureKind::kPunishment;

    ok = ReadLegalBasis(table, measure) && ok;
    ok = ReadTargets(table, measure) && ok;

    if (auto memoranda = table.TextList("memoranda", false)) measure.memoranda = *memoranda;
    if (auto departments = table.TextList("departments", true, "the implementing departments")) {
      for (const std::string& department : *departments) {
        if (catalog_.FindDepartment(department) == nullptr) {
          table.Bad("unknown_reference", "departments",
                    fmt::format("unknown department \"{}\"", department));
          ok = false;
        }
      }
      measure.departments = std::move(*departments);
    } else {
      ok = false;
    }
    if (auto scenarios = table.TextList("scenarios", true, "the business scenarios")) {
      for (const std::string& scenario : *scenarios) {
        std::optional<Scenario> parsed = ParseScenario(scenario);
        if (!parsed) {
          table.Bad("unknown_reference", "scenarios",
                    fmt::format("unknown scenario \"{}\"", scenario));
          ok = false;
        } else {
          measure.scenarios.push_back(*parsed);
        }
      }
    } else {
      ok = false;
    }
    if (table.Find("duration_months", false) != nullptr) {
      std::optional<int> months = table.Whole("duration_months", 1, 1200);
      ok = months.has_value() && ok;
      if (months) measure.duration_months = *months;
    }
    if (ok) result_.measures_.push_back(std::move(measure));
  }

  // A measure without a legal basis naming its articles is refused: none may be added locally.
  bool ReadLegalBasis(const Table& table, Measure& measure) {
    constexpr std::string_view kWhy =
        "a measure must rest on a law, administrative regulation or central policy document";
    std::vector<Table> sources = table.Tables("legal_basis", true, kWhy);
    if (sources.empty()) return false;
    bool ok = true;
    for (const Table& source : sources) {
      ok = source.OnlyKeys({"document", "articles"}) && ok;
      std::optional<std::string> document = source.Text("document", true);
      std::optional<std::vector<std::string>> articles =
          source.TextList("articles", true, "the articles the measure rests on");
      if (!document || !articles) {
        ok = false;
        continue;
      }
      measure.legal_basis.push_back(LegalBasis{std::move(*document), std::move(*articles)});
    }
    return ok;
  }

  bool ReadTargets(const Table& table, Measure& measure) {
    std::vector<Table> targets = table.Tables("targets", true, "whom the measure is for");
    if (targets.empty()) return false;
    bool ok = true;
    for (const Table& item : targets) {
      ok = item.OnlyKeys({"list", "level", "record_kind", "when"}) && ok;
      int given = (item.value.Find("list") != nullptr) + (item.value.Find("level") != nullptr) +
                  (item.value.Find("record_kind") != nullptr);
      if (given != 1) {
        problems_.Add("invalid", item.file, item.path,
                      "must name exactly one of list, level and record_kind");
        ok = false;
        continue;
      }
      Target target;
      if (item.value.Find("list") != nullptr) {
        target.type = Target::Type::kList;
        std::optional<std::string> list = item.Text("list", true);
        if (list && lists_.Find(*list) == nullptr) {
          item.Bad("unknown_reference", "list", fmt::format("unknown list \"{}\"", *list));
          list.reset();
        }
        if (!list) {
          ok = false;
          continue;
        }
        target.list = std::move(*list);
      } else if (item.value.Find("level") != nullptr) {
        target.type = Target::Type::kLevel;
        std::optional<std::vector<std::string>> levels = item.TextList("level", true);
        if (!levels) {
          ok = false;
          continue;
        }
        for (const std::string& level : *levels) {
          std::optional<rating::Level> parsed = rating::ParseLevel(level);
          if (!parsed) {
            item.Bad("invalid", "level",
                     fmt::format("unknown level \"{}\" (A+, A, B, C, D)", level));
            ok = false;
          } else {
            target.levels.push_back(*parsed);
          }
        }
      } else {
        target.type = Target::Type::kRecordKind;
        std::optional<std::string> kind = item.Text("record_kind", true);
        if (kind && catalog_.FindKind(*kind) == nullptr) {
          item.Bad("unknown_reference", "record_kind",
                   fmt::format("unknown record kind \"{}\"", *kind));
          kind.reset();
        }
        if (!kind) {
          ok = false;
          continue;
        }
        target.record_kind = std::move(*kind);
      }
      if (item.value.Find("when") != nullptr) {
        if (target.type != Target::Type::kRecordKind) {
          item.Bad("invalid", "when", "conditions apply to record_kind targets only");
          ok = false;
          continue;
        }
        for (const Table& condition : item.Tables("when", true, "conditions on record fields")) {
          ok = condition.OnlyKeys({"field", "values"}) && ok;
          std::optional<std::string> field = condition.Text("field", true);
          if (field && !IsFieldPath(*field)) {
            condition.Bad("invalid", "field",
                          "must be a record field name (letters, digits, _, .)");
            field.reset();
          }
          std::optional<std::vector<std::string>> values = condition.TextList("values", true);
          if (!field || !values) {
            ok = false;
            continue;
          }
          target.when.push_back(Condition{std::move(*field), std::move(*values)});
        }
      }
      measure.targets.push_back(std::move(target));
    }
    return ok;
  }

  const policy::Catalog& catalog_;
  const lists::ListCatalog& lists_;
  Problems problems_;
  std::set<std::string, std::less<>> keys_;
  MeasureCatalog result_;
};

Result<MeasureCatalog> MeasureCatalog::Load(const policy::Catalog& catalog,
                                            const lists::ListCatalog& lists) {
  return MeasureCatalogBuilder(catalog, lists).Build();
}

}  // namespace credence::checks
