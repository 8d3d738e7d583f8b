#include <algorithm>
#include <charconv>
#include <numeric>

#include "demo/generator_internal.h"
#include "ids/ids.h"

namespace credence::demo::internal {
namespace {

using ids::SubjectKind;

constexpr std::string_view kUsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
// Organisation code bodies are two letters and six base-31 characters: 31^6 distinct values.
constexpr uint64_t kOrgBodySpace = 887503681;
constexpr std::string_view kCityCode = "330300";
constexpr std::string_view kCityName = "温州市";

constexpr int kSubjectKindCount = 6;
// Per mille of subjects of each kind, in SubjectKind order (enterprise, public institution,
// social organisation, individual business, person, government organ). Wenzhou registers about
// 346k companies, 792k individual businesses and 14k public institutions; residents are scaled
// down so that a demo city's files stay interesting.
constexpr int kKindPerMille[kSubjectKindCount] = {350, 20, 15, 450, 160, 3};

uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t Fnv1a(std::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : text) {
    hash ^= static_cast<uint8_t>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

// Splits a run of 3-byte UTF-8 characters (every CJK character of the tables is one).
std::vector<std::string_view> SplitChars(std::string_view text) {
  std::vector<std::string_view> chars;
  for (size_t i = 0; i + 3 <= text.size(); i += 3) chars.push_back(text.substr(i, 3));
  return chars;
}

std::vector<std::string_view> SplitWords(std::string_view text) {
  std::vector<std::string_view> words;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) words.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

bool HasWord(std::string_view list, std::string_view word) {
  for (std::string_view candidate : SplitWords(list)) {
    if (candidate == word) return true;
  }
  return false;
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// Text from the catalog may hold anything; the generator's own tables hold no character that
// JSON must escape, so only catalog text goes through here (once, when the city is set up).
void AppendEscaped(std::string_view text, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    } else {
      out += c;
    }
  }
}

int PickCumulative(const std::vector<uint32_t>& cumulative, Random& rng) {
  uint64_t r = rng.Uniform(cumulative.back());
  return static_cast<int>(std::upper_bound(cumulative.begin(), cumulative.end(), r) -
                          cumulative.begin());
}

// A multiplier coprime with the modulus makes index → (index * multiplier + offset) mod modulus
// a bijection: codes are unique without remembering which were handed out.
uint64_t CoprimeMultiplier(uint64_t modulus, uint64_t seed) {
  uint64_t multiplier = Mix64(seed) % modulus;
  if (multiplier < 2) multiplier = 2;
  while (std::gcd(multiplier, modulus) != 1)
    multiplier = multiplier + 1 < modulus ? multiplier + 1 : 2;
  return multiplier;
}

uint64_t Permute(int64_t index, uint64_t multiplier, uint64_t offset, uint64_t modulus) {
  unsigned __int128 value =
      static_cast<unsigned __int128>(multiplier) * (static_cast<uint64_t>(index) % modulus) +
      offset;
  return static_cast<uint64_t>(value % modulus);
}

struct Civil {
  int year;
  int month;
  int day;
};

// Days since 1970-01-01 to the proleptic Gregorian calendar (H. Hinnant's algorithm).
Civil CivilFromDays(int32_t days) {
  int64_t z = static_cast<int64_t>(days) + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  return {year, month, day};
}

Date CivilDate(int year, int month, int day) { return *Date::FromCivil(year, month, day); }

// "YYYY-MM-DD" and the year of every day of 1900-2099: dates are written millions of times.
class DayTable {
 public:
  static constexpr int32_t kFirst = -25567;  // 1900-01-01
  static constexpr int32_t kCount = 73049;   // through 2099-12-31

  DayTable() : text_(kCount), year_(kCount) {
    for (int32_t i = 0; i < kCount; ++i) {
      Civil civil = CivilFromDays(kFirst + i);
      std::array<char, 10>& text = text_[static_cast<size_t>(i)];
      text[0] = static_cast<char>('0' + civil.year / 1000 % 10);
      text[1] = static_cast<char>('0' + civil.year / 100 % 10);
      text[2] = static_cast<char>('0' + civil.year / 10 % 10);
      text[3] = static_cast<char>('0' + civil.year % 10);
      text[4] = '-';
      text[5] = static_cast<char>('0' + civil.month / 10);
      text[6] = static_cast<char>('0' + civil.month % 10);
      text[7] = '-';
      text[8] = static_cast<char>('0' + civil.day / 10);
      text[9] = static_cast<char>('0' + civil.day % 10);
      year_[static_cast<size_t>(i)] = static_cast<int16_t>(civil.year);
    }
  }

  static const DayTable& Get() {
    static const DayTable table;
    return table;
  }
  // Index of a day in the table, or -1 outside it.
  static int32_t Index(Date date) {
    int32_t index = date.days() - kFirst;
    return index >= 0 && index < kCount ? index : -1;
  }
  const std::array<char, 10>& Text(int32_t index) const {
    return text_[static_cast<size_t>(index)];
  }
  int Year(int32_t index) const { return year_[static_cast<size_t>(index)]; }

