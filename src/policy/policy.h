// The policy catalog: what may enter a credit file, who may submit it, how long it is public.
//
// Policy is data, not code. It is loaded from TOML files in a policy directory (default data in
// policy/ at the top of the project), validated on load, and immutable afterwards: a Catalog is
// safe to share between threads. Every derived result names the catalog version it used.
//
// Policy files. LoadCatalog reads every "*.toml" file of the directory (not its subdirectories,
// not names starting with '.') in byte order of the file name; other files (README.md) are
// ignored. A file may hold any of the known top-level entries, so data can be split by concern:
//   [catalog]            version, edition, extensions (string list, see below)
//   [[category]]         key, name = { zh, en }, order (default: position)
//   [[department]]       key, name, code (the department's own USCC, optional)
//   [[publicity_rule]]   key, name, periods = [{ tier, published, min_months, max_months }],
//                        unpublished_categories
//   [[record_kind]]      key, name, category, subject_kinds, polarity, tiered, default_tier,
//                        publicity_rule, restorable, legal_basis, departments,
//                        public_legal_person, public_natural_person, required_fields
//   [org_types]          "91" = "enterprise", ... (USCC positions 1-2 → subject kind)
//   [ingest]             accept_checksum_failures, max_body_bytes, min_year
// Arrays of tables ([[x]]) are concatenated across files in file order; tables ([x]) are merged
// and a key set in two files is an error. Unknown top-level entries and unknown keys inside the
// known entries are errors, so that a typo never silently drops a rule. Whatever a city edits,
// the policy must keep what the department feed format (FORMATS.md) promises integrators: its
// record kinds, departments and submission permissions, and court records from the court only.
//
// Extensions. Other modules keep their own policy (rating models, lists, measures, sampling)
// in the same directory without this module knowing their shape: a top-level entry whose name
// is listed in [catalog] extensions = ["measure", ...] is not interpreted here but kept as JSON
// (Catalog::extension) for its owner to read and validate. Naming a table in `extensions` is
// what makes it legal, so a misspelt table is still reported.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "common/time.h"
#include "ids/ids.h"

namespace credence::policy {

// Subject kinds are defined with the identifiers that denote them.
using ids::IsNaturalPerson;
using ids::kAllSubjectKinds;
using ids::ParseSubjectKind;
using ids::SubjectKind;
using ids::SubjectKindKey;

enum class Polarity : uint8_t { kNegative, kNeutral, kPositive };
std::string_view PolarityKey(Polarity polarity);              // "negative", "neutral", "positive"
std::optional<Polarity> ParsePolarity(std::string_view key);  // nullopt for any other key

enum class Tier : uint8_t { kNone, kMinor, kGeneral, kSerious };
std::string_view TierKey(Tier tier);  // "", "minor", "general", "serious"
// "minor", "general", "serious"; "" and "none" give Tier::kNone; anything else nullopt.
std::optional<Tier> ParseTier(std::string_view key);
inline constexpr Tier kAllTiers[] = {Tier::kMinor, Tier::kGeneral, Tier::kSerious};

// Bilingual text: Simplified Chinese first, English second.
struct Text {
  std::string zh;
  std::string en;
};

struct Category {
  std::string key;  // e.g. "administrative_management"
  Text name;
  int order = 0;  // display order
};

// How long a record of one tier stays public, counted in months from the decision date.
struct TierPeriod {
  Tier tier = Tier::kNone;
  bool published = true;  // false: never shown publicly (e.g. warnings)
  int min_months = 0;     // restoration possible after this (0: at once)
  int max_months = 0;     // publicity stops after this; 0: no automatic end
};

struct PublicityRule {
  std::string key;  // e.g. "admin_penalty"
  Text name;
  std::vector<TierPeriod> periods;  // one per tier; untiered rules have one with Tier::kNone
  // Records whose penalty category (处罚类别) is one of these are never published, whatever the
  // tier (DOMAIN.md §3: warnings are not publicised). A record with several categories
  // ("警告;罚款") is unpublished only when every one of them is listed here.
  std::vector<std::string> unpublished_categories;
  // The period of this tier; nullptr when the rule has none.
  const TierPeriod* ForTier(Tier tier) const;
  // Whether a penalty category string (one or several, separated by ; ， , 、 or spaces) is
  // made only of unpublished categories. An empty string is published.
  bool IsUnpublishedCategory(std::string_view penalty_category) const;
};

struct RecordKind {
  std::string key;  // e.g. "admin_penalty"
  Text name;
  std::string category;                    // a Category key
  std::vector<SubjectKind> subject_kinds;  // whom it may be about
  Polarity polarity = Polarity::kNeutral;
  bool tiered = false;  // records must carry a tier
  Tier default_tier = Tier::kNone;
  std::string publicity_rule;  // a PublicityRule key; empty: public while active, no window
  bool restorable = false;     // credit restoration may end its publicity early
  std::string legal_basis;     // the catalog's basis for collecting it
  std::vector<std::string> departments;  // Department keys allowed to submit it
  bool public_legal_person = true;       // shown publicly for legal persons
  bool public_natural_person = false;    // shown publicly for natural persons
  // Record fields required beyond the common ones (source_ref, kind, subject, decided_at), in
  // feed field names: "document_no", "legal_basis", "authority.name", "grade", "year", ...
  std::vector<std::string> required_fields;
  // When set, a record is published only if this feed field holds one of the values (the tax
  // authority publishes A grades only: field "grade", values ["A"]); others are kept unpublished.
  std::string published_only_field;
  std::vector<std::string> published_only_values;

