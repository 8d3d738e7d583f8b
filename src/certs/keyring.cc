#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "certs/certs.h"
#include "common/hash.h"

namespace credence::certs {
namespace {

Error RingError(const std::filesystem::path& path, std::string message) {
  return Error::FailedPrecondition("key_ring", path.string() + ": " + std::move(message));
}

}  // namespace

Result<KeyRing> KeyRing::LoadOrCreate(const std::filesystem::path& path, Random& random,
                                      Timestamp now) {
  KeyRing ring;
  ring.path_ = path;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    ring.entries_.push_back({SigningKey::Generate(random), now, std::nullopt});
    CREDENCE_RETURN_IF_ERROR(ring.Save());
    return ring;
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto json = ParseJson(text.str());
  if (!json) return Fail(RingError(path, json.error().message()));
  const JsonValue* keys = json->Find("keys");
  if (keys == nullptr || !keys->is_array() || keys->as_array().empty()) {
    return Fail(RingError(path, "no \"keys\" array with at least one key"));
  }
  for (const JsonValue& entry : keys->as_array()) {
    std::string seed;
    auto seed64 = entry.GetString("seed");
    const JsonValue* created = entry.Find("created");
    if (!seed64 || !Base64UrlDecode(*seed64, &seed) || created == nullptr ||
        !created->is_number()) {
      return Fail(RingError(path, "a key needs seed (base64url) and created (seconds)"));
    }
    auto key = SigningKey::FromSeed(seed);
    if (!key) return Fail(RingError(path, key.error().message()));
    Entry e{std::move(*key), Timestamp::FromSeconds(created->as_int()), std::nullopt};
    if (const JsonValue* retired = entry.Find("retired"); retired && retired->is_number()) {
      e.retired = Timestamp::FromSeconds(retired->as_int());
    }
    ring.entries_.push_back(std::move(e));
  }
  return ring;
}

Status KeyRing::Rotate(Random& random, Timestamp now) {
  entries_.back().retired = now;
  entries_.push_back({SigningKey::Generate(random), now, std::nullopt});
  return Save();
}

TrustList KeyRing::trust_list() const {
  TrustList trust;
  for (const Entry& entry : entries_) {
    VerificationKey key = entry.key.verification_key();
    key.set_validity(entry.created, entry.retired);
    trust.Add(std::move(key));
  }
  return trust;
}

Status KeyRing::Save() const {
  JsonValue::Array keys;
  for (const Entry& entry : entries_) {
    JsonValue e = JsonValue::Object{};
    e.Set("kid", Base64UrlEncode(entry.key.kid()));
    e.Set("seed", Base64UrlEncode(entry.key.seed()));
    e.Set("created", entry.created.seconds());
    if (entry.retired) e.Set("retired", entry.retired->seconds());
    keys.push_back(std::move(e));
  }
  JsonValue ring = JsonValue::Object{};
  ring.Set("keys", std::move(keys));
  std::error_code ec;
  if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path(), ec);
  // Written beside and renamed, private from the first byte: a crash never leaves half a ring.
  std::filesystem::path temp = path_;
  temp += ".tmp";
  mode_t old_mask = ::umask(077);
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << ToJson(ring) << "\n";
    if (!out) {
      ::umask(old_mask);
      return Fail(RingError(temp, "cannot write"));
    }
  }
  ::umask(old_mask);
  std::filesystem::rename(temp, path_, ec);
  if (ec) return Fail(RingError(path_, "cannot replace: " + ec.message()));
  return OkStatus();
}

std::string SignCompactJws(std::string_view payload, const SigningKey& key) {
  JsonValue header = JsonValue::Object{};
  header.Set("alg", "EdDSA");
  header.Set("kid", Base64UrlEncode(key.kid()));
  std::string signing_input = Base64UrlEncode(ToJson(header)) + "." + Base64UrlEncode(payload);
  return signing_input + "." + Base64UrlEncode(key.Sign(signing_input));
}

Result<std::string> VerifyCompactJws(std::string_view jws, const TrustList& trust) {
  auto bad = [](std::string why) { return Fail(Error::InvalidArgument("jws", "JWS: " + why)); };
  size_t first = jws.find('.');
  size_t second = first == std::string_view::npos ? first : jws.find('.', first + 1);
  if (second == std::string_view::npos) return bad("not three parts");
  std::string header_text, payload, signature;
  if (!Base64UrlDecode(jws.substr(0, first), &header_text) ||
      !Base64UrlDecode(jws.substr(first + 1, second - first - 1), &payload) ||
      !Base64UrlDecode(jws.substr(second + 1), &signature)) {
    return bad("a part is not base64url");
  }
  auto header = ParseJson(header_text);
  if (!header || header->GetString("alg") != "EdDSA") return bad("the header is not alg EdDSA");
  std::string kid;
  auto kid64 = header->GetString("kid");
  if (!kid64 || !Base64UrlDecode(*kid64, &kid)) return bad("no kid");
  for (const VerificationKey* key : trust.Find(kid)) {
    if (key->algorithm() == Algorithm::kEdDSA && key->Verify(jws.substr(0, second), signature)) {
      return payload;
    }
  }
  return bad("no trusted key verifies the signature");
}

}  // namespace credence::certs
