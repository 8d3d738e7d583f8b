#include "text/text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace credence::text {
namespace {

TEST(Utf8Test, AcceptsValidText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ASCII"));
  EXPECT_TRUE(IsValidUtf8("温州市鹿城区"));
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));  // U+1F600, four bytes
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
}

TEST(Utf8Test, RejectsInvalidText) {
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation byte
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated sequence
  EXPECT_FALSE(IsValidUtf8("\xE6\xB8"));          // truncated three-byte sequence
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // overlong '/' in three bytes
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));  // overlong '/' in four bytes
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // U+D800, a surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // U+110000, beyond Unicode
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("ok\xE6\xB8\xA9\xE5"));  // valid start, truncated end
}

TEST(Utf8Test, CodePointsAndAppendRoundTrip) {
  std::vector<char32_t> code_points = CodePoints("温a\xF0\x9F\x98\x80");
  EXPECT_EQ(code_points, (std::vector<char32_t>{U'温', U'a', 0x1F600}));
  std::string utf8;
  for (char32_t cp : code_points) AppendUtf8(cp, &utf8);
  EXPECT_EQ(utf8, "温a\xF0\x9F\x98\x80");
}

TEST(Utf8Test, InvalidBytesBecomeReplacementCharacters) {
  EXPECT_EQ(CodePoints("a\xFF"
                       "b\xED\xA0\x80"),
            (std::vector<char32_t>{U'a', 0xFFFD, U'b', 0xFFFD, 0xFFFD, 0xFFFD}));
  std::string out;
  AppendUtf8(0xD800, &out);
  EXPECT_EQ(out, "\uFFFD");
}

TEST(Gb18030Test, ConvertsChineseText) {
  // "温州市" in GB18030 (the same bytes as GBK): 温 CEC2, 州 D6DD, 市 CAD0.
  Result<std::string> converted = Gb18030ToUtf8("\xCE\xC2\xD6\xDD\xCA\xD0");
  ASSERT_TRUE(converted.has_value()) << converted.error().ToString();
  EXPECT_EQ(*converted, "温州市");
  EXPECT_EQ(*Gb18030ToUtf8("ABC 123"), "ABC 123");
  EXPECT_EQ(*Gb18030ToUtf8(""), "");
  // A four-byte sequence: U+20000 (𠀀) is 0x95 0x32 0x82 0x36.
  EXPECT_EQ(*Gb18030ToUtf8("\x95\x32\x82\x36"), "\xF0\xA0\x80\x80");
}

TEST(Gb18030Test, ConvertsLongInput) {
  std::string gb;
  std::string utf8;
  for (int i = 0; i < 5000; ++i) {
    gb += "\xCE\xC2\xD6\xDD\xCA\xD0";
    utf8 += "温州市";
  }
  Result<std::string> converted = Gb18030ToUtf8(gb);
  ASSERT_TRUE(converted.has_value());
  EXPECT_EQ(*converted, utf8);
}

TEST(Gb18030Test, RejectsInvalidBytesWithTheirOffset) {
  // 温 then a lead byte followed by a byte that cannot follow it.
  Result<std::string> bad = Gb18030ToUtf8("\xCE\xC2\x81\x20xyz");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().reason(), "encoding");
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message().find("offset 2"), std::string::npos) << bad.error().message();

  Result<std::string> ff = Gb18030ToUtf8("ab\xFF");
  ASSERT_FALSE(ff.has_value());
  EXPECT_NE(ff.error().message().find("offset 2"), std::string::npos) << ff.error().message();

  // Truncated at the end: the offset of the incomplete character.
  Result<std::string> truncated = Gb18030ToUtf8("abc\xCE");
  ASSERT_FALSE(truncated.has_value());
  EXPECT_EQ(truncated.error().reason(), "encoding");
  EXPECT_NE(truncated.error().message().find("offset 3"), std::string::npos)
      << truncated.error().message();
}

TEST(NormalizeNameTest, TraditionalFullWidthBracketsAndSpaces) {
  EXPECT_EQ(NormalizeName("温州市某某貿易有限公司（鹿城）"), "温州市某某贸易有限公司(鹿城)");
  EXPECT_EQ(NormalizeName("溫州市 某某　貿易有限公司"), "温州市某某贸易有限公司");
  EXPECT_EQ(NormalizeName("ＡＢＣ"), "abc");
  EXPECT_EQ(NormalizeName("ＡＢＣ科技【温州】有限公司"), "abc科技(温州)有限公司");
  EXPECT_EQ(NormalizeName("某某〔2024〕[分公司]"), "某某(2024)(分公司)");
  EXPECT_EQ(NormalizeName("  Wenzhou Trading Co.  "), "wenzhoutradingco.");
  EXPECT_EQ(NormalizeName("\u200B温州\uFEFF"), "温州");
}

TEST(NormalizeNameTest, SimplifiedNamesAreUnchanged) {
  EXPECT_EQ(NormalizeName("温州市鹿城区某某贸易有限公司"), "温州市鹿城区某某贸易有限公司");
  EXPECT_EQ(NormalizeName(""), "");
}

TEST(NormalizeNameTest, IsIdempotent) {
  for (const char* name : {"温州市某某貿易有限公司（鹿城）", "ＡＢＣ科技【温州】", "Straße GmbH",
                           "臺灣積體電路製造股份有限公司"}) {
    std::string once = NormalizeName(name);
    EXPECT_EQ(NormalizeName(once), once) << name;
  }
}

TEST(NormalizeNameTest, CaseFoldsBeyondAscii) {
  EXPECT_EQ(NormalizeName("Straße"), "strasse");
  EXPECT_EQ(NormalizeName("ÉCOLE"), "école");
}

TEST(NormalizeNameTest, InvalidUtf8IsRepairedNotDropped) {
  EXPECT_EQ(NormalizeName("温州\xFF公司"), "温州\uFFFD公司");
}

TEST(TrimTest, AsciiAndIdeographicSpaces) {
  EXPECT_EQ(Trim("  温州\t"), "温州");
  EXPECT_EQ(Trim("\u3000 温 州\u3000\n"), "温 州");
  EXPECT_EQ(Trim("\u3000\u3000"), "");
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim("x"), "x");
}

}  // namespace
}  // namespace credence::text
