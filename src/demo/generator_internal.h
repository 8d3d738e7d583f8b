// The demo city generator's machinery, behind demo.h.
//
// Every subject is a pure function of (seed, index): its identity comes from one seeded stream,
// its record plan from a second and the wording of its records from a third. Nothing about a
// subject is stored between passes, so GenerateFeeds can walk the city once for the
// registrations and once more for every other record with memory bounded by its batch buffers.
//
// CityGenerator is immutable once created (safe to share). FeedWriter holds the running
// counters that number documents and source references, so one FeedWriter must see the
// subjects in index order for its output to be reproducible.
#pragma once

#include <array>
#include <charconv>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/random.h"
#include "common/result.h"
#include "common/time.h"
#include "demo/city_internal.h"
#include "demo/demo.h"
#include "policy/policy.h"

namespace credence::demo::internal {

// The record kinds the generator knows how to word.
enum class KindSlot : uint8_t {
  kRegistration,
  kLicense,
  kPenalty,
  kDishonestDebtor,
  kSeriousDishonesty,
  kAbnormalOperation,
  kTaxCreditGrade,
  kHonour,
  kRedList,
  kCommitment,
  kSocialInsuranceArrears,
  kContractPerformance,
  kInspectionResult,
  kJudgment,
  kIpPledge,
};
inline constexpr int kKindSlotCount = 15;
std::string_view KindSlotKey(KindSlot slot);  // the policy record kind key

// How a subject tends to behave; skews how many negative and positive records it collects.
enum class Standing : uint8_t { kGood, kOrdinary, kPoor };

enum class RegistrationStatus : uint8_t { kActive, kDeregistered, kRevoked };

struct SubjectProfile {
  int64_t index = 0;
  ids::SubjectKind kind = ids::SubjectKind::kEnterprise;
  int county = 0;           // index into CityGenerator::counties()
  int activity = 0;         // index into CityGenerator::activities()
  bool city_level = false;  // named and registered at city level ("温州市…")
  Standing standing = Standing::kOrdinary;
  std::string code;
  std::string name;
  std::string legal_representative;  // organisations only
  std::string address;
  std::string_view org_type;       // USCC positions 1-2; empty for persons
  int64_t registered_capital = 0;  // yuan; 0 for organs
  Date established;                // organisations: founding day; persons: birth date
  RegistrationStatus status = RegistrationStatus::kActive;
  Date registration_date;  // decided_at of the registration record: the last registration event
  Date active_from;        // other records fall within [active_from, active_to]
  Date active_to;
};

struct RecordPlan {
  KindSlot kind = KindSlot::kRegistration;
  policy::Tier tier = policy::Tier::kNone;
  uint8_t variant = 0;          // per kind: grade, ground, commitment status, ...
  int16_t department = 0;       // index into CityGenerator::departments()
  int16_t authority = 0;        // 0: the city bureau; 1 + county index: a county bureau
  uint16_t template_index = 0;  // into the kind's template table
  Date date;
  int32_t number = 0;  // per kind: the evaluation year of a tax grade, ...
};

struct County {
  std::string code;
  std::string name;        // 鹿城区
  std::string short_name;  // 鹿城
  std::string doc_abbr;    // 温鹿
  std::string place;       // how names start: 温州市鹿城区 / 瑞安市
  std::vector<std::string_view> towns;
  std::vector<std::string_view> specialties;
  int weight = 0;
};

struct Authority {
  std::string name;
  std::string code;        // a valid USCC of a government organ
  std::string doc_abbr;    // 温 / 温鹿 / 瑞
  std::string court_code;  // 浙03 / 浙0302
  std::string json;        // ,"authority":{"name":"…","code":"…"}
};

struct DepartmentSlot {
  std::string key;
  std::string ref_prefix;      // MR
  std::string doc_short;       // 市监
  bool county_bureaus = true;  // false: only the city bureau exists (customs)
  bool court = false;          // basic courts decide most cases, the city's court hears appeals
  std::vector<Authority> authorities;  // [0] city, [1 + c] county c
};

struct ActivityInfo {
  std::string_view word;
  char section = 0;
  ids::SubjectKind kind = ids::SubjectKind::kEnterprise;
  int weight = 0;
};

// A weighted choice among template indices.
class WeightedChoice {
 public:
  void Add(uint16_t item, int weight);
  bool empty() const { return items_.empty(); }
  uint16_t Pick(Random& rng) const;

