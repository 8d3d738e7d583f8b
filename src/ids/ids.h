// Chinese identifiers: the Unified Social Credit Code (GB 32100-2015) with its embedded
// organisation code (GB 11714), the resident identity number (GB 11643-1999), and the
// administrative division table (GB/T 2260).
//
// All functions are pure and thread-safe. Input is normalised first (spaces and '-' stripped,
// full-width ASCII folded, upper-cased), and every verdict reports the normalised form.
//
// Order of the USCC checks (the first failure is reported): length, format (alphabet, positions
// 3-8 digits, position 1 a known registration authority), division (the province of positions
// 3-8), org_code (the GB 11714 check character at position 17), checksum (position 18). The
// component checks come before the checksum because they say where the error is: a typo in
// positions 9-17 breaks both checks and is reported as org_code, a wrong position 18 only
// breaks the checksum. Codes from early pilot regions (91350211M00013FA1N) have sound
// components and fail only the checksum, so an importer can accept "checksum" failures flagged.
//
// Order of the resident ID checks: length, format (17 digits and a digit or X), division (the
// province of positions 1-6; named "region" in batch reports, see FailureNameFor), date (a real
// date, 1900-01-01 at the earliest and not after `today`), checksum.
#pragma once

#include <cstdint>
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
// Context-free names: "none", "length", "format", "checksum", "org_code", "division", "date".
std::string_view FailureName(Failure failure);
// The name used in reports about a code of this kind: as FailureName, except that an unknown
// division of a resident ID is called "region" (the term of GB 11643's test vectors).
std::string_view FailureNameFor(CodeKind kind, Failure failure);

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
  char registration_authority = 0;          // USCC position 1
  std::string registration_authority_name;  // e.g. "工商" for 9, from GB 32100's table
  std::string organisation_type;            // USCC positions 1-2, e.g. "91"
  std::string organisation_type_name;       // e.g. "企业" for 91, from GB 32100's table
  std::string birth_date;                   // resident ID: YYYY-MM-DD
  std::string sex;                          // resident ID: "male" / "female"
};

// Detects the kind and checks it. After normalisation:
//  - not 18 characters: kind kUnknown, failure kLength;
//  - positions 1-17 digits, position 18 a digit or X and positions 7-10 a year 18xx, 19xx or
//    20xx ("looks like a resident ID"): if it passes as a resident ID it is one;
//  - otherwise, if it passes as a USCC it is one;
//  - otherwise the failure of the likelier kind is reported: the resident ID's when it looks
//    like a resident ID, else the USCC's. (An all-digit USCC almost never has a year at
//    positions 7-10, so its typos are still reported as USCC failures.)
// Resident IDs are checked without an upper bound on the birth date.
CodeCheck CheckCode(std::string_view code);
CodeCheck CheckUscc(std::string_view code);
// today_yyyymmdd bounds the birth date ("YYYY-MM-DD"; empty = no upper bound).
CodeCheck CheckResidentId(std::string_view code, std::string_view today = "");

// Strips spaces (ASCII whitespace, U+00A0, U+3000) and '-', folds full-width ASCII (U+FF01 to
// U+FF5E) to ASCII, upper-cases. Other bytes are kept, so they fail the format check.
std::string NormalizeCode(std::string_view code);

// GB 32100's registration authority for USCC position 1 ("工商" for '9'), or "" if unknown.
// Known: 1-9 and Y of GB 32100-2015 and N (agriculture, rural collective economic
// organisations). 'A' (military units) is not in the table, so codes starting with it are
// reported as "format".
std::string_view RegistrationAuthorityName(char authority);
// GB 32100's organisation type for positions 1-2 ("企业" for "91"), or "" if not in the table.
std::string_view OrganisationTypeName(std::string_view type2);

// "330302199001011234" → "3303**********1234": normalised, then first 4 and last 4 kept and
// everything between replaced by '*'. Inputs of 8 characters or fewer are masked entirely.
std::string MaskResidentId(std::string_view id);

// The division with exactly this code, or nullptr.
const Division* FindDivision(std::string_view code6);
// Province-level code known (first two digits)? "100000", the national level that central
// organisations register under, is known too.
bool IsKnownProvince(std::string_view code6);
// "浙江省温州市鹿城区" for 330302; falls back to the prefecture or province when only they are
// known; "全国" for 100000; "" when not even the province is known.
std::string DivisionFullName(std::string_view code6);
// All divisions, for the demo generator and the portal (ordered by code).
const std::vector<Division>& AllDivisions();
// County-level divisions directly under a prefecture, e.g. the 12 of Wenzhou (330300).
std::vector<const Division*> CountiesOf(std::string_view prefecture_code6);

// Builds a USCC from its first 16 characters (authority, type, division, 8-character
// organisation code body) by adding the organisation code's and the USCC's check characters.
// The input is normalised; returns "" unless it is 16 characters of the USCC alphabet.
std::string CompleteUscc(std::string_view first16);
// Builds a resident ID from its first 17 digits by adding the check character; returns ""
// unless the (normalised) input is 17 digits.
std::string CompleteResidentId(std::string_view first17);

}  // namespace credence::ids
