// Reads policy TOML files (toml++ stays in this file and toml_reader_internal.h) and validates
//
// Every problem is collected rather than stopping at the first, so that one run of
// `credence policy check` lists everything an editor has to fix.
#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <utility>

#include <fmt/format.h>

#include <toml++/toml.h>

#include "common/hash.h"
#include "policy/policy.h"
#include "policy/toml_reader_internal.h"

namespace credence::policy {
namespace {

// The TOML reader's types (toml_reader_internal.h) are this file's vocabulary.
using namespace internal;

// Top-level entries this module reads.
constexpr std::string_view kCatalogTable = "catalog";
constexpr std::string_view kOrgTypesTable = "org_types";
constexpr std::string_view kIngestTable = "ingest";
constexpr std::string_view kCategoryArray = "category";
constexpr std::string_view kDepartmentArray = "department";
constexpr std::string_view kPublicityRuleArray = "publicity_rule";
constexpr std::string_view kRecordKindArray = "record_kind";
constexpr std::string_view kKnownTables[] = {kCatalogTable, kOrgTypesTable, kIngestTable};
constexpr std::string_view kKnownArrays[] = {kCategoryArray, kDepartmentArray, kPublicityRuleArray,
                                             kRecordKindArray};

// What the department feed format (FORMATS.md) promises integrators: these keys and permissions
// must exist in every policy, whatever a city edits.
constexpr std::string_view kRequiredKinds[] = {"registration",
                                               "admin_license",
                                               "admin_penalty",
                                               "dishonest_debtor",
                                               "serious_dishonesty",
                                               "abnormal_operation",
                                               "tax_credit_grade",
                                               "honour",
                                               "red_list",
                                               "commitment",
                                               "social_insurance_arrears",
                                               "contract_performance",
                                               "inspection_result",
                                               "judgment",
                                               "ip_pledge"};
constexpr std::string_view kRequiredDepartments[] = {"market_regulation",
                                                     "tax",
                                                     "court",
                                                     "ecology_environment",
                                                     "human_resources_social_security",
                                                     "housing_construction",
                                                     "transport",
                                                     "emergency_management",
                                                     "customs",
                                                     "natural_resources",
                                                     "health",
                                                     "finance",
                                                     "public_resource_trading",
                                                     "development_reform",
                                                     "public_security"};
struct Permission {
  std::string_view kind;
  std::string_view department;
};
constexpr Permission kRequiredPermissions[] = {{"registration", "market_regulation"},
                                               {"admin_license", "market_regulation"},
                                               {"admin_penalty", "market_regulation"},
                                               {"abnormal_operation", "market_regulation"},
                                               {"inspection_result", "market_regulation"},
                                               {"commitment", "market_regulation"},
                                               {"dishonest_debtor", "court"},
                                               {"judgment", "court"},
                                               {"tax_credit_grade", "tax"},
                                               {"admin_penalty", "tax"},
                                               {"red_list", "development_reform"},
                                               {"honour", "development_reform"},
                                               {"serious_dishonesty", "development_reform"}};
// Court records come from the court only.
constexpr std::string_view kCourtOnlyKinds[] = {"dishonest_debtor", "judgment"};
constexpr std::string_view kCourtDepartment = "court";

// Feed field names a record kind may require (FORMATS.md, department feed). Anything kept in
// extra is named "extra.<field>".
constexpr std::string_view kFeedFields[] = {
    "document_no", "legal_basis", "content", "authority", "authority.name", "authority.code",
    "valid_until", "amount_yuan", "tier",    "grade",     "year",           "list",
    "ground",      "term_end",    "type",    "status",    "deadline"};

// The USCC alphabet (GB 32100-2015): digits and capitals without I, O, Z, S, V.
constexpr std::string_view kUsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

}  // namespace

// Fills a Catalog from parsed files; friend of Catalog.
class CatalogBuilder {
 public:
  explicit CatalogBuilder(Problems& problems) : problems_(problems) {}

  Catalog Build(const std::vector<ParsedFile>& files) {
    ReadCatalogTable(files);
    Gather(files);
    ReadCategories();
    ReadDepartments();
    ReadPublicityRules();
    ReadRecordKinds();
    ReadOrgTypes();
    ReadIngest();
    CheckFeedFormat();
    MergeExtensions();
    return std::move(catalog_);
  }

