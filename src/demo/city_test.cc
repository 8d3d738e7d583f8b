#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "demo/city_internal.h"

namespace credence::demo::internal {
namespace {

std::string Amount(int64_t yuan) {
  std::string out;
  AppendChineseAmount(yuan, out);
  return out;
}

std::string Number(int n) {
  std::string out;
  AppendChineseNumber(n, out);
  return out;
}

TEST(ChineseAmountTest, WritesFinancialCapitalsWithOneZeroPerGap) {
  EXPECT_EQ(Amount(50000), "伍万");
  EXPECT_EQ(Amount(200), "贰佰");
  EXPECT_EQ(Amount(1005), "壹仟零伍");
  EXPECT_EQ(Amount(1050), "壹仟零伍拾");
  EXPECT_EQ(Amount(100050), "壹拾万零伍拾");
  EXPECT_EQ(Amount(10005000), "壹仟万伍仟");
  EXPECT_EQ(Amount(10000500), "壹仟万零伍佰");
  EXPECT_EQ(Amount(35800), "叁万伍仟捌佰");
  EXPECT_EQ(Amount(120000000), "壹亿贰仟万");
  EXPECT_EQ(Amount(100000005), "壹亿零伍");
  EXPECT_EQ(Amount(0), "零");
}

TEST(ChineseNumberTest, WritesOrdinaryNumerals) {
  EXPECT_EQ(Number(3), "三");
  EXPECT_EQ(Number(10), "十");
  EXPECT_EQ(Number(12), "十二");
  EXPECT_EQ(Number(20), "二十");
  EXPECT_EQ(Number(21), "二十一");
}

TEST(CityTablesTest, EveryCountyAndDepartmentIsNamed) {
  for (std::string_view code : {"330302", "330303", "330304", "330305", "330324", "330326",
                                "330327", "330328", "330329", "330381", "330382", "330383"}) {
    const CountyProfile* county = FindCountyProfile(code);
    ASSERT_NE(county, nullptr) << code;
    EXPECT_GT(county->population, 0);
  }
  // Ruian and Yueqing are the most populous, Dongtou the least.
  std::vector<std::pair<int, std::string_view>> by_population;
  for (std::string_view code : {"330302", "330303", "330304", "330305", "330324", "330326",
                                "330327", "330328", "330329", "330381", "330382", "330383"}) {
    by_population.emplace_back(FindCountyProfile(code)->population, FindCountyProfile(code)->name);
  }
  std::sort(by_population.rbegin(), by_population.rend());
  EXPECT_EQ(by_population[0].second, "瑞安市");
  EXPECT_EQ(by_population[1].second, "乐清市");
  EXPECT_EQ(by_population.back().second, "洞头区");
  for (const LicenseTemplate& t : LicenseTemplates()) {
    EXPECT_NE(FindAuthorityNaming(t.department), nullptr) << t.department;
  }
  for (const PenaltyTemplate& t : PenaltyTemplates()) {
    EXPECT_NE(FindAuthorityNaming(t.department), nullptr) << t.department;
    EXPECT_LE(t.min_fine, t.max_fine) << t.violation;
    EXPECT_EQ(t.serious_measure.empty(), t.serious_category.empty()) << t.violation;
  }
}

}  // namespace
}  // namespace credence::demo::internal