 private:
  std::vector<std::array<char, 10>> text_;
  std::vector<int16_t> year_;
};

Date MaxDate(Date a, Date b) { return a < b ? b : a; }
Date MinDate(Date a, Date b) { return a < b ? a : b; }

// What the generator needs to know of any template to filter it.
struct TemplateView {
  std::string_view department;
  std::string_view sections;
  std::string_view words;
  uint8_t kinds = 0;
  int weight = 0;
};

std::vector<TemplateView> FamilyTemplates(Family family) {
  std::vector<TemplateView> views;
  auto add = [&views](const auto& items) {
    for (const auto& t : items) {
      views.push_back({t.department, t.sections, t.words, t.kinds, t.weight});
    }
  };
  switch (family) {
    case Family::kLicense: add(LicenseTemplates()); break;
    case Family::kPenalty: add(PenaltyTemplates()); break;
    case Family::kHonour: add(HonourTemplates()); break;
    case Family::kRedList: add(RedListTemplates()); break;
    case Family::kSeriousDishonesty: add(SeriousDishonestyTemplates()); break;
    case Family::kCommitment:
      for (const CommitmentTemplate& t : CommitmentTemplates()) {
        views.push_back({t.department, t.sections, "", t.kinds, t.weight});
      }
      break;
    case Family::kInspection:
      for (const InspectionTemplate& t : InspectionTemplates()) {
        views.push_back({t.department, t.sections, "", t.kinds, t.weight});
      }
      break;
    case Family::kCaseCause:
      for (const CaseCause& t : CaseCauses()) {
        views.push_back({"court", t.sections, "", t.kinds, t.weight});
      }
      break;
  }
  return views;
}

bool Matches(const TemplateView& t, const ActivityInfo& activity) {
  if ((t.kinds & KindBitOf(activity.kind)) == 0) return false;
  // Persons have no industry: only the kind decides for them.
  if (activity.kind == SubjectKind::kPerson) return t.words.empty();
  if (!t.sections.empty() && t.sections.find(activity.section) == std::string_view::npos) {
    return false;
  }
  return t.words.empty() || HasWord(t.words, activity.word);
}

constexpr std::string_view kDefaultDepartments[kKindSlotCount] = {
    "market_regulation",                // registration
    "market_regulation",                // admin_license
    "market_regulation",                // admin_penalty
    "court",                            // dishonest_debtor
    "development_reform",               // serious_dishonesty
    "market_regulation",                // abnormal_operation
    "tax",                              // tax_credit_grade
    "development_reform",               // honour
    "development_reform",               // red_list
    "market_regulation",                // commitment
    "human_resources_social_security",  // social_insurance_arrears
    "public_resource_trading",          // contract_performance
    "market_regulation",                // inspection_result
    "court",                            // judgment
    "market_regulation",                // ip_pledge
};

// Share of good, ordinary and poor subjects, per subject kind.
constexpr int kStandingWeights[kSubjectKindCount][3] = {
    {15, 78, 7},   // enterprise
    {20, 78, 2},   // public institution
    {20, 78, 2},   // social organisation
    {10, 83, 7},   // individual business
    {10, 80, 10},  // person
    {20, 78, 2},   // government organ
};

}  // namespace

// A geometric count with the given mean: most subjects get none, a few get several, which is
// how real files look. Capped so that one subject's file stays readable.
int DrawCount(Random& rng, double mean) {
  if (mean <= 0) return 0;
  const double p = mean / (1 + mean);
  int n = 0;
  while (n < 20 && rng.Chance(p)) ++n;
  return n;
}

KindSlot FamilySlot(Family family) {
  switch (family) {
    case Family::kLicense: return KindSlot::kLicense;
    case Family::kPenalty: return KindSlot::kPenalty;
    case Family::kHonour: return KindSlot::kHonour;
    case Family::kRedList: return KindSlot::kRedList;
    case Family::kSeriousDishonesty: return KindSlot::kSeriousDishonesty;
    case Family::kCommitment: return KindSlot::kCommitment;
    case Family::kInspection: return KindSlot::kInspectionResult;
    case Family::kCaseCause: return KindSlot::kJudgment;
  }
  return KindSlot::kRegistration;
}

// The demo's kind slots are the feed format's kinds, in the same order.
std::string_view KindSlotKey(KindSlot slot) {
  return policy::FeedFormatRecordKinds()[static_cast<size_t>(slot)];
}

void AppendDate(Date date, std::string& out) {
  if (int32_t index = DayTable::Index(date); index >= 0) {
    out.append(DayTable::Get().Text(index).data(), 10);
    return;
  }
  out += date.ToString();
}

int YearOf(Date date) {
  if (int32_t index = DayTable::Index(date); index >= 0) return DayTable::Get().Year(index);
  return CivilFromDays(date.days()).year;
}

void WeightedChoice::Add(uint16_t item, int weight) {
  if (weight <= 0) return;
  items_.push_back(item);
  cumulative_.push_back((cumulative_.empty() ? 0 : cumulative_.back()) +
                        static_cast<uint32_t>(weight));
}

uint16_t WeightedChoice::Pick(Random& rng) const {
  return items_[static_cast<size_t>(PickCumulative(cumulative_, rng))];
}

// ---------------------------------------------------------------------------------------------
// Setting up the city.

Result<CityGenerator> CityGenerator::Create(const policy::Catalog& catalog,
                                            const DemoOptions& options) {
  CityGenerator city;
  CREDENCE_RETURN_IF_ERROR(city.Init(catalog, options));
  return city;
}

Status CityGenerator::Init(const policy::Catalog& catalog, const DemoOptions& options) {
  catalog_ = &catalog;
  options_ = options;
  if (options.subjects < 0) {
    return Fail(Error::InvalidArgument("subjects", "the number of subjects must not be negative"));
  }
  if (options.batch_rows <= 0) {
    return Fail(Error::InvalidArgument("batch_rows", "batch_rows must be at least 1"));
  }
  if (options.today < CivilDate(1990, 1, 1) || CivilDate(9000, 1, 1) < options.today) {
    return Fail(Error::InvalidArgument(
        "today", "the demo city needs today's date (on or after 1990-01-01), got " +
                     options.today.ToString()));
  }
  window_start_ = options.today.AddYears(-6);
  founding_floor_ = CivilDate(1949, 10, 1);
  first_graded_year_ = YearOf(window_start_) - 1;
  for (int year = first_graded_year_; year < YearOf(options.today); ++year) {
    grades_published_.push_back(CivilDate(year + 1, 4, 1));
  }
  // Residents are born 1950-2004, and are adults on every record.
  birth_first_ = CivilDate(1950, 1, 1);
  Date birth_last = MinDate(CivilDate(2004, 12, 31), options.today.AddYears(-18).AddDays(-1));
  birth_days_ = birth_last.days() - birth_first_.days() + 1;
  const uint64_t person_space = static_cast<uint64_t>(birth_days_) * 1000;
  const uint64_t capacity = std::min(kOrgBodySpace, person_space);
  if (static_cast<uint64_t>(options.subjects) > capacity) {
    return Fail(Error::InvalidArgument(
        "subjects", "the demo city holds at most " + std::to_string(capacity) + " subjects"));
  }
  org_multiplier_ = CoprimeMultiplier(kOrgBodySpace, options.seed ^ 0x6f7267616e697361ULL);
  org_offset_ = Mix64(options.seed ^ 0x626f647931ULL) % kOrgBodySpace;
  person_multiplier_ = CoprimeMultiplier(person_space, options.seed ^ 0x706572736f6e73ULL);
  person_offset_ = Mix64(options.seed ^ 0x626f647932ULL) % person_space;

  CREDENCE_RETURN_IF_ERROR(InitCounties());

  for (int slot = 0; slot < kKindSlotCount; ++slot) {
    kinds_[slot] = catalog.FindKind(KindSlotKey(static_cast<KindSlot>(slot)));
    for (SubjectKind kind : ids::kAllSubjectKinds) {
      const policy::RecordKind* record_kind = kinds_[slot];
      applies_[slot][KindIndex(kind)] =
          record_kind != nullptr &&
          std::find(record_kind->subject_kinds.begin(), record_kind->subject_kinds.end(), kind) !=
              record_kind->subject_kinds.end();
    }
  }
  if (kinds_[0] == nullptr) {
    return Fail(Error::FailedPrecondition(
        "catalog",
        "the policy catalog has no `registration` record kind, which the demo city "
        "needs to register its subjects"));
  }
  InitDepartments();
  if (default_departments_[0] < 0) {
    return Fail(Error::FailedPrecondition(
        "catalog", "no department of the policy catalog may submit `registration` records"));
  }

  // The codes say what kind of subject they denote; the catalog must read them the same way.
  static constexpr struct {
    std::string_view type;
    SubjectKind kind;
  } kOrgTypes[] = {
      {"91", SubjectKind::kEnterprise},         {"92", SubjectKind::kIndividualBusiness},
      {"12", SubjectKind::kPublicInstitution},  {"11", SubjectKind::kGovernmentOrgan},
      {"51", SubjectKind::kSocialOrganisation}, {"52", SubjectKind::kSocialOrganisation},
      {"53", SubjectKind::kSocialOrganisation},
  };
  for (const auto& org_type : kOrgTypes) {
    std::optional<SubjectKind> mapped = catalog.SubjectKindForOrgType(org_type.type);
    if (mapped && *mapped != org_type.kind) {
      return Fail(Error::FailedPrecondition(
          "catalog", "the policy catalog maps organisation type " + std::string(org_type.type) +
                         " to " + std::string(SubjectKindKey(*mapped)) +
                         ", the demo city uses it for " +
                         std::string(SubjectKindKey(org_type.kind))));
    }
  }

  InitActivities();
  InitCandidates();

  uint32_t total = 0;
  for (int k = 0; k < kSubjectKindCount; ++k) {
    if (!kind_activity_cumulative_[k].empty() && kind_activity_cumulative_[k].back() > 0) {
      total += static_cast<uint32_t>(kKindPerMille[k]);
    }
    kind_cumulative_[k] = total;
  }
  if (total == 0) {
    return Fail(Error::FailedPrecondition(
        "catalog", "the policy catalog lets no department submit records the demo city needs"));
  }

  surname_cumulative_.clear();
  uint32_t surname_total = 0;
  for (const Surname& surname : Surnames()) {
    surnames_.push_back(surname.text);
    surname_total += static_cast<uint32_t>(surname.weight);
    surname_cumulative_.push_back(surname_total);
  }
  trade_syllables_ = SplitChars(TradeSyllables());
  male_chars_ = SplitChars(MaleGivenChars());
  female_chars_ = SplitChars(FemaleGivenChars());
  return OkStatus();
}

Status CityGenerator::InitCounties() {
  std::vector<const ids::Division*> divisions = ids::CountiesOf(kCityCode);
  if (divisions.empty()) {
    return Fail(Error::FailedPrecondition(
        "divisions", "the division table lists no county-level divisions of Wenzhou (330300)"));
  }
  int total = 0;
  for (const ids::Division* division : divisions) {
    County county;
    county.code = division->code;
    if (const CountyProfile* profile = FindCountyProfile(division->code)) {
      county.name = profile->name;
      county.short_name = profile->short_name;
      county.doc_abbr = profile->doc_abbr;
      county.place = profile->district ? std::string(kCityName) + county.name : county.name;
      county.towns = SplitWords(profile->towns);
      county.specialties = SplitWords(profile->specialties);
      county.weight = profile->population;
    } else {
      // A division the city's data does not describe: named from the division table, keeping
      // only characters that need no escaping in JSON.
      for (char c : division->name_zh) {
        if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) county.name += c;
      }
      county.short_name =
          county.name.size() > 3 ? county.name.substr(0, county.name.size() - 3) : county.name;
      county.doc_abbr =
          "温" + county.short_name.substr(0, std::min<size_t>(3, county.short_name.size()));
      county.place = county.name;
      county.weight = 300;
    }
    total += county.weight;
    county_cumulative_.push_back(static_cast<uint32_t>(total));
    counties_.push_back(std::move(county));
  }
  return OkStatus();
}