  // Completes a validated catalog: its digest and lookup indexes.
  static void Seal(Catalog& catalog, std::string digest) {
    catalog.digest_ = std::move(digest);
    catalog.BuildIndexes();
  }

 private:
  using Need = TableReader::Need;

  // Adds one file's table to a merged table; a key set twice is a problem.
  void MergeInto(MergedTable& merged, std::string_view table_name, const toml::table& table,
                 const std::string& file) {
    Location here{file, LineOf(table)};
    if (!merged.first) merged.first = here;
    for (Field& field : FieldsOf(table, file)) {
      auto previous = std::find_if(merged.fields.begin(), merged.fields.end(),
                                   [&](const Field& f) { return f.key == field.key; });
      if (previous != merged.fields.end()) {
        problems_.Add(
            "duplicate", field.where, fmt::format("{}.{}", table_name, field.key),
            fmt::format("already set at {}:{}", previous->where.file, previous->where.line));
        continue;
      }
      merged.fields.push_back(std::move(field));
    }
  }

  // [catalog] first: its `extensions` decide which other top-level entries are legal.
  void ReadCatalogTable(const std::vector<ParsedFile>& files) {
    MergedTable merged;
    for (const ParsedFile& file : files) {
      const toml::node* node = file.table.get(kCatalogTable);
      if (node == nullptr) continue;
      if (const toml::table* table = node->as_table()) {
        MergeInto(merged, kCatalogTable, *table, file.name);
      }  // a wrong type is reported by Gather
    }
    if (!merged.first) {
      problems_.AddGlobal("missing", kCatalogTable,
                          "no [catalog] table with version and edition in any policy file");
      return;
    }
    TableReader reader(std::move(merged.fields), *merged.first, std::string(kCatalogTable),
                       problems_);
    if (auto version = reader.String("version", Need::kRequired)) catalog_.version_ = *version;
    if (auto edition = reader.String("edition", Need::kRequired)) catalog_.edition_ = *edition;
    if (auto extensions = reader.StringArray("extensions", Need::kOptional)) {
      for (const std::string& name : *extensions) {
        bool known = std::find(std::begin(kKnownTables), std::end(kKnownTables), name) !=
                         std::end(kKnownTables) ||
                     std::find(std::begin(kKnownArrays), std::end(kKnownArrays), name) !=
                         std::end(kKnownArrays);
        if (!IsIdentifier(name) || known) {
          reader.Report(
              "invalid", "extensions",
              fmt::format("{} cannot be an extension table ({})", Quoted(name),
                          known ? "it belongs to the catalog itself" : "not a valid table name"));
          continue;
        }
        if (std::find(catalog_.extension_tables_.begin(), catalog_.extension_tables_.end(), name) !=
            catalog_.extension_tables_.end()) {
          reader.Report("duplicate", "extensions", fmt::format("{} is listed twice", Quoted(name)));
          continue;
        }
        catalog_.extension_tables_.push_back(name);
      }
    }
    reader.Finish();
  }

  // Sorts every top-level entry of every file into the known arrays, tables and extensions.
  void Gather(const std::vector<ParsedFile>& files) {
    for (const ParsedFile& file : files) {
      for (const Field& field : FieldsOf(file.table, file.name)) {
        const std::string& name = field.key;
        bool is_array = std::find(std::begin(kKnownArrays), std::end(kKnownArrays), name) !=
                        std::end(kKnownArrays);
        bool is_table = std::find(std::begin(kKnownTables), std::end(kKnownTables), name) !=
                        std::end(kKnownTables);
        if (is_array) {
          const toml::array* array = field.node->as_array();
          if (array == nullptr || !array->is_array_of_tables()) {
            problems_.Add("type", field.where, name,
                          fmt::format("must be an array of tables, written [[{}]]", name));
            continue;
          }
          std::vector<Element>& elements = arrays_[name];
          for (const toml::node& item : *array) {
            elements.push_back(
                {item.as_table(), Location{file.name, LineOf(item)}, elements.size()});
          }
        } else if (is_table) {
          const toml::table* table = field.node->as_table();
          if (table == nullptr) {
            problems_.Add("type", field.where, name,
                          fmt::format("must be a table, written [{}]", name));
            continue;
          }
          if (name != kCatalogTable) MergeInto(tables_[name], name, *table, file.name);
        } else if (std::find(catalog_.extension_tables_.begin(), catalog_.extension_tables_.end(),
                             name) != catalog_.extension_tables_.end()) {
          catalog_.extension_parts_[name].push_back({file.name, TomlToJson(*field.node)});
          extension_locations_[name].push_back(field.where);
        } else {
          problems_.Add("unknown_key", field.where, name,
                        fmt::format("unknown top-level entry (known: {}, {}; tables of other "
                                    "modules must be listed in [catalog] extensions)",
                                    JoinQuoted(kKnownTables), JoinQuoted(kKnownArrays)));
        }
      }
    }
  }

