// Loading and validating the list definitions from the policy's [[list]] tables.
#include "lists/lists.h"

#include <algorithm>
#include <iterator>
#include <map>

#include <fmt/format.h>

namespace credence::lists {
namespace {

constexpr int kMaxMonths = 1200;
constexpr int kMaxWorkingDays = 30;
constexpr int kMaxYearsAfter = 10;
constexpr size_t kMaxLists = 65535;  // list indexes are 16-bit

constexpr std::string_view kListKeys[] = {
    "key",
    "name",
    "type",
    "family",
    "public",
    "legal_basis",
    "kinds",
    "when",
    "catch_all",
    "terms",
    "extension",
    "removal_events",
    "removal_working_days",
    "ends_with_record_expiry",
    "authorities",
    "lists_legal_representative",
    "subject_kinds",
};
constexpr std::string_view kTermKeys[] = {"when",       "rule",       "months",
                                          "end_fields", "year_field", "years_after"};

std::string Quoted(std::string_view text) { return fmt::format("\"{}\"", text); }

bool IsIdentifier(std::string_view key) {
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool IsFieldPath(std::string_view path) {
  if (path.empty() || path.front() == '.' || path.back() == '.') return false;
  return std::all_of(path.begin(), path.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

std::string_view JsonTypeName(const JsonValue& value) {
  switch (value.type()) {
    case JsonValue::Type::kNull: return "nothing";
    case JsonValue::Type::kBool: return "a boolean";
    case JsonValue::Type::kInt: return "an integer";
    case JsonValue::Type::kDouble: return "a number";
    case JsonValue::Type::kString: return "a string";
    case JsonValue::Type::kArray: return "an array";
    case JsonValue::Type::kObject: return "a table";
  }
  return "a value";
}

using Problems = policy::ExtensionProblems;

// Reads the members of one table, reporting problems against file and path.
class TableReader {
 public:
  TableReader(Problems& problems, std::string_view file, std::string path, const JsonValue& table)
      : problems_(problems), file_(file), path_(std::move(path)), table_(table) {}

  const std::string& path() const { return path_; }
  std::string PathOf(std::string_view key) const { return fmt::format("{}.{}", path_, key); }
  void Report(std::string_view reason, std::string_view key, std::string_view what) const {
    problems_.Add(reason, file_, key.empty() ? path_ : PathOf(key), what);
  }

  void CheckKnownKeys(std::span<const std::string_view> known) const {
    for (const auto& [key, value] : table_.as_object()) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        Report("unknown_key", key, "is not a key of a list definition here");
      }
    }
  }

  const JsonValue* Get(std::string_view key, bool required) const {
    const JsonValue* value = table_.Find(key);
    if (value == nullptr && required) Report("missing", key, "is required");
    return value;
  }

  std::optional<std::string> String(std::string_view key, bool required) const {
    const JsonValue* value = Get(key, required);
    if (value == nullptr) return std::nullopt;
    if (!value->is_string()) {
      Report("type", key, fmt::format("must be a string, not {}", JsonTypeName(*value)));
      return std::nullopt;
    }
    if (value->as_string().empty()) {
      Report("invalid", key, "must not be empty");
      return std::nullopt;
    }
    return value->as_string();
  }

  std::optional<bool> Bool(std::string_view key, bool required) const {
    const JsonValue* value = Get(key, required);
    if (value == nullptr) return std::nullopt;
    if (!value->is_bool()) {
      Report("type", key, fmt::format("must be true or false, not {}", JsonTypeName(*value)));
      return std::nullopt;
    }
    return value->as_bool();
  }

  std::optional<int> Int(std::string_view key, bool required, int min, int max,
                         std::string_view unit) const {
    const JsonValue* value = Get(key, required);
    if (value == nullptr) return std::nullopt;
    if (value->type() != JsonValue::Type::kInt || value->as_int() < min || value->as_int() > max) {
      Report(value->type() == JsonValue::Type::kInt ? "invalid" : "type", key,
             fmt::format("must be a whole number of {} from {} to {}", unit, min, max));
      return std::nullopt;
    }
    return static_cast<int>(value->as_int());
  }

  // A non-empty array of non-empty strings, without duplicates.
  std::optional<std::vector<std::string>> Strings(std::string_view key, bool required) const {
    const JsonValue* value = Get(key, required);
    if (value == nullptr) return std::nullopt;
    if (!value->is_array() || value->as_array().empty()) {
      Report(value->is_array() ? "invalid" : "type", key, "must be a non-empty list of strings");
      return std::nullopt;
    }
    std::vector<std::string> out;
    for (const JsonValue& item : value->as_array()) {
      if (!item.is_string() || item.as_string().empty()) {
        Report("type", key, "must be a non-empty list of strings");
        return std::nullopt;
      }
      if (std::find(out.begin(), out.end(), item.as_string()) != out.end()) {
        Report("duplicate", key, fmt::format("{} is listed twice", Quoted(item.as_string())));
        continue;
      }
      out.push_back(item.as_string());
    }
    return out;
  }

  std::optional<policy::Text> Name(std::string_view key) const {
    const JsonValue* value = Get(key, true);
    if (value == nullptr) return std::nullopt;
    if (!value->is_object()) {
      Report("type", key, "must be a table { zh = \"…\", en = \"…\" }");
      return std::nullopt;
    }
    policy::Text text;
    bool ok = true;
    for (const auto& [member, item] : value->as_object()) {
      if (member != "zh" && member != "en") {
        Report("unknown_key", fmt::format("{}.{}", key, member), "a name has only zh and en");
        ok = false;
      }
    }
    for (auto [language, target] : {std::pair{"zh", &text.zh}, std::pair{"en", &text.en}}) {
      const JsonValue* item = value->Find(language);
      if (item == nullptr || !item->is_string() || item->as_string().empty()) {
        Report("missing", fmt::format("{}.{}", key, language), "is required (a non-empty string)");
        ok = false;
      } else {
        *target = item->as_string();
      }
    }
    if (!ok) return std::nullopt;
    return text;
  }

  std::optional<std::vector<Condition>> Conditions(std::string_view key) const {
    const JsonValue* value = Get(key, false);
    if (value == nullptr) return std::vector<Condition>{};
    if (!value->is_array() || value->as_array().empty()) {
      Report("type", key, "must be a non-empty list of { field = \"…\", values = [\"…\"] }");
      return std::nullopt;
    }
    std::vector<Condition> out;
    bool ok = true;
    for (size_t i = 0; i < value->as_array().size(); ++i) {
      const JsonValue& item = value->as_array()[i];
      std::string item_path = fmt::format("{}[{}]", key, i);
      if (!item.is_object()) {
        Report("type", item_path, "must be a table { field = \"…\", values = [\"…\"] }");
        ok = false;
        continue;
      }
      TableReader reader(problems_, file_, PathOf(item_path), item);
      constexpr std::string_view kKeys[] = {"field", "values"};
      reader.CheckKnownKeys(kKeys);
      Condition condition;
      std::optional<std::string> field = reader.String("field", true);
      if (field && !IsFieldPath(*field)) {
        reader.Report("invalid", "field",
                      fmt::format("{} is not a record field name (letters, digits, _ and dots)",
                                  Quoted(*field)));
        field.reset();
      }
      std::optional<std::vector<std::string>> values = reader.Strings("values", true);
      if (!field || !values) {
        ok = false;
        continue;
      }
      condition.field = std::move(*field);
      condition.values = std::move(*values);
      out.push_back(std::move(condition));
    }
    if (!ok) return std::nullopt;
    return out;
  }

  const JsonValue& table() const { return table_; }
  Problems& problems() const { return problems_; }
  std::string_view file() const { return file_; }

 private:
  Problems& problems_;
  std::string_view file_;
  std::string path_;
  const JsonValue& table_;
};

std::optional<TermRuleKind> ParseTermRuleKind(std::string_view key) {
  for (TermRuleKind kind :
       {TermRuleKind::kNone, TermRuleKind::kMonths, TermRuleKind::kField, TermRuleKind::kYearEnd}) {
    if (TermRuleKindKey(kind) == key) return kind;
  }
  return std::nullopt;
}

}  // namespace

std::string_view ListTypeKey(ListType type) {
  switch (type) {
    case ListType::kBlacklist: return "blacklist";
    case ListType::kRedlist: return "redlist";
    case ListType::kAbnormal: return "abnormal";
  }
  return "unknown";
}

std::optional<ListType> ParseListType(std::string_view key) {
  for (ListType type : {ListType::kBlacklist, ListType::kRedlist, ListType::kAbnormal}) {
    if (ListTypeKey(type) == key) return type;
  }
  return std::nullopt;
}

namespace {
constexpr ListFamily kAllFamilies[] = {
    ListFamily::kCourtDishonestDebtor,
    ListFamily::kSeriousDishonesty,
    ListFamily::kAbnormalOperation,
    ListFamily::kTaxGradeA,
    ListFamily::kHonour,
    ListFamily::kIncentive,
    ListFamily::kKeySupport,
    ListFamily::kOther,
};
}  // namespace

std::string_view ListFamilyKey(ListFamily family) {
  switch (family) {
    case ListFamily::kCourtDishonestDebtor: return "court_dishonest_debtor";
    case ListFamily::kSeriousDishonesty: return "serious_dishonesty";
    case ListFamily::kAbnormalOperation: return "abnormal_operation";
    case ListFamily::kTaxGradeA: return "tax_grade_a";
    case ListFamily::kHonour: return "honour";
    case ListFamily::kIncentive: return "incentive";
    case ListFamily::kKeySupport: return "key_support";
    case ListFamily::kOther: return "other";
  }
  return "unknown";
}

std::optional<ListFamily> ParseListFamily(std::string_view key) {
  for (ListFamily family : kAllFamilies) {
    if (ListFamilyKey(family) == key) return family;
  }
  return std::nullopt;
}

std::string_view TermRuleKindKey(TermRuleKind kind) {
  switch (kind) {
    case TermRuleKind::kNone: return "none";
    case TermRuleKind::kMonths: return "months";
    case TermRuleKind::kField: return "field";
    case TermRuleKind::kYearEnd: return "year_end";
  }
  return "unknown";
}

std::string_view RemovalCauseKey(RemovalCause cause) {
  switch (cause) {
    case RemovalCause::kExpiry: return "expiry";
    case RemovalCause::kWithdrawal: return "withdrawal";
    case RemovalCause::kRestoration: return "restoration";
    case RemovalCause::kRemovalEvent: return "removal_event";
    case RemovalCause::kDelisting: return "delisting";
  }
  return "unknown";
}

const RemovalEvent* ListDefinition::FindRemovalEvent(std::string_view event_key) const {
  for (const RemovalEvent& event : removal_events) {
    if (event.key == event_key) return &event;
  }
  return nullptr;
}

bool ListDefinition::AllowsSubject(ids::SubjectKind kind) const {
  return subject_kinds.empty() ||
         std::find(subject_kinds.begin(), subject_kinds.end(), kind) != subject_kinds.end();
}

const ListDefinition* ListCatalog::Find(std::string_view list_key) const {
  for (const ListDefinition& list : lists_) {
    if (list.key == list_key) return &list;
  }
  return nullptr;
}

const ListCatalog::KindLists* ListCatalog::ForKind(std::string_view kind) const {
  for (const KindLists& entry : by_kind_) {
    if (entry.kind == kind) return &entry;
  }
  return nullptr;
}

bool ListCatalog::IsSourceKind(std::string_view kind) const { return ForKind(kind) != nullptr; }

// Fills a ListCatalog from the catalog's [[list]] tables; friend of ListCatalog.
class ListCatalogBuilder {
 public:
  explicit ListCatalogBuilder(const policy::Catalog& catalog) : catalog_(catalog) {}