namespace {

Authority MakeAuthority(std::string name, std::string_view division, std::string_view code_key,
                        std::string doc_abbr, std::string court_code, std::string code = "") {
  Authority authority;
  authority.name = std::move(name);
  if (code.empty()) {
    // A stable, valid organ code per authority: 11 (organ) + division + eight digits.
    uint64_t body = Mix64(Fnv1a(code_key) ^ Fnv1a(division)) % 100000000;
    std::string first16 = "11";
    first16 += division;
    AppendPadded(static_cast<int64_t>(body), 8, first16);
    code = ids::CompleteUscc(first16);
  }
  authority.code = std::move(code);
  authority.doc_abbr = std::move(doc_abbr);
  authority.court_code = std::move(court_code);
  authority.json = ",\"authority\":{\"name\":\"";
  AppendEscaped(authority.name, authority.json);
  authority.json += "\",\"code\":\"";
  AppendEscaped(authority.code, authority.json);
  authority.json += "\"}";
  return authority;
}

std::string ExpandPattern(std::string_view pattern, const County& county) {
  std::string out;
  for (char c : pattern) {
    if (c == '*') {
      out += county.name;
    } else if (c == '#') {
      out += county.short_name;
    } else {
      out += c;
    }
  }
  return out;
}

std::string RefPrefixFromKey(std::string_view key) {
  std::string prefix;
  bool start = true;
  for (char c : key) {
    if (c == '_') {
      start = true;
    } else if (start) {
      prefix += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
      start = false;
    }
  }
  return prefix.empty() ? "X" : prefix;
}

}  // namespace

