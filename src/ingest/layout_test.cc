#include <gtest/gtest.h>

#include "ingest/layout_internal.h"

namespace credence::ingest::internal {
namespace {

std::string StringAt(const JsonValue& feed, std::string_view path) {
  const JsonValue* value = feed.FindPath(path);
  if (value == nullptr) return "<absent>";
  if (!value->is_string()) return "<not a string: " + ToJson(*value) + ">";
  return value->as_string();
}

TEST(NormalizeTemplateDateTest, AcceptedForms) {
  EXPECT_EQ(NormalizeTemplateDate("2024-03-05"), "2024-03-05");
  EXPECT_EQ(NormalizeTemplateDate("2024/3/5"), "2024-03-05");
  EXPECT_EQ(NormalizeTemplateDate("2024/03/05"), "2024-03-05");
  EXPECT_EQ(NormalizeTemplateDate("20240305"), "2024-03-05");
  EXPECT_EQ(NormalizeTemplateDate("2024年3月5日"), "2024-03-05");
  EXPECT_EQ(NormalizeTemplateDate("2024-03-05 10:30:00"), "2024-03-05");
  EXPECT_EQ(NormalizeTemplateDate(" 2024.03.05 "), "2024-03-05");
}

TEST(NormalizeTemplateDateTest, RejectedForms) {
  EXPECT_EQ(NormalizeTemplateDate("24-03-05"), std::nullopt);
  EXPECT_EQ(NormalizeTemplateDate("2024-03"), std::nullopt);
  EXPECT_EQ(NormalizeTemplateDate("2024-03-05-01"), std::nullopt);
  EXPECT_EQ(NormalizeTemplateDate("March 5"), std::nullopt);
  EXPECT_EQ(NormalizeTemplateDate("2024-003-05"), std::nullopt);
  EXPECT_EQ(NormalizeTemplateDate(""), std::nullopt);
}

TEST(TierFromPenaltyCategoryTest, MostSeriousCategoryWins) {
  using policy::Tier;
  EXPECT_EQ(TierFromPenaltyCategory("警告"), Tier::kMinor);
  EXPECT_EQ(TierFromPenaltyCategory("通报批评"), Tier::kMinor);
  EXPECT_EQ(TierFromPenaltyCategory("罚款"), Tier::kGeneral);
  EXPECT_EQ(TierFromPenaltyCategory("没收违法所得、没收非法财物"), Tier::kGeneral);
  EXPECT_EQ(TierFromPenaltyCategory("警告；罚款"), Tier::kGeneral);
  EXPECT_EQ(TierFromPenaltyCategory("罚款,吊销许可证"), Tier::kSerious);
  EXPECT_EQ(TierFromPenaltyCategory("暂扣或吊销许可证"), Tier::kSerious);
  EXPECT_EQ(TierFromPenaltyCategory("警告，责令停产停业"), Tier::kSerious);
  EXPECT_EQ(TierFromPenaltyCategory("降低资质等级"), Tier::kSerious);
  EXPECT_EQ(TierFromPenaltyCategory("责令关闭"), Tier::kSerious);
  EXPECT_EQ(TierFromPenaltyCategory("限制从业"), Tier::kSerious);
  EXPECT_EQ(TierFromPenaltyCategory("行政拘留"), Tier::kSerious);
  EXPECT_EQ(TierFromPenaltyCategory("其他"), Tier::kNone);
  EXPECT_EQ(TierFromPenaltyCategory(""), Tier::kNone);
}

TEST(WanYuanToYuanTest, ConvertsExactly) {
  EXPECT_EQ(WanYuanToYuan("5"), JsonValue(int64_t{50000}));
  EXPECT_EQ(WanYuanToYuan("0.35"), JsonValue(int64_t{3500}));
  EXPECT_EQ(WanYuanToYuan("12.3456"), JsonValue(int64_t{123456}));
  EXPECT_EQ(WanYuanToYuan("0"), JsonValue(int64_t{0}));
  EXPECT_EQ(WanYuanToYuan("0.000012"), JsonValue(0.12));
  EXPECT_EQ(WanYuanToYuan("-1"), std::nullopt);
  EXPECT_EQ(WanYuanToYuan("5万"), std::nullopt);
  EXPECT_EQ(WanYuanToYuan("5."), std::nullopt);
  EXPECT_EQ(WanYuanToYuan("."), std::nullopt);
}

TEST(SetPathTest, CreatesNestedObjects) {
  JsonValue object(JsonValue::Object{});
  SetPath(object, "subject.code", "X");
  SetPath(object, "subject.name", "Y");
  SetPath(object, "kind", "admin_penalty");
  EXPECT_EQ(ToJson(object), R"({"subject":{"code":"X","name":"Y"},"kind":"admin_penalty"})");
}

TEST(RecognizeCsvHeaderTest, FeedFieldNames) {
  std::vector<std::string> header = {"source_ref", "kind",        "subject.code", "subject.name",
                                     "decided_at", "amount_yuan", "extra.note",   ""};
  Result<CsvLayout> layout = RecognizeCsvHeader(header);
  ASSERT_TRUE(layout) << layout.error().ToString();
  EXPECT_EQ(layout->format, "csv");
  EXPECT_TRUE(layout->warnings.empty());

  std::vector<std::string> record = {
      "R1", "admin_penalty", "91330302MA2AXXXXXX", "某公司", "2024-03-05", "50000.5", "", ""};
  Result<JsonValue> feed = CsvRecordToFeed(*layout, record);
  ASSERT_TRUE(feed) << feed.error().ToString();
  EXPECT_EQ(ToJson(*feed),
            R"({"source_ref":"R1","kind":"admin_penalty","subject":{"code":"91330302MA2AXXXXXX",)"
            R"("name":"某公司"},"decided_at":"2024-03-05","amount_yuan":50000.5})");
}

TEST(RecognizeCsvHeaderTest, UnknownHeaderIsRefused) {
  std::vector<std::string> header = {"名称", "代码"};
  Result<CsvLayout> layout = RecognizeCsvHeader(header);
  ASSERT_FALSE(layout);
  EXPECT_EQ(layout.error().reason(), "csv_header");
}

TEST(CsvRecordToFeedTest, FieldCountMustMatchTheHeader) {
  std::vector<std::string> header = {"source_ref", "kind", "subject.code"};
  CsvLayout layout = RecognizeCsvHeader(header).value();
  std::vector<std::string> too_few = {"R1", "admin_penalty"};
  EXPECT_EQ(CsvRecordToFeed(layout, too_few).error().reason(), "columns");
  std::vector<std::string> too_many = {"R1", "admin_penalty", "X", "surplus"};
  EXPECT_EQ(CsvRecordToFeed(layout, too_many).error().reason(), "columns");
  std::vector<std::string> trailing_commas = {"R1", "admin_penalty", "X", "", ""};
  EXPECT_TRUE(CsvRecordToFeed(layout, trailing_commas));
}

TEST(RecognizeCsvHeaderTest, PenaltyTemplate) {
  // Full-width and half-width parentheses, an annotated code column, a '*' marking.
  std::vector<std::string> header = {"*行政相对人名称",  "行政相对人代码_1(统一社会信用代码)",
                                     "法定代表人",       "行政处罚决定书文号",
                                     "违法行为类型",     "处罚依据",
                                     "处罚类别",         "处罚内容",
                                     "罚款金额（万元）", "处罚决定日期",
                                     "处罚有效期",       "处罚机关",
                                     "数据来源单位",     "数据来源单位记录号",
                                     "自定义列"};
  Result<CsvLayout> layout = RecognizeCsvHeader(header);
  ASSERT_TRUE(layout) << layout.error().ToString();
  EXPECT_EQ(layout->format, "csv_penalty");
  EXPECT_TRUE(layout->warnings.empty()) << layout->warnings[0];
  EXPECT_EQ(layout->ColumnFor("decided_at"), "处罚决定日期");

  std::vector<std::string> record = {"温州市某某贸易有限公司",
                                     "91330302MA2AXXXXXX",
                                     "张三",
                                     "温鹿市监罚〔2024〕123号",
                                     "食品安全",
                                     "《食品安全法》第一百二十四条",
                                     "警告；罚款",
                                     "罚款人民币伍万元",
                                     "5",
                                     "2024/3/5",
                                     "长期",
                                     "温州市鹿城区市场监督管理局",
                                     "温州市鹿城区市场监督管理局",
                                     "LC-CF-2024-000123",
                                     "某值"};
  Result<JsonValue> feed = CsvRecordToFeed(*layout, record);
  ASSERT_TRUE(feed) << feed.error().ToString();
  EXPECT_EQ(StringAt(*feed, "kind"), "admin_penalty");
  EXPECT_EQ(StringAt(*feed, "source_ref"), "LC-CF-2024-000123");
  EXPECT_EQ(StringAt(*feed, "subject.code"), "91330302MA2AXXXXXX");
  EXPECT_EQ(StringAt(*feed, "subject.name"), "温州市某某贸易有限公司");
  EXPECT_EQ(StringAt(*feed, "legal_representative"), "张三");
  EXPECT_EQ(StringAt(*feed, "document_no"), "温鹿市监罚〔2024〕123号");
  EXPECT_EQ(StringAt(*feed, "penalty_category"), "警告；罚款");
  EXPECT_EQ(StringAt(*feed, "tier"), "general");
  EXPECT_EQ(StringAt(*feed, "decided_at"), "2024-03-05");
  EXPECT_EQ(feed->FindPath("valid_until"), nullptr);
  EXPECT_EQ(StringAt(*feed, "extra.valid_until_text"), "长期");
  EXPECT_EQ(StringAt(*feed, "authority.name"), "温州市鹿城区市场监督管理局");
  EXPECT_EQ(StringAt(*feed, "extra.source_unit"), "温州市鹿城区市场监督管理局");
  EXPECT_EQ(StringAt(*feed, "extra.violation_type"), "食品安全");
  EXPECT_EQ(StringAt(*feed, "extra.自定义列"), "某值");
  ASSERT_NE(feed->Find("amount_yuan"), nullptr);
  EXPECT_EQ(*feed->Find("amount_yuan"), JsonValue(int64_t{50000}));
}

TEST(RecognizeCsvHeaderTest, PenaltyTemplateFallsBackToTheDocumentNumber) {
  std::vector<std::string> header = {"行政相对人名称", "统一社会信用代码", "行政处罚决定书文号",
                                     "处罚类别", "处罚决定日期"};
  CsvLayout layout = RecognizeCsvHeader(header).value();
  ASSERT_EQ(layout.warnings.size(), 1u);
  EXPECT_NE(layout.warnings[0].find("处罚依据"), std::string::npos) << layout.warnings[0];
  std::vector<std::string> record = {"某公司", "91330302MA2AXXXXXX", "温鹿市监罚〔2024〕7号",
                                     "其他", "20240305"};
  JsonValue feed = CsvRecordToFeed(layout, record).value();
  EXPECT_EQ(StringAt(feed, "source_ref"), "温鹿市监罚〔2024〕7号");
  EXPECT_EQ(layout.ColumnFor("source_ref"), "行政处罚决定书文号");
  EXPECT_EQ(feed.Find("tier"), nullptr);  // 其他: no tier can be derived
  EXPECT_EQ(StringAt(feed, "decided_at"), "2024-03-05");
}

TEST(RecognizeCsvHeaderTest, PersonIdentifiedByIdNumber) {
  std::vector<std::string> header = {"行政相对人名称", "行政相对人类别",     "证件类型",
                                     "证件号码",       "行政处罚决定书文号", "处罚决定日期"};
  CsvLayout layout = RecognizeCsvHeader(header).value();
  std::vector<std::string> record = {"李四", "自然人",    "身份证", "330302199001011234",
                                     "X号",  "2024-01-02"};
  JsonValue feed = CsvRecordToFeed(layout, record).value();
  EXPECT_EQ(StringAt(feed, "subject.code"), "330302199001011234");
  EXPECT_EQ(StringAt(feed, "extra.subject_category"), "自然人");
}

TEST(RecognizeCsvHeaderTest, LicenseTemplate) {
  std::vector<std::string> header = {
      "行政相对人名称",     "统一社会信用代码", "行政许可决定文书名称",
      "行政许可决定文书号", "许可类别",         "许可证书名称",
      "许可编号",           "许可内容",         "许可决定日期",
      "有效期自",           "有效期至",         "许可机关",
      "数据来源单位"};
  Result<CsvLayout> layout = RecognizeCsvHeader(header);
  ASSERT_TRUE(layout) << layout.error().ToString();
  EXPECT_EQ(layout->format, "csv_license");
  EXPECT_TRUE(layout->warnings.empty());
  std::vector<std::string> record = {"温州某食品有限公司",
                                     "91330302MA2AXXXXXX",
                                     "食品经营许可决定书",
                                     "温鹿市监许〔2024〕88号",
                                     "普通",
                                     "食品经营许可证",
                                     "JY13303020012345",
                                     "预包装食品销售",
                                     "20240110",
                                     "2024/01/10",
                                     "2029-01-09",
                                     "温州市鹿城区市场监督管理局",
                                     "温州市鹿城区市场监督管理局"};
  JsonValue feed = CsvRecordToFeed(*layout, record).value();
  EXPECT_EQ(StringAt(feed, "kind"), "admin_license");
  EXPECT_EQ(StringAt(feed, "source_ref"), "温鹿市监许〔2024〕88号");
  EXPECT_EQ(StringAt(feed, "document_no"), "温鹿市监许〔2024〕88号");
  EXPECT_EQ(StringAt(feed, "content"), "预包装食品销售");
  EXPECT_EQ(StringAt(feed, "decided_at"), "2024-01-10");
  EXPECT_EQ(StringAt(feed, "valid_from"), "2024-01-10");
  EXPECT_EQ(StringAt(feed, "valid_until"), "2029-01-09");
  EXPECT_EQ(StringAt(feed, "extra.licence_category"), "普通");
  EXPECT_EQ(StringAt(feed, "extra.licence_no"), "JY13303020012345");
  EXPECT_EQ(feed.Find("tier"), nullptr);
}

}  // namespace
}  // namespace credence::ingest::internal