  Result<ListCatalog> Build() {
    result_.policy_version_ = catalog_.version();
    for (const policy::ExtensionPart& part : catalog_.extension_parts("list")) {
      if (!part.value.is_array()) {
        problems_.Add("type", part.file, "list",
                      "lists are arrays of tables: write [[list]], not [list]");
        continue;
      }
      for (size_t i = 0; i < part.value.as_array().size(); ++i) {
        ReadList(part.file, i, part.value.as_array()[i]);
      }
    }
    CheckCatchAll();
    if (result_.lists_.size() > kMaxLists) {
      problems_.Add("invalid", "policy", "list", fmt::format("at most {} lists", kMaxLists));
    }
    if (!problems_.empty())
      return Fail(std::move(problems_).ToError("lists policy", "list definitions"));
    BuildIndex();
    return std::move(result_);
  }

 private:
  void ReadList(const std::string& file, size_t index, const JsonValue& table) {
    if (!table.is_object()) {
      problems_.Add("type", file, fmt::format("list[{}]", index), "must be a table");
      return;
    }
    // Problems name the list by its key when it has a usable one.
    std::string path = fmt::format("list[{}]", index);
    if (std::optional<std::string_view> key = table.GetString("key"); key && IsIdentifier(*key)) {
      path = fmt::format("list.{}", *key);
    }
    TableReader reader(problems_, file, path, table);
    reader.CheckKnownKeys(kListKeys);
    size_t problems_before = ProblemCount();

    ListDefinition list;
    list.file = file;
    if (std::optional<std::string> key = reader.String("key", true)) {
      if (!IsIdentifier(*key)) {
        reader.Report("invalid", "key",
                      fmt::format("{} must use only a-z, 0-9 and _", Quoted(*key)));
      } else if (auto [it, inserted] = keys_.emplace(*key, file); !inserted) {
        reader.Report("duplicate", "key",
                      fmt::format("list {} is already defined in {}", Quoted(*key), it->second));
      }
      list.key = *key;
    }
    if (std::optional<policy::Text> name = reader.Name("name")) list.name = std::move(*name);
    if (std::optional<std::string> type = reader.String("type", true)) {
      if (std::optional<ListType> parsed = ParseListType(*type)) {
        list.type = *parsed;
      } else {
        reader.Report(
            "invalid", "type",
            fmt::format("{} is not a list type: blacklist, redlist or abnormal", Quoted(*type)));
      }
    }
    if (std::optional<std::string> family = reader.String("family", true)) {
      if (std::optional<ListFamily> parsed = ParseListFamily(*family)) {
        list.family = *parsed;
      } else {
        std::string known;
        for (ListFamily each : kAllFamilies) {
          if (!known.empty()) known += ", ";
          known += ListFamilyKey(each);
        }
        reader.Report("invalid", "family",
                      fmt::format("{} is not a list family: {}", Quoted(*family), known));
      }
    }
    if (std::optional<bool> is_public = reader.Bool("public", true)) list.is_public = *is_public;
    if (std::optional<std::string> basis = reader.String("legal_basis", true)) {
      list.legal_basis = std::move(*basis);
    }
    ReadKinds(reader, list);
    if (std::optional<std::vector<Condition>> when = reader.Conditions("when")) {
      list.when = std::move(*when);
    }
    if (std::optional<bool> catch_all = reader.Bool("catch_all", false)) {
      list.catch_all = *catch_all;
      if (list.catch_all && table.Find("when") != nullptr) {
        reader.Report("invalid", "catch_all",
                      "a catch-all list takes what other lists do not: it cannot have `when`");
      }
    }
    ReadTerms(reader, list);
    ReadExtension(reader, list);
    ReadRemovalEvents(reader, list);
    if (std::optional<int> days =
            reader.Int("removal_working_days", false, 0, kMaxWorkingDays, "working days")) {
      list.removal_working_days = *days;
    }
    if (std::optional<bool> ends = reader.Bool("ends_with_record_expiry", false)) {
      list.ends_with_record_expiry = *ends;
    }
    ReadAuthorities(reader, list);
    if (std::optional<bool> representative = reader.Bool("lists_legal_representative", true)) {
      if (*representative) {
        reader.Report("not_allowed", "lists_legal_representative",
                      "must be false: a listing of an entity never lists its legal "
                      "representative (法释〔2017〕7号; every field's list rules)");
      }
    }
    ReadSubjectKinds(reader, list);

    if (ProblemCount() == problems_before) result_.lists_.push_back(std::move(list));
  }