int CityGenerator::AddDepartment(std::string_view key) {
  for (size_t i = 0; i < departments_.size(); ++i) {
    if (departments_[i].key == key) return static_cast<int>(i);
  }
  DepartmentSlot slot;
  slot.key = key;
  slot.court = key == "court";
  const AuthorityNaming* naming = FindAuthorityNaming(key);
  const policy::Department* department = catalog_->FindDepartment(key);
  std::string city_name;
  if (naming != nullptr) {
    slot.ref_prefix = naming->ref_prefix;
    slot.doc_short = naming->doc_short;
    // The catalog names the department as the platform lists it; the table is the fallback.
    city_name = department != nullptr && !department->name.zh.empty()
                    ? department->name.zh
                    : std::string(naming->city_name);
    slot.county_bureaus = !naming->county_pattern.empty();
  } else {
    slot.ref_prefix = RefPrefixFromKey(key);
    city_name = department != nullptr && !department->name.zh.empty() ? department->name.zh
                                                                      : std::string(key);
    slot.county_bureaus = false;
  }
  // Two departments must never share a reference prefix: refs are unique per department only,
  // but a shared prefix would make them look alike.
  for (const DepartmentSlot& other : departments_) {
    if (other.ref_prefix == slot.ref_prefix) slot.ref_prefix += std::to_string(departments_.size());
  }
  std::string city_code;
  if (department != nullptr && !department->code.empty() &&
      ids::CheckUscc(department->code).valid) {
    city_code = department->code;
  }
  slot.authorities.push_back(
      MakeAuthority(city_name, kCityCode, key, "温", "浙03", std::move(city_code)));
  for (const County& county : counties_) {
    std::string court_code = "浙" + county.code.substr(2, 4);
    if (!slot.county_bureaus) {
      Authority city = slot.authorities[0];
      city.court_code = court_code;
      slot.authorities.push_back(std::move(city));
      continue;
    }
    const CountyProfile* profile = FindCountyProfile(county.code);
    bool district = profile != nullptr && profile->district;
    std::string name;
    if (district && !naming->district_pattern.empty()) {
      name = ExpandPattern(naming->district_pattern, county);
    } else if (district) {
      name = std::string(kCityName) + ExpandPattern(naming->county_pattern, county);
    } else {
      name = ExpandPattern(naming->county_pattern, county);
    }
    slot.authorities.push_back(
        MakeAuthority(std::move(name), county.code, key, county.doc_abbr, std::move(court_code)));
  }
  departments_.push_back(std::move(slot));
  return static_cast<int>(departments_.size() - 1);
}