 private:
  std::vector<uint16_t> items_;
  std::vector<uint32_t> cumulative_;
};

// Template families, in the order of the per-activity candidate table.
enum class Family : uint8_t {
  kLicense,
  kPenalty,
  kHonour,
  kRedList,
  kSeriousDishonesty,
  kCommitment,
  kInspection,
  kCaseCause,
};
inline constexpr int kFamilyCount = 8;

class CityGenerator {
 public:
  // Fails with InvalidArgument for unusable options and FailedPrecondition when the catalog or
  // the division table lacks what the city needs (the registration kind, Wenzhou's counties).
  static Result<CityGenerator> Create(const policy::Catalog& catalog, const DemoOptions& options);

  const DemoOptions& options() const { return options_; }
  const policy::Catalog& catalog() const { return *catalog_; }
  const std::vector<County>& counties() const { return counties_; }
  const std::vector<ActivityInfo>& activities() const { return activities_; }
  const std::vector<DepartmentSlot>& departments() const { return departments_; }
  Date window_start() const { return window_start_; }
  // The catalog kind for a slot, or nullptr when the catalog lacks it.
  const policy::RecordKind* kind(KindSlot slot) const { return kinds_[static_cast<int>(slot)]; }
  // The department that submits a slot's records when no template decides (-1: none).
  int default_department(KindSlot slot) const {
    return default_departments_[static_cast<int>(slot)];
  }
  // The department a template's records are submitted by (-1: the template is unusable).
  int template_department(Family family, int template_index) const;

  // Fills s with subject `index`'s identity.
  void DescribeSubject(int64_t index, SubjectProfile& s) const;
  // Whether s gets a registration record.
  bool Registers(const SubjectProfile& s) const;
  // The department that submits s's registration (-1: none).
  int Registrar(const SubjectProfile& s) const;
  // Replaces plans with every record of s other than its registration.
  void PlanRecords(const SubjectProfile& s, std::vector<RecordPlan>& plans) const;

  // Seeds of the three streams of a subject.
  uint64_t StreamSeed(int64_t index, uint64_t stream) const;

 private:
  CityGenerator() = default;
  Status Init(const policy::Catalog& catalog, const DemoOptions& options);
  Status InitCounties();
  void InitActivities();
  void InitDepartments();
  void InitCandidates();
  int ResolveDepartment(KindSlot slot, std::string_view preferred);
  int AddDepartment(std::string_view key);

  void DrawPersonName(Random& rng, bool male, std::string& out) const;
  void DrawTradeName(Random& rng, std::string& out) const;
  void DrawOrganisation(Random& rng, SubjectProfile& s) const;
  void DrawPerson(Random& rng, SubjectProfile& s) const;
  void NameOrganisation(Random& rng, SubjectProfile& s) const;
  std::string_view CityPlaceOrCounty(const SubjectProfile& s) const;

  // Plan helpers.
  bool AddFromFamily(Family family, KindSlot slot, const SubjectProfile& s, Random& rng,
                     std::vector<RecordPlan>& plans) const;
  void AddSimple(KindSlot slot, const SubjectProfile& s, Random& rng,
                 std::vector<RecordPlan>& plans) const;
  int16_t DrawAuthority(int department, const SubjectProfile& s, Random& rng) const;
  Date DrawDate(const SubjectProfile& s, Random& rng) const;
  void AddTaxGrades(const SubjectProfile& s, Random& rng, std::vector<RecordPlan>& plans) const;
  bool Applies(KindSlot slot, const SubjectProfile& s) const;
  const WeightedChoice& Candidates(Family family, int activity) const {
    return candidates_[static_cast<size_t>(activity) * kFamilyCount + static_cast<int>(family)];
  }

