#include "certs/certs.h"

#include <gtest/gtest.h>

#include "certs/cbor.h"
#include "certs/codec.h"
#include "common/hash.h"

namespace credence::certs {
namespace {

const Timestamp kIssued = *Timestamp::Parse("2026-11-22T08:00:00Z");
const Timestamp kExpires = *Timestamp::Parse("2026-12-22T08:00:00Z");

Certificate Sample() {
  Certificate c;
  c.serial = "CC-2026-000001";
  c.code = "91350100M000100Y43";
  c.name = "福州示例科技有限公司";
  c.level = "A";
  c.evaluated = *Date::Parse("2026-11-21");
  c.issuer_name = "信用福州";
  c.issuer = "CN-FZ";
  c.issued_at = kIssued;
  c.expires = kExpires;
  return c;
}

struct Fixture {
  SeededRandom random{7};
  SigningKey key = SigningKey::Generate(random);
  TrustList trust;
  Fixture() { trust.Add(key.verification_key()); }
};

// The token with its COSE bytes replaced, re-encoded the way a forger would.
std::string Reencode(std::string_view cose) {
  return std::string(kCertificatePrefix) + Base45Encode(ZlibCompress(cose));
}
std::string CoseOf(std::string_view token) {
  return *ZlibDecompress(*Base45Decode(token.substr(kCertificatePrefix.size())));
}

TEST(Base45, RoundTripsAndMatchesTheRfcExamples) {
  EXPECT_EQ(Base45Encode("AB"), "BB8");
  EXPECT_EQ(Base45Encode("Hello!!"), "%69 VD92EX0");
  EXPECT_EQ(Base45Encode("ietf!"), "QED8WEX0");
  EXPECT_EQ(*Base45Decode("QED8WEX0"), "ietf!");
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(*Base45Decode(Base45Encode(all)), all);
}

TEST(Base45, RejectsBadInput) {
  EXPECT_EQ(Base45Decode("GGW").error().reason(), "base45");  // 65535 < value
  EXPECT_FALSE(Base45Decode("A"));                            // dangling character
  EXPECT_FALSE(Base45Decode("ab8"));                          // lower case is not Base45
  EXPECT_FALSE(Base45Decode(":::"));
}

TEST(Zlib, RoundTripsAndRejectsDamage) {
  std::string text(1000, 'x');
  std::string packed = ZlibCompress(text);
  EXPECT_EQ(*ZlibDecompress(packed), text);
  EXPECT_EQ(ZlibDecompress(packed.substr(0, packed.size() - 3)).error().reason(), "zlib");
  EXPECT_FALSE(ZlibDecompress(packed + "x"));
  EXPECT_FALSE(ZlibDecompress("not zlib"));
  EXPECT_FALSE(ZlibDecompress(""));
}

TEST(Zlib, RefusesToExpandBeyondTheLimit) {
  std::string bomb = ZlibCompress(std::string(10 * 1024 * 1024, '\0'));
  auto result = ZlibDecompress(bomb);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message().find("expands beyond"), std::string::npos);
}

TEST(Cbor, RoundTripsEveryType) {
  CborValue value = CborValue::MapOf({
      {CborValue::Int(1), CborValue::Text("iss")},
      {CborValue::Int(-65537),
       CborValue::Array({CborValue::Int(-1), CborValue::Int(INT64_MAX),
                         CborValue::Bytes(std::string("\0\1", 2)), CborValue::Bool(true),
                         CborValue::Null(), CborValue::Float(1.5)})},
      {CborValue::Text("t"), CborValue::Tagged(18, CborValue::Int(24))},
  });
  auto decoded = DecodeCbor(EncodeCbor(value));
  ASSERT_TRUE(decoded) << decoded.error().ToString();
  EXPECT_EQ(*decoded, value);
  EXPECT_EQ(decoded->Find(1)->as_string(), "iss");
}

TEST(Cbor, UsesTheShortestHeads) {
  EXPECT_EQ(HexEncode(EncodeCbor(CborValue::Int(23))), "17");
  EXPECT_EQ(HexEncode(EncodeCbor(CborValue::Int(24))), "1818");
  EXPECT_EQ(HexEncode(EncodeCbor(CborValue::Int(-65537))), "3a00010000");
  EXPECT_EQ(HexEncode(EncodeCbor(CborValue::Int(1000000))), "1a000f4240");
}

TEST(Cbor, ReadsIndefiniteLengthsAndHalfFloats) {
  std::string bytes;
  ASSERT_TRUE(HexDecode("bf6161820102617f7f6261626163ffff", &bytes));
  auto v = DecodeCbor(bytes);
  ASSERT_TRUE(v) << v.error().ToString();
  EXPECT_EQ(v->Find("a")->items().size(), 2u);
  EXPECT_EQ(v->Find("\x7f")->as_string(), "abc");
  ASSERT_TRUE(HexDecode("f93e00", &bytes));
  EXPECT_EQ(DecodeCbor(bytes)->as_float(), 1.5);
}

TEST(Cbor, RejectsHostileInput) {
  auto decode_hex = [](std::string_view hex) {
    std::string bytes;
    EXPECT_TRUE(HexDecode(hex, &bytes));
    return DecodeCbor(bytes);
  };
  EXPECT_FALSE(decode_hex(""));
  EXPECT_FALSE(decode_hex("5a7fffffff00"));        // byte string longer than the input
  EXPECT_FALSE(decode_hex("9b00000000ffffffff"));  // array count beyond the input
  EXPECT_FALSE(decode_hex("1bffffffffffffffff"));  // beyond int64
  EXPECT_FALSE(decode_hex("0101"));                // trailing bytes
  EXPECT_FALSE(decode_hex("ff"));                  // stray break
  EXPECT_FALSE(decode_hex("1c"));                  // reserved
  EXPECT_FALSE(decode_hex("5f01ff"));              // bad chunk
  EXPECT_EQ(DecodeCbor(std::string(100000, '\x81')).error().reason(), "cbor");  // deep nesting
}

TEST(Certificate, RoundTripsThroughTheToken) {
  Fixture f;
  std::string token = IssueToken(Sample(), f.key);
  EXPECT_TRUE(token.starts_with("CC1:"));
  EXPECT_EQ(token.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"),
            std::string::npos)
      << "the token must fit the QR alphanumeric mode";
  CertificateVerification v = VerifyCertificate(token, f.trust, kIssued);
  ASSERT_TRUE(v.token.valid) << v.token.detail;
  ASSERT_TRUE(v.certificate);
  EXPECT_EQ(*v.certificate, Sample());
  EXPECT_EQ(v.token.algorithm, Algorithm::kEdDSA);
  EXPECT_EQ(v.token.kid, f.key.kid());
  EXPECT_EQ(CertificateToJson(*v.certificate).GetString("level"), "A");
}

TEST(Certificate, TheSameClaimsGiveTheSameToken) {
  Fixture f;
  EXPECT_EQ(IssueToken(Sample(), f.key), IssueToken(Sample(), f.key));
}

TEST(Certificate, ReportsCarryTheirDigest) {
  Fixture f;
  Certificate report = Sample();
  report.type = "report";
  report.digest = HexEncode(Sha256("report body"));
  auto v = VerifyCertificate(IssueToken(report, f.key), f.trust, kIssued);
  ASSERT_TRUE(v.certificate);
  EXPECT_EQ(v.certificate->digest, report.digest);
}

TEST(Verify, ExpiryBoundaries) {
  Fixture f;
  std::string token = IssueToken(Sample(), f.key);
  auto at = [&](Timestamp t) { return VerifyToken(token, f.trust, t); };
  EXPECT_EQ(at(Timestamp::FromMicros(kIssued.micros() - 1000000)).failed_step,
            VerifyStep::kNotYetValid);
  EXPECT_TRUE(at(kIssued).valid);
  EXPECT_TRUE(at(Timestamp::FromMicros(kExpires.micros() - 1)).valid);
  EXPECT_EQ(at(kExpires).failed_step, VerifyStep::kExpired);
  EXPECT_FALSE(at(kExpires).valid);
}

TEST(Verify, EachStepReportsItsOwnFailure) {
  Fixture f;
  std::string token = IssueToken(Sample(), f.key);
  std::string cose = CoseOf(token);
  auto step = [&](std::string_view t) { return VerifyToken(t, f.trust, kIssued).failed_step; };

  EXPECT_EQ(step("HC1:" + token.substr(4)), VerifyStep::kPrefix);
  EXPECT_EQ(step(token.substr(4)), VerifyStep::kPrefix);
  EXPECT_EQ(step("CC1:abc"), VerifyStep::kBase45);
  EXPECT_EQ(step("CC1:" + Base45Encode("not zlib")), VerifyStep::kZlib);
  EXPECT_EQ(step(Reencode("\xff")), VerifyStep::kCbor);
  EXPECT_EQ(step(Reencode(cose.substr(0, cose.size() - 1))), VerifyStep::kCbor);
  EXPECT_EQ(step(Reencode(EncodeCbor(CborValue::Tagged(98, CborValue::Int(1))))),
            VerifyStep::kCose);
  EXPECT_EQ(step(Reencode(EncodeCbor(CborValue::Array({CborValue::Int(1)})))), VerifyStep::kCose);

  TrustList empty;
  EXPECT_EQ(VerifyToken(token, empty, kIssued).failed_step, VerifyStep::kUnknownKey);

  // The same kid with another key: the signature fails, not the lookup.
  SeededRandom other_random(8);
  SigningKey other = SigningKey::Generate(other_random);
  TrustList impostor;
  JsonValue jwk = other.verification_key().ToJwk();
  jwk.Set("kid", Base64UrlEncode(f.key.kid()));
  ASSERT_TRUE(impostor.AddJwkSet(JsonValue(JsonValue::Object{{"keys", JsonValue::Array{jwk}}})));
  EXPECT_EQ(VerifyToken(token, impostor, kIssued).failed_step, VerifyStep::kSignature);
}

TEST(Verify, ACertificateWithoutTheClaimFailsAtCbor) {
  Fixture f;
  CborValue claims = CborValue::MapOf({{CborValue::Int(1), CborValue::Text("CN-FZ")},
                                       {CborValue::Int(6), CborValue::Int(kIssued.seconds())}});
  auto v = VerifyCertificate(SignToken(claims, f.key), f.trust, kIssued);
  EXPECT_EQ(v.token.failed_step, VerifyStep::kCbor);
  EXPECT_FALSE(v.certificate);
}

TEST(Verify, AFlippedByteAnywhereIsRejected) {
  Fixture f;
  std::string token = IssueToken(Sample(), f.key);
  // Flip one bit of every byte of the COSE message (what the signature protects) ...
  std::string cose = CoseOf(token);
  for (size_t i = 0; i < cose.size(); ++i) {
    std::string damaged = cose;
    damaged[i] ^= 0x01;
    EXPECT_FALSE(VerifyToken(Reencode(damaged), f.trust, kIssued).valid) << "COSE byte " << i;
  }
  // ... and change every character of the token itself.
  for (size_t i = 0; i < token.size(); ++i) {
    std::string damaged = token;
    damaged[i] = damaged[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(VerifyToken(damaged, f.trust, kIssued).valid) << "token character " << i;
  }
}

TEST(Verify, AnOversizedTokenIsRejectedEarly) {
  Fixture f;
  EXPECT_EQ(VerifyToken("CC1:" + Base45Encode(ZlibCompress(std::string(1 << 20, '\x80'))), f.trust,
                        kIssued)
                .failed_step,
            VerifyStep::kZlib);
}

TEST(TrustList, KeyRotationKeepsOldCertificatesValidUntilTheyExpire) {
  SeededRandom random(11);
  SigningKey old_key = SigningKey::Generate(random);
  SigningKey new_key = SigningKey::Generate(random);
  Timestamp rotated = *Timestamp::Parse("2026-12-01T00:00:00Z");
  VerificationKey old_public = old_key.verification_key();
  old_public.set_validity(std::nullopt, rotated);  // signs nothing after the rotation
  VerificationKey new_public = new_key.verification_key();
  new_public.set_validity(rotated, std::nullopt);
  TrustList trust;
  trust.Add(old_public);
  trust.Add(new_public);

  std::string before = IssueToken(Sample(), old_key);
  EXPECT_TRUE(VerifyToken(before, trust, *Timestamp::Parse("2026-12-10T00:00:00Z")).valid);

  Certificate later = Sample();
  later.issued_at = *Timestamp::Parse("2026-12-05T00:00:00Z");
  later.expires = *Timestamp::Parse("2027-01-05T00:00:00Z");
  EXPECT_TRUE(VerifyToken(IssueToken(later, new_key), trust, later.issued_at).valid);
  // The old key signing after the rotation is not trusted.
  auto stale = VerifyToken(IssueToken(later, old_key), trust, later.issued_at);
  EXPECT_EQ(stale.failed_step, VerifyStep::kUnknownKey);
}

TEST(TrustList, JwkSetRoundTripsAndVerifiesAForeignCertificate) {
  SeededRandom random(21);
  SigningKey foreign = SigningKey::Generate(random);
  TrustList theirs;
  VerificationKey published = foreign.verification_key();
  published.set_validity(Timestamp::FromSeconds(1700000000), Timestamp::FromSeconds(1900000000));
  theirs.Add(published);
  JsonValue set = theirs.ToJwkSet();
  const JsonValue& jwk = set.Find("keys")->as_array()[0];
  EXPECT_EQ(jwk.GetString("kty"), "OKP");
  EXPECT_EQ(jwk.GetString("crv"), "Ed25519");
  EXPECT_EQ(jwk.GetString("alg"), "EdDSA");
  EXPECT_EQ(jwk.GetString("use"), "sig");
  EXPECT_EQ(jwk.GetString("kid"), Base64UrlEncode(foreign.kid()));
  EXPECT_EQ(jwk.Find("nbf")->as_int(), 1700000000);

  TrustList ours;
  auto parsed = ParseJson(ToJson(set));
  ASSERT_TRUE(parsed);
  ASSERT_TRUE(ours.AddJwkSet(*parsed));
  EXPECT_TRUE(VerifyToken(IssueToken(Sample(), foreign), ours, kIssued).valid);
}

TEST(TrustList, RejectsBadJwks) {
  TrustList trust;
  EXPECT_FALSE(trust.AddJwkSet(JsonValue(JsonValue::Object{})));
  auto bad =
      ParseJson(R"({"keys":[{"kty":"OKP","crv":"Ed25519","x":"AAAA","kid":"AQIDBAUGBwg"}]})");
  ASSERT_TRUE(bad);
  auto status = trust.AddJwkSet(*bad);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().field(), "keys[0]");
  auto unknown = ParseJson(R"({"keys":[{"kty":"oct","x":"AAAA","kid":"AQIDBAUGBwg"}]})");
  EXPECT_FALSE(trust.AddJwkSet(*unknown));
  EXPECT_TRUE(trust.keys().empty()) << "a set with a bad key adds nothing";
}

TEST(Keys, KidIsTheFirstEightBytesOfTheKeyHash) {
  SeededRandom random(3);
  SigningKey key = SigningKey::Generate(random);
  EXPECT_EQ(key.kid(), std::string(AsBytes(Sha256(key.public_key())).substr(0, 8)));
  auto again = SigningKey::FromSeed(key.seed());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->public_key(), key.public_key());
  EXPECT_FALSE(SigningKey::FromSeed("short"));
  EXPECT_FALSE(VerificationKey::FromEd25519("short"));
  EXPECT_FALSE(VerificationKey::FromX509Der("not der"));
}

}  // namespace
}  // namespace credence::certs