int CityGenerator::ResolveDepartment(KindSlot slot, std::string_view preferred) {
  const policy::RecordKind* kind = kinds_[static_cast<int>(slot)];
  if (kind == nullptr) return -1;
  auto usable = [&](std::string_view department) {
    return catalog_->FindDepartment(department) != nullptr &&
           catalog_->MaySubmit(department, kind->key);
  };
  if (usable(preferred)) return AddDepartment(preferred);
  // The catalog gives this kind to other departments: the first of them submits it.
  for (const std::string& department : kind->departments) {
    if (usable(department)) return AddDepartment(department);
  }
  return -1;
}

void CityGenerator::InitDepartments() {
  for (int slot = 0; slot < kKindSlotCount; ++slot) {
    default_departments_[slot] =
        ResolveDepartment(static_cast<KindSlot>(slot), kDefaultDepartments[slot]);
  }
  for (int f = 0; f < kFamilyCount; ++f) {
    auto family = static_cast<Family>(f);
    std::vector<int>& resolved = template_departments_[f];
    resolved.clear();
    for (const TemplateView& t : FamilyTemplates(family)) {
      // Court cases are submitted by whoever submits judgments and debtor lists.
      resolved.push_back(
          family == Family::kCaseCause ? 0 : ResolveDepartment(FamilySlot(family), t.department));
    }
  }
  // Market regulation registers businesses, civil affairs social organisations and the
  // establishment office (编办) organs and public institutions, where the catalog has them.
  registrars_[0] = default_departments_[0];
  registrars_[1] = ResolveDepartment(KindSlot::kRegistration, "civil_affairs");
  registrars_[2] = ResolveDepartment(KindSlot::kRegistration, "institutional_establishment");
}

int CityGenerator::template_department(Family family, int template_index) const {
  if (family == Family::kCaseCause) return -1;
  return template_departments_[static_cast<int>(family)][static_cast<size_t>(template_index)];
}

void CityGenerator::InitActivities() {
  auto add = [this](std::span<const Activity> list, SubjectKind kind) {
    for (const Activity& activity : list) {
      kind_activities_[KindIndex(kind)].push_back(static_cast<int>(activities_.size()));
      activities_.push_back({activity.word, activity.section, kind, activity.weight});
    }
  };
  add(EnterpriseIndustries(), SubjectKind::kEnterprise);
  add(ShopTypes(), SubjectKind::kIndividualBusiness);
  add(InstitutionUnits(), SubjectKind::kPublicInstitution);
  add(SocialOrganisationUnits(), SubjectKind::kSocialOrganisation);
  add(OrganUnits(), SubjectKind::kGovernmentOrgan);
  static constexpr Activity kPerson[] = {{"", 0, 1}};
  add(kPerson, SubjectKind::kPerson);
}