  const policy::Catalog* catalog_ = nullptr;
  DemoOptions options_;
  Date window_start_;
  Date founding_floor_;        // 1949-10-01: no organisation is older
  int first_graded_year_ = 0;  // tax grades: the first year whose grades fall in the window
  std::vector<Date> grades_published_;  // April 1st after each graded year
  Date birth_first_;  // persons are born in [birth_first_, birth_first_ + birth_days_)
  int32_t birth_days_ = 0;
  uint64_t org_multiplier_ = 0, org_offset_ = 0;
  uint64_t person_multiplier_ = 0, person_offset_ = 0;

  std::vector<County> counties_;
  std::vector<uint32_t> county_cumulative_;
  std::vector<ActivityInfo> activities_;
  // Per subject kind: activity indices and cumulative weights; enterprises per county.
  std::array<std::vector<int>, 6> kind_activities_;
  std::array<std::vector<uint32_t>, 6> kind_activity_cumulative_;
  std::vector<std::vector<uint32_t>> enterprise_cumulative_by_county_;
  std::vector<uint32_t> kind_cumulative_ = std::vector<uint32_t>(6);  // by SubjectKind
  // Whether the catalog lets a slot's kind be about a subject kind: [slot][SubjectKind].
  std::array<std::array<bool, 6>, kKindSlotCount> applies_{};
  std::array<const policy::RecordKind*, kKindSlotCount> kinds_{};
  std::array<int, kKindSlotCount> default_departments_{};
  std::array<std::vector<int>, kFamilyCount> template_departments_;
  std::vector<WeightedChoice> candidates_;  // [activity * kFamilyCount + family]
  std::vector<DepartmentSlot> departments_;
  std::vector<std::string_view> surnames_;
  std::vector<uint32_t> surname_cumulative_;
  std::vector<std::string_view> trade_syllables_, male_chars_, female_chars_;
  // Who registers whom: [0] businesses, [1] social organisations, [2] organs and institutions.
  std::array<int, 3> registrars_{};

  friend class FeedWriter;
};

// Words records: turns plans into NDJSON lines (FORMATS.md), numbering documents and source
// references as it goes.
class FeedWriter {
 public:
  explicit FeedWriter(const CityGenerator& city);

  // Appends s's registration line (without the newline).
  void AppendRegistration(const SubjectProfile& s, std::string& out);
  // Prepares the wording of s's records; call before AppendRecord for s.
  void BeginSubject(const SubjectProfile& s);
  // Appends the line of one planned record of the subject begun last (without the newline).
  void AppendRecord(const SubjectProfile& s, const RecordPlan& plan, std::string& out);

 private:
  void AppendHead(KindSlot slot, int department, const SubjectProfile& s, Date decided,
                  std::string& out);
  void AppendDocumentNumber(KindSlot slot, int department, int authority, Date decided,
                            std::string_view kind_word, std::string& out);
  void AppendCaseNumber(KindSlot slot, int department, int authority, Date decided,
                        std::string_view case_type, std::string& out);
  int NextDocumentNumber(KindSlot slot, int department, int authority, int year);
  void AppendTier(KindSlot slot, policy::Tier tier, std::string& out);
  void AppendLegalRepresentative(const SubjectProfile& s, std::string& out);

