// FeedWriter: the wording of the demo city's records, in the field layout of FORMATS.md and
// the national double-publicity templates (DOMAIN.md §9).
//
// Lines are built by plain appends: every string written comes from the generator's own tables
// or from catalog text escaped once at setup, so nothing needs escaping here, and this is the
// hot path of a million-subject city.
#include <algorithm>
#include <charconv>

#include "demo/generator_internal.h"

namespace credence::demo::internal {
namespace {

using ids::SubjectKind;

// Members of a JSON object, written in order.
class Fields {
 public:
  // first: whether the next member is the object's first (no comma before it).
  Fields(std::string& out, bool first) : out_(out), first_(first) {}

  std::string& Key(std::string_view key) {
    out_ += first_ ? "\"" : ",\"";
    first_ = false;
    out_ += key;
    out_ += "\":";
    return out_;
  }
  void Str(std::string_view key, std::string_view value) {
    Key(key) += '"';
    out_ += value;
    out_ += '"';
  }
  void Num(std::string_view key, int64_t value) { AppendInt(value, Key(key)); }
  void Day(std::string_view key, Date value) {
    Key(key) += '"';
    AppendDate(value, out_);
    out_ += '"';
  }
  // Starts a string value to be appended piecewise; close it with EndStr.
  std::string& BeginStr(std::string_view key) { return Key(key) += '"'; }
  void EndStr() { out_ += '"'; }