void CityGenerator::InitCandidates() {
  candidates_.assign(activities_.size() * kFamilyCount, WeightedChoice());
  for (int f = 0; f < kFamilyCount; ++f) {
    auto family = static_cast<Family>(f);
    std::vector<TemplateView> templates = FamilyTemplates(family);
    for (size_t a = 0; a < activities_.size(); ++a) {
      const ActivityInfo& activity = activities_[a];
      if (family != Family::kCaseCause &&
          !applies_[static_cast<int>(FamilySlot(family))][KindIndex(activity.kind)]) {
        continue;
      }
      WeightedChoice& choice = candidates_[a * kFamilyCount + static_cast<size_t>(f)];
      for (size_t t = 0; t < templates.size(); ++t) {
        if (template_departments_[f][t] < 0 || !Matches(templates[t], activity)) continue;
        choice.Add(static_cast<uint16_t>(t), templates[t].weight);
      }
    }
  }

  // A subject exists in the store only once a record names it: every activity must be able to
  // give its subjects at least one record, or it is not used.
  auto viable = [this](const ActivityInfo& activity, int index) {
    if (activity.kind != SubjectKind::kPerson && applies_[0][KindIndex(activity.kind)]) {
      return true;
    }
    std::span<const Family> fallbacks = activity.kind == SubjectKind::kPerson
                                            ? std::span<const Family>(kPersonFallbacks)
                                            : std::span<const Family>(kOrganisationFallbacks);
    for (Family family : fallbacks) {
      if (Candidates(family, index).empty()) continue;
      if (family == Family::kCaseCause &&
          (!applies_[static_cast<int>(KindSlot::kJudgment)][KindIndex(activity.kind)] ||
           default_departments_[static_cast<int>(KindSlot::kJudgment)] < 0)) {
        continue;
      }
      return true;
    }
    return false;
  };
  for (int k = 0; k < kSubjectKindCount; ++k) {
    kind_activity_cumulative_[k].clear();
    uint32_t total = 0;
    for (int a : kind_activities_[k]) {
      if (viable(activities_[static_cast<size_t>(a)], a)) {
        total += static_cast<uint32_t>(activities_[static_cast<size_t>(a)].weight);
      }
      kind_activity_cumulative_[k].push_back(total);
    }
  }
  // Enterprises cluster by county: a county's specialties are eight times as common there.
  const std::vector<int>& enterprise = kind_activities_[KindIndex(SubjectKind::kEnterprise)];
  for (const County& county : counties_) {
    std::vector<uint32_t> cumulative;
    uint32_t total = 0;
    for (size_t i = 0; i < enterprise.size(); ++i) {
      const ActivityInfo& activity = activities_[static_cast<size_t>(enterprise[i])];
      uint32_t previous = i == 0 ? 0 : kind_activity_cumulative_[0][i - 1];
      uint32_t weight = kind_activity_cumulative_[0][i] - previous;  // 0 when not viable
      if (std::find(county.specialties.begin(), county.specialties.end(), activity.word) !=
          county.specialties.end()) {
        weight *= 8;
      }
      total += weight;
      cumulative.push_back(total);
    }
    enterprise_cumulative_by_county_.push_back(std::move(cumulative));
  }
}

uint64_t CityGenerator::StreamSeed(int64_t index, uint64_t stream) const {
  return Mix64(options_.seed ^ Mix64(static_cast<uint64_t>(index) * 8 + stream));
}

// ---------------------------------------------------------------------------------------------
// Subjects.

void CityGenerator::DrawPersonName(Random& rng, bool male, std::string& out) const {
  out += surnames_[static_cast<size_t>(PickCumulative(surname_cumulative_, rng))];
  const std::vector<std::string_view>& chars = male ? male_chars_ : female_chars_;
  out += chars[rng.Uniform(chars.size())];
  if (rng.Chance(0.8)) out += chars[rng.Uniform(chars.size())];
}

void CityGenerator::DrawTradeName(Random& rng, std::string& out) const {
  size_t count = trade_syllables_.size();
  size_t first = rng.Uniform(count);
  size_t second = rng.Uniform(count - 1);
  if (second >= first) ++second;
  out += trade_syllables_[first];
  out += trade_syllables_[second];
}

void CityGenerator::DescribeSubject(int64_t index, SubjectProfile& s) const {
  SeededRandom rng(StreamSeed(index, kIdentityStream));
  s.index = index;
  int kind = PickCumulative(kind_cumulative_, rng);
  s.kind = static_cast<SubjectKind>(kind);
  s.county = PickCumulative(county_cumulative_, rng);
  s.standing = static_cast<Standing>(PickWeighted(kStandingWeights[kind], rng));
  s.city_level = false;
  s.status = RegistrationStatus::kActive;
  s.registered_capital = 0;
  s.org_type = {};
  s.code.clear();
  s.name.clear();
  s.legal_representative.clear();
  s.address.clear();
  if (s.kind == SubjectKind::kPerson) {
    DrawPerson(rng, s);
  } else {
    DrawOrganisation(rng, s);
  }
}

void CityGenerator::DrawPerson(Random& rng, SubjectProfile& s) const {
  const uint64_t space = static_cast<uint64_t>(birth_days_) * 1000;
  uint64_t slot = Permute(s.index, person_multiplier_, person_offset_, space);
  s.activity = kind_activities_[KindIndex(SubjectKind::kPerson)][0];
  s.established = Date::FromDays(birth_first_.days() + static_cast<int32_t>(slot / 1000));
  int sequence = static_cast<int>(slot % 1000);
  bool male = sequence % 2 == 1;
  std::string first17 = counties_[static_cast<size_t>(s.county)].code;
  Civil birth = CivilFromDays(s.established.days());
  AppendPadded(birth.year, 4, first17);
  AppendPadded(birth.month, 2, first17);
  AppendPadded(birth.day, 2, first17);
  AppendPadded(sequence, 3, first17);
  s.code = ids::CompleteResidentId(first17);
  DrawPersonName(rng, male, s.name);
  s.registration_date = s.established;
  s.active_from = MaxDate(window_start_, s.established.AddYears(18));
  s.active_to = options_.today;
}