  void License(const SubjectProfile& s, const RecordPlan& plan, std::string& out);
  void Penalty(const SubjectProfile& s, const RecordPlan& plan, std::string& out);
  void DishonestDebtor(const SubjectProfile& s, const RecordPlan& plan, std::string& out);
  void ListRecord(const SubjectProfile& s, const RecordPlan& plan, std::string& out);
  void Honour(const SubjectProfile& s, const RecordPlan& plan, std::string& out);
  void AbnormalOperation(const SubjectProfile& s, const RecordPlan& plan, std::string& out);
  void TaxCreditGrade(const SubjectProfile& s, const RecordPlan& plan, std::string& out);
  void Commitment(const SubjectProfile& s, const RecordPlan& plan, std::string& out);
  void SocialInsuranceArrears(const SubjectProfile& s, const RecordPlan& plan, std::string& out);
  void ContractPerformance(const SubjectProfile& s, const RecordPlan& plan, std::string& out);
  void InspectionResult(const SubjectProfile& s, const RecordPlan& plan, std::string& out);
  void Judgment(const SubjectProfile& s, const RecordPlan& plan, std::string& out);
  void IpPledge(const SubjectProfile& s, const RecordPlan& plan, std::string& out);

  const CityGenerator& city_;
  SeededRandom words_{0};              // the wording stream of the current subject
  std::string subject_json_;           // ,"subject":{…} of the current subject
  std::vector<int64_t> ref_counters_;  // [department * kKindSlotCount + kind]
  std::vector<int32_t> document_counters_;
  int first_year_ = 0;  // window_start's year: document counters are kept per year from it
  int years_ = 0;
};

// The independent random streams of one subject (CityGenerator::StreamSeed).
inline constexpr uint64_t kIdentityStream = 1;
inline constexpr uint64_t kPlanStream = 2;
inline constexpr uint64_t kWordsStream = 3;
inline constexpr uint64_t kRegistrationStream = 4;

// Appends "YYYY-MM-DD".
void AppendDate(Date date, std::string& out);
// Civil year of a date (faster than Date::year for the hot paths).
int YearOf(Date date);

inline void AppendInt(int64_t value, std::string& out) {
  char buffer[24];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, result.ptr);
}

// Appends value with leading zeros to at least width digits.
inline void AppendPadded(int64_t value, int width, std::string& out) {
  char buffer[24];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  int digits = static_cast<int>(result.ptr - buffer);
  if (digits < width) out.append(static_cast<size_t>(width - digits), '0');
  out.append(buffer, result.ptr);
}

// Rounds an amount to a tidy figure, as fines and capitals are in practice.
inline int64_t Tidy(int64_t yuan) {
  if (yuan >= 100000) return yuan / 10000 * 10000;
  if (yuan >= 10000) return yuan / 1000 * 1000;
  if (yuan >= 1000) return yuan / 100 * 100;
  return yuan / 10 * 10;
}

// Index drawn from a small table of integer weights.
template <size_t N>
int PickWeighted(const int (&weights)[N], Random& rng) {
  int total = 0;
  for (int weight : weights) total += weight;
  int64_t r = static_cast<int64_t>(rng.Uniform(static_cast<uint64_t>(total)));
  for (size_t i = 0; i < N; ++i) {
    r -= weights[i];
    if (r < 0) return static_cast<int>(i);
  }
  return static_cast<int>(N - 1);
}

template <typename T>
const T& PickOne(std::span<const T> items, Random& rng) {
  return items[rng.Uniform(items.size())];
}

// Which families can give a subject its one record when nothing else did.
inline constexpr Family kPersonFallbacks[] = {Family::kCommitment, Family::kPenalty,
                                              Family::kCaseCause, Family::kHonour};
inline constexpr Family kOrganisationFallbacks[] = {Family::kCommitment, Family::kLicense,
                                                    Family::kInspection, Family::kPenalty,
                                                    Family::kHonour,     Family::kCaseCause};

// Index of a subject kind in per-kind tables (SubjectKind order).
inline int KindIndex(ids::SubjectKind kind) { return static_cast<int>(kind); }
// A geometric count with the given mean (most subjects get none, a few several), capped.
int DrawCount(Random& rng, double mean);
// The record kind slot a template family produces.
KindSlot FamilySlot(Family family);

}  // namespace credence::demo::internal