  TableReader ElementReader(std::string_view array, const Element& element) {
    return TableReader(FieldsOf(*element.table, element.where.file), element.where,
                       fmt::format("{}[{}]", array, element.index), problems_);
  }

  void ReadCategories() {
    KeyRegistry keys;
    for (const Element& element : arrays_[std::string(kCategoryArray)]) {
      TableReader reader = ElementReader(kCategoryArray, element);
      Category category;
      std::optional<std::string> key = ReadElementKey(reader, kCategoryArray, problems_);
      bool ok = key && keys.Add(*key, reader, problems_);
      auto name = reader.Name("name");
      auto order = reader.Int("order", 0, 1'000'000);
      reader.Finish();
      if (!ok || !name) continue;
      category.key = *key;
      category.name = std::move(*name);
      category.order = static_cast<int>(order.value_or(static_cast<int64_t>(element.index) + 1));
      catalog_.categories_.push_back(std::move(category));
    }
    category_keys_ = std::move(keys);
  }

  void ReadDepartments() {
    KeyRegistry keys;
    for (const Element& element : arrays_[std::string(kDepartmentArray)]) {
      TableReader reader = ElementReader(kDepartmentArray, element);
      std::optional<std::string> key = ReadElementKey(reader, kDepartmentArray, problems_);
      bool ok = key && keys.Add(*key, reader, problems_);
      auto name = reader.Name("name");
      auto code = reader.String("code", Need::kOptional);
      if (code && !code->empty()) {
        bool well_formed =
            code->size() == 18 && code->find_first_not_of(kUsccAlphabet) == std::string::npos;
        if (!well_formed) {
          reader.Report("invalid", "code",
                        fmt::format("{} is not a Unified Social Credit Code (18 characters of "
                                    "{})",
                                    Quoted(*code), kUsccAlphabet));
          ok = false;
        }
      }
      reader.Finish();
      if (!ok || !name) continue;
      catalog_.departments_.push_back({*key, std::move(*name), code.value_or("")});
    }
    department_keys_ = std::move(keys);
  }

  // { tier = "minor", published = true, min_months = 0, max_months = 3 }
  std::optional<TierPeriod> ReadPeriod(const toml::node& node, const std::string& file,
                                       const std::string& path) {
    Location where{file, LineOf(node)};
    const toml::table* table = node.as_table();
    if (table == nullptr) {
      problems_.Add("type", where, path,
                    fmt::format("must be a table {{ tier, min_months, max_months }}, not {}",
                                TypeName(node)));
      return std::nullopt;
    }
    TableReader reader(FieldsOf(*table, file), where, path, problems_);
    TierPeriod period;
    bool ok = true;
    if (auto tier_key = reader.String("tier", Need::kOptional)) {
      std::optional<Tier> tier = ParseTier(*tier_key);
      if (!tier) {
        reader.Report("invalid", "tier",
                      fmt::format("unknown tier {} (minor, general or serious; omit it for an "
                                  "untiered rule)",
                                  Quoted(*tier_key)));
        ok = false;
      } else {
        period.tier = *tier;
      }
    }
    period.published = reader.Bool("published").value_or(true);
    constexpr int64_t kMaxMonths = 1200;  // a century: anything longer is a typo
    auto min_months = reader.Int("min_months", 0, kMaxMonths);
    auto max_months = reader.Int("max_months", 0, kMaxMonths);
    period.min_months = static_cast<int>(min_months.value_or(0));
    period.max_months = static_cast<int>(max_months.value_or(0));
    if (period.max_months > 0 && period.min_months > period.max_months) {
      reader.Report("invalid", "min_months",
                    fmt::format("min_months {} is greater than max_months {}", period.min_months,
                                period.max_months));
      ok = false;
    }
    reader.Finish();
    if (!ok) return std::nullopt;
    return period;
  }