void CityGenerator::DrawOrganisation(Random& rng, SubjectProfile& s) const {
  const County& county = counties_[static_cast<size_t>(s.county)];
  const int kind = KindIndex(s.kind);
  const std::vector<uint32_t>& cumulative =
      s.kind == SubjectKind::kEnterprise
          ? enterprise_cumulative_by_county_[static_cast<size_t>(s.county)]
          : kind_activity_cumulative_[kind];
  s.activity = kind_activities_[kind][static_cast<size_t>(PickCumulative(cumulative, rng))];
  const ActivityInfo& activity = activities_[static_cast<size_t>(s.activity)];

  switch (s.kind) {
    case SubjectKind::kEnterprise: s.org_type = "91"; break;
    case SubjectKind::kIndividualBusiness: s.org_type = "92"; break;
    case SubjectKind::kPublicInstitution: s.org_type = "12"; break;
    case SubjectKind::kGovernmentOrgan: s.org_type = "11"; break;
    case SubjectKind::kSocialOrganisation:
      s.org_type = activity.word.find("基金会") != std::string_view::npos ? "53"
                   : activity.section == 'S'                              ? "51"
                                                                          : "52";
      break;
    case SubjectKind::kPerson: break;
  }

  // Founding: many young businesses, a long tail of old ones; institutions are older.
  int lo_years = 0, hi_years = 0;
  switch (s.kind) {
    case SubjectKind::kEnterprise: {
      static constexpr int kBands[][2] = {{0, 6}, {6, 16}, {16, 40}};
      static constexpr int kWeights[] = {35, 40, 25};
      const int* band = kBands[PickWeighted(kWeights, rng)];
      lo_years = band[0];
      hi_years = band[1];
      break;
    }
    case SubjectKind::kIndividualBusiness: {
      static constexpr int kBands[][2] = {{0, 6}, {6, 15}, {15, 30}};
      static constexpr int kWeights[] = {50, 35, 15};
      const int* band = kBands[PickWeighted(kWeights, rng)];
      lo_years = band[0];
      hi_years = band[1];
      break;
    }
    case SubjectKind::kPublicInstitution: lo_years = 5, hi_years = 60; break;
    case SubjectKind::kGovernmentOrgan: lo_years = 10, hi_years = 70; break;
    default: lo_years = 1, hi_years = 30; break;
  }
  const Date today = options_.today;
  int32_t days_ago = static_cast<int32_t>(rng.Range(lo_years * 1461 / 4, hi_years * 1461 / 4 - 1));
  s.established = MaxDate(today.AddDays(-days_ago), founding_floor_);

  // A few businesses are deregistered or have their licence revoked, more of the poor ones.
  if (s.kind == SubjectKind::kEnterprise || s.kind == SubjectKind::kIndividualBusiness) {
    static constexpr int kStatusWeights[3][3] = {
        {968, 30, 2},    // good: active, deregistered, revoked
        {940, 50, 10},   // ordinary
        {770, 150, 80},  // poor
    };
    auto status = static_cast<RegistrationStatus>(
        PickWeighted(kStatusWeights[static_cast<int>(s.standing)], rng));
    Date earliest = MaxDate(s.established.AddDays(30), window_start_);
    if (status != RegistrationStatus::kActive && !(today < earliest)) {
      s.status = status;
      s.registration_date =
          Date::FromDays(static_cast<int32_t>(rng.Range(earliest.days(), today.days())));
    }
  }
  if (s.status == RegistrationStatus::kActive) {
    // The registration record carries the latest registration event: the founding itself, or a
    // change registered within the window.
    s.registration_date =
        window_start_ <= s.established
            ? s.established
            : Date::FromDays(static_cast<int32_t>(rng.Range(window_start_.days(), today.days())));
  }
  s.active_from = MaxDate(s.established, window_start_);
  s.active_to = s.status == RegistrationStatus::kActive ? today : s.registration_date;

  // Capital in units of 10,000 yuan (万元), as registered.
  int64_t wan = 0;
  switch (s.kind) {
    case SubjectKind::kEnterprise: {
      static constexpr int kBands[][2] = {{10, 100}, {100, 1000}, {1000, 5000}, {5000, 50000}};
      static constexpr int kWeights[] = {30, 45, 20, 5};
      const int* band = kBands[PickWeighted(kWeights, rng)];
      wan = rng.Range(band[0], band[1]);
      break;
    }
    case SubjectKind::kIndividualBusiness: wan = rng.Range(1, 50); break;
    case SubjectKind::kPublicInstitution: wan = rng.Range(10, 5000); break;
    case SubjectKind::kSocialOrganisation:
      wan = s.org_type == "53" ? rng.Range(200, 2000) : rng.Range(3, 200);
      break;
    default: break;
  }
  s.registered_capital = Tidy(wan * 10000);

  DrawPersonName(rng, rng.Chance(0.78), s.legal_representative);
  NameOrganisation(rng, s);

  s.address = "浙江省温州市";
  s.address += county.name;
  if (!county.towns.empty()) s.address += county.towns[rng.Uniform(county.towns.size())];
  s.address += PickOne(Roads(), rng);
  AppendInt(rng.Range(1, 999), s.address);
  s.address += "号";

  // USCC: authority and type, division, organisation code body (two letters by registrar and
  // six base-31 characters unique to the subject), then the two check characters.
  std::string first16(s.org_type);
  first16 += s.city_level ? kCityCode : std::string_view(county.code);
  first16 += s.org_type[0] == '9' ? "MA" : s.org_type[0] == '1' ? "MB" : "MJ";
  uint64_t body = Permute(s.index, org_multiplier_, org_offset_, kOrgBodySpace);
  char digits[6];
  for (int i = 5; i >= 0; --i) {
    digits[i] = kUsccAlphabet[body % 31];
    body /= 31;
  }
  first16.append(digits, 6);
  s.code = ids::CompleteUscc(first16);
}

