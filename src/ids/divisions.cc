// The administrative division table (GB/T 2260), compiled in: every province-level division,
// every prefecture-level division of Zhejiang and every county-level division under them, as
// of the 2021 edition (after Hangzhou's 2021 redistricting and Longgang's 2019 promotion).
// Other provinces' lower levels are left out on purpose: a code is better unnamed than
// misnamed, and the checks only need the province.
#include <algorithm>
#include <array>
#include <string_view>

#include "ids/ids.h"

namespace credence::ids {
namespace {

struct DivisionRow {
  std::string_view code;
  std::string_view name_zh;
  std::string_view name_en;
};

// Ordered by code.
constexpr DivisionRow kDivisionRows[] = {
    {"110000", "北京市", "Beijing"},
    {"120000", "天津市", "Tianjin"},
    {"130000", "河北省", "Hebei"},
    {"140000", "山西省", "Shanxi"},
    {"150000", "内蒙古自治区", "Inner Mongolia"},
    {"210000", "辽宁省", "Liaoning"},
    {"220000", "吉林省", "Jilin"},
    {"230000", "黑龙江省", "Heilongjiang"},
    {"310000", "上海市", "Shanghai"},
    {"320000", "江苏省", "Jiangsu"},
    {"330000", "浙江省", "Zhejiang"},
    {"330100", "杭州市", "Hangzhou"},
    {"330102", "上城区", "Shangcheng"},
    {"330105", "拱墅区", "Gongshu"},
    {"330106", "西湖区", "Xihu"},
    {"330108", "滨江区", "Binjiang"},
    {"330109", "萧山区", "Xiaoshan"},
    {"330110", "余杭区", "Yuhang"},
    {"330111", "富阳区", "Fuyang"},
    {"330112", "临安区", "Lin'an"},
    {"330113", "临平区", "Linping"},
    {"330114", "钱塘区", "Qiantang"},
    {"330122", "桐庐县", "Tonglu"},
    {"330127", "淳安县", "Chun'an"},
    {"330182", "建德市", "Jiande"},
    {"330200", "宁波市", "Ningbo"},
    {"330203", "海曙区", "Haishu"},
    {"330205", "江北区", "Jiangbei"},
    {"330206", "北仑区", "Beilun"},
    {"330211", "镇海区", "Zhenhai"},
    {"330212", "鄞州区", "Yinzhou"},
    {"330213", "奉化区", "Fenghua"},
    {"330225", "象山县", "Xiangshan"},
    {"330226", "宁海县", "Ninghai"},
    {"330281", "余姚市", "Yuyao"},
    {"330282", "慈溪市", "Cixi"},
    {"330300", "温州市", "Wenzhou"},
    {"330302", "鹿城区", "Lucheng"},
    {"330303", "龙湾区", "Longwan"},
    {"330304", "瓯海区", "Ouhai"},
    {"330305", "洞头区", "Dongtou"},
    {"330324", "永嘉县", "Yongjia"},
    {"330326", "平阳县", "Pingyang"},
    {"330327", "苍南县", "Cangnan"},
    {"330328", "文成县", "Wencheng"},
    {"330329", "泰顺县", "Taishun"},
    {"330381", "瑞安市", "Rui'an"},
    {"330382", "乐清市", "Yueqing"},
    {"330383", "龙港市", "Longgang"},
    {"330400", "嘉兴市", "Jiaxing"},
    {"330402", "南湖区", "Nanhu"},
    {"330411", "秀洲区", "Xiuzhou"},
    {"330421", "嘉善县", "Jiashan"},
    {"330424", "海盐县", "Haiyan"},
    {"330481", "海宁市", "Haining"},
    {"330482", "平湖市", "Pinghu"},
    {"330483", "桐乡市", "Tongxiang"},
    {"330500", "湖州市", "Huzhou"},
    {"330502", "吴兴区", "Wuxing"},
    {"330503", "南浔区", "Nanxun"},
    {"330521", "德清县", "Deqing"},
    {"330522", "长兴县", "Changxing"},
    {"330523", "安吉县", "Anji"},
    {"330600", "绍兴市", "Shaoxing"},
    {"330602", "越城区", "Yuecheng"},
    {"330603", "柯桥区", "Keqiao"},
    {"330604", "上虞区", "Shangyu"},
    {"330624", "新昌县", "Xinchang"},
    {"330681", "诸暨市", "Zhuji"},
    {"330683", "嵊州市", "Shengzhou"},
    {"330700", "金华市", "Jinhua"},
    {"330702", "婺城区", "Wucheng"},
    {"330703", "金东区", "Jindong"},
    {"330723", "武义县", "Wuyi"},
    {"330726", "浦江县", "Pujiang"},
    {"330727", "磐安县", "Pan'an"},
    {"330781", "兰溪市", "Lanxi"},
    {"330782", "义乌市", "Yiwu"},
    {"330783", "东阳市", "Dongyang"},
    {"330784", "永康市", "Yongkang"},
    {"330800", "衢州市", "Quzhou"},
    {"330802", "柯城区", "Kecheng"},
    {"330803", "衢江区", "Qujiang"},
    {"330822", "常山县", "Changshan"},
    {"330824", "开化县", "Kaihua"},
    {"330825", "龙游县", "Longyou"},
    {"330881", "江山市", "Jiangshan"},
    {"330900", "舟山市", "Zhoushan"},
    {"330902", "定海区", "Dinghai"},
    {"330903", "普陀区", "Putuo"},
    {"330921", "岱山县", "Daishan"},
    {"330922", "嵊泗县", "Shengsi"},
    {"331000", "台州市", "Taizhou"},
    {"331002", "椒江区", "Jiaojiang"},
    {"331003", "黄岩区", "Huangyan"},
    {"331004", "路桥区", "Luqiao"},
    {"331022", "三门县", "Sanmen"},
    {"331023", "天台县", "Tiantai"},
    {"331024", "仙居县", "Xianju"},
    {"331081", "温岭市", "Wenling"},
    {"331082", "临海市", "Linhai"},
    {"331083", "玉环市", "Yuhuan"},
    {"331100", "丽水市", "Lishui"},
    {"331102", "莲都区", "Liandu"},
    {"331121", "青田县", "Qingtian"},
    {"331122", "缙云县", "Jinyun"},
    {"331123", "遂昌县", "Suichang"},
    {"331124", "松阳县", "Songyang"},
    {"331125", "云和县", "Yunhe"},
    {"331126", "庆元县", "Qingyuan"},
    {"331127", "景宁畲族自治县", "Jingning"},
    {"331181", "龙泉市", "Longquan"},
    {"340000", "安徽省", "Anhui"},
    {"350000", "福建省", "Fujian"},
    {"360000", "江西省", "Jiangxi"},
    {"370000", "山东省", "Shandong"},
    {"410000", "河南省", "Henan"},
    {"420000", "湖北省", "Hubei"},
    {"430000", "湖南省", "Hunan"},
    {"440000", "广东省", "Guangdong"},
    {"450000", "广西壮族自治区", "Guangxi"},
    {"460000", "海南省", "Hainan"},
    {"500000", "重庆市", "Chongqing"},
    {"510000", "四川省", "Sichuan"},
    {"520000", "贵州省", "Guizhou"},
    {"530000", "云南省", "Yunnan"},
    {"540000", "西藏自治区", "Xizang"},
    {"610000", "陕西省", "Shaanxi"},
    {"620000", "甘肃省", "Gansu"},
    {"630000", "青海省", "Qinghai"},
    {"640000", "宁夏回族自治区", "Ningxia"},
    {"650000", "新疆维吾尔自治区", "Xinjiang"},
    {"710000", "台湾省", "Taiwan"},
    {"810000", "香港特别行政区", "Hong Kong"},
    {"820000", "澳门特别行政区", "Macao"},
};

// Central organisations register under the national level, which GB/T 2260 does not list.
constexpr std::string_view kNationalLevelCode = "100000";
constexpr std::string_view kNationalLevelName = "全国";

bool IsSixDigits(std::string_view code) {
  return code.size() == 6 &&
         std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int LevelOf(std::string_view code6) {
  if (code6.substr(2) == "0000") return 1;
  if (code6.substr(4) == "00") return 2;
  return 3;
}

std::vector<Division> BuildDivisions() {
  std::vector<Division> divisions;
  divisions.reserve(std::size(kDivisionRows));
  for (const DivisionRow& row : kDivisionRows) {
    divisions.push_back(Division{std::string(row.code), std::string(row.name_zh),
                                 std::string(row.name_en), LevelOf(row.code)});
  }
  // The rows are written in order; sorting keeps FindDivision correct if an edit breaks it.
  std::sort(divisions.begin(), divisions.end(),
            [](const Division& a, const Division& b) { return a.code < b.code; });
  return divisions;
}

}  // namespace

const std::vector<Division>& AllDivisions() {
  static const std::vector<Division> divisions = BuildDivisions();
  return divisions;
}

const Division* FindDivision(std::string_view code6) {
  if (!IsSixDigits(code6)) return nullptr;
  const std::vector<Division>& divisions = AllDivisions();
  auto it =
      std::lower_bound(divisions.begin(), divisions.end(), code6,
                       [](const Division& d, std::string_view code) { return d.code < code; });
  if (it == divisions.end() || it->code != code6) return nullptr;
  return &*it;
}

bool IsKnownProvince(std::string_view code6) {
  if (!IsSixDigits(code6)) return false;
  if (code6 == kNationalLevelCode) return true;
  std::string province(code6.substr(0, 2));
  province += "0000";
  return FindDivision(province) != nullptr;
}

std::string DivisionFullName(std::string_view code6) {
  if (!IsSixDigits(code6)) return "";
  if (code6 == kNationalLevelCode) return std::string(kNationalLevelName);
  std::string code(code6);
  const Division* province = FindDivision(code.substr(0, 2) + "0000");
  if (province == nullptr) return "";
  std::string name = province->name_zh;
  if (LevelOf(code) >= 2) {
    const Division* prefecture = FindDivision(code.substr(0, 4) + "00");
    if (prefecture == nullptr) return name;
    name += prefecture->name_zh;
  }
  if (LevelOf(code) == 3) {
    const Division* county = FindDivision(code);
    if (county != nullptr) name += county->name_zh;
  }
  return name;
}

std::vector<const Division*> CountiesOf(std::string_view prefecture_code6) {
  std::vector<const Division*> counties;
  if (!IsSixDigits(prefecture_code6) || LevelOf(prefecture_code6) != 2) return counties;
  std::string_view prefix = prefecture_code6.substr(0, 4);
  for (const Division& division : AllDivisions()) {
    if (division.level == 3 && std::string_view(division.code).substr(0, 4) == prefix) {
      counties.push_back(&division);
    }
  }
  return counties;
}

}  // namespace credence::ids
