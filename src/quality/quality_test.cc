// Data quality from real batches: volumes, reasons, wrong codes and late departments.
#include "quality/quality.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "ids/ids.h"
#include "ingest/ingest.h"

namespace credence::quality {
namespace {

namespace fs = std::filesystem;

const fs::path kPolicyDir = fs::path(CREDENCE_SOURCE_DIR) / "policy";

// Noon in Shanghai on a day of 2026.
Timestamp NoonOn(int month, int day) {
  return Timestamp::FromMicros(
      Timestamp::StartOfDayShanghai(*Date::FromCivil(2026, month, day)).micros() +
      12ll * 3600 * 1000000);
}

std::string PenaltyLine(std::string_view ref, std::string_view code) {
  return fmt::format(
      R"({{"source_ref":"{}","kind":"admin_penalty","subject":{{"code":"{}","name":"温州市某某贸易有限公司"}},)"
      R"("decided_at":"2026-01-05","tier":"general","document_no":"温鹿市监罚〔2026〕{}号",)"
      R"("legal_basis":"《中华人民共和国食品安全法》第一百二十四条","content":"罚款人民币伍万元",)"
      R"("authority":{{"name":"温州市鹿城区市场监督管理局","code":"113303020000000000"}}}})"
      "\n",
      ref, code, ref);
}

class QualityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("credence_quality_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
            std::to_string(::getpid()));
    fs::remove_all(dir_);
    auto catalog = policy::LoadCatalog(kPolicyDir);
    ASSERT_TRUE(catalog) << catalog.error().ToString();
    catalog_ = std::move(*catalog);
    auto store = store::Store::Open("sqlite:" + (dir_ / "credence.db").string());
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    auto settings = LoadQualitySettings(catalog_);
    ASSERT_TRUE(settings) << settings.error().ToString();
    settings_ = *settings;
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  ingest::BatchReport Submit(Timestamp at, const std::string& department, const std::string& data) {
    FixedClock clock(at);
    ingest::Ingestor ingestor(*store_, catalog_, clock);
    ingest::BatchInput input;
    input.department = department;
    input.actor = "cli";
    input.source_name = "feed.ndjson";
    input.data = data;
    auto report = ingestor.Submit(input);
    EXPECT_TRUE(report) << report.error().ToString();
    return report ? *report : ingest::BatchReport{};
  }

  const DepartmentQuality& Of(const QualityReport& report, std::string_view key) {
    for (const DepartmentQuality& department : report.departments) {
      if (department.department == key) return department;
    }
    ADD_FAILURE() << "no department " << key;
    return report.departments.front();
  }

  fs::path dir_;
  policy::Catalog catalog_;
  std::unique_ptr<store::Store> store_;
  QualitySettings settings_;
};

TEST_F(QualityTest, SettingsComeFromPolicyWithPerDepartmentOverrides) {
  EXPECT_EQ(settings_.expected_feed_days, 7);
  EXPECT_EQ(settings_.ExpectedFeedDays("court"), 3);
  EXPECT_EQ(settings_.ExpectedFeedDays("ecology_environment"), 7);
}

TEST_F(QualityTest, CountsTheWindowNamesReasonsAndFindsLateDepartments) {
  std::string good = ids::CompleteUscc("9133030212345678");
  std::string bad_check = good.substr(0, 17) + (good[17] == '1' ? "2" : "1");
  // Outside the 7-day window ending 2026-03-10: counted only as the latest feed.
  Submit(NoonOn(2, 20), "ecology_environment", PenaltyLine("E-1", good));
  // Inside: one clean batch and one with a wrong check character and a missing field.
  Submit(NoonOn(3, 5), "market_regulation", PenaltyLine("M-1", good) + PenaltyLine("M-2", good));
  Submit(NoonOn(3, 9), "market_regulation",
         PenaltyLine("M-3", bad_check) + R"({"source_ref":"M-5","kind":"admin_penalty"})"
                                         "\n");

  auto report = Assess(*store_, catalog_, settings_, NoonOn(3, 10), 7);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->from, *Date::FromCivil(2026, 3, 4));
  EXPECT_EQ(report->to, *Date::FromCivil(2026, 3, 10));
  EXPECT_EQ(report->batches, 2);
  EXPECT_EQ(report->submitted, 4);
  EXPECT_EQ(report->rejected, 2);
  EXPECT_EQ(report->code_errors, 1);

  const DepartmentQuality& market = Of(*report, "market_regulation");
  EXPECT_EQ(market.batches, 2);
  EXPECT_EQ(market.accepted, 2);
  EXPECT_EQ(market.rejected, 2);
  EXPECT_EQ(market.code_errors, 1);
  ASSERT_FALSE(market.reasons.empty());
  int64_t reason_rows = 0;
  for (const ReasonCount& reason : market.reasons) reason_rows += reason.rows;
  EXPECT_GE(reason_rows, market.rejected);  // a row may fail on several fields
  EXPECT_EQ(market.days_since_last_batch, 1);
  EXPECT_EQ(market.expected_feed_days, 3);
  EXPECT_FALSE(market.late);
  EXPECT_EQ(market.name.zh, "温州市市场监督管理局");

  const DepartmentQuality& ecology = Of(*report, "ecology_environment");
  EXPECT_EQ(ecology.batches, 0);  // before the window
  EXPECT_EQ(ecology.days_since_last_batch, 18);
  EXPECT_TRUE(ecology.late);
  const DepartmentQuality& court = Of(*report, "court");
  EXPECT_FALSE(court.last_batch_at.has_value());
  EXPECT_TRUE(court.late);  // never sent anything
  EXPECT_EQ(report->departments.size(), catalog_.departments().size());

  ASSERT_EQ(report->daily.size(), 2u);
  EXPECT_EQ(report->daily[0].day, *Date::FromCivil(2026, 3, 5));
  EXPECT_EQ(report->daily[0].submitted, 2);
  EXPECT_EQ(report->daily[1].rejected, 2);
}

TEST_F(QualityTest, RefusesWindowsOutOfRangeAndBadSettings) {
  EXPECT_FALSE(Assess(*store_, catalog_, settings_, NoonOn(3, 10), 0));
  EXPECT_FALSE(Assess(*store_, catalog_, settings_, NoonOn(3, 10), 367));

  // The shipped policy with one bad setting.
  std::vector<policy::PolicyFile> files;
  for (const auto& entry : fs::directory_iterator(kPolicyDir)) {
    if (entry.path().extension() != ".toml") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    files.push_back(policy::PolicyFile{entry.path().filename().string(), text.str()});
  }
  std::sort(files.begin(), files.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  for (policy::PolicyFile& file : files) {
    if (file.name == "quality.toml") {
      file.text = "[data_quality]\nexpected_feed_days = 0\n";
    }
  }
  auto catalog = policy::ParseCatalog(files);
  ASSERT_TRUE(catalog) << catalog.error().ToString();
  auto settings = LoadQualitySettings(*catalog);
  ASSERT_FALSE(settings);
  EXPECT_NE(settings.error().message().find("quality.toml: data_quality.expected_feed_days"),
            std::string::npos)
      << settings.error().ToString();
}

}  // namespace
}  // namespace credence::quality
