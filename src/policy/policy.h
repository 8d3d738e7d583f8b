// The policy catalog: what may enter a credit file, who may submit it, how long it is public.
//
// Policy is data, not code. It is loaded from TOML files in a policy directory (default data in
// policy/ at the top of the project), validated on load, and immutable afterwards: a Catalog is
// safe to share between threads. Every derived result names the catalog version it used.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
std::string_view PolarityKey(Polarity polarity);  // "negative", "neutral", "positive"

enum class Tier : uint8_t { kNone, kMinor, kGeneral, kSerious };
std::string_view TierKey(Tier tier);  // "", "minor", "general", "serious"
std::optional<Tier> ParseTier(std::string_view key);

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
  // tier (DOMAIN.md §3: warnings are not publicised).
  std::vector<std::string> unpublished_categories;
  const TierPeriod* ForTier(Tier tier) const;
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

struct PublicityWindow {
  Date start;                   // the decision date
  std::optional<Date> min_end;  // restorable from this day
  std::optional<Date> max_end;  // no longer public from this day
  bool published = true;
};

class Catalog {
 public:
  const std::string& version() const { return version_; }  // e.g. "2024.1"
  const std::string& edition() const { return edition_; }  // catalog edition, e.g. "2024"
  const std::vector<Category>& categories() const { return categories_; }
  const std::vector<RecordKind>& kinds() const { return kinds_; }
  const std::vector<Department>& departments() const { return departments_; }
  const std::vector<PublicityRule>& publicity_rules() const { return publicity_rules_; }
  const IngestSettings& ingest() const { return ingest_; }

  const Category* FindCategory(std::string_view key) const;
  const RecordKind* FindKind(std::string_view key) const;
  const Department* FindDepartment(std::string_view key) const;
  const PublicityRule* FindPublicityRule(std::string_view key) const;
  bool MaySubmit(std::string_view department, std::string_view kind) const;
  // Whether records of this kind are shown to the public for this subject kind.
  bool IsPublic(const RecordKind& kind, SubjectKind subject) const;
  // The publicity window of a record (DOMAIN.md §3).
  PublicityWindow Window(const RecordKind& kind, Tier tier, Date decided,
                         std::string_view penalty_category = "") const;
  // Subject kind from a USCC's positions 1-2 ("91" → enterprise), from the policy's table.
  std::optional<SubjectKind> SubjectKindForOrgType(std::string_view type2) const;

 private:
  friend Result<Catalog> LoadCatalog(const std::filesystem::path& dir);
  std::string version_;
  std::string edition_;
  std::vector<Category> categories_;
  std::vector<RecordKind> kinds_;
  std::vector<Department> departments_;
  std::vector<PublicityRule> publicity_rules_;
  std::map<std::string, SubjectKind, std::less<>> org_types_;
  IngestSettings ingest_;
};

// Loads and validates every policy file in dir. On failure the error's details list every
// problem found, each naming the file, the key and the reason.
Result<Catalog> LoadCatalog(const std::filesystem::path& dir);

// The policy directory to use when none is given: $CREDENCE_POLICY_DIR, else ./policy, else the
// policy/ directory of the source tree the binary was built from.
std::filesystem::path DefaultPolicyDir();

}  // namespace credence::policy