  void ReadKinds(const TableReader& reader, ListDefinition& list) {
    std::optional<std::vector<std::string>> kinds = reader.Strings("kinds", true);
    if (!kinds) return;
    for (const std::string& kind : *kinds) {
      if (catalog_.FindKind(kind) == nullptr) {
        reader.Report("unknown_reference", "kinds",
                      fmt::format("{} is not a record kind of the catalog (policy {})",
                                  Quoted(kind), catalog_.version()));
      }
    }
    list.kinds = std::move(*kinds);
  }

  void ReadTerms(const TableReader& reader, ListDefinition& list) {
    const JsonValue* terms = reader.Get("terms", true);
    if (terms == nullptr) return;
    if (!terms->is_array() || terms->as_array().empty()) {
      reader.Report("type", "terms", "must be a non-empty list of term rules");
      return;
    }
    const JsonValue::Array& items = terms->as_array();
    for (size_t i = 0; i < items.size(); ++i) {
      std::string key = fmt::format("terms[{}]", i);
      if (!items[i].is_object()) {
        reader.Report("type", key, "must be a table { rule = \"…\", … }");
        continue;
      }
      TableReader term_reader(reader.problems(), reader.file(), reader.PathOf(key), items[i]);
      term_reader.CheckKnownKeys(kTermKeys);
      TermRule term;
      if (std::optional<std::vector<Condition>> when = term_reader.Conditions("when")) {
        term.when = std::move(*when);
      }
      bool has_when = items[i].Find("when") != nullptr;
      bool last = i + 1 == items.size();
      if (last && has_when) {
        term_reader.Report("invalid", "when",
                           "the last term rule is the default: it cannot have `when`");
      } else if (!last && !has_when) {
        term_reader.Report("invalid", "when",
                           "only the last term rule may have no `when`: later rules would never "
                           "apply");
      }
      std::optional<std::string> rule = term_reader.String("rule", true);
      if (!rule) continue;
      std::optional<TermRuleKind> kind = ParseTermRuleKind(*rule);
      if (!kind) {
        term_reader.Report(
            "invalid", "rule",
            fmt::format("{} is not a term rule: none, months, field or year_end", Quoted(*rule)));
        continue;
      }
      term.rule = *kind;
      auto refuse = [&](std::string_view member) {
        if (items[i].Find(member) != nullptr) {
          term_reader.Report("invalid", member,
                             fmt::format("has no meaning for rule {}", Quoted(*rule)));
        }
      };
      switch (term.rule) {
        case TermRuleKind::kNone:
          refuse("months");
          refuse("end_fields");
          refuse("year_field");
          refuse("years_after");
          break;
        case TermRuleKind::kMonths:
        case TermRuleKind::kField: {
          bool months_required = term.rule == TermRuleKind::kMonths;
          if (std::optional<int> months =
                  term_reader.Int("months", months_required, 1, kMaxMonths, "months")) {
            term.months = *months;
          }
          if (std::optional<std::vector<std::string>> fields =
                  term_reader.Strings("end_fields", !months_required)) {
            for (const std::string& field : *fields) {
              if (!IsFieldPath(field)) {
                term_reader.Report("invalid", "end_fields",
                                   fmt::format("{} is not a record field name", Quoted(field)));
              }
            }
            term.end_fields = std::move(*fields);
          }
          refuse("year_field");
          refuse("years_after");
          break;
        }
        case TermRuleKind::kYearEnd:
          if (std::optional<std::string> field = term_reader.String("year_field", true)) {
            if (!IsFieldPath(*field)) {
              term_reader.Report("invalid", "year_field",
                                 fmt::format("{} is not a record field name", Quoted(*field)));
            }
            term.year_field = std::move(*field);
          }
          if (std::optional<int> years =
                  term_reader.Int("years_after", false, 0, kMaxYearsAfter, "years")) {
            term.years_after = *years;
          }
          refuse("months");
          refuse("end_fields");
          break;
      }
      list.terms.push_back(std::move(term));
    }
  }

