#include <gtest/gtest.h>

#include "common/common.h"

namespace credence {
namespace {

TEST(Date, ParsesAndRejectsImpossibleDates) {
  ASSERT_TRUE(Date::Parse("2024-02-29"));
  EXPECT_EQ(Date::Parse("2024-02-29")->ToString(), "2024-02-29");
  EXPECT_EQ(Date::Parse("2023-02-29").error().reason(), "date_invalid");
  EXPECT_EQ(Date::Parse("2024-13-01").error().reason(), "date_invalid");
  EXPECT_EQ(Date::Parse("2024/01/01").error().reason(), "date_format");
  EXPECT_EQ(Date::Parse("24-01-01").error().reason(), "date_format");
  EXPECT_EQ(Date::Parse("1970-01-01")->days(), 0);
  EXPECT_EQ(Date::Parse("1949-10-01")->ToString(), "1949-10-01");
}

TEST(Date, AddMonthsClampsToTheLastDayOfTheMonth) {
  Date leap = *Date::Parse("2024-02-29");
  EXPECT_EQ(leap.AddYears(1).ToString(), "2025-02-28");
  EXPECT_EQ(leap.AddYears(4).ToString(), "2028-02-29");
  EXPECT_EQ(Date::Parse("2024-01-31")->AddMonths(1).ToString(), "2024-02-29");
  EXPECT_EQ(Date::Parse("2024-03-05")->AddMonths(3).ToString(), "2024-06-05");
  EXPECT_EQ(Date::Parse("2024-11-30")->AddMonths(3).ToString(), "2025-02-28");
  EXPECT_EQ(Date::Parse("2024-03-05")->AddMonths(-3).ToString(), "2023-12-05");
}

TEST(Date, Weekday) {
  EXPECT_EQ(Date::Parse("2026-11-22")->weekday(), 6);  // a Sunday
  EXPECT_EQ(Date::Parse("2026-11-23")->weekday(), 0);
}

TEST(Timestamp, RoundTripsAndKnowsTheShanghaiDay) {
  auto t = Timestamp::Parse("2026-11-22T00:00:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->ToString(), "2026-11-22T00:00:00Z");
  EXPECT_EQ(Timestamp::Parse("2026-11-22T08:00:00+08:00")->micros(), t->micros());
  EXPECT_EQ(Timestamp::Parse("2026-11-22T00:00:00.5Z")->micros(), t->micros() + 500000);
  // 16:00 UTC is already the next day in Shanghai.
  EXPECT_EQ(Timestamp::Parse("2026-11-21T16:00:00Z")->ShanghaiDate().ToString(), "2026-11-22");
  EXPECT_EQ(Timestamp::Parse("2026-11-21T15:59:59Z")->ShanghaiDate().ToString(), "2026-11-21");
  EXPECT_EQ(Timestamp::StartOfDayShanghai(*Date::Parse("2026-11-22")).ToString(),
            "2026-11-21T16:00:00Z");
  EXPECT_FALSE(Timestamp::Parse("2026-11-22"));
  EXPECT_FALSE(Timestamp::Parse("2026-11-22T25:00:00Z"));
}

TEST(Json, ParsesKeepsOrderAndWritesCanonically) {
  auto value = ParseJson(R"({"b": 1, "a": {"y": [1, 2.5, "x"], "x": null}, "c": true})");
  ASSERT_TRUE(value) << value.error().ToString();
  EXPECT_EQ(ToJson(*value), R"({"b":1,"a":{"y":[1,2.5,"x"],"x":null},"c":true})");
  EXPECT_EQ(ToCanonicalJson(*value), R"({"a":{"x":null,"y":[1,2.5,"x"]},"b":1,"c":true})");
  EXPECT_EQ(value->FindPath("a.y")->as_array().size(), 3u);
  EXPECT_EQ(value->FindPath("a.z"), nullptr);
  EXPECT_EQ(*value->Find("b"), JsonValue(1));
}

TEST(Json, RejectsMalformedInputWithAReason) {
  auto bad = ParseJson(R"({"a": )");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().reason(), "json");
  EXPECT_FALSE(ParseJson(""));
  EXPECT_FALSE(ParseJson("{\"a\": \"\xff\"}"));
}

TEST(Json, WriterEscapesAndNests) {
  JsonWriter writer;
  writer.StartObject()
      .Field("name", "温州\"市\"")
      .Key("list")
      .StartArray()
      .Int(1)
      .Null()
      .EndArray();
  writer.Key("raw").Raw(R"({"k":1})").EndObject();
  EXPECT_EQ(writer.Take(), R"({"name":"温州\"市\"","list":[1,null],"raw":{"k":1}})");
}

TEST(Hash, KnownVectorsAndEncodings) {
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Concat({"a", "bc"}), Sha256("abc"));
  std::string decoded;
  ASSERT_TRUE(HexDecode("00ff10", &decoded));
  EXPECT_EQ(decoded, std::string("\x00\xff\x10", 3));
  EXPECT_FALSE(HexDecode("0g", &decoded));
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  ASSERT_TRUE(Base64UrlDecode("-_8", &decoded));
  EXPECT_EQ(decoded, "\xfb\xff");
  EXPECT_NE(ContentHash64("a"), ContentHash64("b"));
}

TEST(Random, SeededIsReproducibleAndUniformIsInRange) {
  SeededRandom a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.Next(), b.Next());
  EXPECT_NE(SeededRandom(42).Next(), c.Next());
  SeededRandom r(1);
  int counts[6] = {};
  for (int i = 0; i < 60000; ++i) {
    int64_t v = r.Range(1, 6);
    ASSERT_GE(v, 1);
    ASSERT_LE(v, 6);
    ++counts[v - 1];
  }
  for (int count : counts) EXPECT_NEAR(count, 10000, 500);
  SecureRandom secure;
  EXPECT_NE(secure.Bytes(32), secure.Bytes(32));
}

TEST(Metrics, RendersPrometheusText) {
  MetricsRegistry registry;
  registry.GetCounter("requests_total", "Requests.", R"(route="/a")").Add(3);
  registry.GetHistogram("latency_seconds", "Latency.", R"(route="/a")").Observe(0.003);
  std::string text = registry.RenderPrometheus();
  EXPECT_NE(text.find("requests_total{route=\"/a\"} 3"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"/a\",le=\"0.005\"} 1"), std::string::npos)
      << text;
  EXPECT_NE(text.find("latency_seconds_count{route=\"/a\"} 1"), std::string::npos);
}

TEST(Error, CarriesWhereAndDetails) {
  Error error = Error::InvalidArgument("checksum", "check character is N, expected 8");
  error.At(7, "subject.code");
  EXPECT_EQ(error.ToString(),
            "checksum: check character is N, expected 8 (line 7, field subject.code)");
  Status failed = Fail(error);
  EXPECT_FALSE(failed);
  EXPECT_EQ(failed.error().line(), 7);
}

}  // namespace
}  // namespace credence
