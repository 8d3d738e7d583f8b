// USCC (GB 32100-2015 with its GB 11714 organisation code) and resident identity number
// (GB 11643-1999) checks. The order of the checks is documented in ids.h.
#include "ids/ids.h"

#include <algorithm>
#include <array>
#include <string>

namespace credence::ids {
namespace {

constexpr std::string_view kUsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::array<int, 17> kUsccWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                              29, 25, 13, 8,  24, 10, 30, 28};
constexpr std::array<int, 8> kOrgCodeWeights = {3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::array<int, 17> kResidentIdWeights = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                                                    3, 7, 9,  10, 5, 8, 4, 2};
constexpr std::string_view kResidentIdCheckChars = "10X98765432";

// GB 32100-2015 Annex A: registration authorities (position 1) and the organisation types
// under each (positions 1-2). N (agriculture) came with the 2018 amendment for rural
// collective economic organisations.
struct AuthorityRow {
  char code;
  std::string_view name;
};
constexpr AuthorityRow kAuthorities[] = {
    {'1', "机构编制"}, {'2', "外交"}, {'3', "司法行政"}, {'4', "文化"},
    {'5', "民政"},     {'6', "旅游"}, {'7', "宗教"},     {'8', "工会"},
    {'9', "工商"},     {'N', "农业"}, {'Y', "其他"},
};

struct OrganisationTypeRow {
  std::string_view code;
  std::string_view name;
};
constexpr OrganisationTypeRow kOrganisationTypes[] = {
    {"11", "机关"},
    {"12", "事业单位"},
    {"13", "中央编办直接管理机构编制的群众团体"},
    {"19", "其他"},
    {"21", "外国常驻新闻机构"},
    {"29", "其他"},
    {"31", "律师执业机构"},
    {"32", "公证处"},
    {"33", "基层法律服务所"},
    {"34", "司法鉴定机构"},
    {"35", "仲裁委员会"},
    {"39", "其他"},
    {"41", "外国在华文化中心"},
    {"49", "其他"},
    {"51", "社会团体"},
    {"52", "民办非企业单位"},
    {"53", "基金会"},
    {"59", "其他"},
    {"61", "外国旅游部门常驻代表机构"},
    {"62", "港澳台地区旅游部门常驻内地（大陆）代表机构"},
    {"69", "其他"},
    {"71", "宗教活动场所"},
    {"72", "宗教院校"},
    {"79", "其他"},
    {"81", "基层工会"},
    {"89", "其他"},
    {"91", "企业"},
    {"92", "个体工商户"},
    {"93", "农民专业合作社"},
    {"N1", "组级集体经济组织"},
    {"N2", "村级集体经济组织"},
    {"N3", "乡镇级集体经济组织"},
    {"N9", "其他"},
    {"Y1", "其他"},
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view text) { return std::all_of(text.begin(), text.end(), IsDigit); }

int UsccValue(char c) {
  size_t index = kUsccAlphabet.find(c);
  return index == std::string_view::npos ? -1 : static_cast<int>(index);
}

// GB 11714 values: digits 0-9, letters A-Z 10-35 (the full Latin alphabet, unlike GB 32100's).
int OrgCodeValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return -1;
}

// The GB 11714 check character for an 8-character organisation code body (all characters
// must have an OrgCodeValue).
char OrgCodeCheckChar(std::string_view body8) {
  int sum = 0;
  for (size_t i = 0; i < kOrgCodeWeights.size(); ++i)
    sum += OrgCodeValue(body8[i]) * kOrgCodeWeights[i];
  int check = 11 - sum % 11;
  if (check == 10) return 'X';
  if (check == 11) return '0';
  return static_cast<char>('0' + check);
}

// The GB 32100 check character for the first 17 characters (all in the alphabet).
char UsccCheckChar(std::string_view first17) {
  int sum = 0;
  for (size_t i = 0; i < kUsccWeights.size(); ++i) sum += UsccValue(first17[i]) * kUsccWeights[i];
  return kUsccAlphabet[(31 - sum % 31) % 31];
}

// The GB 11643 check character for 17 digits.
char ResidentIdCheckChar(std::string_view first17) {
  int sum = 0;
  for (size_t i = 0; i < kResidentIdWeights.size(); ++i) {
    sum += (first17[i] - '0') * kResidentIdWeights[i];
  }
  return kResidentIdCheckChars[sum % 11];
}