  void ReadExtension(const TableReader& reader, ListDefinition& list) {
    const JsonValue* extension = reader.Get("extension", false);
    if (extension == nullptr) return;
    if (!extension->is_object()) {
      reader.Report("type", "extension", "must be a table { min_months = …, max_months = … }");
      return;
    }
    TableReader extension_reader(reader.problems(), reader.file(), reader.PathOf("extension"),
                                 *extension);
    constexpr std::string_view kKeys[] = {"min_months", "max_months"};
    extension_reader.CheckKnownKeys(kKeys);
    std::optional<int> min = extension_reader.Int("min_months", true, 1, kMaxMonths, "months");
    std::optional<int> max = extension_reader.Int("max_months", true, 1, kMaxMonths, "months");
    if (!min || !max) return;
    if (*min > *max) {
      extension_reader.Report("invalid", "min_months",
                              fmt::format("{} is more than max_months {}", *min, *max));
      return;
    }
    bool any_term = std::any_of(list.terms.begin(), list.terms.end(), [](const TermRule& term) {
      return term.rule != TermRuleKind::kNone;
    });
    if (!list.terms.empty() && !any_term) {
      reader.Report("invalid", "extension", "no term rule has a term to extend");
      return;
    }
    list.extension = {true, *min, *max};
  }