  // Whether records of this kind may be about a subject of this kind.
  bool AllowsSubject(SubjectKind subject) const;
};

struct Department {
  std::string key;  // e.g. "market_regulation"
  Text name;
  std::string code;  // the department's own USCC (may be empty)
};

struct IngestSettings {
  // Rows whose code fails only its check character are accepted flagged for review instead of
  // rejected (legacy pilot-region codes such as 91350211M00013FA1N). Default: false.
  bool accept_checksum_failures = false;
  // Largest request body for POST /api/v1/ingest/batches. Default: 64 MiB.
  int64_t max_body_bytes = 64ll << 20;
  // Earliest acceptable decision year. Default: 1949.
  int min_year = 1949;
};

// When a record is public. Periods run from the decision date in whole months (Date::AddMonths):
// max_end is the first day the record is no longer public, so a record decided on 2024-03-05
// with a one-year maximum is public up to and including 2025-03-04 and hidden from 2025-03-05.
// A day the end month lacks is clamped to its last day: decided 2024-02-29 + 1 year gives
// max_end 2025-02-28.
struct PublicityWindow {
  Date start;                   // the decision date
  std::optional<Date> min_end;  // restorable from this day; nullopt: the kind is not restorable
  std::optional<Date> max_end;  // no longer public from this day; nullopt: no automatic end
  bool published = true;        // false: never shown publicly (tier or penalty category)
};

// One file's part of an extension table, for error messages that name the file.
struct ExtensionPart {
  std::string file;  // e.g. "measures.toml"
  JsonValue value;   // the file's table or array, converted as in Catalog::extension
};

// Problems found by the owner of an extension table while reading it: each names the file, the
// path and what is wrong ("lists.toml: list.honour.terms[0].months: must be …"); ToError gathers
// them under reason "invalid_policy", one detail each.
class ExtensionProblems {
 public:
  void Add(std::string_view reason, std::string_view file, std::string_view path,
           std::string_view what);
  bool empty() const { return errors_.empty(); }
  size_t size() const { return errors_.size(); }
  // "<owner>: 2 problems in the <subject>", e.g. owner "lists policy", subject "list definitions".
  Error ToError(std::string_view owner, std::string_view subject) &&;

 private:
  std::vector<Error> errors_;
};

// A policy file given as text (see ParseCatalog).
struct PolicyFile {
  std::string name;  // the name errors use, e.g. "record_kinds.toml"
  std::string text;
};

class Catalog {
 public:
  const std::string& version() const { return version_; }  // e.g. "2024.1"
  const std::string& edition() const { return edition_; }  // catalog edition, e.g. "2024"
  const std::vector<Category>& categories() const { return categories_; }  // by order
  const std::vector<RecordKind>& kinds() const { return kinds_; }
  const std::vector<Department>& departments() const { return departments_; }
  const std::vector<PublicityRule>& publicity_rules() const { return publicity_rules_; }
  const IngestSettings& ingest() const { return ingest_; }
  // USCC positions 1-2 → subject kind, as loaded.
  const std::map<std::string, SubjectKind, std::less<>>& org_types() const { return org_types_; }
  // Hex SHA-256 over the loaded files (names and contents, in load order): two catalogs with the
  // same digest were loaded from the same data. Audit entries name it beside version().
  const std::string& digest() const { return digest_; }

