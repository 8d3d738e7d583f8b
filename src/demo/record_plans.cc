// The demo city's record plans: which records each subject gets, from which department, and
// with which contents (DOMAIN.md §9 layouts). Split from generator.cc, which sets the city up and
// draws its subjects.
#include <algorithm>
#include <charconv>
#include <numeric>

#include "demo/generator_internal.h"
#include "ids/ids.h"

namespace credence::demo::internal {

using ids::SubjectKind;

// ---------------------------------------------------------------------------------------------
// Record plans.

bool CityGenerator::Applies(KindSlot slot, const SubjectProfile& s) const {
  return applies_[static_cast<int>(slot)][KindIndex(s.kind)];
}

int16_t CityGenerator::DrawAuthority(int department, const SubjectProfile& s, Random& rng) const {
  const DepartmentSlot& slot = departments_[static_cast<size_t>(department)];
  // Courts: the basic court of the county decides nearly every case; the others: the county
  // bureau mostly, the city bureau for city-level subjects and a share of the rest.
  double city_share = slot.court ? 0.08 : s.city_level ? 1.0 : 0.15;
  if (!slot.county_bureaus) city_share = 0;  // every entry names the city bureau
  if (rng.Chance(city_share)) return 0;
  return static_cast<int16_t>(1 + s.county);
}

Date CityGenerator::DrawDate(const SubjectProfile& s, Random& rng) const {
  return Date::FromDays(static_cast<int32_t>(rng.Range(s.active_from.days(), s.active_to.days())));
}

bool CityGenerator::AddFromFamily(Family family, KindSlot slot, const SubjectProfile& s,
                                  Random& rng, std::vector<RecordPlan>& plans) const {
  if (!Applies(slot, s)) return false;
  const WeightedChoice& choice = Candidates(family, s.activity);
  if (choice.empty()) return false;
  RecordPlan plan;
  plan.kind = slot;
  plan.template_index = choice.Pick(rng);
  int department = family == Family::kCaseCause ? default_departments_[static_cast<int>(slot)]
                                                : template_department(family, plan.template_index);
  if (department < 0) return false;
  plan.department = static_cast<int16_t>(department);
  plan.authority = DrawAuthority(department, s, rng);
  plan.date = DrawDate(s, rng);
  const int standing = static_cast<int>(s.standing);
  switch (slot) {
    case KindSlot::kPenalty: {
      static constexpr int kTierWeights[3][3] = {
          {25, 72, 3},   // good: minor, general, serious
          {20, 73, 7},   // ordinary
          {10, 65, 25},  // poor
      };
      int tier = PickWeighted(kTierWeights[standing], rng);
      if (s.kind == SubjectKind::kPerson && tier == 1 && rng.Chance(0.2)) tier = 0;
      if (tier == 2 && PenaltyTemplates()[plan.template_index].serious_measure.empty()) tier = 1;
      plan.tier = tier == 0   ? policy::Tier::kMinor
                  : tier == 1 ? policy::Tier::kGeneral
                              : policy::Tier::kSerious;
      break;
    }
    case KindSlot::kDishonestDebtor: {
      static constexpr int kGroundWeights[] = {45, 3, 5, 30, 12, 5};
      plan.variant = static_cast<uint8_t>(1 + PickWeighted(kGroundWeights, rng));
      break;
    }
    case KindSlot::kCommitment: {
      static constexpr double kBroken[] = {0.02, 0.08, 0.4};
      plan.variant = rng.Chance(kBroken[standing]) ? 1 : 0;
      break;
    }
    default: break;
  }
  plans.push_back(plan);
  return true;
}

void CityGenerator::AddSimple(KindSlot slot, const SubjectProfile& s, Random& rng,
                              std::vector<RecordPlan>& plans) const {
  int department = default_departments_[static_cast<int>(slot)];
  if (department < 0 || !Applies(slot, s)) return;
  RecordPlan plan;
  plan.kind = slot;
  plan.department = static_cast<int16_t>(department);
  plan.authority = DrawAuthority(department, s, rng);
  plan.date = DrawDate(s, rng);
  plan.variant = static_cast<uint8_t>(s.standing);
  plans.push_back(plan);
}

void CityGenerator::AddTaxGrades(const SubjectProfile& s, Random& rng,
                                 std::vector<RecordPlan>& plans) const {
  const int department = default_departments_[static_cast<int>(KindSlot::kTaxCreditGrade)];
  if (department < 0 || !Applies(KindSlot::kTaxCreditGrade, s)) return;
  // Enterprises are graded every year; individual businesses only since the 2022 evaluation and
  // only those that keep books.
  const bool individual = s.kind == SubjectKind::kIndividualBusiness;
  const double share = individual ? 0.25 : 0.55;
  const int founded = YearOf(s.established);
  const int today_year = YearOf(options_.today);
  static constexpr int kGradeWeights[3][5] = {
      {60, 35, 5, 0, 0},    // good: A B M C D
      {20, 55, 17, 6, 2},   // ordinary
      {0, 20, 10, 40, 30},  // poor
  };
  for (int year = first_graded_year_; year < today_year; ++year) {
    // Grades of a year are published in April of the next.
    Date published = grades_published_[static_cast<size_t>(year - first_graded_year_)].AddDays(
        static_cast<int32_t>(rng.Range(0, 29)));
    bool graded = rng.Chance(share);
    if (!graded || year < founded || (individual && year < 2022)) continue;
    if (published < s.active_from || s.active_to < published) continue;
    RecordPlan plan;
    plan.kind = KindSlot::kTaxCreditGrade;
    plan.department = static_cast<int16_t>(department);
    plan.authority = DrawAuthority(department, s, rng);
    plan.date = published;
    plan.number = year;
    // A business in its first year is graded M (new).
    plan.variant =
        year == founded
            ? 2
            : static_cast<uint8_t>(PickWeighted(kGradeWeights[static_cast<int>(s.standing)], rng));
    plans.push_back(plan);
  }
}

void CityGenerator::PlanRecords(const SubjectProfile& s, std::vector<RecordPlan>& plans) const {
  plans.clear();
  SeededRandom rng(StreamSeed(s.index, kPlanStream));
  const int standing = static_cast<int>(s.standing);
  auto family = [&](Family f, KindSlot slot, double mean) {
    for (int n = DrawCount(rng, mean); n > 0; --n) AddFromFamily(f, slot, s, rng, plans);
  };
  auto simple = [&](KindSlot slot, double mean) {
    for (int n = DrawCount(rng, mean); n > 0; --n) AddSimple(slot, s, rng, plans);
  };
  auto by_standing = [standing](double good, double ordinary, double poor) {
    return standing == 0 ? good : standing == 1 ? ordinary : poor;
  };
  const char section = activities_[static_cast<size_t>(s.activity)].section;
  auto in_sections = [section](std::string_view sections) {
    return sections.find(section) != std::string_view::npos;
  };

  switch (s.kind) {
    case SubjectKind::kEnterprise:
      family(Family::kLicense, KindSlot::kLicense, 2.0);
      family(Family::kPenalty, KindSlot::kPenalty, by_standing(0.15, 0.5, 2.0));
      AddTaxGrades(s, rng, plans);
      family(Family::kInspection, KindSlot::kInspectionResult, 0.7);
      family(Family::kCommitment, KindSlot::kCommitment, 0.5);
      simple(KindSlot::kAbnormalOperation, by_standing(0, 0.02, 0.25));
      simple(KindSlot::kSocialInsuranceArrears, by_standing(0, 0.015, 0.2));
      if (in_sections("EFGIKLM")) simple(KindSlot::kContractPerformance, 0.12);
      family(Family::kCaseCause, KindSlot::kJudgment, by_standing(0.02, 0.06, 0.5));
      family(Family::kCaseCause, KindSlot::kDishonestDebtor, by_standing(0, 0.003, 0.12));
      if (in_sections("CIM")) simple(KindSlot::kIpPledge, 0.03);
      family(Family::kHonour, KindSlot::kHonour, by_standing(0.25, 0.02, 0));
      family(Family::kRedList, KindSlot::kRedList, by_standing(0.15, 0.01, 0));
      family(Family::kSeriousDishonesty, KindSlot::kSeriousDishonesty, by_standing(0, 0, 0.03));
      break;
    case SubjectKind::kIndividualBusiness:
      family(Family::kLicense, KindSlot::kLicense, 1.5);
      family(Family::kPenalty, KindSlot::kPenalty, by_standing(0.1, 0.45, 1.5));
      AddTaxGrades(s, rng, plans);
      family(Family::kInspection, KindSlot::kInspectionResult, 0.6);
      family(Family::kCommitment, KindSlot::kCommitment, 0.35);
      simple(KindSlot::kAbnormalOperation, by_standing(0, 0.025, 0.25));
      family(Family::kCaseCause, KindSlot::kJudgment, by_standing(0.01, 0.03, 0.3));
      family(Family::kCaseCause, KindSlot::kDishonestDebtor, by_standing(0, 0.003, 0.12));
      family(Family::kHonour, KindSlot::kHonour, by_standing(0.05, 0.005, 0));
      family(Family::kRedList, KindSlot::kRedList, by_standing(0.03, 0, 0));
      family(Family::kSeriousDishonesty, KindSlot::kSeriousDishonesty, by_standing(0, 0, 0.01));
      break;
    case SubjectKind::kPublicInstitution:
      family(Family::kLicense, KindSlot::kLicense, 0.8);
      family(Family::kPenalty, KindSlot::kPenalty, 0.05);
      family(Family::kInspection, KindSlot::kInspectionResult, 0.2);
      family(Family::kCommitment, KindSlot::kCommitment, 0.3);
      family(Family::kCaseCause, KindSlot::kJudgment, 0.03);
      family(Family::kHonour, KindSlot::kHonour, 0.15);
      break;
    case SubjectKind::kSocialOrganisation:
      family(Family::kPenalty, KindSlot::kPenalty, 0.02);
      family(Family::kInspection, KindSlot::kInspectionResult, 0.1);
      family(Family::kCommitment, KindSlot::kCommitment, 0.3);
      family(Family::kCaseCause, KindSlot::kJudgment, 0.02);
      family(Family::kHonour, KindSlot::kHonour, 0.1);
      family(Family::kRedList, KindSlot::kRedList, 0.05);
      break;
    case SubjectKind::kGovernmentOrgan:
      family(Family::kCommitment, KindSlot::kCommitment, 0.4);
      family(Family::kCaseCause, KindSlot::kJudgment, 0.05);
      family(Family::kCaseCause, KindSlot::kDishonestDebtor, 0.002);
      family(Family::kHonour, KindSlot::kHonour, 0.1);
      break;
    case SubjectKind::kPerson:
      family(Family::kPenalty, KindSlot::kPenalty, by_standing(0.1, 0.35, 0.8));
      family(Family::kCommitment, KindSlot::kCommitment, 0.5);
      family(Family::kCaseCause, KindSlot::kJudgment, by_standing(0.05, 0.12, 0.5));
      family(Family::kCaseCause, KindSlot::kDishonestDebtor, by_standing(0, 0.005, 0.2));
      family(Family::kHonour, KindSlot::kHonour, by_standing(0.15, 0.005, 0));
      family(Family::kSeriousDishonesty, KindSlot::kSeriousDishonesty, by_standing(0, 0, 0.04));
      break;
  }

  if (plans.empty() && !Registers(s)) {
    // Subjects come into being through their records: give this one its single record.
    std::span<const Family> fallbacks = s.kind == SubjectKind::kPerson
                                            ? std::span<const Family>(kPersonFallbacks)
                                            : std::span<const Family>(kOrganisationFallbacks);
    for (Family f : fallbacks) {
      if (AddFromFamily(f, f == Family::kCaseCause ? KindSlot::kJudgment : FamilySlot(f), s, rng,
                        plans)) {
        break;
      }
    }
  }
}

}  // namespace credence::demo::internal