  void ReadRemovalEvents(const TableReader& reader, ListDefinition& list) {
    const JsonValue* events = reader.Get("removal_events", false);
    if (events == nullptr) return;
    if (!events->is_array()) {
      reader.Report("type", "removal_events", "must be a list of { key = \"…\", name = { … } }");
      return;
    }
    for (size_t i = 0; i < events->as_array().size(); ++i) {
      const JsonValue& item = events->as_array()[i];
      std::string key = fmt::format("removal_events[{}]", i);
      if (!item.is_object()) {
        reader.Report("type", key, "must be a table { key = \"…\", name = { … } }");
        continue;
      }
      TableReader event_reader(reader.problems(), reader.file(), reader.PathOf(key), item);
      constexpr std::string_view kKeys[] = {"key", "name"};
      event_reader.CheckKnownKeys(kKeys);
      RemovalEvent event;
      std::optional<std::string> event_key = event_reader.String("key", true);
      std::optional<policy::Text> name = event_reader.Name("name");
      if (!event_key || !name) continue;
      if (!IsIdentifier(*event_key)) {
        event_reader.Report("invalid", "key",
                            fmt::format("{} must use only a-z, 0-9 and _", Quoted(*event_key)));
        continue;
      }
      if (list.FindRemovalEvent(*event_key) != nullptr) {
        event_reader.Report("duplicate", "key",
                            fmt::format("event {} is listed twice", Quoted(*event_key)));
        continue;
      }
      event.key = std::move(*event_key);
      event.name = std::move(*name);
      list.removal_events.push_back(std::move(event));
    }
  }