  void ReadPublicityRules() {
    KeyRegistry keys;
    for (const Element& element : arrays_[std::string(kPublicityRuleArray)]) {
      TableReader reader = ElementReader(kPublicityRuleArray, element);
      std::optional<std::string> key = ReadElementKey(reader, kPublicityRuleArray, problems_);
      bool ok = key && keys.Add(*key, reader, problems_);
      PublicityRule rule;
      auto name = reader.Name("name");
      if (auto categories = reader.StringArray("unpublished_categories", Need::kOptional)) {
        rule.unpublished_categories = std::move(*categories);
      }
      if (const Field* field = reader.Find("periods", Need::kRequired)) {
        const toml::array* periods = field->node->as_array();
        if (periods == nullptr || periods->empty()) {
          reader.Report("type", "periods", "must be a non-empty array of periods");
          ok = false;
        } else {
          for (size_t i = 0; i < periods->size(); ++i) {
            std::string path = fmt::format("{}.periods[{}]", reader.path(), i);
            std::optional<TierPeriod> period =
                ReadPeriod(*periods->get(i), field->where.file, path);
            if (!period) {
              ok = false;
              continue;
            }
            if (rule.ForTier(period->tier) != nullptr) {
              problems_.Add(
                  "duplicate", Location{field->where.file, LineOf(*periods->get(i))}, path,
                  period->tier == Tier::kNone
                      ? std::string("more than one untiered period")
                      : fmt::format("tier {} has two periods", Quoted(TierKey(period->tier))));
              ok = false;
              continue;
            }
            rule.periods.push_back(*period);
          }
          bool untiered = rule.ForTier(Tier::kNone) != nullptr;
          if (untiered && rule.periods.size() > 1) {
            reader.Report("invalid", "periods",
                          "an untiered period (no tier) cannot be mixed with tiered ones");
            ok = false;
          }
        }
      }
      reader.Finish();
      if (!ok || !name) {
        // Keep the key known so that record kinds naming it are not also reported.
        if (key) broken_rules_.insert(*key);
        continue;
      }
      rule.key = *key;
      rule.name = std::move(*name);
      catalog_.publicity_rules_.push_back(std::move(rule));
    }
  }

  const PublicityRule* FindRule(std::string_view key) const {
    for (const PublicityRule& rule : catalog_.publicity_rules_) {
      if (rule.key == key) return &rule;
    }
    return nullptr;
  }

