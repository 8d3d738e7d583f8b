#include <array>

#include "demo/city_internal.h"

namespace credence::demo::internal {
namespace {

constexpr uint8_t kE = kEnterpriseBit;
constexpr uint8_t kP = kPublicInstitutionBit;
constexpr uint8_t kS = kSocialOrganisationBit;
constexpr uint8_t kI = kIndividualBusinessBit;
constexpr uint8_t kN = kPersonBit;  // natural person
constexpr uint8_t kG = kGovernmentOrganBit;
constexpr uint8_t kEI = kE | kI;

// Populations from the 2020 census (thousands). The specialties follow the city's known
// industrial clusters: Liushi low-voltage electrical goods in Yueqing, valves and pumps in
// Yongjia's Oubei, auto and motorcycle parts in Ruian's Tangxia, glasses and shoes in Lucheng
// and Ouhai, printing and packaging in Longgang, leather in Pingyang's Shuitou, badges in
// Cangnan's Jinxiang.
constexpr CountyProfile kCounties[] = {
    {"330302", "鹿城区", "鹿城", "温鹿", 1142, true,
     "五马街道 南汇街道 松台街道 滨江街道 七都街道 蒲鞋市街道 双屿街道 藤桥镇",
     "鞋业 眼镜 服装 贸易"},
    {"330303", "龙湾区", "龙湾", "温龙", 765, true,
     "永中街道 状元街道 蒲州街道 海城街道 瑶溪街道 星海街道", "阀门 合成革 不锈钢 制笔"},
    {"330304", "瓯海区", "瓯海", "温瓯", 963, true,
     "娄桥街道 梧田街道 景山街道 潘桥街道 郭溪街道 仙岩街道 南白象街道 茶山街道",
     "眼镜 锁业 服装 鞋业"},
    {"330305", "洞头区", "洞头", "温洞", 153, true, "北岙街道 东屏街道 元觉街道 霓屿街道 大门镇",
     "水产食品 酒店管理"},
    {"330324", "永嘉县", "永嘉", "永", 869, false, "瓯北街道 东城街道 黄田街道 桥头镇 岩头镇",
     "阀门 泵业 纽扣"},
    {"330326", "平阳县", "平阳", "平", 863, false, "昆阳镇 鳌江镇 萧江镇 水头镇 万全镇",
     "皮革 包装 塑业"},
    {"330327", "苍南县", "苍南", "苍", 844, false, "灵溪镇 钱库镇 宜山镇 金乡镇 马站镇",
     "工艺品 塑业 印刷"},
    {"330328", "文成县", "文成", "文", 289, false, "大峃镇 玉壶镇 南田镇 黄坦镇",
     "食品 农业开发 竹木制品"},
    {"330329", "泰顺县", "泰顺", "泰", 266, false, "罗阳镇 雅阳镇 仕阳镇 泗溪镇",
     "茶业 竹木制品 农业开发"},
    {"330381", "瑞安市", "瑞安", "瑞", 1520, false,
     "安阳街道 玉海街道 锦湖街道 飞云街道 莘塍街道 汀田街道 塘下镇 马屿镇", "汽摩配件 机械 鞋业"},
    {"330382", "乐清市", "乐清", "乐", 1453, false,
     "乐成街道 城东街道 城南街道 翁垟街道 柳市镇 北白象镇 虹桥镇", "电气 电子 仪器仪表 模具"},
    {"330383", "龙港市", "龙港", "龙港", 465, false, "", "印刷 包装 工艺品"},
};

constexpr Activity kEnterpriseIndustries[] = {
    // C manufacturing, the city's core.
    {"鞋业", 'C', 50},
    {"服装", 'C', 40},
    {"电气", 'C', 60},
    {"阀门", 'C', 30},
    {"泵业", 'C', 15},
    {"眼镜", 'C', 15},
    {"汽摩配件", 'C', 30},
    {"印刷", 'C', 15},
    {"包装", 'C', 20},
    {"塑业", 'C', 20},
    {"五金", 'C', 30},
    {"皮革", 'C', 12},
    {"机械", 'C', 35},
    {"工艺品", 'C', 10},
    {"纽扣", 'C', 6},
    {"合成革", 'C', 8},
    {"不锈钢", 'C', 8},
    {"锁业", 'C', 6},
    {"电子", 'C', 25},
    {"仪器仪表", 'C', 12},
    {"模具", 'C', 12},
    {"食品", 'C', 12},
    {"制笔", 'C', 5},
    {"化工", 'C', 6},
    {"茶业", 'C', 4},
    {"竹木制品", 'C', 4},
    {"水产食品", 'C', 4},
    {"新材料", 'C', 10},
    {"智能装备", 'C', 8},
    // E construction.
    {"建设工程", 'E', 40},
    {"建筑工程", 'E', 20},
    {"装饰工程", 'E', 25},
    {"市政工程", 'E', 10},
    {"园林绿化工程", 'E', 8},
    // F wholesale and retail.
    {"贸易", 'F', 70},
    {"商贸", 'F', 35},
    {"进出口", 'F', 25},
    {"电子商务", 'F', 20},
    {"建材", 'F', 15},
    {"汽车销售", 'F', 8},
    {"医药", 'F', 5},
    // G transport and storage.
    {"物流", 'G', 20},
    {"货运代理", 'G', 6},
    {"运输", 'G', 8},
    // H hotels and catering.
    {"餐饮管理", 'H', 15},
    {"酒店管理", 'H', 6},
    // I information technology.
    {"网络科技", 'I', 25},
    {"信息技术", 'I', 15},
    {"软件", 'I', 6},
    // K real estate.
    {"房地产开发", 'K', 10},
    {"物业管理", 'K', 10},
    // L leasing and business services.
    {"企业管理", 'L', 15},
    {"广告", 'L', 8},
    {"人力资源", 'L', 6},
    {"会展服务", 'L', 3},
    {"投资管理", 'L', 6},
    // M research and technical services.
    {"检测技术", 'M', 6},
    {"工程设计", 'M', 5},
    {"生物科技", 'M', 5},
    {"环保科技", 'M', 5},
    // Others.
    {"环境治理", 'N', 2},
    {"家政服务", 'O', 4},
    {"汽车维修", 'O', 5},
    {"教育科技", 'P', 4},
    {"文化传媒", 'R', 8},
    {"农业开发", 'A', 5},
    {"生态农业", 'A', 3},
    {"新能源", 'D', 4},
};

constexpr Activity kShopTypes[] = {
    {"便利店", 'F', 40},    {"超市", 'F', 15},      {"水果店", 'F', 15},
    {"副食品店", 'F', 15},  {"烟酒店", 'F', 10},    {"服装店", 'F', 25},
    {"鞋店", 'F', 10},      {"五金店", 'F', 12},    {"建材经营部", 'F', 10},
    {"眼镜店", 'F', 5},     {"手机店", 'F', 10},    {"茶叶店", 'F', 6},
    {"小吃店", 'H', 30},    {"面馆", 'H', 12},      {"餐馆", 'H', 20},
    {"早餐店", 'H', 10},    {"烧烤店", 'H', 6},     {"海鲜排档", 'H', 5},
    {"奶茶店", 'H', 8},     {"民宿", 'H', 4},       {"宾馆", 'H', 3},
    {"美发店", 'O', 15},    {"理发店", 'O', 8},     {"干洗店", 'O', 4},
    {"汽车修理部", 'O', 8}, {"家电维修部", 'O', 5}, {"鞋料加工场", 'C', 10},
    {"服装加工厂", 'C', 8}, {"五金加工厂", 'C', 6}, {"电器配件加工场", 'C', 8},
    {"货运部", 'G', 5},     {"快递服务部", 'G', 4}, {"棋牌室", 'R', 4},
    {"摄影工作室", 'O', 3},
};

constexpr Activity kInstitutionUnits[] = {
    {"人民医院", 'Q', 4},
    {"中医院", 'Q', 3},
    {"妇幼保健院", 'Q', 2},
    {"疾病预防控制中心", 'Q', 2},
    {"@卫生院", 'Q', 6},
    {"@社区卫生服务中心", 'Q', 5},
    {"#中学", 'P', 8},
    {"#小学", 'P', 8},
    {"实验小学", 'P', 3},
    {"@中心小学", 'P', 8},
    {"@中学", 'P', 6},
    {"@中心幼儿园", 'P', 8},
    {"职业技术学校", 'P', 2},
    {"图书馆", 'R', 2},
    {"档案馆", 'S', 2},
    {"博物馆", 'R', 1},
    {"文化馆", 'R', 2},
    {"社会福利院", 'Q', 2},
    {"公共资源交易中心", 'S', 1},
    {"不动产登记服务中心", 'S', 2},
    {"检验检测研究院", 'M', 1},
    {"农业技术推广中心", 'M', 2},
    {"城市管理综合服务中心", 'S', 2},
    {"人才市场管理服务中心", 'S', 1},
    {"机关事务服务中心", 'S', 2},
    {"大数据发展管理中心", 'I', 1},
    {"急救中心", 'Q', 1},
    {"广播电视台", 'R', 1},
    {"规划设计研究院", 'M', 1},
    {"@便民服务中心", 'S', 4},
};

constexpr Activity kSocialOrganisationUnits[] = {
    // 51 social groups.
    {"行业协会", 'S', 30},
    {"学会", 'S', 15},
    {"协会", 'S', 15},
    {"商会", 'S', 10},
    // 52 private non-enterprise units.
    {"培训学校", 'P', 12},
    {"幼儿园", 'P', 8},
    {"养老服务中心", 'Q', 6},
    {"社会工作服务中心", 'Q', 4},
    // 53 foundations.
    {"慈善基金会", 'S', 2},
    {"教育基金会", 'S', 1},
};

constexpr Activity kOrganUnits[] = {
    {"人民政府办公室", 'S', 1}, {"教育局", 'S', 1},         {"民政局", 'S', 1},
    {"司法局", 'S', 1},         {"农业农村局", 'S', 1},     {"水利局", 'S', 1},
    {"统计局", 'S', 1},         {"审计局", 'S', 1},         {"退役军人事务局", 'S', 1},
    {"医疗保障局", 'S', 1},     {"综合行政执法局", 'S', 1}, {"文化和广电旅游体育局", 'S', 1},
    {"人民检察院", 'S', 1},     {"机关事务管理局", 'S', 1}, {"@人民政府", 'S', 4},
    {"@办事处", 'S', 4},
};

constexpr Surname kSurnames[] = {
    {"陈", 110}, {"林", 55}, {"王", 45}, {"黄", 40}, {"张", 35}, {"李", 30}, {"周", 28}, {"吴", 27},
    {"郑", 26},  {"金", 24}, {"胡", 20}, {"潘", 20}, {"徐", 18}, {"叶", 18}, {"朱", 15}, {"杨", 14},
    {"刘", 13},  {"蔡", 12}, {"谢", 11}, {"池", 8},  {"郭", 8},  {"夏", 7},  {"戴", 7},  {"孙", 7},
    {"薛", 6},   {"应", 6},  {"赵", 6},  {"邵", 5},  {"钱", 5},  {"季", 5},  {"项", 5},  {"余", 5},
    {"章", 5},   {"董", 5},  {"施", 5},  {"卢", 5},  {"方", 5},  {"包", 4},  {"杜", 4},  {"姜", 4},
    {"苏", 4},   {"蒋", 4},  {"翁", 4},  {"洪", 4},  {"麻", 3},  {"虞", 3},  {"缪", 3},  {"程", 3},
    {"温", 3},   {"彭", 3},
};

constexpr std::string_view kRoads[] = {
    "人民路", "解放路", "府前街", "车站大道", "学院路", "新城大道", "温州大道", "锦绣路",
    "中山路", "兴业路", "工业路", "创业路",   "新华路", "江滨路",   "滨海大道", "振兴路",
    "朝阳路", "瓯江路", "东海路", "商城路",   "建设路", "环城路",   "发展路",   "开发区大道",
};

constexpr std::string_view kSocietyTopics[] = {
    "摄影", "书法家", "作家", "志愿者",   "老年人体育", "个体劳动者", "企业家", "青年企业家",
    "围棋", "篮球",   "收藏", "科普作家", "民间文艺家", "钓鱼",       "登山",
};

constexpr std::string_view kLearnedTopics[] = {
    "教育", "会计", "护理", "心理", "中医药", "土木建筑", "机械工程", "园艺", "预防医学", "档案",
};

constexpr std::string_view kHometownProvinces[] = {
    "江西", "安徽", "贵州", "四川", "河南", "湖北", "湖南", "福建", "云南", "重庆",
};

constexpr std::string_view kBanks[] = {
    "中国工商银行股份有限公司温州分行",     "中国农业银行股份有限公司温州分行",
    "中国银行股份有限公司温州市分行",       "中国建设银行股份有限公司温州分行",
    "交通银行股份有限公司温州分行",         "浙江瑞安农村商业银行股份有限公司",
    "浙江乐清农村商业银行股份有限公司",     "温州银行股份有限公司",
    "浙江温州鹿城农村商业银行股份有限公司", "浙商银行股份有限公司温州分行",
};

constexpr std::string_view kProjectKinds[] = {
    "办公设备采购项目",       "道路保洁服务采购项目",   "教学楼改造工程",
    "物业管理服务采购项目",   "信息化系统建设项目",     "绿化养护服务项目",
    "食堂食材配送服务项目",   "医疗设备采购项目",       "城市道路提升改造工程",
    "农村饮用水提标改造工程", "公共自行车运营服务项目", "印刷服务定点采购项目",
};

constexpr LicenseTemplate kLicenses[] = {
    {"market_regulation", "食品经营许可证", "普通",
     "预包装食品销售（含冷藏冷冻食品）；散装食品销售", "F",
     "贸易 商贸 进出口 电子商务 便利店 超市 水果店 副食品店 烟酒店 茶叶店", kEI, 5, 30, "JY1"},
    {"market_regulation", "食品经营许可证", "普通", "热食类食品制售；冷食类食品制售", "H", "", kEI,
     5, 30, "JY2"},
    {"market_regulation", "食品经营许可证", "普通", "单位食堂（热食类食品制售）", "PQ", "", kP, 5,
     20, "JY3"},
    {"market_regulation", "食品生产许可证", "普通", "糕点；方便食品；调味品", "C", "食品", kE, 5,
     30, "SC1"},
    {"market_regulation", "食品生产许可证", "普通", "茶叶及相关制品", "C", "茶业", kE, 5, 30,
     "SC1"},
    {"market_regulation", "食品生产许可证", "普通", "水产制品", "C", "水产食品", kE, 5, 30, "SC1"},
    {"market_regulation", "工业产品生产许可证", "普通", "电线电缆", "C", "电气", kE, 5, 10, "XK06"},
    {"market_regulation", "工业产品生产许可证", "普通", "食品用塑料包装容器工具等制品", "C",
     "包装 塑业", kE, 5, 20, "XK16"},
    {"market_regulation", "工业产品生产许可证", "普通", "危险化学品", "C", "化工", kE, 5, 20,
     "XK13"},
    {"market_regulation", "特种设备生产许可证", "普通", "压力管道元件制造（阀门）", "C",
     "阀门 泵业", kE, 4, 25, "TS2733"},
    {"market_regulation", "特种设备生产许可证", "普通", "压力容器制造", "C", "机械 智能装备", kE, 4,
     8, "TS2233"},
    {"market_regulation", "药品经营许可证", "普通", "中成药、化学药制剂、抗生素制剂、生物制品", "F",
     "医药", kE, 5, 30, "浙CB"},
    {"health", "公共场所卫生许可证", "普通", "住宿业", "H", "酒店管理 民宿 宾馆", kEI, 4, 30,
     "浙卫公证字"},
    {"health", "公共场所卫生许可证", "普通", "美容美发场所", "O", "美发店 理发店", kI, 4, 30,
     "浙卫公证字"},
    {"health", "医疗机构执业许可证", "普通", "内科；外科；妇产科；儿科；医学检验科；医学影像科",
     "Q", "人民医院 中医院 妇幼保健院 @卫生院 @社区卫生服务中心 急救中心", kP, 5, 40, "PDY"},
    {"health", "放射诊疗许可证", "普通", "X射线影像诊断", "Q", "人民医院 中医院 妇幼保健院", kP, 4,
     10, "浙卫放证字"},
    {"health", "职业病危害因素检测机构资质", "认可", "职业病危害因素检测", "M", "检测技术", kE, 5,
     10, "浙卫职检"},
    {"ecology_environment", "排污许可证", "普通", "主要污染物类别：废气、废水", "C",
     "鞋业 皮革 合成革 印刷 化工 不锈钢 塑业 包装 眼镜 电子 食品 水产食品", kE, 5, 30, "91330"},
    {"ecology_environment", "排污许可证", "普通", "排污许可（简化管理）：废气", "C", "", kE, 5, 15,
     "91330"},
    {"ecology_environment", "危险废物经营许可证", "普通", "收集、贮存、处置危险废物", "N",
     "环境治理", kE, 5, 30, "浙危废经"},
    {"housing_construction", "建筑业企业资质证书", "核准", "建筑工程施工总承包贰级", "E",
     "建设工程 建筑工程", kE, 5, 30, "D233"},
    {"housing_construction", "建筑业企业资质证书", "核准", "建筑装修装饰工程专业承包贰级", "E",
     "装饰工程", kE, 5, 30, "D233"},
    {"housing_construction", "建筑业企业资质证书", "核准", "市政公用工程施工总承包叁级", "E",
     "市政工程 园林绿化工程", kE, 5, 30, "D333"},
    {"housing_construction", "安全生产许可证", "普通", "建筑施工", "E", "", kE, 3, 25,
     "（浙）JZ安许证字"},
    {"housing_construction", "建筑工程施工许可证", "普通", "新建厂房及配套用房工程", "EK", "", kE,
     2, 15, "330300"},
    {"housing_construction", "房地产开发企业资质证书", "核准", "房地产开发贰级资质", "K",
     "房地产开发", kE, 3, 30, "温房开"},
    {"transport", "道路运输经营许可证", "普通", "道路普通货物运输", "G", "", kEI, 4, 30,
     "浙交运管许可温字"},
    {"transport", "机动车维修经营备案", "其他", "二类机动车维修（小型车辆维修）", "O",
     "汽车维修 汽车修理部", kEI, 6, 30, "浙交维备"},
    {"emergency_management", "危险化学品经营许可证", "普通", "（不带储存经营）甲醇、乙醇、丙酮",
     "CF", "化工 贸易", kE, 3, 8, "浙温危化经字"},
    {"emergency_management", "安全生产许可证", "普通", "危险化学品生产", "C", "化工", kE, 3, 20,
     "（浙）WH安许证字"},
    {"emergency_management", "烟花爆竹经营（零售）许可证", "普通", "烟花爆竹零售", "F",
     "烟酒店 便利店 副食品店 超市", kI, 1, 10, "（浙温）YH经字"},
    {"natural_resources", "建设用地规划许可证", "普通", "工业用地（新建厂房）", "CK", "", kE, 2, 4,
     "地字第330300"},
    {"natural_resources", "建设工程规划许可证", "普通", "住宅及配套设施", "K", "房地产开发", kE, 2,
     20, "建字第330300"},
    {"public_security", "特种行业许可证", "普通", "旅馆业", "H", "酒店管理 民宿 宾馆", kEI, 6, 25,
     "温公特旅字"},
    {"public_security", "特种行业许可证", "普通", "公章刻制业", "C", "印刷", kE, 6, 8,
     "温公特章字"},
    {"human_resources_social_security", "劳务派遣经营许可证", "普通", "劳务派遣经营", "L",
     "人力资源", kE, 3, 30, "330300"},
    {"human_resources_social_security", "人力资源服务许可证", "普通",
     "职业中介活动；人力资源供求信息的收集和发布", "L", "人力资源", kE, 5, 20, "330300"},
    {"customs", "报关单位备案", "登记", "进出口货物收发货人", "CF",
     "进出口 鞋业 服装 眼镜 电气 阀门 汽摩配件 工艺品 纽扣 制笔 锁业 泵业 合成革 五金 贸易 电子",
     kE, 10, 20, "3303"},
    {"finance", "代理记账许可证书", "普通", "代理记账业务", "L", "企业管理", kE, 10, 15,
     "DLJZ3303"},
};

constexpr PenaltyTemplate kPenalties[] = {
    {"market_regulation", "《中华人民共和国食品安全法》", "第一百二十四条", "经营超过保质期的食品",
     "FH", "", kEI, 5000, 100000, "吊销《食品经营许可证》", "吊销许可证件", true, 25},
    {"market_regulation", "《中华人民共和国食品安全法》", "第一百二十六条",
     "未按规定查验供货者的许可证和食品出厂检验合格证", "FH", "", kEI, 5000, 50000, "责令停产停业",
     "责令停产停业", false, 20},
    {"market_regulation", "《中华人民共和国产品质量法》", "第四十九条",
     "生产、销售不符合保障人体健康和人身、财产安全的国家标准的产品", "CF", "", kEI, 10000, 300000,
     "吊销营业执照", "吊销许可证件", true, 20},
    {"market_regulation", "《中华人民共和国产品质量法》", "第五十条",
     "在产品中掺杂、掺假，以次充好", "CF", "", kEI, 10000, 200000, "吊销营业执照", "吊销许可证件",
     true, 8},
    {"market_regulation", "《中华人民共和国广告法》", "第五十五条", "发布虚假广告", "", "", kEI,
     20000, 200000, "吊销营业执照", "吊销许可证件", false, 8},
    {"market_regulation", "《中华人民共和国反不正当竞争法》", "第二十条",
     "对商品的性能、功能、质量作虚假的商业宣传", "", "", kEI, 20000, 200000, "吊销营业执照",
     "吊销许可证件", false, 6},
    {"market_regulation", "《中华人民共和国价格法》", "第四十二条", "不按规定明码标价", "FHO", "",
     kEI, 500, 5000, "", "", false, 15},
    {"market_regulation", "《中华人民共和国商标法》", "第六十条", "销售侵犯注册商标专用权的商品",
     "F", "", kEI, 5000, 100000, "", "", true, 8},
    {"market_regulation", "《中华人民共和国特种设备安全法》", "第八十四条",
     "使用未经定期检验的特种设备", "CEH", "", kE, 30000, 300000, "责令停止使用有关特种设备",
     "限制开展生产经营活动", false, 8},
    {"market_regulation", "《中华人民共和国市场主体登记管理条例》", "第四十六条",
     "未依照规定办理变更登记", "", "", kEI, 10000, 100000, "吊销营业执照", "吊销许可证件", false,
     6},
    {"tax", "《中华人民共和国税收征收管理法》", "第六十二条",
     "未按照规定期限办理纳税申报和报送纳税资料", "", "", kEI | kS, 200, 2000, "", "", false, 40},
    {"tax", "《中华人民共和国税收征收管理法》", "第六十条",
     "未按照规定设置、保管账簿或者保管记账凭证", "", "", kEI, 500, 10000, "", "", false, 10},
    {"tax", "《中华人民共和国税收征收管理法》", "第六十三条", "偷税", "", "", kEI, 50000, 1000000,
     "追缴税款及滞纳金", "罚款", false, 4},
    {"tax", "《中华人民共和国发票管理办法》", "第三十五条", "未按照规定开具发票", "", "", kEI, 500,
     10000, "", "", true, 12},
    {"ecology_environment", "《中华人民共和国大气污染防治法》", "第九十九条",
     "超过大气污染物排放标准排放大气污染物", "C", "", kE, 100000, 1000000, "责令停产整治",
     "责令停产停业", false, 10},
    {"ecology_environment", "《中华人民共和国水污染防治法》", "第八十三条",
     "超过水污染物排放标准排放水污染物", "C", "", kE, 100000, 1000000, "责令停业、关闭", "责令关闭",
     false, 8},
    {"ecology_environment", "《中华人民共和国固体废物污染环境防治法》", "第一百一十二条",
     "未按照规定贮存危险废物", "C", "", kE, 100000, 1000000, "责令停业、关闭", "责令关闭", false,
     6},
    {"ecology_environment", "《中华人民共和国环境影响评价法》", "第三十一条",
     "建设项目环境影响报告表未经批准擅自开工建设", "CEK", "", kE, 50000, 500000, "", "", false, 6},
    {"ecology_environment", "《中华人民共和国环境保护法》", "第六十一条",
     "建设项目未依法进行环境影响评价，擅自开工建设", "CE", "", kE, 50000, 500000, "责令恢复原状",
     "责令停产停业", false, 4},
    {"emergency_management", "《中华人民共和国安全生产法》", "第九十七条",
     "未按照规定对从业人员进行安全生产教育和培训", "CEG", "", kE, 10000, 100000, "", "", false, 15},
    {"emergency_management", "《中华人民共和国安全生产法》", "第一百零二条",
     "未采取措施消除事故隐患", "CE", "", kE, 50000, 100000, "责令停产停业整顿", "责令停产停业",
     false, 10},
    {"emergency_management", "《中华人民共和国安全生产法》", "第九十九条",
     "安全设备的安装、使用、检测、维修不符合国家标准或者行业标准", "C", "", kE, 20000, 200000, "",
     "", false, 6},
    {"housing_construction", "《建设工程质量管理条例》", "第六十四条",
     "施工中偷工减料，使用不合格的建筑材料", "E", "", kE, 100000, 500000, "降低资质等级",
     "降低资质等级", false, 8},
    {"housing_construction", "《中华人民共和国建筑法》", "第六十四条", "未取得施工许可证擅自施工",
     "EK", "", kE, 10000, 100000, "", "", false, 6},
    {"housing_construction", "《建设工程安全生产管理条例》", "第六十二条",
     "未设立安全生产管理机构、配备专职安全生产管理人员", "E", "", kE, 50000, 100000,
     "暂扣安全生产许可证", "暂扣许可证件", false, 5},
    {"transport", "《中华人民共和国道路运输条例》", "第六十三条",
     "未取得道路运输经营许可，擅自从事道路普通货物运输经营", "G", "", kEI | kN, 10000, 100000, "",
     "", true, 10},
    {"transport", "《中华人民共和国公路法》", "第七十六条", "车辆超限在公路上擅自行驶", "G", "",
     kEI | kN, 1000, 30000, "", "", false, 8},
    {"public_security", "《中华人民共和国治安管理处罚法》", "第四十三条", "殴打他人", "", "", kN,
     200, 500, "行政拘留十日", "行政拘留", false, 10},
    {"public_security", "《中华人民共和国治安管理处罚法》", "第七十条", "参与赌博赌资较大", "", "",
     kN, 500, 3000, "行政拘留十五日", "行政拘留", false, 10},
    {"public_security", "《中华人民共和国道路交通安全法》", "第九十一条", "饮酒后驾驶机动车", "",
     "", kN, 1000, 2000, "吊销机动车驾驶证", "吊销许可证件", false, 15},
    {"public_security", "《中华人民共和国治安管理处罚法》", "第五十四条",
     "未经许可擅自经营按照国家规定需要由公安机关许可的行业", "HC", "", kEI, 500, 1000, "", "",
     false, 3},
    {"health", "《公共场所卫生管理条例实施细则》", "第三十五条",
     "未依法取得公共场所卫生许可证擅自营业", "HO", "", kEI, 500, 30000, "", "", false, 8},
    {"health", "《医疗机构管理条例》", "第四十三条", "未取得医疗机构执业许可证擅自执业", "Q", "",
     kP | kN, 10000, 100000, "", "", true, 4},
    {"health", "《中华人民共和国职业病防治法》", "第七十一条",
     "未按照规定及时、如实申报产生职业病危害的项目", "C", "", kE, 50000, 100000, "", "", false, 5},
    {"natural_resources", "《中华人民共和国土地管理法》", "第七十七条", "未经批准非法占用土地", "",
     "", kEI | kN, 3000, 200000, "责令退还非法占用的土地，限期拆除在非法占用的土地上新建的建筑物",
     "责令关闭", false, 8},
    {"human_resources_social_security", "《劳动保障监察条例》", "第二十五条",
     "违反工作时间和休息休假规定", "", "", kE, 2000, 20000, "", "", false, 5},
    {"human_resources_social_security", "《中华人民共和国社会保险法》", "第八十四条",
     "用人单位不办理社会保险登记", "", "", kEI, 2000, 30000, "", "", false, 5},
    {"human_resources_social_security", "《保障农民工工资支付条例》", "第五十五条",
     "未按规定开设或者使用农民工工资专用账户", "E", "", kE, 50000, 100000, "责令停工",
     "责令停产停业", false, 5},
    {"customs", "《中华人民共和国海关行政处罚实施条例》", "第十五条",
     "进出口货物的品名、数量等申报不实", "CF", "", kE, 1000, 100000, "", "", false, 8},
    {"finance", "《中华人民共和国政府采购法》", "第七十七条", "提供虚假材料谋取中标、成交", "", "",
     kE, 5000, 50000, "列入不良行为记录名单，一年内禁止参加政府采购活动", "限制开展生产经营活动",
     false, 4},
    {"finance", "《中华人民共和国会计法》", "第四十二条", "未按照规定填制、取得原始凭证", "", "",
     kE, 3000, 50000, "", "", false, 3},
    {"development_reform", "《中华人民共和国招标投标法》", "第五十四条",
     "以他人名义投标或者以其他方式弄虚作假，骗取中标", "EFL", "", kE, 5000, 100000,
     "取消一年内参加依法必须进行招标的项目的投标资格", "限制开展生产经营活动", false, 4},
};

constexpr ListTemplate kHonours[] = {
    {"development_reform", "温州市诚信示范企业", "", "", "", kE, 3, 30},
    {"market_regulation", "浙江省“守合同重信用”企业", "", "", "", kE, 2, 25},
    {"market_regulation", "星级文明诚信个体工商户", "", "", "", kI, 2, 30},
    {"customs", "海关高级认证企业（AEO）", "", "CF",
     "进出口 鞋业 服装 眼镜 电气 阀门 汽摩配件 工艺品 电子", kE, 3, 10},
    {"human_resources_social_security", "浙江省和谐劳动关系先进企业", "", "", "", kE, 3, 10},
    {"housing_construction", "浙江省建设工程“钱江杯”优质工程奖", "", "E", "", kE, 3, 10},
    {"ecology_environment", "环保信用评价绿色企业", "", "C", "", kE, 2, 10},
    {"development_reform", "温州市文明单位", "", "", "", kP | kG, 3, 30},
    {"development_reform", "温州市5A级社会组织", "", "", "", kS, 5, 30},
    {"development_reform", "温州市道德模范", "", "", "", kN, 5, 10},
    {"development_reform", "最美温州人", "", "", "", kN, 3, 20},
};

constexpr ListTemplate kRedLists[] = {
    {"development_reform", "温州市诚信红名单", "《温州市守信联合激励和失信联合惩戒实施办法》", "",
     "", kEI | kS, 2, 40},
    {"tax", "纳税信用A级纳税人名单", "《纳税信用管理办法》", "", "", kE, 1, 30},
    {"housing_construction", "建筑市场主体信用红名单", "《浙江省建筑市场信用管理办法》", "E", "",
     kE, 2, 20},
};

constexpr ListTemplate kSeriousDishonesty[] = {
    {"market_regulation", "市场监督管理严重违法失信名单",
     "《市场监督管理严重违法失信名单管理办法》第五条", "", "", kEI, 3, 30},
    {"tax", "重大税收违法失信主体", "《重大税收违法失信主体信息公布管理办法》第六条", "", "",
     kEI | kN, 3, 30},
    {"human_resources_social_security", "拖欠农民工工资失信联合惩戒对象名单",
     "《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》第五条", "", "", kE | kN, 3, 25},
    {"finance", "政府采购严重违法失信行为记录名单", "《中华人民共和国政府采购法》第七十七条", "",
     "", kE, 3, 10},
    {"emergency_management", "安全生产严重失信主体名单",
     "《安全生产严重失信主体名单管理办法》第五条", "CE", "", kE, 3, 10},
};

constexpr CommitmentTemplate kCommitments[] = {
    {"market_regulation", "approval",
     "证明事项告知承诺：承诺所提交的申请材料真实有效，符合许可条件", "", kEI, 30, 90, 30},
    {"housing_construction", "approval", "建设工程告知承诺：承诺具备施工许可条件，相关材料真实有效",
     "EK", kE, 30, 90, 15},
    {"transport", "approval", "道路运输经营告知承诺：承诺车辆和驾驶人员符合规定条件", "G", kEI, 30,
     90, 10},
    {"health", "approval", "公共场所卫生许可告知承诺：承诺经营场所符合卫生规范", "HO", kEI, 30, 90,
     10},
    {"public_security", "approval", "户籍类证明事项告知承诺：承诺所述亲属关系真实", "", kN, 30, 90,
     30},
    {"human_resources_social_security", "approval",
     "社会保险待遇领取资格告知承诺：承诺符合待遇领取条件", "", kN, 30, 90, 20},
    {"natural_resources", "approval", "不动产登记告知承诺：承诺所提交的材料真实有效", "", kN | kE,
     30, 90, 15},
    {"development_reform", "voluntary", "主动型信用承诺：依法诚信经营，自愿接受社会监督", "",
     kEI | kS | kP, 365, 1095, 30},
    {"public_resource_trading", "voluntary", "投标信用承诺：所提交的投标文件真实，不串通投标",
     "EFL", kE, 180, 730, 20},
    {"market_regulation", "industry", "行业自律承诺：遵守行业公约，不制售假冒伪劣产品", "CF", kEI,
     365, 1095, 15},
    {"development_reform", "restoration",
     "信用修复承诺：已纠正失信行为并消除不良影响，今后不再发生同类失信行为", "", kEI | kN, 365,
     1095, 8},
    {"development_reform", "voluntary", "政务诚信承诺：依法履约，不拖欠市场主体账款", "", kG | kP,
     365, 1095, 20},
};

constexpr InspectionTemplate kInspections[] = {
    {"market_regulation", "市场监管领域部门联合“双随机、一公开”抽查", "", kEI | kS | kP, 60},
    {"market_regulation", "企业公示信息抽查", "", kE, 20},
    {"health", "公共场所卫生监督抽查", "HOQ", kEI | kP, 10},
    {"ecology_environment", "排污单位执法监测抽查", "C", kE, 10},
    {"emergency_management", "安全生产执法检查", "CEG", kE, 10},
    {"transport", "道路运输企业安全生产抽查", "G", kEI, 5},
    {"housing_construction", "建筑施工安全质量检查", "E", kE, 8},
    {"human_resources_social_security", "劳动保障书面审查", "", kE, 6},
};

constexpr CaseCause kCaseCauses[] = {
    {"买卖合同纠纷", "货款", "《中华人民共和国民法典》第六百二十六条", "", kEI, 35},
    {"民间借贷纠纷", "借款本金", "《中华人民共和国民法典》第六百七十五条", "", kEI | kN, 25},
    {"金融借款合同纠纷", "借款本金", "《中华人民共和国民法典》第六百七十五条", "", kEI | kN, 12},
    {"劳动争议", "劳动报酬", "《中华人民共和国劳动合同法》第三十条", "", kE | kP, 8},
    {"建设工程施工合同纠纷", "工程款", "《中华人民共和国民法典》第八百零七条", "E", kE, 6},
    {"租赁合同纠纷", "租金", "《中华人民共和国民法典》第七百二十二条", "", kEI | kN, 6},
    {"承揽合同纠纷", "加工款", "《中华人民共和国民法典》第七百八十二条", "C", kE, 5},
    {"机动车交通事故责任纠纷", "赔偿款", "《中华人民共和国民法典》第一千二百零八条", "", kN, 6},
    {"侵害商标权纠纷", "赔偿款", "《中华人民共和国商标法》第六十三条", "CF", kE, 3},
    {"服务合同纠纷", "服务费", "《中华人民共和国民法典》第五百七十七条", "", kP | kG | kS, 4},
};

constexpr std::string_view kDebtorGrounds[] = {
    "有履行能力而拒不履行生效法律文书确定义务",
    "以伪造证据、暴力、威胁等方法妨碍、抗拒执行",
    "以虚假诉讼、虚假仲裁或者以隐匿、转移财产等方法规避执行",
    "违反财产报告制度",
    "违反限制消费令",
    "无正当理由拒不履行执行和解协议",
};

constexpr AuthorityNaming kAuthorities[] = {
    {"market_regulation", "温州市市场监督管理局", "*市场监督管理局", "", "市监", "MR"},
    {"tax", "国家税务总局温州市税务局", "国家税务总局*税务局", "国家税务总局温州市*税务局", "税",
     "TX"},
    {"court", "温州市中级人民法院", "*人民法院", "", "法", "CT"},
    {"ecology_environment", "温州市生态环境局", "温州市生态环境局#分局", "温州市生态环境局#分局",
     "环", "EE"},
    {"human_resources_social_security", "温州市人力资源和社会保障局", "*人力资源和社会保障局", "",
     "人社", "HR"},
    {"housing_construction", "温州市住房和城乡建设局", "*住房和城乡建设局", "", "建", "HC"},
    {"transport", "温州市交通运输局", "*交通运输局", "", "交", "TR"},
    {"emergency_management", "温州市应急管理局", "*应急管理局", "", "应急", "EM"},
    {"customs", "温州海关", "", "", "关", "CU"},
    {"natural_resources", "温州市自然资源和规划局", "*自然资源和规划局",
     "温州市自然资源和规划局#分局", "资规", "NR"},
    {"health", "温州市卫生健康委员会", "*卫生健康局", "", "卫健", "HE"},
    {"finance", "温州市财政局", "*财政局", "", "财", "FI"},
    {"public_resource_trading", "温州市公共资源交易中心", "*公共资源交易中心", "", "公管", "PR"},
    {"development_reform", "温州市发展和改革委员会", "*发展和改革局", "", "发改", "DR"},
    {"public_security", "温州市公安局", "*公安局", "温州市公安局*分局", "公", "PS"},
    {"civil_affairs", "温州市民政局", "*民政局", "", "民", "CA"},
    {"institutional_establishment", "中共温州市委机构编制委员会办公室",
     "中共*委机构编制委员会办公室", "中共温州市*委机构编制委员会办公室", "编", "IE"},
};

struct KindCode {
  std::string_view kind;
  std::string_view code;
};
constexpr KindCode kKindCodes[] = {
    {"registration", "DJ"},
    {"admin_license", "XK"},
    {"admin_penalty", "CF"},
    {"dishonest_debtor", "SX"},
    {"serious_dishonesty", "YZ"},
    {"abnormal_operation", "YC"},
    {"tax_credit_grade", "NS"},
    {"honour", "RY"},
    {"red_list", "HM"},
    {"commitment", "CN"},
    {"social_insurance_arrears", "SB"},
    {"contract_performance", "HT"},
    {"inspection_result", "JC"},
    {"judgment", "PJ"},
    {"ip_pledge", "ZY"},
};

constexpr std::string_view kCapitalDigits[] = {"零", "壹", "贰", "叁", "肆",
                                               "伍", "陆", "柒", "捌", "玖"};
constexpr std::string_view kCapitalUnits[] = {"", "拾", "佰", "仟"};
constexpr std::string_view kGroupUnits[] = {"", "万", "亿"};
constexpr std::string_view kOrdinaryDigits[] = {"",   "一", "二", "三", "四",
                                                "五", "六", "七", "八", "九"};

}  // namespace

uint8_t KindBitOf(ids::SubjectKind kind) {
  switch (kind) {
    case ids::SubjectKind::kEnterprise: return kEnterpriseBit;
    case ids::SubjectKind::kPublicInstitution: return kPublicInstitutionBit;
    case ids::SubjectKind::kSocialOrganisation: return kSocialOrganisationBit;
    case ids::SubjectKind::kIndividualBusiness: return kIndividualBusinessBit;
    case ids::SubjectKind::kPerson: return kPersonBit;
    case ids::SubjectKind::kGovernmentOrgan: return kGovernmentOrganBit;
  }
  return 0;
}

const CountyProfile* FindCountyProfile(std::string_view code) {
  for (const CountyProfile& county : kCounties) {
    if (county.code == code) return &county;
  }
  return nullptr;
}

std::span<const Activity> EnterpriseIndustries() { return kEnterpriseIndustries; }
std::span<const Activity> ShopTypes() { return kShopTypes; }
std::span<const Activity> InstitutionUnits() { return kInstitutionUnits; }
std::span<const Activity> SocialOrganisationUnits() { return kSocialOrganisationUnits; }
std::span<const Activity> OrganUnits() { return kOrganUnits; }

std::string_view TradeSyllables() {
  return "华鑫金宏泰盛恒达信通源丰荣昌兴隆瑞祥宝新天创力安博康德中东正远海明凯嘉顺佳利成鸿发"
         "永合立汇星联腾飞辉豪威美亚欧林峰森晨光宇高科奥伟诚友益群龙耀振胜邦尚乐旺百万千大"
         "汉唐雅锦绿蓝红银贝骏奇卓越特精亿瓯江山川弘旭晟铭朗捷迪帝格思润泽灿福吉和环球一品";
}
std::string_view MaleGivenChars() {
  return "建国伟华明军勇杰涛斌强志海波辉峰磊东平文立新忠荣林晓俊浩宇鑫豪博凯鹏飞超健锋永胜德"
         "成长松春阳刚洪亮乐瑞彬雷挺晨旭子睿泽";
}
std::string_view FemaleGivenChars() {
  return "丽芳燕娟敏静霞红艳玲萍婷雪琳慧洁佳怡欣晓秀美月丹素蓓琴微莉珍英爱青倩颖蕾雅露梦诗琪"
         "悦瑶晶子";
}
std::span<const Surname> Surnames() { return kSurnames; }
std::span<const std::string_view> Roads() { return kRoads; }
std::span<const std::string_view> SocietyTopics() { return kSocietyTopics; }
std::span<const std::string_view> LearnedTopics() { return kLearnedTopics; }
std::span<const std::string_view> HometownProvinces() { return kHometownProvinces; }
std::span<const std::string_view> Banks() { return kBanks; }
std::span<const std::string_view> ProjectKinds() { return kProjectKinds; }
std::span<const LicenseTemplate> LicenseTemplates() { return kLicenses; }
std::span<const PenaltyTemplate> PenaltyTemplates() { return kPenalties; }
std::span<const ListTemplate> HonourTemplates() { return kHonours; }
std::span<const ListTemplate> RedListTemplates() { return kRedLists; }
std::span<const ListTemplate> SeriousDishonestyTemplates() { return kSeriousDishonesty; }
std::span<const CommitmentTemplate> CommitmentTemplates() { return kCommitments; }
std::span<const InspectionTemplate> InspectionTemplates() { return kInspections; }
std::span<const CaseCause> CaseCauses() { return kCaseCauses; }
std::span<const std::string_view> DebtorGrounds() { return kDebtorGrounds; }

const AuthorityNaming* FindAuthorityNaming(std::string_view department) {
  for (const AuthorityNaming& naming : kAuthorities) {
    if (naming.department == department) return &naming;
  }
  return nullptr;
}

std::string_view KindRefCode(std::string_view kind) {
  for (const KindCode& entry : kKindCodes) {
    if (entry.kind == kind) return entry.code;
  }
  return {};
}

void AppendChineseAmount(int64_t yuan, std::string& out) {
  if (yuan <= 0) {
    out += kCapitalDigits[0];
    return;
  }
  // Groups of four digits from the lowest: 个, 万, 亿.
  std::array<int, 3> groups{};
  int64_t rest = yuan;
  for (int& group : groups) {
    group = static_cast<int>(rest % 10000);
    rest /= 10000;
  }
  bool written = false;
  bool zero_pending = false;  // a run of zeros between written digits needs one 零
  for (int g = 2; g >= 0; --g) {
    int group = groups[g];
    if (group == 0) {
      if (written) zero_pending = true;
      continue;
    }
    // A group below 1000 after a higher group has leading zeros: 壹万零伍佰.
    if (written && group < 1000) zero_pending = true;
    for (int position = 3; position >= 0; --position) {
      int divisor = position == 3 ? 1000 : position == 2 ? 100 : position == 1 ? 10 : 1;
      int digit = (group / divisor) % 10;
      if (digit == 0) {
        if (written) zero_pending = true;
        continue;
      }
      if (zero_pending) out += kCapitalDigits[0];
      zero_pending = false;
      out += kCapitalDigits[digit];
      out += kCapitalUnits[position];
      written = true;
    }
    out += kGroupUnits[g];
    zero_pending = false;
  }
}

void AppendChineseNumber(int n, std::string& out) {
  if (n <= 0 || n > 99) return;
  int tens = n / 10;
  int ones = n % 10;
  if (tens > 1) out += kOrdinaryDigits[tens];
  if (tens > 0) out += "十";
  out += kOrdinaryDigits[ones];
}

}  // namespace credence::demo::internal