  void ReadAuthorities(const TableReader& reader, ListDefinition& list) {
    std::optional<std::vector<std::string>> authorities = reader.Strings("authorities", false);
    if (!authorities) return;
    for (const std::string& department : *authorities) {
      if (catalog_.FindDepartment(department) == nullptr) {
        reader.Report("unknown_reference", "authorities",
                      fmt::format("{} is not a department of the catalog", Quoted(department)));
        continue;
      }
      bool may_submit = std::any_of(list.kinds.begin(), list.kinds.end(), [&](const auto& kind) {
        return catalog_.MaySubmit(department, kind);
      });
      if (!may_submit && !list.kinds.empty()) {
        reader.Report("not_allowed", "authorities",
                      fmt::format("{} may not submit records of any of the list's kinds, so its "
                                  "action records could never arrive",
                                  Quoted(department)));
      }
    }
    list.authorities = std::move(*authorities);
  }

  void ReadSubjectKinds(const TableReader& reader, ListDefinition& list) {
    std::optional<std::vector<std::string>> kinds = reader.Strings("subject_kinds", false);
    if (!kinds) return;
    for (const std::string& key : *kinds) {
      std::optional<ids::SubjectKind> kind = ids::ParseSubjectKind(key);
      if (!kind) {
        reader.Report("invalid", "subject_kinds",
                      fmt::format("{} is not a subject kind", Quoted(key)));
        continue;
      }
      list.subject_kinds.push_back(*kind);
    }
  }

  // At most one catch-all list per record kind: otherwise which one takes a record is arbitrary.
  void CheckCatchAll() {
    std::map<std::string, std::string, std::less<>> catch_all_of_kind;
    for (const ListDefinition& list : result_.lists_) {
      if (!list.catch_all) continue;
      for (const std::string& kind : list.kinds) {
        auto [it, inserted] = catch_all_of_kind.emplace(kind, list.key);
        if (!inserted) {
          problems_.Add(
              "duplicate", list.file, fmt::format("list.{}.catch_all", list.key),
              fmt::format("list {} already takes the other {} records", it->second, kind));
        }
      }
    }
  }

  void BuildIndex() {
    for (size_t i = 0; i < result_.lists_.size(); ++i) {
      for (const std::string& kind : result_.lists_[i].kinds) {
        auto it =
            std::find_if(result_.by_kind_.begin(), result_.by_kind_.end(),
                         [&](const ListCatalog::KindLists& entry) { return entry.kind == kind; });
        if (it == result_.by_kind_.end()) {
          ListCatalog::KindLists entry;
          entry.kind = kind;
          const policy::RecordKind* record_kind = catalog_.FindKind(kind);
          entry.public_legal_person = record_kind->public_legal_person;
          entry.public_natural_person = record_kind->public_natural_person;
          result_.by_kind_.push_back(std::move(entry));
          it = std::prev(result_.by_kind_.end());
        }
        it->lists.push_back(static_cast<uint16_t>(i));
      }
    }
  }

  size_t ProblemCount() const { return problems_.size(); }

  const policy::Catalog& catalog_;
  Problems problems_;
  ListCatalog result_;
  std::map<std::string, std::string, std::less<>> keys_;  // list key → file
};

Result<ListCatalog> ListCatalog::Load(const policy::Catalog& catalog) {
  return ListCatalogBuilder(catalog).Build();
}

}  // namespace credence::lists