// Number of code points, for messages about the length of what a person typed.
size_t CountCodePoints(std::string_view utf8) {
  return static_cast<size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// The character at a 0-based byte index, quoted for a message; non-ASCII bytes are shown as
// the whole UTF-8 sequence they start.
std::string QuoteCharAt(std::string_view text, size_t index) {
  size_t end = index + 1;
  while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
  return "'" + std::string(text.substr(index, end - index)) + "'";
}

// Position (1-based, in characters) of the byte at `index`.
size_t PositionOf(std::string_view text, size_t index) {
  return CountCodePoints(text.substr(0, index)) + 1;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

int ParseNumber(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

// "YYYYMMDD" → "YYYY-MM-DD" when it is a real calendar date, else "".
std::string CalendarDate(std::string_view yyyymmdd) {
  if (yyyymmdd.size() != 8 || !AllDigits(yyyymmdd)) return "";
  int year = ParseNumber(yyyymmdd.substr(0, 4));
  int month = ParseNumber(yyyymmdd.substr(4, 2));
  int day = ParseNumber(yyyymmdd.substr(6, 2));
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) return "";
  std::string date(yyyymmdd.substr(0, 4));
  date += '-';
  date += yyyymmdd.substr(4, 2);
  date += '-';
  date += yyyymmdd.substr(6, 2);
  return date;
}

// Accepts "YYYY-MM-DD" or "YYYYMMDD"; returns "YYYY-MM-DD" or "" when not a date.
std::string ParseToday(std::string_view today) {
  if (today.size() == 10 && today[4] == '-' && today[7] == '-') {
    std::string compact(today.substr(0, 4));
    compact += today.substr(5, 2);
    compact += today.substr(8, 2);
    return CalendarDate(compact);
  }
  return CalendarDate(today);
}

void MarkFailed(CodeCheck& check, Failure failure, std::string message) {
  check.valid = false;
  check.failure = failure;
  check.message = std::move(message);
}

void MarkValid(CodeCheck& check) {
  check.valid = true;
  check.failure = Failure::kNone;
  check.message.clear();
}

bool LooksLikeResidentId(std::string_view normalized) {
  if (normalized.size() != 18 || !AllDigits(normalized.substr(0, 17))) return false;
  char last = normalized[17];
  if (!IsDigit(last) && last != 'X') return false;
  std::string_view century = normalized.substr(6, 2);
  return century == "18" || century == "19" || century == "20";
}

// Appends the UTF-8 byte sequence's ASCII equivalent, or nothing, to out. Returns the number of
// bytes consumed from `rest` (at least 1).
size_t NormalizeOne(std::string_view rest, std::string& out) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(rest[i]); };
  auto append_ascii = [&](char c) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == '-') {
      return;
    }
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    out += c;
  };
  if (byte(0) < 0x80) {
    append_ascii(rest[0]);
    return 1;
  }
  // U+00A0 no-break space.
  if (rest.size() >= 2 && byte(0) == 0xC2 && byte(1) == 0xA0) return 2;
  if (rest.size() >= 3) {
    // U+3000 ideographic space.
    if (byte(0) == 0xE3 && byte(1) == 0x80 && byte(2) == 0x80) return 3;
    // U+FF01..U+FF5E full-width ASCII: EF BC 81..BF and EF BD 80..9E.
    if (byte(0) == 0xEF && (byte(1) == 0xBC || byte(1) == 0xBD) && byte(2) >= 0x80 &&
        byte(2) <= 0xBF) {
      char32_t code_point = 0xFF00 + ((byte(1) - 0xBC) << 6) + (byte(2) - 0x80);
      if (code_point >= 0xFF01 && code_point <= 0xFF5E) {
        append_ascii(static_cast<char>(code_point - 0xFEE0));
        return 3;
      }
    }
  }
  out += rest[0];
  return 1;
}

}  // namespace

std::string_view CodeKindKey(CodeKind kind) {
  switch (kind) {
    case CodeKind::kUnknown: return "unknown";
    case CodeKind::kUscc: return "uscc";
    case CodeKind::kResidentId: return "resident_id";
  }
  return "unknown";
}

std::string_view SubjectKindKey(SubjectKind kind) {
  switch (kind) {
    case SubjectKind::kEnterprise: return "enterprise";
    case SubjectKind::kPublicInstitution: return "public_institution";
    case SubjectKind::kSocialOrganisation: return "social_organisation";
    case SubjectKind::kIndividualBusiness: return "individual_business";
    case SubjectKind::kPerson: return "person";
    case SubjectKind::kGovernmentOrgan: return "government_organ";
  }
  return "";
}