  // Lookups by key; nullptr when absent. O(1): safe on per-record hot paths.
  const Category* FindCategory(std::string_view key) const;
  const RecordKind* FindKind(std::string_view key) const;
  const Department* FindDepartment(std::string_view key) const;
  const PublicityRule* FindPublicityRule(std::string_view key) const;
  // Whether the department may submit records of the kind; false for unknown keys. O(1).
  bool MaySubmit(std::string_view department, std::string_view kind) const;
  // Whether records of this kind are shown to the public for this subject kind: natural persons
  // by public_natural_person, every other kind by public_legal_person. Whether one record is
  // shown also depends on its window and state.
  bool IsPublic(const RecordKind& kind, SubjectKind subject) const;
  // The publicity window of a record (DOMAIN.md §3). The tier is ignored for untiered kinds;
  // Tier::kNone on a tiered kind means its default_tier. A kind without a publicity rule is
  // public from the decision with no end (licences, registrations, honours).
  PublicityWindow Window(const RecordKind& kind, Tier tier, Date decided,
                         std::string_view penalty_category = "") const;
  // Subject kind from a USCC's positions 1-2 ("91" → enterprise), from the policy's table.
  std::optional<SubjectKind> SubjectKindForOrgType(std::string_view type2) const;

  // The names declared in [catalog] extensions, in declaration order.
  const std::vector<std::string>& extension_tables() const { return extension_tables_; }
  // A declared extension table as JSON: an array of tables ([[measure]]) becomes an array of
  // objects concatenated across files, a table ([rating_model]) an object merged across files;
  // keys keep file order, dates become "YYYY-MM-DD", times "HH:MM:SS", date-times RFC 3339.
  // nullptr when the name is not declared or no file sets it.
  const JsonValue* extension(std::string_view table) const;
  // The same table per file, in load order (empty when absent).
  std::span<const ExtensionPart> extension_parts(std::string_view table) const;

 private:
  friend class CatalogBuilder;  // policy loader: fills the fields, then calls BuildIndexes
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const noexcept {
      return std::hash<std::string_view>{}(key);
    }
  };
  using KeyIndex = std::unordered_map<std::string, uint32_t, KeyHash, std::equal_to<>>;

  // Builds the lookup indexes from the vectors; keys must be unique (validated before).
  void BuildIndexes();

  std::string version_;
  std::string edition_;
  std::string digest_;
  std::vector<Category> categories_;
  std::vector<RecordKind> kinds_;
  std::vector<Department> departments_;
  std::vector<PublicityRule> publicity_rules_;
  std::map<std::string, SubjectKind, std::less<>> org_types_;
  IngestSettings ingest_;
  std::vector<std::string> extension_tables_;
  std::map<std::string, JsonValue, std::less<>> extensions_;
  std::map<std::string, std::vector<ExtensionPart>, std::less<>> extension_parts_;

  KeyIndex category_index_;
  KeyIndex kind_index_;
  KeyIndex department_index_;
  KeyIndex rule_index_;
  // permitted_[kind_index * departments_.size() + department_index]
  std::vector<bool> permitted_;
};

// The record kind keys the department feed format (FORMATS.md) promises integrators, in the
// order FORMATS.md lists them: every policy must define them.
std::span<const std::string_view> FeedFormatRecordKinds();

// Loads and validates every policy file in dir (see the top of this header for the layout).
// On failure the error (reason "invalid_policy") has one detail per problem found, each with a
// message "file.toml:LINE: key.path: what is wrong", e.g.
// "record_kinds.toml:42: record_kind.admin_penalty.category: unknown category "adminstrative"".
// Error::ToString prints them all. A missing directory is NotFound.
Result<Catalog> LoadCatalog(const std::filesystem::path& dir);

// Parses and validates policy files given as text, in the given order (LoadCatalog passes the
// directory's files sorted by name). For tests and tools that build a policy in memory.
Result<Catalog> ParseCatalog(std::span<const PolicyFile> files);

// The policy directory to use when none is given: $CREDENCE_POLICY_DIR when set and not empty,
// else ./policy when it holds a catalog.toml, else the policy/ directory of the source tree the
// binary was built from.
std::filesystem::path DefaultPolicyDir();

}  // namespace credence::policy