  void ReadRecordKinds() {
    KeyRegistry keys;
    for (const Element& element : arrays_[std::string(kRecordKindArray)]) {
      TableReader reader = ElementReader(kRecordKindArray, element);
      std::optional<std::string> key = ReadElementKey(reader, kRecordKindArray, problems_);
      bool ok = key && keys.Add(*key, reader, problems_);
      RecordKind kind;
      if (key) kind.key = *key;

      auto name = reader.Name("name");
      ok = ok && name.has_value();
      if (name) kind.name = std::move(*name);

      if (auto category = reader.String("category", Need::kRequired)) {
        if (!category_keys_.Contains(*category)) {
          reader.Report("unknown_reference", "category",
                        fmt::format("unknown category {}", Quoted(*category)));
          ok = false;
        }
        kind.category = std::move(*category);
      } else {
        ok = false;
      }

      if (auto subjects = reader.StringArray("subject_kinds", Need::kRequired)) {
        for (const std::string& subject_key : *subjects) {
          std::optional<SubjectKind> subject = ParseSubjectKind(subject_key);
          if (!subject) {
            reader.Report("invalid", "subject_kinds",
                          fmt::format("unknown subject kind {}", Quoted(subject_key)));
            ok = false;
          } else if (kind.AllowsSubject(*subject)) {
            reader.Report("duplicate", "subject_kinds",
                          fmt::format("{} is listed twice", Quoted(subject_key)));
            ok = false;
          } else {
            kind.subject_kinds.push_back(*subject);
          }
        }
      } else {
        ok = false;
      }

      if (auto polarity_key = reader.String("polarity", Need::kRequired)) {
        if (auto polarity = ParsePolarity(*polarity_key)) {
          kind.polarity = *polarity;
        } else {
          reader.Report("invalid", "polarity",
                        fmt::format("unknown polarity {} (negative, neutral or positive)",
                                    Quoted(*polarity_key)));
          ok = false;
        }
      } else {
        ok = false;
      }

      kind.tiered = reader.Bool("tiered").value_or(false);
      if (auto tier_key = reader.String("default_tier", Need::kOptional)) {
        std::optional<Tier> tier = ParseTier(*tier_key);
        if (!tier || *tier == Tier::kNone) {
          reader.Report(
              "invalid", "default_tier",
              fmt::format("unknown tier {} (minor, general or serious)", Quoted(*tier_key)));
          ok = false;
        } else if (!kind.tiered) {
          reader.Report("invalid", "default_tier", "only tiered kinds (tiered = true) have one");
          ok = false;
        } else {
          kind.default_tier = *tier;
        }
      } else if (kind.tiered) {
        reader.Report("missing", "default_tier", "tiered kinds need a default_tier");
        ok = false;
      }

      kind.restorable = reader.Bool("restorable").value_or(false);
      if (auto rule_key = reader.String("publicity_rule", Need::kOptional)) {
        kind.publicity_rule = std::move(*rule_key);
      }
      ok = CheckRuleOfKind(kind, reader) && ok;

      if (auto basis = reader.String("legal_basis", Need::kRequired)) {
        kind.legal_basis = std::move(*basis);
      } else {
        ok = false;
      }

      if (auto departments = reader.StringArray("departments", Need::kRequired)) {
        for (const std::string& department : *departments) {
          if (!department_keys_.Contains(department)) {
            reader.Report("unknown_reference", "departments",
                          fmt::format("unknown department {}", Quoted(department)));
            ok = false;
          } else if (std::find(kind.departments.begin(), kind.departments.end(), department) !=
                     kind.departments.end()) {
            reader.Report("duplicate", "departments",
                          fmt::format("{} is listed twice", Quoted(department)));
            ok = false;
          } else {
            kind.departments.push_back(department);
          }
        }
        CheckFeedPermissions(kind, reader);
      } else {
        ok = false;
      }

      kind.public_legal_person = reader.Bool("public_legal_person").value_or(true);
      kind.public_natural_person = reader.Bool("public_natural_person").value_or(false);

      if (auto fields = reader.StringArray("required_fields", Need::kOptional)) {
        for (const std::string& field : *fields) {
          bool known = std::find(std::begin(kFeedFields), std::end(kFeedFields), field) !=
                           std::end(kFeedFields) ||
                       (field.starts_with("extra.") && field.size() > 6);
          if (!known) {
            reader.Report("invalid", "required_fields",
                          fmt::format("{} is not a feed field (one of {}, or extra.<name>)",
                                      Quoted(field), JoinQuoted(kFeedFields)));
            ok = false;
          } else {
            kind.required_fields.push_back(field);
          }
        }
      }
      if (auto field = reader.String("published_only_field", Need::kOptional)) {
        kind.published_only_field = std::move(*field);
        if (auto values = reader.StringArray("published_only_values", Need::kRequired)) {
          kind.published_only_values = std::move(*values);
        } else {
          ok = false;
        }
      }
      reader.Finish();
      if (ok) catalog_.kinds_.push_back(std::move(kind));
    }
    kind_keys_ = std::move(keys);
  }

  // The publicity rule exists and has a period for every tier the kind can carry.
  bool CheckRuleOfKind(const RecordKind& kind, TableReader& reader) {
    if (kind.publicity_rule.empty()) {
      if (kind.tiered) {
        reader.Report("missing", "publicity_rule",
                      "tiered kinds need a publicity_rule with a period for every tier");
        return false;
      }
      if (kind.restorable) {
        reader.Report("missing", "publicity_rule",
                      "restorable kinds need a publicity_rule (its min_months say when "
                      "restoration may be applied for)");
        return false;
      }
      return true;
    }
    if (broken_rules_.contains(kind.publicity_rule)) return false;  // reported at the rule
    const PublicityRule* rule = FindRule(kind.publicity_rule);
    if (rule == nullptr) {
      reader.Report("unknown_reference", "publicity_rule",
                    fmt::format("unknown publicity rule {}", Quoted(kind.publicity_rule)));
      return false;
    }
    bool ok = true;
    if (kind.tiered) {
      for (Tier tier : kAllTiers) {
        if (rule->ForTier(tier) == nullptr) {
          reader.Report("invalid", "publicity_rule",
                        fmt::format("publicity rule {} has no period for tier {}",
                                    Quoted(rule->key), Quoted(TierKey(tier))));
          ok = false;
        }
      }
    } else if (rule->ForTier(Tier::kNone) == nullptr) {
      reader.Report("invalid", "publicity_rule",
                    fmt::format("publicity rule {} is tiered but the kind is not (set tiered = "
                                "true or use an untiered rule)",
                                Quoted(rule->key)));
      ok = false;
    }
    return ok;
  }

