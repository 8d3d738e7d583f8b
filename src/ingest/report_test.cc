#include <gtest/gtest.h>

#include "common/json.h"
#include "ingest/ingest.h"

namespace credence::ingest {
namespace {

TEST(BatchNameTest, RoundTrips) {
  EXPECT_EQ(BatchName(42), "b-000042");
  EXPECT_EQ(BatchName(1234567), "b-1234567");
  EXPECT_EQ(ParseBatchName("b-000042"), 42);
  EXPECT_EQ(ParseBatchName("42"), 42);
  EXPECT_EQ(ParseBatchName(BatchName(987)), 987);
  EXPECT_EQ(ParseBatchName("b-"), std::nullopt);
  EXPECT_EQ(ParseBatchName("b-0"), std::nullopt);
  EXPECT_EQ(ParseBatchName("-3"), std::nullopt);
  EXPECT_EQ(ParseBatchName("b-12x"), std::nullopt);
  EXPECT_EQ(ParseBatchName(""), std::nullopt);
}

TEST(ParseFormatTest, Keys) {
  EXPECT_EQ(ParseFormat("auto"), Format::kAuto);
  EXPECT_EQ(ParseFormat("ndjson"), Format::kNdjson);
  EXPECT_EQ(ParseFormat("csv"), Format::kCsv);
  EXPECT_EQ(ParseFormat("xml"), std::nullopt);
}

TEST(BatchReportJsonTest, HasTheFormatsFields) {
  BatchReport report;
  report.batch_id = 42;
  report.format = "csv_penalty";
  report.submitted = 60;
  report.accepted = 48;
  report.updated = 1;
  report.unchanged = 1;
  report.rejected = 10;
  report.flagged = 2;
  report.errors.push_back({7, "subject.code", "checksum", "check character is N, expected 8"});
  report.warnings.push_back("input was GB18030 (GBK); converted to UTF-8");
  report.touched_subjects = {1, 2};
  report.seconds = 0.12345;

  Result<JsonValue> parsed = ParseJson(BatchReportJson(report));
  ASSERT_TRUE(parsed) << parsed.error().ToString();
  const JsonValue& json = *parsed;
  EXPECT_EQ(json.GetString("batch"), "b-000042");
  EXPECT_EQ(json.GetString("format"), "csv_penalty");
  EXPECT_EQ(json.Find("submitted")->as_int(), 60);
  EXPECT_EQ(json.Find("accepted")->as_int(), 48);
  EXPECT_EQ(json.Find("updated")->as_int(), 1);
  EXPECT_EQ(json.Find("unchanged")->as_int(), 1);
  EXPECT_EQ(json.Find("rejected")->as_int(), 10);
  EXPECT_EQ(json.Find("flagged")->as_int(), 2);
  const JsonValue::Array& errors = json.Find("errors")->as_array();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].Find("line")->as_int(), 7);
  EXPECT_EQ(errors[0].GetString("field"), "subject.code");
  EXPECT_EQ(errors[0].GetString("code"), "checksum");
  EXPECT_EQ(errors[0].GetString("message"), "check character is N, expected 8");
  ASSERT_EQ(json.Find("warnings")->as_array().size(), 1u);
  EXPECT_NEAR(json.Find("seconds")->as_double(), 0.123, 1e-9);
  EXPECT_EQ(json.Find("touched_subjects"), nullptr);
}

}  // namespace
}  // namespace credence::ingest