 private:
  std::string& out_;
  bool first_;
};

// Amount in financial capitals followed by 元: "人民币伍万元".
void AppendYuan(int64_t yuan, std::string& out) {
  out += "人民币";
  AppendChineseAmount(yuan, out);
  out += "元";
}

std::string_view EntityType(const SubjectProfile& s) {
  switch (s.kind) {
    case SubjectKind::kEnterprise:
      return s.name.ends_with("股份有限公司") ? "股份有限公司（非上市、自然人投资或控股）"
                                              : "有限责任公司（自然人投资或控股）";
    case SubjectKind::kIndividualBusiness: return "个体工商户";
    case SubjectKind::kPublicInstitution: return "事业单位";
    case SubjectKind::kGovernmentOrgan: return "机关";
    case SubjectKind::kSocialOrganisation:
      return s.org_type == "51" ? "社会团体" : s.org_type == "53" ? "基金会" : "民办非企业单位";
    case SubjectKind::kPerson: return "";
  }
  return "";
}

constexpr std::string_view kGrades[] = {"A", "B", "M", "C", "D"};

const Authority& AuthorityOf(const CityGenerator& city, const RecordPlan& plan) {
  return city.departments()[static_cast<size_t>(plan.department)]
      .authorities[static_cast<size_t>(plan.authority)];
}

}  // namespace

FeedWriter::FeedWriter(const CityGenerator& city) : city_(city) {
  const size_t departments = city.departments().size();
  ref_counters_.assign(departments * kKindSlotCount, 0);
  first_year_ = YearOf(city.window_start());
  years_ = YearOf(city.options().today) - first_year_ + 1;
  document_counters_.assign(static_cast<size_t>(kKindSlotCount) * departments *
                                (city.counties().size() + 1) * static_cast<size_t>(years_),
                            0);
}

void FeedWriter::BeginSubject(const SubjectProfile& s) {
  words_ = SeededRandom(city_.StreamSeed(s.index, kWordsStream));
  subject_json_ = ",\"subject\":{\"code\":\"";
  subject_json_ += s.code;
  subject_json_ += "\",\"name\":\"";
  subject_json_ += s.name;
  subject_json_ += "\",\"kind\":\"";
  subject_json_ += SubjectKindKey(s.kind);
  subject_json_ += "\"}";
}

void FeedWriter::AppendHead(KindSlot slot, int department, const SubjectProfile& s, Date decided,
                            std::string& out) {
  const DepartmentSlot& d = city_.departments()[static_cast<size_t>(department)];
  out += "{\"source_ref\":\"";
  out += d.ref_prefix;
  out += '-';
  std::string_view code = KindRefCode(KindSlotKey(slot));
  out += code.empty() ? "RC" : code;
  out += '-';
  int64_t& counter =
      ref_counters_[static_cast<size_t>(department) * kKindSlotCount + static_cast<size_t>(slot)];
  AppendPadded(++counter, 9, out);
  out += "\",\"kind\":\"";
  out += KindSlotKey(slot);
  out += '"';
  out += subject_json_;
  out += ",\"decided_at\":\"";
  AppendDate(decided, out);
  out += '"';
}

int FeedWriter::NextDocumentNumber(KindSlot slot, int department, int authority, int year) {
  int year_index = year - first_year_;
  if (year_index < 0 || year_index >= years_) {
    return static_cast<int>(words_.Range(1, 3000));
  }
  const size_t departments = city_.departments().size();
  const size_t authorities = city_.counties().size() + 1;
  size_t index =
      ((static_cast<size_t>(slot) * departments + static_cast<size_t>(department)) * authorities +
       static_cast<size_t>(authority)) *
          static_cast<size_t>(years_) +
      static_cast<size_t>(year_index);
  int32_t& counter = document_counters_[index];
  // Numbering starts part-way into the year, as the city's own numbering would.
  if (counter == 0) counter = static_cast<int32_t>(1 + (index * 2654435761u) % 200);
  return counter++;
}

void FeedWriter::AppendDocumentNumber(KindSlot slot, int department, int authority, Date decided,
                                      std::string_view kind_word, std::string& out) {
  const DepartmentSlot& d = city_.departments()[static_cast<size_t>(department)];
  const Authority& a = d.authorities[static_cast<size_t>(authority)];
  int year = YearOf(decided);
  out += a.doc_abbr;
  out += d.doc_short;
  out += kind_word;
  out += "〔";
  AppendInt(year, out);
  out += "〕";
  AppendInt(NextDocumentNumber(slot, department, authority, year), out);
  out += "号";
}

void FeedWriter::AppendCaseNumber(KindSlot slot, int department, int authority, Date decided,
                                  std::string_view case_type, std::string& out) {
  const DepartmentSlot& d = city_.departments()[static_cast<size_t>(department)];
  const Authority& a = d.authorities[static_cast<size_t>(authority)];
  int year = YearOf(decided);
  out += '(';
  AppendInt(year, out);
  out += ')';
  out += a.court_code;
  out += case_type;
  AppendInt(NextDocumentNumber(slot, department, authority, year), out);
  out += "号";
}

void FeedWriter::AppendTier(KindSlot slot, policy::Tier tier, std::string& out) {
  const policy::RecordKind* kind = city_.kind(slot);
  if (tier == policy::Tier::kNone) {
    if (kind == nullptr || !kind->tiered) return;
    tier = kind->default_tier != policy::Tier::kNone ? kind->default_tier : policy::Tier::kGeneral;
  }
  Fields(out, false).Str("tier", policy::TierKey(tier));
}

void FeedWriter::AppendLegalRepresentative(const SubjectProfile& s, std::string& out) {
  if (!s.legal_representative.empty()) {
    Fields(out, false).Str("legal_representative", s.legal_representative);
  }
}

// ---------------------------------------------------------------------------------------------

void FeedWriter::AppendRegistration(const SubjectProfile& s, std::string& out) {
  BeginSubject(s);
  SeededRandom rng(city_.StreamSeed(s.index, kRegistrationStream));
  const int department = city_.Registrar(s);
  // The county bureau registers most; the city bureau city-level subjects and a share of others.
  const size_t authority = s.city_level || rng.Chance(0.15) ? 0 : static_cast<size_t>(1 + s.county);
  AppendHead(KindSlot::kRegistration, department, s, s.registration_date, out);
  AppendTier(KindSlot::kRegistration, policy::Tier::kNone, out);
  Fields f(out, false);
  f.Str("legal_representative", s.legal_representative);
  std::string& content = f.BeginStr("content");
  switch (s.status) {
    case RegistrationStatus::kDeregistered: content += "注销登记"; break;
    case RegistrationStatus::kRevoked: content += "吊销营业执照"; break;
    case RegistrationStatus::kActive:
      if (s.registration_date == s.established) {
        content += "设立登记";
      } else {
        static constexpr std::string_view kChanges[] = {"住所", "法定代表人", "注册资本",
                                                        "经营范围", "名称"};
        content += "变更登记（";
        content += PickOne(std::span<const std::string_view>(kChanges), rng);
        content += "）";
      }
      break;
  }
  f.EndStr();
  out += city_.departments()[static_cast<size_t>(department)].authorities[authority].json;
  out += ",\"extra\":{";
  Fields extra(out, true);
  extra.Str("industry",
            std::string_view(&city_.activities()[static_cast<size_t>(s.activity)].section, 1));
  if (s.registered_capital > 0) extra.Num("registered_capital", s.registered_capital);
  extra.Day("established", s.established);
  extra.Str("status", s.status == RegistrationStatus::kActive         ? "存续"
                      : s.status == RegistrationStatus::kDeregistered ? "注销"
                                                                      : "吊销");
  extra.Str("entity_type", EntityType(s));
  extra.Str("address", s.address);
  out += "}}";
}

void FeedWriter::AppendRecord(const SubjectProfile& s, const RecordPlan& plan, std::string& out) {
  AppendHead(plan.kind, plan.department, s, plan.date, out);
  switch (plan.kind) {
    case KindSlot::kRegistration: break;  // written by AppendRegistration
    case KindSlot::kLicense: License(s, plan, out); break;
    case KindSlot::kPenalty: Penalty(s, plan, out); break;
    case KindSlot::kDishonestDebtor: DishonestDebtor(s, plan, out); break;
    case KindSlot::kSeriousDishonesty:
    case KindSlot::kRedList: ListRecord(s, plan, out); break;
    case KindSlot::kHonour: Honour(s, plan, out); break;
    case KindSlot::kAbnormalOperation: AbnormalOperation(s, plan, out); break;
    case KindSlot::kTaxCreditGrade: TaxCreditGrade(s, plan, out); break;
    case KindSlot::kCommitment: Commitment(s, plan, out); break;
    case KindSlot::kSocialInsuranceArrears: SocialInsuranceArrears(s, plan, out); break;
    case KindSlot::kContractPerformance: ContractPerformance(s, plan, out); break;
    case KindSlot::kInspectionResult: InspectionResult(s, plan, out); break;
    case KindSlot::kJudgment: Judgment(s, plan, out); break;
    case KindSlot::kIpPledge: IpPledge(s, plan, out); break;
  }
  out += '}';
}

void FeedWriter::License(const SubjectProfile& s, const RecordPlan& plan, std::string& out) {
  const LicenseTemplate& t = LicenseTemplates()[plan.template_index];
  AppendTier(plan.kind, policy::Tier::kNone, out);
  Fields f(out, false);
  AppendDocumentNumber(plan.kind, plan.department, plan.authority, plan.date, "许",
                       f.BeginStr("document_no"));
  f.EndStr();
  f.Str("content", t.content);
  Date valid_until = plan.date.AddYears(t.valid_years).AddDays(-1);
  f.Day("valid_until", valid_until);
  out += AuthorityOf(city_, plan).json;
  out += ",\"extra\":{";
  Fields extra(out, true);
  extra.Str("license_name", t.name);
  extra.Str("license_category", t.category);
  std::string& number = extra.BeginStr("license_no");
  number += t.number_prefix;
  const char first = t.number_prefix.empty() ? '0' : t.number_prefix[0];
  if ((first >= 'A' && first <= 'Z') || (first >= '0' && first <= '9')) {
    number += plan.authority == 0 ? std::string_view("330300")
                                  : std::string_view(city_.counties()[plan.authority - 1].code);
    AppendPadded(words_.Range(1, 9999999), 7, number);
  } else {
    number += "〔";
    AppendInt(YearOf(plan.date), number);
    number += "〕";
    AppendPadded(words_.Range(1, 99999), 5, number);
    number += "号";
  }
  extra.EndStr();
  extra.Day("valid_from", plan.date);
  extra.Str("status", valid_until < city_.options().today ? "已过期" : "有效");
  out += '}';
}

void FeedWriter::Penalty(const SubjectProfile& s, const RecordPlan& plan, std::string& out) {
  const PenaltyTemplate& t = PenaltyTemplates()[plan.template_index];
  const bool person = s.kind == SubjectKind::kPerson;
  std::string_view category;
  int64_t fine = 0;
  int64_t confiscated = 0;
  std::string content;
  switch (plan.tier) {
    case policy::Tier::kMinor:
      // Summary procedure: a warning, or a small fine on the spot.
      if (words_.Chance(0.6)) {
        category = "警告";
        content = "警告";
      } else {
        category = "罚款";
        fine = person ? words_.Range(5, 20) * 10 : words_.Range(2, 30) * 100;
      }
      break;
    case policy::Tier::kSerious:
      category = t.serious_category;
      content = t.serious_measure;
      if (category == "罚款" || words_.Chance(0.6)) {
        fine = Tidy(words_.Range(t.max_fine / 2, t.max_fine * 2));
      }
      break;
    default:
      category = "罚款";
      fine = Tidy(words_.Range(t.min_fine, t.max_fine));
      if (t.may_confiscate && words_.Chance(0.3)) {
        category = "没收违法所得、罚款";
        confiscated = Tidy(words_.Range(500, 50000));
      }
      break;
  }
  if (s.kind == SubjectKind::kIndividualBusiness && plan.tier != policy::Tier::kMinor) {
    // Fines follow the scale of the business: a shop is not fined like a factory.
    fine = fine > 0 ? std::max<int64_t>(200, Tidy(fine / 4)) : 0;
    confiscated = confiscated > 0 ? std::max<int64_t>(200, Tidy(confiscated / 4)) : 0;
  }
  if (confiscated > 0) {
    content += "没收违法所得";
    AppendYuan(confiscated, content);
    content += "，";
  }
  if (fine > 0) {
    content += content.empty()                       ? "罚款"
               : plan.tier == policy::Tier::kSerious ? "，并处罚款"
                                                     : "罚款";
    AppendYuan(fine, content);
  }

  AppendTier(plan.kind, plan.tier, out);
  Fields f(out, false);
  AppendDocumentNumber(plan.kind, plan.department, plan.authority, plan.date, "罚",
                       f.BeginStr("document_no"));
  f.EndStr();
  std::string& basis = f.BeginStr("legal_basis");
  basis += t.law;
  basis += t.article;
  f.EndStr();
  f.Str("penalty_category", category);
  f.Str("content", content);
  if (fine > 0) f.Num("amount_yuan", fine);
  out += AuthorityOf(city_, plan).json;
  if (const policy::RecordKind* kind = city_.kind(plan.kind)) {
    policy::PublicityWindow window = city_.catalog().Window(*kind, plan.tier, plan.date, category);
    if (window.max_end) f.Day("valid_until", *window.max_end);
  }
  AppendLegalRepresentative(s, out);
  out += ",\"extra\":{";
  Fields extra(out, true);
  extra.Str("violation", t.violation);
  std::string& facts = extra.BeginStr("facts");
  facts += "经查，当事人存在";
  facts += t.violation;
  facts += "的违法行为，违反了";
  facts += t.law;
  facts += "的规定。";
  extra.EndStr();
  if (confiscated > 0) extra.Num("confiscated_yuan", confiscated);
  out += '}';
}

void FeedWriter::DishonestDebtor(const SubjectProfile& s, const RecordPlan& plan,
                                 std::string& out) {
  const CaseCause& cause = CaseCauses()[plan.template_index];
  const int ground = plan.variant;
  const bool person = s.kind == SubjectKind::kPerson;
  const Authority& court = AuthorityOf(city_, plan);
  int64_t owed = Tidy(person ? words_.Range(2, 300) * 1000 : words_.Range(10, 5000) * 1000);
  int64_t performed = words_.Chance(0.3) ? Tidy(owed * words_.Range(10, 60) / 100) : 0;
  Date filed = plan.date.AddDays(-static_cast<int32_t>(words_.Range(30, 400)));

  AppendTier(plan.kind, policy::Tier::kNone, out);
  Fields f(out, false);
  AppendCaseNumber(plan.kind, plan.department, plan.authority, plan.date, "执",
                   f.BeginStr("document_no"));
  f.EndStr();
  f.Num("ground", ground);
  if (ground != 1) f.Day("term_end", plan.date.AddYears(2));
  std::string& basis = f.BeginStr("legal_basis");
  basis += "《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条第（";
  AppendChineseNumber(ground, basis);
  basis += "）项";
  f.EndStr();
  std::string& obligation = f.BeginStr("content");
  const size_t obligation_start = obligation.size();
  obligation += "向申请执行人";
  if (cause.claim == "借款本金" && words_.Chance(0.5)) {
    obligation += PickOne(Banks(), words_);
  } else if (words_.Chance(0.5)) {
    obligation += "温州";
    city_.DrawTradeName(words_, obligation);
    obligation += "贸易有限公司";
  } else {
    // A private creditor is named the way judgments anonymise natural persons: 陈某.
    obligation += city_.surnames_[words_.Uniform(city_.surnames_.size())];
    obligation += "某";
  }
  obligation += "支付";
  obligation += cause.claim;
  AppendYuan(owed, obligation);
  obligation += "及迟延履行期间的债务利息";
  std::string obligation_text = obligation.substr(obligation_start);
  f.EndStr();
  f.Num("amount_yuan", owed - performed);
  out += court.json;
  AppendLegalRepresentative(s, out);
  out += ",\"extra\":{";
  Fields extra(out, true);
  extra.Str("obligation", obligation_text);
  extra.Str("performance", performed > 0 ? "partial" : "none");
  extra.Num("performed_yuan", performed);
  extra.Num("unperformed_yuan", owed - performed);
  extra.Str("behaviour", DebtorGrounds()[static_cast<size_t>(ground - 1)]);
  std::string& source = extra.BeginStr("enforcement_basis");
  source += '(';
  AppendInt(YearOf(filed) - (words_.Chance(0.5) ? 1 : 0), source);
  source += ')';
  source += court.court_code;
  source += "民初";
  AppendInt(words_.Range(100, 19999), source);
  source += "号";
  extra.EndStr();
  extra.Str("basis_issuer", court.name);
  extra.Str("cause", cause.cause);
  extra.Day("filed_at", filed);
  extra.Str("province", "浙江");
  out += '}';
}

void FeedWriter::ListRecord(const SubjectProfile& s, const RecordPlan& plan, std::string& out) {
  const ListTemplate& t = plan.kind == KindSlot::kRedList
                              ? RedListTemplates()[plan.template_index]
                              : SeriousDishonestyTemplates()[plan.template_index];
  const bool serious = plan.kind == KindSlot::kSeriousDishonesty;
  AppendTier(plan.kind, policy::Tier::kNone, out);
  Fields f(out, false);
  f.Str("list", t.name);
  AppendDocumentNumber(plan.kind, plan.department, plan.authority, plan.date,
                       serious ? "失信" : "信用", f.BeginStr("document_no"));
  f.EndStr();
  if (!t.legal_basis.empty()) f.Str("legal_basis", t.legal_basis);
  std::string& content = f.BeginStr("content");
  content += "列入";
  content += t.name;
  f.EndStr();
  f.Day("term_end", plan.date.AddYears(t.term_years));
  out += AuthorityOf(city_, plan).json;
  if (serious) AppendLegalRepresentative(s, out);
}

void FeedWriter::Honour(const SubjectProfile& s, const RecordPlan& plan, std::string& out) {
  const ListTemplate& t = HonourTemplates()[plan.template_index];
  AppendTier(plan.kind, policy::Tier::kNone, out);
  Fields f(out, false);
  AppendDocumentNumber(plan.kind, plan.department, plan.authority, plan.date, "",
                       f.BeginStr("document_no"));
  f.EndStr();
  std::string& content = f.BeginStr("content");
  AppendInt(YearOf(plan.date) - 1, content);
  content += "年度";
  content += t.name;
  f.EndStr();
  f.Day("valid_until", plan.date.AddYears(t.term_years));
  out += AuthorityOf(city_, plan).json;
  out += ",\"extra\":{";
  Fields extra(out, true);
  extra.Str("honour", t.name);
  extra.Str("level", t.name.starts_with("浙江省") ? "省级"
                     : t.name.starts_with("海关") ? "国家级"
                                                  : "市级");
  out += '}';
}

void FeedWriter::AbnormalOperation(const SubjectProfile& s, const RecordPlan& plan,
                                   std::string& out) {
  static constexpr std::string_view kReasons[] = {"未按照规定期限公示年度报告",
                                                  "通过登记的住所或者经营场所无法联系",
                                                  "公示企业信息隐瞒真实情况、弄虚作假"};
  static constexpr int kReasonWeights[] = {60, 35, 5};
  std::string_view reason = kReasons[PickWeighted(kReasonWeights, words_)];
  const bool individual = s.kind == SubjectKind::kIndividualBusiness;
  AppendTier(plan.kind, policy::Tier::kNone, out);
  Fields f(out, false);
  f.Str("list", individual ? "经营异常状态" : "经营异常名录");
  f.Str("ground", reason);
  AppendDocumentNumber(plan.kind, plan.department, plan.authority, plan.date, "异",
                       f.BeginStr("document_no"));
  f.EndStr();
  f.Str("legal_basis",
        individual ? "《个体工商户年度报告暂行办法》第十三条" : "《企业信息公示暂行条例》第十七条");
  std::string& content = f.BeginStr("content");
  content += individual ? "标记为经营异常状态（" : "列入经营异常名录（";
  content += reason;
  content += "）";
  f.EndStr();
  out += AuthorityOf(city_, plan).json;
  out += ",\"extra\":{";
  Fields(out, true).Str("reason", reason);
  out += '}';
}

void FeedWriter::TaxCreditGrade(const SubjectProfile& s, const RecordPlan& plan, std::string& out) {
  std::string_view grade = kGrades[plan.variant];
  AppendTier(plan.kind, policy::Tier::kNone, out);
  Fields f(out, false);
  f.Str("grade", grade);
  f.Num("year", plan.number);
  f.Str("legal_basis", "《纳税信用管理办法》");
  std::string& content = f.BeginStr("content");
  AppendInt(plan.number, content);
  content += "年度纳税信用等级：";
  content += grade;
  content += "级";
  f.EndStr();
  out += AuthorityOf(city_, plan).json;
  if (grade != "M") {
    // Points behind the grade: A ≥ 90, B 70-89, C 40-69, D below 40.
    int64_t score = grade == "A"   ? words_.Range(90, 100)
                    : grade == "B" ? words_.Range(70, 89)
                    : grade == "C" ? words_.Range(40, 69)
                                   : words_.Range(20, 39);
    out += ",\"extra\":{";
    Fields(out, true).Num("score", score);
    out += '}';
  }
}

void FeedWriter::Commitment(const SubjectProfile& s, const RecordPlan& plan, std::string& out) {
  const CommitmentTemplate& t = CommitmentTemplates()[plan.template_index];
  Date deadline = plan.date.AddDays(static_cast<int32_t>(words_.Range(t.min_days, t.max_days)));
  std::string_view status = city_.options().today < deadline ? "pending"
                            : plan.variant == 1              ? "broken"
                                                             : "kept";
  AppendTier(plan.kind, policy::Tier::kNone, out);
  Fields f(out, false);
  f.Str("type", t.type);
  f.Str("status", status);
  f.Day("deadline", deadline);
  f.Str("content", t.content);
  out += AuthorityOf(city_, plan).json;
}

void FeedWriter::SocialInsuranceArrears(const SubjectProfile& s, const RecordPlan& plan,
                                        std::string& out) {
  int64_t months = words_.Range(1, 12);
  int64_t amount = months * words_.Range(20, 400) * 100;
  AppendTier(plan.kind, policy::Tier::kNone, out);
  Fields f(out, false);
  AppendDocumentNumber(plan.kind, plan.department, plan.authority, plan.date, "监",
                       f.BeginStr("document_no"));
  f.EndStr();
  f.Str("legal_basis", "《中华人民共和国社会保险法》第八十六条");
  std::string& content = f.BeginStr("content");
  content += "欠缴社会保险费";
  AppendYuan(amount, content);
  content += "（";
  AppendInt(months, content);
  content += "个月），责令限期缴纳";
  f.EndStr();
  f.Num("amount_yuan", amount);
  out += AuthorityOf(city_, plan).json;
  AppendLegalRepresentative(s, out);
  out += ",\"extra\":{";
  Fields extra(out, true);
  extra.Num("months", months);
  extra.Str("insurances", "基本养老保险、失业保险、工伤保险");
  out += '}';
}

void FeedWriter::ContractPerformance(const SubjectProfile& s, const RecordPlan& plan,
                                     std::string& out) {
  static constexpr std::string_view kResults[] = {"良好", "合格", "逾期履约", "违约"};
  static constexpr std::string_view kEvaluations[] = {"good", "qualified", "late", "breach"};
  static constexpr int kWeights[3][4] = {{90, 10, 0, 0}, {75, 18, 5, 2}, {30, 30, 25, 15}};
  int result = PickWeighted(kWeights[plan.variant], words_);
  const Authority& authority = AuthorityOf(city_, plan);
  std::string project(plan.authority == 0
                          ? std::string_view("温州市")
                          : std::string_view(city_.counties()[plan.authority - 1].place));
  project += PickOne(ProjectKinds(), words_);
  AppendTier(plan.kind, policy::Tier::kNone, out);
  Fields f(out, false);
  AppendDocumentNumber(plan.kind, plan.department, plan.authority, plan.date, "履",
                       f.BeginStr("document_no"));
  f.EndStr();
  std::string& content = f.BeginStr("content");
  content += project;
  content += "合同履约评价：";
  content += kResults[result];
  f.EndStr();
  f.Num("amount_yuan", words_.Range(5, 500) * 10000);
  out += authority.json;
  out += ",\"extra\":{";
  Fields extra(out, true);
  extra.Str("project", project);
  extra.Str("evaluation", kEvaluations[result]);
  extra.Str("result", kResults[result]);
  out += '}';
}

void FeedWriter::InspectionResult(const SubjectProfile& s, const RecordPlan& plan,
                                  std::string& out) {
  const InspectionTemplate& t = InspectionTemplates()[plan.template_index];
  static constexpr std::string_view kResults[] = {
      "未发现问题", "发现问题已责令改正", "未按规定公示应当公示的信息",
      "通过登记的住所（经营场所）无法联系", "不配合检查情节严重"};
  static constexpr int kWeights[3][5] = {{95, 5, 0, 0, 0}, {80, 14, 3, 2, 1}, {45, 30, 10, 10, 5}};
  std::string_view result = kResults[PickWeighted(kWeights[static_cast<int>(s.standing)], words_)];
  AppendTier(plan.kind, policy::Tier::kNone, out);
  Fields f(out, false);
  AppendDocumentNumber(plan.kind, plan.department, plan.authority, plan.date, "检",
                       f.BeginStr("document_no"));
  f.EndStr();
  std::string task;
  AppendInt(YearOf(plan.date), task);
  task += "年度";
  task += t.task;
  std::string& content = f.BeginStr("content");
  content += task;
  content += "：";
  content += result;
  f.EndStr();
  out += AuthorityOf(city_, plan).json;
  out += ",\"extra\":{";
  Fields extra(out, true);
  extra.Str("task", task);
  extra.Str("result", result);
  out += '}';
}

void FeedWriter::Judgment(const SubjectProfile& s, const RecordPlan& plan, std::string& out) {
  const CaseCause& cause = CaseCauses()[plan.template_index];
  const bool appeal = plan.authority == 0;  // the intermediate court hears appeals
  int64_t amount = Tidy(s.kind == SubjectKind::kPerson ? words_.Range(5, 500) * 1000
                                                       : words_.Range(10, 3000) * 1000);
  AppendTier(plan.kind, policy::Tier::kNone, out);
  Fields f(out, false);
  AppendCaseNumber(plan.kind, plan.department, plan.authority, plan.date, appeal ? "民终" : "民初",
                   f.BeginStr("document_no"));
  f.EndStr();
  f.Str("legal_basis", cause.legal_basis);
  std::string& content = f.BeginStr("content");
  content += cause.cause;
  content += "一案，判决被告于判决生效之日起十日内支付原告";
  content += cause.claim;
  AppendYuan(amount, content);
  f.EndStr();
  f.Num("amount_yuan", amount);
  out += AuthorityOf(city_, plan).json;
  out += ",\"extra\":{";
  Fields extra(out, true);
  extra.Str("cause", cause.cause);
  extra.Str("role", "被告");
  extra.Str("trial", appeal ? "二审" : "一审");
  out += '}';
}

void FeedWriter::IpPledge(const SubjectProfile& s, const RecordPlan& plan, std::string& out) {
  const bool patent = words_.Chance(0.7);
  AppendTier(plan.kind, policy::Tier::kNone, out);
  Fields f(out, false);
  std::string& number = f.BeginStr("document_no");
  number += 'Y';
  AppendInt(YearOf(plan.date), number);
  number += "330000";
  AppendPadded(words_.Range(1, 999999), 6, number);
  f.EndStr();
  f.Str("legal_basis", patent ? "《专利权质押登记办法》" : "《注册商标专用权质押登记程序规定》");
  f.Str("content", patent ? "专利权质押登记" : "注册商标专用权质押登记");
  f.Num("amount_yuan", words_.Range(50, 3000) * 10000);
  f.Day("valid_until", plan.date.AddYears(static_cast<int32_t>(words_.Range(1, 3))));
  out += AuthorityOf(city_, plan).json;
  out += ",\"extra\":{";
  Fields extra(out, true);
  extra.Str("ip_type", patent ? "专利权" : "注册商标专用权");
  extra.Str("pledgee", PickOne(Banks(), words_));
  out += '}';
}

}  // namespace credence::demo::internal