  // FORMATS.md: who must be allowed to submit what, and that court records come from the court.
  void CheckFeedPermissions(const RecordKind& kind, TableReader& reader) {
    auto allows = [&](std::string_view department) {
      return std::find(kind.departments.begin(), kind.departments.end(), department) !=
             kind.departments.end();
    };
    for (const Permission& permission : kRequiredPermissions) {
      if (permission.kind == kind.key && !allows(permission.department)) {
        reader.Report("feed_format", "departments",
                      fmt::format("must include {}: the department feed format (FORMATS.md) "
                                  "lets it submit {}",
                                  Quoted(permission.department), Quoted(kind.key)));
      }
    }
    if (std::find(std::begin(kCourtOnlyKinds), std::end(kCourtOnlyKinds), kind.key) !=
        std::end(kCourtOnlyKinds)) {
      for (const std::string& department : kind.departments) {
        if (department != kCourtDepartment) {
          reader.Report("feed_format", "departments",
                        fmt::format("court records come from {} only (FORMATS.md), not {}",
                                    Quoted(kCourtDepartment), Quoted(department)));
        }
      }
    }
  }

  void CheckFeedFormat() {
    for (std::string_view key : kRequiredKinds) {
      if (!kind_keys_.Contains(key)) {
        problems_.AddGlobal("feed_format", fmt::format("{}.{}", kRecordKindArray, key),
                            "missing: the department feed format (FORMATS.md) requires this "
                            "record kind");
      }
    }
    for (std::string_view key : kRequiredDepartments) {
      if (!department_keys_.Contains(key)) {
        problems_.AddGlobal("feed_format", fmt::format("{}.{}", kDepartmentArray, key),
                            "missing: the department feed format (FORMATS.md) requires this "
                            "department");
      }
    }
  }

  void ReadOrgTypes() {
    auto it = tables_.find(kOrgTypesTable);
    if (it == tables_.end()) return;
    MergedTable& merged = it->second;
    for (const Field& field : merged.fields) {
      std::string path = fmt::format("{}.{}", kOrgTypesTable, field.key);
      bool well_formed =
          field.key.size() == 2 && field.key.find_first_not_of(kUsccAlphabet) == std::string::npos;
      if (!well_formed) {
        problems_.Add("invalid", field.where, path,
                      "not a USCC organisation type (2 characters: registration authority and "
                      "type, e.g. \"91\")");
        continue;
      }
      if (!field.node->is_string()) {
        problems_.Add("type", field.where, path,
                      fmt::format("must be a subject kind string, not {}", TypeName(*field.node)));
        continue;
      }
      const std::string& subject_key = field.node->as_string()->get();
      std::optional<SubjectKind> subject = ParseSubjectKind(subject_key);
      if (!subject) {
        problems_.Add("invalid", field.where, path,
                      fmt::format("unknown subject kind {}", Quoted(subject_key)));
        continue;
      }
      catalog_.org_types_.emplace(field.key, *subject);
    }
  }

  void ReadIngest() {
    auto it = tables_.find(kIngestTable);
    if (it == tables_.end()) return;  // defaults
    MergedTable& merged = it->second;
    TableReader reader(std::move(merged.fields), *merged.first, std::string(kIngestTable),
                       problems_);
    IngestSettings& ingest = catalog_.ingest_;
    ingest.accept_checksum_failures =
        reader.Bool("accept_checksum_failures").value_or(ingest.accept_checksum_failures);
    ingest.max_body_bytes =
        reader.Int("max_body_bytes", 1, int64_t{1} << 40).value_or(ingest.max_body_bytes);
    ingest.min_year = static_cast<int>(reader.Int("min_year", 1, 9999).value_or(ingest.min_year));
    reader.Finish();
  }