std::string_view CityGenerator::CityPlaceOrCounty(const SubjectProfile& s) const {
  return s.city_level ? kCityName
                      : std::string_view(counties_[static_cast<size_t>(s.county)].place);
}

void CityGenerator::NameOrganisation(Random& rng, SubjectProfile& s) const {
  const County& county = counties_[static_cast<size_t>(s.county)];
  const ActivityInfo& activity = activities_[static_cast<size_t>(s.activity)];
  std::string& name = s.name;
  auto town = [&]() -> std::string_view {
    return county.towns.empty() ? std::string_view()
                                : county.towns[rng.Uniform(county.towns.size())];
  };
  switch (s.kind) {
    case SubjectKind::kEnterprise: {
      s.city_level = rng.Chance(0.1);
      uint64_t r = rng.Uniform(100);
      if (s.registered_capital >= 10000000 && r < 30) {
        name += "浙江";
      } else if (r < 55 || county.towns.empty() || s.city_level ||
                 FindCountyProfile(county.code) == nullptr ||
                 FindCountyProfile(county.code)->district) {
        name += r % 4 == 0 ? "温州市" : "温州";
      } else {
        name += county.name;
      }
      DrawTradeName(rng, name);
      name += activity.word;
      if (s.registered_capital >= 50000000 && rng.Chance(0.35)) {
        name += "股份有限公司";
      } else {
        name += rng.Chance(0.1) ? "有限责任公司" : "有限公司";
      }
      break;
    }
    case SubjectKind::kIndividualBusiness: {
      name += county.name;
      uint64_t r = rng.Uniform(100);
      if (r < 55) {
        DrawTradeName(rng, name);
      } else if (r < 80 && !county.towns.empty()) {
        name += town();
        DrawTradeName(rng, name);
      } else {
        name += s.legal_representative;
      }
      name += activity.word;
      break;
    }
    case SubjectKind::kPublicInstitution: {
      std::string_view word = activity.word;
      if (word[0] == '@' && !county.towns.empty()) {
        name += county.place;
        name += town();
        name += word.substr(1);
        break;
      }
      s.city_level = rng.Chance(0.4);
      name += CityPlaceOrCounty(s);
      if (word[0] == '#') {
        name += "第";
        AppendChineseNumber(static_cast<int>(rng.Range(1, s.city_level ? 30 : 12)), name);
        name += word.substr(1);
      } else {
        name += word[0] == '@' ? word.substr(1) : word;
      }
      break;
    }
    case SubjectKind::kSocialOrganisation: {
      std::string_view word = activity.word;
      s.city_level = rng.Chance(0.5);
      name += CityPlaceOrCounty(s);
      if (word == "行业协会") {
        std::span<const Activity> industries = EnterpriseIndustries();
        name += industries[rng.Uniform(industries.size())].word;
      } else if (word == "学会") {
        name += PickOne(LearnedTopics(), rng);
      } else if (word == "协会") {
        name += PickOne(SocietyTopics(), rng);
      } else if (word == "商会") {
        name += PickOne(HometownProvinces(), rng);
      } else if (word == "教育基金会") {
        if (!s.city_level) name += town();
      } else {
        DrawTradeName(rng, name);
      }
      name += word;
      break;
    }
    case SubjectKind::kGovernmentOrgan: {
      std::string_view word = activity.word;
      if (word[0] == '@') {
        name += county.place;
        std::string_view t = town();
        name += t;
        name += t.empty() ? "人民政府" : EndsWith(t, "镇") ? "人民政府" : "办事处";
        break;
      }
      s.city_level = rng.Chance(0.3);
      name += CityPlaceOrCounty(s);
      name += word;
      break;
    }
    case SubjectKind::kPerson: break;
  }
}

bool CityGenerator::Registers(const SubjectProfile& s) const {
  return s.kind != SubjectKind::kPerson && applies_[0][KindIndex(s.kind)] && Registrar(s) >= 0;
}

int CityGenerator::Registrar(const SubjectProfile& s) const {
  switch (s.org_type.empty() ? '9' : s.org_type[0]) {
    case '5': return registrars_[1];
    case '1': return registrars_[2];
    default: return registrars_[0];
  }
}

}  // namespace credence::demo::internal
