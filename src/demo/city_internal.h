// The demo city's reference data: Wenzhou's county-level divisions with their populations and
// industries, Chinese name parts, and the templates of licences, penalties, lists and other
// records that the generator draws from. Everything here is constant data plus two small
// text helpers; the generator (generator_internal.h) decides how often each is used.
//
// Templates name the department that issues such a record in practice; the generator keeps
// a template only where the policy catalog lets that department submit that kind, so the data
// here never widens what a department may do.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "ids/ids.h"

namespace credence::demo::internal {

// Which subject kinds a template applies to, as a bit set.
enum KindBit : uint8_t {
  kEnterpriseBit = 1,
  kPublicInstitutionBit = 2,
  kSocialOrganisationBit = 4,
  kIndividualBusinessBit = 8,
  kPersonBit = 16,
  kGovernmentOrganBit = 32,
};
inline constexpr uint8_t kOrganisationBits = kEnterpriseBit | kPublicInstitutionBit |
                                             kSocialOrganisationBit | kIndividualBusinessBit |
                                             kGovernmentOrganBit;
inline constexpr uint8_t kBusinessBits = kEnterpriseBit | kIndividualBusinessBit;
uint8_t KindBitOf(ids::SubjectKind kind);

// One county-level division of Wenzhou as the generator sees it.
struct CountyProfile {
  std::string_view code;        // GB/T 2260, e.g. "330302"
  std::string_view name;        // "鹿城区"
  std::string_view short_name;  // "鹿城"
  std::string_view doc_abbr;    // document-number prefix of its bureaus, e.g. "温鹿"
  int population;               // thousands of residents (2020 census); the subject weight
  bool district;  // a district (区) of the city proper: bureaus are "温州市鹿城区…"
  std::string_view towns;        // space-separated streets and towns, for addresses and names
  std::string_view specialties;  // space-separated industry words that cluster here
};
// The profile for a division code, or nullptr for a division the data does not know (the
// generator then uses the division table's name and a small default weight).
const CountyProfile* FindCountyProfile(std::string_view code);

// What a subject does: an industry word for companies ("鞋业"), a shop type for individual
// businesses ("便利店"), a unit for institutions ("人民医院"), with its GB/T 4754-2017 section.
struct Activity {
  std::string_view word;
  char section;  // 'A'..'T'
  int weight;
};
std::span<const Activity> EnterpriseIndustries();
std::span<const Activity> ShopTypes();
// Public institution units. A word starting with '#' is numbered ("第三中学"); one starting
// with '@' belongs to a street or town ("塘下镇卫生院").
std::span<const Activity> InstitutionUnits();
// Social organisations: words are suffixes; the generator adds the place and a topic.
std::span<const Activity> SocialOrganisationUnits();
// Government organs: '@' marks a street or town government.
std::span<const Activity> OrganUnits();

// Name parts. Each string is a run of 3-byte UTF-8 characters.
std::string_view TradeSyllables();    // two of these make a trade name (字号)
std::string_view MaleGivenChars();    // given-name characters
std::string_view FemaleGivenChars();  // given-name characters
struct Surname {
  std::string_view text;
  int weight;
};
std::span<const Surname> Surnames();
std::span<const std::string_view> Roads();
std::span<const std::string_view> SocietyTopics();      // 温州市摄影协会
std::span<const std::string_view> LearnedTopics();      // 温州市会计学会
std::span<const std::string_view> HometownProvinces();  // 温州市江西商会
std::span<const std::string_view> Banks();              // pledgees and creditors
std::span<const std::string_view> ProjectKinds();       // public procurement projects

struct LicenseTemplate {
  std::string_view department;
  std::string_view name;      // certificate name, e.g. 食品经营许可证
  std::string_view category;  // 许可类别: 普通, 特许, 认可, 核准, 登记, 其他
  std::string_view content;   // 许可内容
  std::string_view sections;  // applicable GB/T 4754 sections; empty: any
  std::string_view words;     // applicable activity words (space-separated); empty: any
  uint8_t kinds;              // KindBit set
  int valid_years;
  int weight;
  std::string_view number_prefix;  // certificate number prefix
};
std::span<const LicenseTemplate> LicenseTemplates();

struct PenaltyTemplate {
  std::string_view department;
  std::string_view law;        // 《中华人民共和国食品安全法》
  std::string_view article;    // 第一百二十四条
  std::string_view violation;  // 违法行为类型
  std::string_view sections;
  std::string_view words;
  uint8_t kinds;
  int64_t min_fine;  // yuan, general tier
  int64_t max_fine;
  std::string_view serious_measure;   // 处罚内容 of the serious tier, e.g. 吊销营业执照
  std::string_view serious_category;  // its 处罚类别
  bool may_confiscate;                // 没收违法所得 may accompany the fine
  int weight;
};
std::span<const PenaltyTemplate> PenaltyTemplates();

// Honours, red lists and serious-dishonesty lists share one shape.
struct ListTemplate {
  std::string_view department;
  std::string_view name;         // honour title or list name
  std::string_view legal_basis;  // empty for honours
  std::string_view sections;
  std::string_view words;
  uint8_t kinds;
  int term_years;  // how long it stands
  int weight;
};
std::span<const ListTemplate> HonourTemplates();
std::span<const ListTemplate> RedListTemplates();
std::span<const ListTemplate> SeriousDishonestyTemplates();

struct CommitmentTemplate {
  std::string_view department;
  std::string_view type;     // approval, voluntary, industry, restoration
  std::string_view content;  // what is promised
  std::string_view sections;
  uint8_t kinds;
  int min_days;  // deadline after the decision
  int max_days;
  int weight;
};
std::span<const CommitmentTemplate> CommitmentTemplates();

struct InspectionTemplate {
  std::string_view department;
  std::string_view task;  // 抽查任务
  std::string_view sections;
  uint8_t kinds;
  int weight;
};
std::span<const InspectionTemplate> InspectionTemplates();

struct CaseCause {
  std::string_view cause;        // 案由
  std::string_view claim;        // what the defendant must pay: 货款, 借款本金, ...
  std::string_view legal_basis;  // the article a judgment typically rests on
  std::string_view sections;
  uint8_t kinds;
  int weight;
};
std::span<const CaseCause> CaseCauses();

// The six grounds of the court's dishonest judgment debtor list (Fa Shi [2017] No. 7, art. 1).
std::span<const std::string_view> DebtorGrounds();

// Issuing authorities of a department: how its city bureau and county bureaus are named.
struct AuthorityNaming {
  std::string_view department;
  std::string_view city_name;         // 温州市市场监督管理局
  std::string_view county_pattern;    // '*' is replaced by the county's name; empty: city only
  std::string_view district_pattern;  // for districts; empty: county_pattern with 温州市 before
  std::string_view doc_short;         // in document numbers: 市监, 税, 环, ...
  std::string_view ref_prefix;        // in source references: MR, TX, ...
};
// The naming of a department, or nullptr for a department the data does not know.
const AuthorityNaming* FindAuthorityNaming(std::string_view department);

// Source-reference code of a record kind ("admin_penalty" → "CF"); empty when unknown.
std::string_view KindRefCode(std::string_view kind);

// Appends an amount of yuan in financial capitals (大写): 50000 → "伍万", 100050 → "壹拾万零伍拾".
// Zero appends "零". Amounts up to 9999,9999,9999.
void AppendChineseAmount(int64_t yuan, std::string& out);
// Appends a small ordinal in ordinary numerals: 3 → "三", 12 → "十二", 21 → "二十一" (1..99).
void AppendChineseNumber(int n, std::string& out);

}  // namespace credence::demo::internal