  // Joins each extension's parts: arrays concatenate, tables merge key by key.
  void MergeExtensions() {
    for (auto& [name, parts] : catalog_.extension_parts_) {
      const std::vector<Location>& locations = extension_locations_[name];
      JsonValue merged;
      bool ok = true;
      for (size_t i = 0; i < parts.size() && ok; ++i) {
        const JsonValue& part = parts[i].value;
        if (i == 0) {
          merged = part;
          continue;
        }
        if (part.type() != merged.type() || !(part.is_array() || part.is_object())) {
          problems_.Add("type", locations[i], name,
                        fmt::format("is written as {} here but as {} in {}",
                                    part.is_array() ? "[[" + name + "]]" : "[" + name + "]",
                                    merged.is_array() ? "[[" + name + "]]" : "[" + name + "]",
                                    parts[0].file));
          ok = false;
        } else if (part.is_array()) {
          for (const JsonValue& item : part.as_array()) merged.as_array().push_back(item);
        } else {
          for (const auto& [key, value] : part.as_object()) {
            if (merged.Find(key) != nullptr) {
              problems_.Add("duplicate", locations[i], fmt::format("{}.{}", name, key),
                            "already set in an earlier file");
              ok = false;
            } else {
              merged.Set(key, value);
            }
          }
        }
      }
      if (ok) catalog_.extensions_.emplace(name, std::move(merged));
    }
  }

  Problems& problems_;
  Catalog catalog_;
  std::map<std::string, std::vector<Element>, std::less<>> arrays_;
  std::map<std::string, MergedTable, std::less<>> tables_;
  std::map<std::string, std::vector<Location>, std::less<>> extension_locations_;
  KeyRegistry category_keys_;
  KeyRegistry department_keys_;
  KeyRegistry kind_keys_;
  std::set<std::string, std::less<>> broken_rules_;
};

Result<Catalog> ParseCatalog(std::span<const PolicyFile> files) {
  Problems problems;
  std::vector<ParsedFile> parsed;
  parsed.reserve(files.size());
  for (const PolicyFile& file : files) {
    try {
      parsed.push_back({file.name, toml::parse(file.text, file.name)});
    } catch (const toml::parse_error& error) {
      const toml::source_position& at = error.source().begin;
      problems.AddMessage(
          "syntax", Location{file.name, static_cast<int64_t>(at.line)},
          fmt::format("{}:{}:{}: {}", file.name, at.line, at.column, error.description()));
    }
  }
  // The other checks would only echo a broken file (everything in it "missing").
  if (!problems.empty()) return Fail(std::move(problems).ToError());
  CatalogBuilder builder(problems);
  Catalog catalog = builder.Build(parsed);
  if (!problems.empty()) return Fail(std::move(problems).ToError());

  std::string digest_input;
  for (const PolicyFile& file : files) {
    digest_input += file.name;
    digest_input.push_back('\0');
    digest_input += file.text;
    digest_input.push_back('\0');
  }
  CatalogBuilder::Seal(catalog, HexEncode(Sha256(digest_input)));
  return catalog;
}

Result<Catalog> LoadCatalog(const std::filesystem::path& dir) {
  std::error_code error;
  if (!std::filesystem::exists(dir, error)) {
    return Fail(Error::NotFound(fmt::format("policy directory {} does not exist", dir.string())));
  }
  if (!std::filesystem::is_directory(dir, error)) {
    return Fail(Error::InvalidArgument(
        "invalid_policy", fmt::format("policy path {} is not a directory", dir.string())));
  }
  std::vector<std::filesystem::path> paths;
  for (std::filesystem::directory_iterator it(dir, error), end; !error && it != end;
       it.increment(error)) {
    const std::filesystem::path& path = it->path();
    std::string name = path.filename().string();
    if (name.starts_with(".") || path.extension() != ".toml") continue;
    if (!it->is_regular_file(error)) continue;
    paths.push_back(path);
  }
  if (error) {
    return Fail(Error::Unavailable(
        fmt::format("cannot list policy directory {}: {}", dir.string(), error.message())));
  }
  if (paths.empty()) {
    return Fail(Error::InvalidArgument(
        "invalid_policy", fmt::format("policy directory {} has no *.toml files", dir.string())));
  }
  std::sort(paths.begin(), paths.end(), [](const auto& a, const auto& b) {
    return a.filename().string() < b.filename().string();
  });

  std::vector<PolicyFile> files;
  for (const std::filesystem::path& path : paths) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) {
      return Fail(Error::Unavailable(fmt::format("cannot read policy file {}", path.string())));
    }
    files.push_back({path.filename().string(), std::move(text).str()});
  }
  Result<Catalog> catalog = ParseCatalog(files);
  if (!catalog) return Fail(std::move(catalog).error().Context(dir.string()));
  return catalog;
}

std::span<const std::string_view> FeedFormatRecordKinds() { return kRequiredKinds; }

}  // namespace credence::policy
