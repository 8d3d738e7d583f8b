// Every EU Digital COVID Certificate test vector of ../shared/testdata/cose-qr/dcc-common,
// checked flag by flag at its VALIDATIONCLOCK with the key of TESTCTX.CERTIFICATE, through the
// same decoding and verification code that reads our own certificates.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "certs/cbor.h"
#include "certs/certs.h"
#include "certs/codec.h"
#include "certs/qr_reader_test_util.h"
#include "common/hash.h"

namespace credence::certs {
namespace {

const std::filesystem::path kVectorDir =
    std::filesystem::path(CREDENCE_SHARED_DIR) / "testdata/cose-qr/dcc-common";

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string FromBase64(std::string text) {
  std::erase_if(text, [](char c) { return c == '=' || c == '\n'; });
  std::replace(text.begin(), text.end(), '+', '-');
  std::replace(text.begin(), text.end(), '/', '_');
  std::string out;
  EXPECT_TRUE(Base64UrlDecode(text, &out));
  return out;
}

// The EU payload (claim -260, key 1) as JSON, to compare with the vector's JSON.
JsonValue ToJson(const CborValue& value) {
  switch (value.type()) {
    case CborValue::Type::kInt: return JsonValue(value.as_int());
    case CborValue::Type::kFloat: return JsonValue(value.as_float());
    case CborValue::Type::kText: return JsonValue(value.as_string());
    case CborValue::Type::kBytes: return JsonValue(HexEncode(value.as_string()));
    case CborValue::Type::kBool: return JsonValue(value.as_bool());
    case CborValue::Type::kArray: {
      JsonValue::Array items;
      for (const CborValue& item : value.items()) items.push_back(ToJson(item));
      return JsonValue(std::move(items));
    }
    case CborValue::Type::kMap: {
      JsonValue::Object members;
      for (const auto& [k, v] : value.entries()) {
        members.emplace_back(k.is_text() ? k.as_string() : std::to_string(k.as_int()), ToJson(v));
      }
      return JsonValue(std::move(members));
    }
    case CborValue::Type::kTag: return ToJson(value.tagged());
    default: return JsonValue();
  }
}

const JsonValue* HealthCertificate(const CborValue& claims, JsonValue* holder) {
  const CborValue* hcert = claims.Find(-260);
  // The certificate itself must be a map: CBO1 carries its bytes reversed in a byte string.
  if (hcert == nullptr || hcert->Find(1) == nullptr || !hcert->Find(1)->is_map()) return nullptr;
  *holder = ToJson(*hcert->Find(1));
  return holder;
}

// The DCC schema's structural rules: version, name with the transliterated family name, date
// of birth, and exactly one entry of exactly one kind (vaccination, test or recovery).
bool FollowsDccSchema(const JsonValue& dcc) {
  if (!dcc.GetString("ver") || !dcc.GetString("dob")) return false;
  const JsonValue* nam = dcc.Find("nam");
  if (nam == nullptr || !nam->GetString("fnt")) return false;
  int groups = 0;
  for (const char* kind : {"v", "t", "r"}) {
    const JsonValue* entries = dcc.Find(kind);
    if (entries == nullptr) continue;
    if (!entries->is_array() || entries->as_array().size() != 1) return false;
    const JsonValue& entry = entries->as_array()[0];
    for (const char* field : {"tg", "co", "is", "ci"}) {
      if (!entry.GetString(field)) return false;
    }
    ++groups;
  }
  return groups == 1;
}

// The key usage OIDs that restrict a DSC to one kind of certificate.
// Each kind has two OIDs (the specification's own and the one with the extra arc 0 that was
// issued first); either restricts the key.
std::optional<char> KindOfUsage(std::string_view oid) {
  for (std::string_view base : {"1.3.6.1.4.1.1847.2021.1.", "1.3.6.1.4.1.0.1847.2021.1."}) {
    if (oid.size() == base.size() + 1 && oid.starts_with(base)) {
      switch (oid.back()) {
        case '1': return 't';
        case '2': return 'v';
        case '3': return 'r';
      }
    }
  }
  return std::nullopt;
}

bool KeyMayIssue(const VerificationKey& key, const JsonValue& dcc) {
  std::vector<char> allowed;
  for (const std::string& usage : key.key_usages()) {
    if (auto kind = KindOfUsage(usage)) allowed.push_back(*kind);
  }
  if (allowed.empty()) return true;
  char kind = dcc.Find("v") ? 'v' : dcc.Find("t") ? 't' : 'r';
  return std::find(allowed.begin(), allowed.end(), kind) != allowed.end();
}

class DccVectorTest : public testing::TestWithParam<std::string> {};

TEST_P(DccVectorTest, MeetsEveryExpectedFlag) {
  auto vector = ParseJson(ReadFile(kVectorDir / GetParam()));
  ASSERT_TRUE(vector) << vector.error().ToString();
  const JsonValue& context = *vector->Find("TESTCTX");
  const JsonValue& expected = *vector->Find("EXPECTEDRESULTS");
  auto flag = [&](const char* name) -> std::optional<bool> {
    const JsonValue* v = expected.Find(name);
    return v ? std::optional<bool>(v->as_bool()) : std::nullopt;
  };
  SCOPED_TRACE(GetParam() + ": " + std::string(*context.GetString("DESCRIPTION")));
  auto clock = Timestamp::Parse(*context.GetString("VALIDATIONCLOCK"));
  ASSERT_TRUE(clock);

  TrustList trust;
  std::optional<VerificationKey> key;
  if (auto certificate = context.GetString("CERTIFICATE")) {
    auto parsed = VerificationKey::FromX509Der(FromBase64(std::string(*certificate)));
    ASSERT_TRUE(parsed) << parsed.error().ToString();
    key = *parsed;
    trust.Add(*key);
  }
  std::string token = std::string(vector->GetString("PREFIX").value_or(""));
  int checked = 0;

  // B1 gives no image for its flag: nothing to decode there.
  if (auto picture = flag("EXPECTEDPICTUREDECODE"); picture && vector->Find("2DCODE")) {
    auto decoded = ReadQrImage(FromBase64(std::string(*vector->GetString("2DCODE"))));
    EXPECT_EQ(*picture, decoded.has_value() && *decoded == token);
    ++checked;
  }

  TokenVerification result = VerifyToken(token, trust, *clock, "HC1:");
  auto failed_before = [&](VerifyStep step) {
    return result.failed_step && *result.failed_step < step;
  };
  auto failed_at = [&](VerifyStep step) { return result.failed_step == step; };

  if (auto unprefix = flag("EXPECTEDUNPREFIX")) {
    EXPECT_EQ(*unprefix, !failed_at(VerifyStep::kPrefix)) << result.detail;
    ++checked;
  }
  if (auto base45 = flag("EXPECTEDB45DECODE")) {
    EXPECT_EQ(*base45, !failed_at(VerifyStep::kBase45) && !failed_before(VerifyStep::kBase45))
        << result.detail;
    ++checked;
  }
  if (auto compression = flag("EXPECTEDCOMPRESSION")) {
    EXPECT_EQ(*compression, !failed_at(VerifyStep::kZlib) && !failed_before(VerifyStep::kZlib))
        << result.detail;
    ++checked;
  }
  if (auto verify = flag("EXPECTEDVERIFY")) {
    // Verification of the signature alone: time is checked by EXPECTEDEXPIRATIONCHECK.
    bool signature_ok =
        result.valid || failed_at(VerifyStep::kNotYetValid) || failed_at(VerifyStep::kExpired);
    EXPECT_EQ(*verify, signature_ok) << result.detail;
    ++checked;
  }
  if (auto expiration = flag("EXPECTEDEXPIRATIONCHECK")) {
    EXPECT_EQ(*expiration, result.valid) << result.detail;
    if (!*expiration) {
      EXPECT_TRUE(failed_at(VerifyStep::kNotYetValid) || failed_at(VerifyStep::kExpired))
          << result.detail;
    }
    ++checked;
  }
  JsonValue holder;
  const JsonValue* dcc = nullptr;
  if (result.claims) {
    dcc = HealthCertificate(result.claims->payload, &holder);
  }
  bool decoded_from_token = dcc != nullptr;
  // The vector gives the payload on its own, for the schema flags when the token does not decode.
  auto cbor_hex = vector->GetString("CBOR");
  std::string cbor;
  if (dcc == nullptr && cbor_hex && HexDecode(*cbor_hex, &cbor)) {
    if (auto decoded = DecodeCbor(cbor)) {
      holder = ToJson(*decoded);
      dcc = &holder;
    }
  }
  if (auto decode = flag("EXPECTEDDECODE")) {
    EXPECT_EQ(*decode, decoded_from_token) << result.detail;
    ++checked;
  }
  if (auto valid_json = flag("EXPECTEDVALIDJSON")) {
    ASSERT_NE(dcc, nullptr);
    EXPECT_EQ(*valid_json, ToCanonicalJson(*dcc) == ToCanonicalJson(*vector->Find("JSON")));
    ++checked;
  }
  if (auto schema = flag("EXPECTEDSCHEMAVALIDATION")) {
    EXPECT_EQ(*schema, dcc != nullptr && FollowsDccSchema(*dcc));
    ++checked;
  }
  if (auto key_usage = flag("EXPECTEDKEYUSAGE")) {
    ASSERT_TRUE(key.has_value());
    ASSERT_NE(dcc, nullptr);
    EXPECT_EQ(*key_usage, KeyMayIssue(*key, *dcc));
    ++checked;
  }
  EXPECT_GT(checked, 0) << "no flag of the vector was checked";
}

std::vector<std::string> VectorFiles() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(kVectorDir)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

INSTANTIATE_TEST_SUITE_P(DccCommon, DccVectorTest, testing::ValuesIn(VectorFiles()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           return info.param.substr(0, info.param.find('.'));
                         });

TEST(DccVectors, AllThirtyEightAreFound) { EXPECT_EQ(VectorFiles().size(), 38u); }

}  // namespace
}  // namespace credence::certs