std::optional<SubjectKind> ParseSubjectKind(std::string_view key) {
  for (SubjectKind kind : kAllSubjectKinds) {
    if (SubjectKindKey(kind) == key) return kind;
  }
  return std::nullopt;
}

std::string_view FailureName(Failure failure) {
  switch (failure) {
    case Failure::kNone: return "none";
    case Failure::kLength: return "length";
    case Failure::kFormat: return "format";
    case Failure::kChecksum: return "checksum";
    case Failure::kOrgCodeCheck: return "org_code";
    case Failure::kUnknownDivision: return "division";
    case Failure::kBadDate: return "date";
  }
  return "none";
}

std::string_view FailureNameFor(CodeKind kind, Failure failure) {
  if (kind == CodeKind::kResidentId && failure == Failure::kUnknownDivision) return "region";
  return FailureName(failure);
}

std::string NormalizeCode(std::string_view code) {
  std::string out;
  out.reserve(code.size());
  size_t i = 0;
  while (i < code.size()) i += NormalizeOne(code.substr(i), out);
  return out;
}

std::string_view RegistrationAuthorityName(char authority) {
  for (const AuthorityRow& row : kAuthorities) {
    if (row.code == authority) return row.name;
  }
  return "";
}

std::string_view OrganisationTypeName(std::string_view type2) {
  for (const OrganisationTypeRow& row : kOrganisationTypes) {
    if (row.code == type2) return row.name;
  }
  return "";
}

namespace {

// Fills the input and normalised form of an 18-character code and checks its length; false
// (with the failure marked) when the length is wrong. what names the code in the message.
bool StartCheck(std::string_view code, CodeKind kind, std::string_view what, CodeCheck& check) {
  check.input = std::string(code);
  check.normalized = NormalizeCode(code);
  check.kind = kind;
  if (check.normalized.size() == 18) return true;
  MarkFailed(check, Failure::kLength,
             std::string(what) + " has 18 characters, this has " +
                 std::to_string(CountCodePoints(check.normalized)));
  return false;
}

}  // namespace

CodeCheck CheckUscc(std::string_view code) {
  CodeCheck check;
  if (!StartCheck(code, CodeKind::kUscc, "a unified social credit code", check)) return check;
  const std::string& n = check.normalized;
  for (size_t i = 0; i < n.size(); ++i) {
    if (UsccValue(n[i]) < 0) {
      MarkFailed(check, Failure::kFormat,
                 "character " + QuoteCharAt(n, i) + " at position " +
                     std::to_string(PositionOf(n, i)) +
                     " is not used in unified social credit codes (only digits and capital letters "
                     "other than I, O, S, V and Z)");
      return check;
    }
  }
  check.registration_authority = n[0];
  check.registration_authority_name = std::string(RegistrationAuthorityName(n[0]));
  if (check.registration_authority_name.empty()) {
    MarkFailed(check, Failure::kFormat,
               "position 1 is '" + std::string(1, n[0]) +
                   "', which is not a registration authority of GB 32100");
    return check;
  }
  check.organisation_type = n.substr(0, 2);
  check.organisation_type_name = std::string(OrganisationTypeName(check.organisation_type));
  std::string_view division = std::string_view(n).substr(2, 6);
  if (!AllDigits(division)) {
    MarkFailed(check, Failure::kFormat,
               "positions 3-8 must be the 6-digit administrative division code, found " +
                   std::string(division));
    return check;
  }
  check.division_code = std::string(division);
  check.division_name = DivisionFullName(division);
  if (!IsKnownProvince(division)) {
    MarkFailed(check, Failure::kUnknownDivision,
               "positions 3-8 (" + check.division_code +
                   ") are not a known administrative division: " + "no province has code " +
                   check.division_code.substr(0, 2));
    return check;
  }
  std::string_view org_code = std::string_view(n).substr(8, 9);
  char org_expected = OrgCodeCheckChar(org_code.substr(0, 8));
  if (org_code[8] != org_expected) {
    MarkFailed(check, Failure::kOrgCodeCheck,
               "the organisation code " + std::string(org_code) +
                   " (positions 9-17) has check character " + std::string(1, org_code[8]) +
                   ", expected " + std::string(1, org_expected));
    return check;
  }
  char expected = UsccCheckChar(std::string_view(n).substr(0, 17));
  if (n[17] != expected) {
    MarkFailed(
        check, Failure::kChecksum,
        "check character is " + std::string(1, n[17]) + ", expected " + std::string(1, expected));
    return check;
  }
  MarkValid(check);
  return check;
}

