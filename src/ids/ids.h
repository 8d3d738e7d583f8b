// Chinese identifiers: the Unified Social Credit Code (GB 32100-2015) with its embedded
// organisation code (GB 11714), the resident identity number (GB 11643-1999), and the
// administrative division table (GB/T 2260).
//
// All functions are pure and thread-safe. Input is normalised first (spaces and '-' stripped,
// full-width ASCII folded, upper-cased), and every verdict reports the normalised form.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace credence::ids {

enum class CodeKind : uint8_t { kUnknown, kUscc, kResidentId };
std::string_view CodeKindKey(CodeKind kind);  // "unknown", "uscc", "resident_id"

// The kinds of subject a credit file can be about. Which USCC organisation types map to which
// kind is policy data (policy::Catalog::SubjectKindForOrgType); a resident ID is always a person.
enum class SubjectKind : uint8_t {
  kEnterprise,
  kPublicInstitution,
  kSocialOrganisation,
  kIndividualBusiness,
  kPerson,
  kGovernmentOrgan,
};
inline constexpr SubjectKind kAllSubjectKinds[] = {SubjectKind::kEnterprise,
                                                   SubjectKind::kPublicInstitution,
                                                   SubjectKind::kSocialOrganisation,
                                                   SubjectKind::kIndividualBusiness,
                                                   SubjectKind::kPerson,
                                                   SubjectKind::kGovernmentOrgan};
// "enterprise", "public_institution", "social_organisation", "individual_business", "person",
// "government_organ".
std::string_view SubjectKindKey(SubjectKind kind);
std::optional<SubjectKind> ParseSubjectKind(std::string_view key);
// Natural persons are treated differently for publicity; everything else is a legal person
// (individual businesses are published like legal persons, as in double publicity).
inline bool IsNaturalPerson(SubjectKind kind) { return kind == SubjectKind::kPerson; }

// Why a code is invalid. Each has a stable name (FailureName) used in APIs and batch reports.
enum class Failure : uint8_t {
  kNone,
  kLength,           // "length": not 18 characters
  kFormat,           // "format": a character outside the alphabet, or in the wrong place
  kChecksum,         // "checksum": the final check character does not match
  kOrgCodeCheck,     // "org_code": the embedded GB 11714 organisation code's check fails
  kUnknownDivision,  // "division" (USCC) / "region" (resident ID): unknown division code
  kBadDate,          // "date": the birth date is not a real date, or in the future
};
std::string_view FailureName(Failure failure);

struct Division {
  std::string code;     // 6 digits
  std::string name_zh;  // 温州市
  std::string name_en;  // Wenzhou
  int level = 0;        // 1 province, 2 prefecture, 3 county
};

struct CodeCheck {
  std::string input;       // as given
  std::string normalized;  // after normalisation
  CodeKind kind = CodeKind::kUnknown;
  bool valid = false;
  Failure failure = Failure::kNone;
  std::string message;  // a sentence a person can act on, e.g. "check character is N, expected 8"

  // Decoded parts, filled as far as the code could be read.
  std::string division_code;  // positions 3-8 (USCC) or 1-6 (resident ID)
  std::string division_name;  // the most specific known name, e.g. "浙江省温州市鹿城区"
  char registration_authority = 0;     // USCC position 1
  std::string organisation_type;       // USCC positions 1-2, e.g. "91"
  std::string organisation_type_name;  // e.g. "企业" for 91, from GB 32100's table
  std::string birth_date;              // resident ID: YYYY-MM-DD
  std::string sex;                     // resident ID: "male" / "female"
};

// Detects the kind (18 characters starting with a digit and with 8 digits of date → tried as
// resident ID when it passes as one; otherwise USCC) and checks it.
CodeCheck CheckCode(std::string_view code);
CodeCheck CheckUscc(std::string_view code);
// today_yyyymmdd bounds the birth date ("YYYY-MM-DD"; empty = no upper bound).
CodeCheck CheckResidentId(std::string_view code, std::string_view today = "");

// Strips spaces and '-', folds full-width ASCII, upper-cases.
std::string NormalizeCode(std::string_view code);

// "330302199001011234" → "3303**********1234": first 4 and last 4 kept.
std::string MaskResidentId(std::string_view id);

// The division with exactly this code, or nullptr.
const Division* FindDivision(std::string_view code6);
// Province-level code known (first two digits)?
bool IsKnownProvince(std::string_view code6);
// "浙江省温州市鹿城区" for 330302; falls back to the prefecture or province when only they are
// known.
std::string DivisionFullName(std::string_view code6);
// All divisions, for the demo generator and the portal (ordered by code).
const std::vector<Division>& AllDivisions();
// County-level divisions directly under a prefecture, e.g. the 12 of Wenzhou (330300).
std::vector<const Division*> CountiesOf(std::string_view prefecture_code6);

// Builds a valid USCC from its first 16 characters by adding the org-code and USCC check
// characters: prefix17 is positions 1-16 (authority, type, division, 8-character org code body).
std::string CompleteUscc(std::string_view first16);
// Builds a valid resident ID from its first 17 digits.
std::string CompleteResidentId(std::string_view first17);

}  // namespace credence::ids
