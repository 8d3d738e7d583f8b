#include <gtest/gtest.h>

#include <filesystem>

#include "certs/certs.h"
#include "certs/qr_reader_test_util.h"
#include "common/hash.h"

namespace credence::certs {
namespace {

const Timestamp kDay1 = *Timestamp::Parse("2026-11-01T00:00:00Z");
const Timestamp kDay20 = *Timestamp::Parse("2026-11-20T00:00:00Z");

class KeyRingTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("credence-keyring-" + std::to_string(::getpid()) + "-" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  SeededRandom random_{5};
};

Certificate At(Timestamp issued) {
  Certificate c;
  c.serial = "S1";
  c.code = "91350100M000100Y43";
  c.name = "示例";
  c.level = "B";
  c.evaluated = issued.ShanghaiDate();
  c.issuer_name = "信用福州";
  c.issuer = "CN-FZ";
  c.issued_at = issued;
  c.expires = Timestamp::FromSeconds(issued.seconds() + 30 * 86400);
  return c;
}

TEST_F(KeyRingTest, CreatesAPrivateFileOnFirstUseAndReadsTheSameKeyBack) {
  auto path = dir_ / "certificate-keys.json";
  auto ring = KeyRing::LoadOrCreate(path, random_, kDay1);
  ASSERT_TRUE(ring) << ring.error().ToString();
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::others_read,
            std::filesystem::perms::none);
  auto again = KeyRing::LoadOrCreate(path, random_, kDay20);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->active().public_key(), ring->active().public_key());
  EXPECT_EQ(again->size(), 1u);
}

TEST_F(KeyRingTest, RotationSignsWithTheNewKeyAndKeepsTheOldForVerification) {
  auto path = dir_ / "certificate-keys.json";
  auto ring = KeyRing::LoadOrCreate(path, random_, kDay1);
  ASSERT_TRUE(ring);
  std::string old_token = IssueToken(At(kDay1), ring->active());
  std::string old_kid = ring->active().kid();
  ASSERT_TRUE(ring->Rotate(random_, kDay20));
  auto reloaded = KeyRing::LoadOrCreate(path, random_, kDay20);
  ASSERT_TRUE(reloaded);
  EXPECT_EQ(reloaded->size(), 2u);
  EXPECT_NE(reloaded->active().kid(), old_kid);
  TrustList trust = reloaded->trust_list();
  Timestamp later = Timestamp::FromSeconds(kDay20.seconds() + 86400);
  EXPECT_TRUE(VerifyToken(old_token, trust, later).valid);
  EXPECT_TRUE(VerifyToken(IssueToken(At(later), reloaded->active()), trust, later).valid);
  JsonValue set = trust.ToJwkSet();
  EXPECT_EQ(set.Find("keys")->as_array()[0].Find("exp")->as_int(), kDay20.seconds());
}

TEST_F(KeyRingTest, ADamagedFileIsAnErrorNotANewKey) {
  auto path = dir_ / "certificate-keys.json";
  std::filesystem::create_directories(dir_);
  std::ofstream(path) << "{\"keys\": [{\"seed\": \"short\", \"created\": 1}]}";
  auto ring = KeyRing::LoadOrCreate(path, random_, kDay1);
  ASSERT_FALSE(ring);
  EXPECT_EQ(ring.error().reason(), "key_ring");
}

TEST(Jws, SignsAndVerifiesTheTrustList) {
  SeededRandom random(9);
  SigningKey key = SigningKey::Generate(random);
  TrustList trust;
  trust.Add(key.verification_key());
  std::string payload = ToJson(trust.ToJwkSet());
  std::string jws = SignCompactJws(payload, key);
  EXPECT_EQ(*VerifyCompactJws(jws, trust), payload);
  std::string forged = jws;
  forged[jws.find('.') + 3] ^= 1;
  EXPECT_FALSE(VerifyCompactJws(forged, trust));
  EXPECT_FALSE(VerifyCompactJws("a.b", trust));
  EXPECT_FALSE(VerifyCompactJws(jws, TrustList()));
}

TEST(Qr, ThePngReadsBackAsTheSameToken) {
  SeededRandom random(9);
  SigningKey key = SigningKey::Generate(random);
  std::string token = IssueToken(At(kDay1), key);
  auto png = QrPng(token);
  ASSERT_TRUE(png) << png.error().ToString();
  EXPECT_EQ(png->substr(1, 3), "PNG");
  EXPECT_EQ(ReadQrImage(*png), token);
}

TEST(Qr, TheSvgDrawsTheSymbol) {
  auto svg = QrSvg("CC1:ABC");
  ASSERT_TRUE(svg);
  EXPECT_TRUE(svg->starts_with("<svg"));
  // Version 1 (21 modules) plus a quiet zone of 4 on each side.
  EXPECT_NE(svg->find("viewBox=\"0 0 29 29\""), std::string::npos);
}

TEST(Qr, RejectsWhatAlphanumericModeCannotHold) {
  EXPECT_EQ(QrSvg("cc1:lower").error().reason(), "qr");
  EXPECT_EQ(QrPng(std::string(5000, 'A')).error().reason(), "qr");
}

}  // namespace
}  // namespace credence::certs
