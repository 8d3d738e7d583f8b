#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ingest/csv_internal.h"

namespace credence::ingest::internal {
namespace {

using ::testing::ElementsAre;

std::vector<RawRow> AllLines(std::string_view data) {
  LineSplitter splitter(data);
  std::vector<RawRow> rows;
  RawRow row;
  while (splitter.Next(&row)) rows.push_back(row);
  return rows;
}

std::vector<RawRow> AllRecords(std::string_view data) {
  CsvRecordSplitter splitter(data);
  std::vector<RawRow> rows;
  RawRow row;
  while (splitter.Next(&row)) rows.push_back(row);
  return rows;
}

std::vector<std::string> Fields(std::string_view record) {
  std::vector<std::string> fields;
  EXPECT_TRUE(SplitCsvFields(record, &fields)) << record;
  return fields;
}

TEST(LineSplitterTest, SkipsBlankLinesButKeepsTheirNumbers) {
  std::vector<RawRow> rows = AllLines("{\"a\":1}\r\n\n   \r\n{\"b\":2}\n\t\n{\"c\":3}");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].line, 1);
  EXPECT_EQ(rows[0].text, "{\"a\":1}");  // CR stripped
  EXPECT_EQ(rows[1].line, 4);
  EXPECT_EQ(rows[1].text, "{\"b\":2}");
  EXPECT_EQ(rows[2].line, 6);
  EXPECT_EQ(rows[2].text, "{\"c\":3}");
}

TEST(LineSplitterTest, EmptyInputHasNoRows) {
  EXPECT_TRUE(AllLines("").empty());
  EXPECT_TRUE(AllLines("\n\n \n").empty());
}

TEST(CsvRecordSplitterTest, QuotedLineBreaksStayInTheRecordWhichKeepsItsFirstLine) {
  std::string data =
      "a,b,c\r\n"
      "1,\"two\r\nlines\",3\r\n"
      "\r\n"
      ",,,\n"
      "4,\"quote \"\"here\"\"\",6\n"
      "7,8,\"multi\nline\nfield\"\n"
      "9,10,11";
  std::vector<RawRow> rows = AllRecords(data);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].line, 1);
  EXPECT_EQ(rows[0].text, "a,b,c");
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_EQ(rows[1].text, "1,\"two\r\nlines\",3");
  EXPECT_EQ(rows[2].line, 6);  // lines 4 (empty) and 5 (only commas) are blank
  EXPECT_EQ(rows[3].line, 7);
  EXPECT_EQ(rows[4].line, 10);  // the record on line 7 spans lines 7-9
  EXPECT_EQ(rows[4].text, "9,10,11");
}

TEST(CsvRecordSplitterTest, UnterminatedQuoteRunsToTheEnd) {
  std::vector<RawRow> rows = AllRecords("a,b\n1,\"open\n2,3\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].line, 2);
  std::vector<std::string> fields;
  EXPECT_FALSE(SplitCsvFields(rows[1].text, &fields));
}

TEST(SplitCsvFieldsTest, Rfc4180Fields) {
  EXPECT_THAT(Fields("a,b,c"), ElementsAre("a", "b", "c"));
  EXPECT_THAT(Fields("a,,c,"), ElementsAre("a", "", "c", ""));
  EXPECT_THAT(Fields("\"a,b\",\"say \"\"hi\"\"\",\"\""), ElementsAre("a,b", "say \"hi\"", ""));
  EXPECT_THAT(Fields("\"line\nbreak\",x"), ElementsAre("line\nbreak", "x"));
  EXPECT_THAT(Fields(""), ElementsAre(""));
}

TEST(SplitCsvFieldsTest, TrimsAsciiAndFullWidthSpaces) {
  EXPECT_THAT(Fields("  a ,\t\"b\" ,\xE3\x80\x80温州\xE3\x80\x80"), ElementsAre("a", "b", "温州"));
}

TEST(SplitCsvFieldsTest, LenientWithStrayQuotes) {
  // A quote inside an unquoted field is a character; text after a closing quote is kept.
  EXPECT_THAT(Fields("5\" pipe,\"ab\"cd,e"), ElementsAre("5\" pipe", "abcd", "e"));
}

}  // namespace
}  // namespace credence::ingest::internal
