#include "ids/ids.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

namespace credence::ids {
namespace {

const std::string kVectorDir = CREDENCE_SHARED_DIR "/testdata/identifiers/";

// The tab-separated fields of every non-comment, non-empty line. Fails the test when the file
// cannot be read, so a missing checkout of the vectors cannot pass silently.
std::vector<std::vector<std::string>> ReadVectors(const std::string& file_name) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(kVectorDir + file_name);
  EXPECT_TRUE(in.is_open()) << "test vectors missing: " << kVectorDir + file_name;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    size_t start = 0;
    while (true) {
      size_t tab = line.find('\t', start);
      fields.push_back(line.substr(start, tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    rows.push_back(std::move(fields));
  }
  return rows;
}

TEST(UsccVectorsTest, PublishedValidCodesPass) {
  auto rows = ReadVectors("uscc_valid.txt");
  ASSERT_GE(rows.size(), 200u);
  for (const auto& row : rows) {
    CodeCheck check = CheckUscc(row[0]);
    EXPECT_TRUE(check.valid) << row[0] << ": " << FailureName(check.failure) << ": "
                             << check.message;
    EXPECT_EQ(check.kind, CodeKind::kUscc);
    CodeCheck detected = CheckCode(row[0]);
    EXPECT_TRUE(detected.valid) << row[0];
    EXPECT_EQ(detected.kind, CodeKind::kUscc) << row[0];
  }
}

TEST(UsccVectorsTest, InvalidCodesReportTheNamedFailure) {
  auto rows = ReadVectors("uscc_invalid.tsv");
  ASSERT_GE(rows.size(), 6u);
  for (const auto& row : rows) {
    ASSERT_GE(row.size(), 2u) << row[0];
    CodeCheck check = CheckUscc(row[0]);
    EXPECT_FALSE(check.valid) << row[0];
    EXPECT_EQ(FailureName(check.failure), row[1]) << row[0] << ": " << check.message;
    EXPECT_FALSE(check.message.empty()) << row[0];
  }
}

TEST(ResidentIdVectorsTest, EachLineGivesItsVerdict) {
  auto rows = ReadVectors("ric.tsv");
  ASSERT_GE(rows.size(), 9u);
  for (const auto& row : rows) {
    ASSERT_GE(row.size(), 2u) << row[0];
    CodeCheck check = CheckResidentId(row[0], "2026-01-01");
    if (row[1] == "valid") {
      EXPECT_TRUE(check.valid) << row[0] << ": " << check.message;
      EXPECT_EQ(FailureNameFor(check.kind, check.failure), "none");
      CodeCheck detected = CheckCode(row[0]);
      EXPECT_TRUE(detected.valid) << row[0];
      EXPECT_EQ(detected.kind, CodeKind::kResidentId) << row[0];
    } else {
      EXPECT_FALSE(check.valid) << row[0];
      EXPECT_EQ(FailureNameFor(check.kind, check.failure), row[1])
          << row[0] << ": " << check.message;
    }
  }
}

TEST(NormalizeCodeTest, StripsSeparatorsFoldsFullWidthAndUpperCases) {
  EXPECT_EQ(NormalizeCode(" 9133-0302 MA2 8xxx "), "91330302MA28XXX");
  EXPECT_EQ(NormalizeCode("ＡＢ１２－ｃ\u3000d"), "AB12CD");
  EXPECT_EQ(NormalizeCode("44011320141005001x"), "44011320141005001X");
  EXPECT_EQ(NormalizeCode("温州"), "温州");  // kept, so it fails the format check
}

TEST(UsccTest, NormalisedInputIsCheckedAndReported) {
  CodeCheck check = CheckUscc("9111 0000-6000 3734 1l");
  EXPECT_TRUE(check.valid) << check.message;
  EXPECT_EQ(check.normalized, "91110000600037341L");
  EXPECT_EQ(check.input, "9111 0000-6000 3734 1l");

  CodeCheck full_width = CheckUscc("９１１１００００６０００３７３４１Ｌ");
  EXPECT_TRUE(full_width.valid) << full_width.message;
  EXPECT_EQ(full_width.normalized, "91110000600037341L");
}

TEST(UsccTest, DecodesItsParts) {
  std::string code = CompleteUscc("91330302MA2CXY81");
  ASSERT_EQ(code.size(), 18u);
  CodeCheck check = CheckUscc(code);
  ASSERT_TRUE(check.valid) << check.message;
  EXPECT_EQ(check.registration_authority, '9');
  EXPECT_EQ(check.registration_authority_name, "工商");
  EXPECT_EQ(check.organisation_type, "91");
  EXPECT_EQ(check.organisation_type_name, "企业");
  EXPECT_EQ(check.division_code, "330302");
  EXPECT_EQ(check.division_name, "浙江省温州市鹿城区");

  CodeCheck institution = CheckUscc("121200004013590816");
  ASSERT_TRUE(institution.valid) << institution.message;
  EXPECT_EQ(institution.organisation_type_name, "事业单位");
  EXPECT_EQ(institution.division_name, "天津市");
}

TEST(UsccTest, OrganisationTypeTable) {
  EXPECT_EQ(OrganisationTypeName("11"), "机关");
  EXPECT_EQ(OrganisationTypeName("51"), "社会团体");
  EXPECT_EQ(OrganisationTypeName("52"), "民办非企业单位");
  EXPECT_EQ(OrganisationTypeName("53"), "基金会");
  EXPECT_EQ(OrganisationTypeName("92"), "个体工商户");
  EXPECT_EQ(OrganisationTypeName("93"), "农民专业合作社");
  EXPECT_EQ(OrganisationTypeName("94"), "");
  EXPECT_EQ(RegistrationAuthorityName('5'), "民政");
  EXPECT_EQ(RegistrationAuthorityName('A'), "");
}

TEST(UsccTest, EachFailureReason) {
  // A valid Wenzhou enterprise code to alter one part at a time.
  const std::string valid = CompleteUscc("91330302MA2CXY81");
  ASSERT_TRUE(CheckUscc(valid).valid);

  EXPECT_EQ(CheckUscc(valid.substr(0, 17)).failure, Failure::kLength);
  EXPECT_EQ(CheckUscc(valid + "0").failure, Failure::kLength);

  std::string with_letter_o = valid;
  with_letter_o[10] = 'O';
  CodeCheck format = CheckUscc(with_letter_o);
  EXPECT_EQ(format.failure, Failure::kFormat);
  EXPECT_NE(format.message.find("position 11"), std::string::npos) << format.message;

  std::string letter_in_division = valid;
  letter_in_division[4] = 'A';
  EXPECT_EQ(CheckUscc(letter_in_division).failure, Failure::kFormat);

  std::string unknown_authority = valid;
  unknown_authority[0] = 'B';
  EXPECT_EQ(CheckUscc(unknown_authority).failure, Failure::kFormat);

  // Province 99 does not exist: reported even though the check characters would be recomputed.
  CodeCheck division = CheckUscc(CompleteUscc("91990302MA2CXY81"));
  EXPECT_EQ(division.failure, Failure::kUnknownDivision);
  EXPECT_EQ(FailureName(division.failure), "division");
  EXPECT_EQ(FailureNameFor(CodeKind::kUscc, division.failure), "division");

  // A wrong organisation code check character (position 17) is reported as such, whatever
  // position 18 holds: the component check says where the error is.
  std::string org_broken = valid;
  org_broken[16] = valid[16] == '1' ? '2' : '1';
  CodeCheck org = CheckUscc(org_broken);
  EXPECT_EQ(org.failure, Failure::kOrgCodeCheck) << org.message;
  EXPECT_EQ(FailureName(org.failure), "org_code");

  std::string wrong_check = valid;
  wrong_check[17] = valid[17] == '0' ? '1' : '0';
  CodeCheck checksum = CheckUscc(wrong_check);
  EXPECT_EQ(checksum.failure, Failure::kChecksum);
  EXPECT_EQ(checksum.message,
            std::string("check character is ") + wrong_check[17] + ", expected " + valid[17]);
}

TEST(UsccTest, NationalLevelDivisionIsKnown) {
  CodeCheck check = CheckUscc(CompleteUscc("11100000MB012345"));
  EXPECT_TRUE(check.valid) << check.message;
  EXPECT_EQ(check.division_name, "全国");
}

TEST(ResidentIdTest, DecodesBirthDateSexAndDivision) {
  std::string id = CompleteResidentId("33030219900101123");
  CodeCheck check = CheckResidentId(id);
  ASSERT_TRUE(check.valid) << check.message;
  EXPECT_EQ(check.birth_date, "1990-01-01");
  EXPECT_EQ(check.sex, "male");
  EXPECT_EQ(check.division_name, "浙江省温州市鹿城区");
}

TEST(ResidentIdTest, SexFollowsTheSeventeenthDigit) {
  EXPECT_EQ(CheckResidentId(CompleteResidentId("33030219900101123")).sex, "male");
  EXPECT_EQ(CheckResidentId(CompleteResidentId("33030219900101124")).sex, "female");
}

TEST(ResidentIdTest, EachFailureReason) {
  EXPECT_EQ(CheckResidentId("33030219900101123").failure, Failure::kLength);
  EXPECT_EQ(CheckResidentId("3303021990010112A4").failure, Failure::kFormat);
  EXPECT_EQ(CheckResidentId("33030219900101123Y").failure, Failure::kFormat);

  CodeCheck region = CheckResidentId(CompleteResidentId("99030219900101123"));
  EXPECT_EQ(region.failure, Failure::kUnknownDivision);
  EXPECT_EQ(FailureName(region.failure), "division");
  EXPECT_EQ(FailureNameFor(region.kind, region.failure), "region");
  EXPECT_EQ(CheckResidentId(CompleteResidentId("10000019900101123")).failure,
            Failure::kUnknownDivision);

  EXPECT_EQ(CheckResidentId(CompleteResidentId("33030219900230123")).failure, Failure::kBadDate);
  EXPECT_EQ(CheckResidentId(CompleteResidentId("33030218991231123")).failure, Failure::kBadDate);
  EXPECT_TRUE(CheckResidentId(CompleteResidentId("33030220000229123")).valid);  // leap year
  EXPECT_EQ(CheckResidentId(CompleteResidentId("33030219000229123")).failure, Failure::kBadDate);

  std::string born_2025 = CompleteResidentId("33030220250601123");
  EXPECT_TRUE(CheckResidentId(born_2025, "2025-06-01").valid);
  EXPECT_TRUE(CheckResidentId(born_2025, "20250601").valid);
  CodeCheck future = CheckResidentId(born_2025, "2025-05-31");
  EXPECT_EQ(future.failure, Failure::kBadDate);
  EXPECT_NE(future.message.find("future"), std::string::npos);

  std::string valid = CompleteResidentId("33030219900101123");
  std::string wrong = valid.substr(0, 17) + (valid[17] == '0' ? "1" : "0");
  CodeCheck checksum = CheckResidentId(wrong);
  EXPECT_EQ(checksum.failure, Failure::kChecksum);
  EXPECT_EQ(checksum.message,
            std::string("check character is ") + wrong[17] + ", expected " + valid[17]);
}

TEST(ResidentIdTest, LowerCaseXAndSeparatorsAreNormalised) {
  CodeCheck check = CheckResidentId("440113 2014 1005 001x");
  EXPECT_TRUE(check.valid) << check.message;
  EXPECT_EQ(check.normalized, "44011320141005001X");
}

TEST(CheckCodeTest, DetectsTheKind) {
  EXPECT_EQ(CheckCode("360426199101010071").kind, CodeKind::kResidentId);
  EXPECT_EQ(CheckCode("91110000600037341L").kind, CodeKind::kUscc);
  // All digits but no year at positions 7-10: a USCC even when it fails.
  CodeCheck all_digit_uscc = CheckCode("121200004013590817");
  EXPECT_EQ(all_digit_uscc.kind, CodeKind::kUscc);
  EXPECT_EQ(all_digit_uscc.failure, Failure::kChecksum);
  // Looks like a resident ID: its failure is the resident ID's.
  CodeCheck bad_date = CheckCode("360426199113010079");
  EXPECT_EQ(bad_date.kind, CodeKind::kResidentId);
  EXPECT_EQ(bad_date.failure, Failure::kBadDate);
  CodeCheck bad_uscc = CheckCode("91110000600037341N");
  EXPECT_EQ(bad_uscc.kind, CodeKind::kUscc);
  EXPECT_EQ(bad_uscc.failure, Failure::kChecksum);
  CodeCheck short_code = CheckCode("12345");
  EXPECT_EQ(short_code.kind, CodeKind::kUnknown);
  EXPECT_EQ(short_code.failure, Failure::kLength);
}

TEST(MaskResidentIdTest, KeepsFirstAndLastFour) {
  EXPECT_EQ(MaskResidentId("330302199001011234"), "3303**********1234");
  EXPECT_EQ(MaskResidentId("330302 1990 0101 123x"), "3303**********123X");
  EXPECT_EQ(MaskResidentId("12345678"), "********");
}

TEST(DivisionTest, NamesAndLookups) {
  const Division* lucheng = FindDivision("330302");
  ASSERT_NE(lucheng, nullptr);
  EXPECT_EQ(lucheng->name_zh, "鹿城区");
  EXPECT_EQ(lucheng->name_en, "Lucheng");
  EXPECT_EQ(lucheng->level, 3);
  EXPECT_EQ(FindDivision("330300")->level, 2);
  EXPECT_EQ(FindDivision("330000")->level, 1);
  EXPECT_EQ(FindDivision("339999"), nullptr);
  EXPECT_EQ(FindDivision("33030"), nullptr);

  EXPECT_EQ(DivisionFullName("330302"), "浙江省温州市鹿城区");
  EXPECT_EQ(DivisionFullName("330300"), "浙江省温州市");
  EXPECT_EQ(DivisionFullName("330399"), "浙江省温州市");  // county unknown: the prefecture
  EXPECT_EQ(DivisionFullName("360426"), "江西省");        // only the province is known
  EXPECT_EQ(DivisionFullName("990426"), "");

  EXPECT_TRUE(IsKnownProvince("820000"));
  EXPECT_TRUE(IsKnownProvince("100000"));
  EXPECT_FALSE(IsKnownProvince("990000"));
}

TEST(DivisionTest, TableShape) {
  int provinces = 0;
  int zhejiang_prefectures = 0;
  for (const Division& division : AllDivisions()) {
    if (division.level == 1) ++provinces;
    if (division.level == 2 && division.code.starts_with("33")) ++zhejiang_prefectures;
  }
  EXPECT_EQ(provinces, 34);
  EXPECT_EQ(zhejiang_prefectures, 11);
  EXPECT_TRUE(std::is_sorted(AllDivisions().begin(), AllDivisions().end(),
                             [](const Division& a, const Division& b) { return a.code < b.code; }));
}

TEST(DivisionTest, CountiesOfWenzhou) {
  std::vector<std::string> codes;
  for (const Division* county : CountiesOf("330300")) codes.push_back(county->code);
  EXPECT_EQ(codes,
            (std::vector<std::string>{"330302", "330303", "330304", "330305", "330324", "330326",
                                      "330327", "330328", "330329", "330381", "330382", "330383"}));
  EXPECT_TRUE(CountiesOf("330000").empty());  // a province, not a prefecture
}

TEST(CompleteTest, RoundTrips) {
  for (std::string prefix : {"91330302MA2CXY81", "1233030047000000", "52330381MJ000000",
                             "92330382MA2ABCDE", "93330383MA2XY000"}) {
    std::string code = CompleteUscc(prefix);
    ASSERT_EQ(code.size(), 18u) << prefix;
    EXPECT_EQ(code.substr(0, 16), prefix);
    EXPECT_TRUE(CheckUscc(code).valid) << code << ": " << CheckUscc(code).message;
  }
  // Completing the first 16 characters of a published code gives it back.
  EXPECT_EQ(CompleteUscc("9111000060003734"), "91110000600037341L");
  EXPECT_EQ(CompleteUscc("91110000600037341"), "");  // 17 characters
  EXPECT_EQ(CompleteUscc("9111000060003I34"), "");   // I is not in the alphabet

  EXPECT_EQ(CompleteResidentId("36042619910101007"), "360426199101010071");
  EXPECT_EQ(CompleteResidentId("32021919900101003"), "32021919900101003X");
  EXPECT_EQ(CompleteResidentId("3202191990010100A"), "");
  EXPECT_TRUE(CheckResidentId(CompleteResidentId("33038219851231001")).valid);
}

TEST(KeysTest, CodeAndSubjectKinds) {
  EXPECT_EQ(CodeKindKey(CodeKind::kUscc), "uscc");
  EXPECT_EQ(CodeKindKey(CodeKind::kResidentId), "resident_id");
  EXPECT_EQ(CodeKindKey(CodeKind::kUnknown), "unknown");
  for (SubjectKind kind : kAllSubjectKinds) {
    EXPECT_EQ(ParseSubjectKind(SubjectKindKey(kind)), kind);
  }
  EXPECT_EQ(SubjectKindKey(SubjectKind::kIndividualBusiness), "individual_business");
  EXPECT_EQ(ParseSubjectKind("company"), std::nullopt);
  EXPECT_TRUE(IsNaturalPerson(SubjectKind::kPerson));
  EXPECT_FALSE(IsNaturalPerson(SubjectKind::kIndividualBusiness));
}

}  // namespace
}  // namespace credence::ids