CodeCheck CheckResidentId(std::string_view code, std::string_view today) {
  CodeCheck check;
  if (!StartCheck(code, CodeKind::kResidentId, "a resident identity number", check)) return check;
  const std::string& n = check.normalized;
  for (size_t i = 0; i < 17; ++i) {
    if (!IsDigit(n[i])) {
      MarkFailed(check, Failure::kFormat,
                 "character " + QuoteCharAt(n, i) + " at position " +
                     std::to_string(PositionOf(n, i)) + " must be a digit");
      return check;
    }
  }
  if (!IsDigit(n[17]) && n[17] != 'X') {
    MarkFailed(check, Failure::kFormat,
               "the last character is " + QuoteCharAt(n, 17) + ", it must be a digit or X");
    return check;
  }
  check.division_code = n.substr(0, 6);
  check.division_name = DivisionFullName(check.division_code);
  check.sex = (n[16] - '0') % 2 == 1 ? "male" : "female";
  // 100000 is a USCC convention for the national level, never a place of household registration.
  if (!IsKnownProvince(check.division_code) || check.division_code == "100000") {
    check.division_name.clear();
    MarkFailed(check, Failure::kUnknownDivision,
               "positions 1-6 (" + check.division_code +
                   ") are not a known administrative division: " + "no province has code " +
                   check.division_code.substr(0, 2));
    return check;
  }
  std::string birth_date = CalendarDate(std::string_view(n).substr(6, 8));
  if (birth_date.empty()) {
    MarkFailed(check, Failure::kBadDate,
               "positions 7-14 (" + n.substr(6, 8) + ") are not a real birth date");
    return check;
  }
  if (birth_date < "1900-01-01") {
    MarkFailed(check, Failure::kBadDate, "birth date " + birth_date + " is before 1900");
    return check;
  }
  std::string today_date = ParseToday(today);
  if (!today_date.empty() && birth_date > today_date) {
    MarkFailed(check, Failure::kBadDate, "birth date " + birth_date + " is in the future");
    return check;
  }
  check.birth_date = birth_date;
  char expected = ResidentIdCheckChar(std::string_view(n).substr(0, 17));
  if (n[17] != expected) {
    MarkFailed(
        check, Failure::kChecksum,
        "check character is " + std::string(1, n[17]) + ", expected " + std::string(1, expected));
    return check;
  }
  MarkValid(check);
  return check;
}

CodeCheck CheckCode(std::string_view code) {
  std::string normalized = NormalizeCode(code);
  if (normalized.size() != 18) {
    CodeCheck check;
    check.input = std::string(code);
    check.kind = CodeKind::kUnknown;
    MarkFailed(
        check, Failure::kLength,
        "a unified social credit code or resident identity number has 18 characters, this has " +
            std::to_string(CountCodePoints(normalized)));
    check.normalized = std::move(normalized);
    return check;
  }
  bool looks_like_resident_id = LooksLikeResidentId(normalized);
  CodeCheck as_resident_id;
  if (looks_like_resident_id) {
    as_resident_id = CheckResidentId(code);
    if (as_resident_id.valid) return as_resident_id;
  }
  CodeCheck as_uscc = CheckUscc(code);
  if (as_uscc.valid || !looks_like_resident_id) return as_uscc;
  return as_resident_id;
}

std::string MaskResidentId(std::string_view id) {
  std::string normalized = NormalizeCode(id);
  if (normalized.size() <= 8) return std::string(normalized.size(), '*');
  std::string masked = normalized.substr(0, 4);
  masked.append(normalized.size() - 8, '*');
  masked += normalized.substr(normalized.size() - 4);
  return masked;
}

std::string CompleteUscc(std::string_view first16) {
  std::string code = NormalizeCode(first16);
  if (code.size() != 16) return "";
  for (char c : code) {
    if (UsccValue(c) < 0) return "";
  }
  code += OrgCodeCheckChar(std::string_view(code).substr(8, 8));
  code += UsccCheckChar(code);
  return code;
}

std::string CompleteResidentId(std::string_view first17) {
  std::string id = NormalizeCode(first17);
  if (id.size() != 17 || !AllDigits(id)) return "";
  id += ResidentIdCheckChar(id);
  return id;
}

}  // namespace credence::ids
