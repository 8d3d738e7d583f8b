// Keys: Ed25519 through libsodium (fast, constant-time), ES256 and PS256 through OpenSSL.
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sodium.h>

#include "certs/certs.h"
#include "common/hash.h"

namespace credence::certs {

struct VerificationKey::Impl {
  EVP_PKEY* pkey = nullptr;
  ~Impl() { EVP_PKEY_free(pkey); }
};

namespace {

Error KeyError(std::string message) { return Error::InvalidArgument("key", std::move(message)); }

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

std::optional<Timestamp> FromAsn1Time(const ASN1_TIME* time) {
  struct tm tm {};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) return std::nullopt;
  auto date = Date::FromCivil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  if (!date) return std::nullopt;
  return Timestamp::FromSeconds(int64_t{date->days()} * 86400 + tm.tm_hour * 3600 + tm.tm_min * 60 +
                                tm.tm_sec);
}

// The big-endian coordinate, left-padded to width bytes.
std::string Padded(const BIGNUM* bn, int width) {
  std::string out(width, '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), width);
  return out;
}

EVP_PKEY* P256FromCoordinates(std::string_view x, std::string_view y) {
  std::string point = "\x04";
  point.append(x);
  point.append(y);
  EVP_PKEY* pkey = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  if (ctx == nullptr) return nullptr;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>("P-256"), 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()),
      OSSL_PARAM_construct_end()};
  if (EVP_PKEY_fromdata_init(ctx) != 1 ||
      EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) {
    pkey = nullptr;
  }
  EVP_PKEY_CTX_free(ctx);
  return pkey;
}

bool VerifyWithOpenSsl(EVP_PKEY* pkey, Algorithm alg, std::string_view message,
                       std::string_view signature) {
  std::string der_signature;
  if (alg == Algorithm::kES256) {
    // COSE carries r || s; OpenSSL wants an ASN.1 ECDSA-Sig-Value.
    if (signature.size() != 64) return false;
    ECDSA_SIG* sig = ECDSA_SIG_new();
    BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()), 32, nullptr);
    BIGNUM* s =
        BN_bin2bn(reinterpret_cast<const unsigned char*>(signature.data()) + 32, 32, nullptr);
    ECDSA_SIG_set0(sig, r, s);
    unsigned char* der = nullptr;
    int length = i2d_ECDSA_SIG(sig, &der);
    ECDSA_SIG_free(sig);
    if (length <= 0) return false;
    der_signature.assign(reinterpret_cast<char*>(der), length);
    OPENSSL_free(der);
    signature = der_signature;
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok = EVP_DigestVerifyInit(ctx, &pctx, EVP_sha256(), nullptr, pkey) == 1;
  if (ok && alg == Algorithm::kPS256) {
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) == 1;
  }
  ok = ok && EVP_DigestVerify(
                 ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                 reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

}  // namespace

std::string_view AlgorithmName(Algorithm alg) {
  switch (alg) {
    case Algorithm::kEdDSA: return "EdDSA";
    case Algorithm::kES256: return "ES256";
    case Algorithm::kPS256: return "PS256";
  }
  return "unknown";
}

std::string KeyIdOf(std::string_view bytes) {
  return std::string(AsBytes(Sha256(bytes)).substr(0, 8));
}

Result<VerificationKey> VerificationKey::FromEd25519(std::string_view public_key) {
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES) {
    return Fail(
        KeyError("an Ed25519 public key has 32 bytes, not " + std::to_string(public_key.size())));
  }
  VerificationKey key;
  key.algorithm_ = Algorithm::kEdDSA;
  key.raw_public_ = std::string(public_key);
  key.kid_ = KeyIdOf(public_key);
  return key;
}

Result<VerificationKey> VerificationKey::FromX509Der(std::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  X509* x509 = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (x509 == nullptr) return Fail(KeyError("not a DER X.509 certificate"));
  VerificationKey key;
  auto impl = std::make_shared<Impl>();
  impl->pkey = X509_get_pubkey(x509);
  int type = impl->pkey ? EVP_PKEY_get_base_id(impl->pkey) : 0;
  bool supported = true;
  if (type == EVP_PKEY_EC) {
    key.algorithm_ = Algorithm::kES256;
  } else if (type == EVP_PKEY_RSA) {
    key.algorithm_ = Algorithm::kPS256;
  } else if (type == EVP_PKEY_ED25519) {
    key.algorithm_ = Algorithm::kEdDSA;
    size_t length = 32;
    key.raw_public_.resize(32);
    EVP_PKEY_get_raw_public_key(impl->pkey,
                                reinterpret_cast<unsigned char*>(key.raw_public_.data()), &length);
  } else {
    supported = false;
  }
  key.not_before_ = FromAsn1Time(X509_get0_notBefore(x509));
  key.expires_ = FromAsn1Time(X509_get0_notAfter(x509));
  if (auto* usages = static_cast<EXTENDED_KEY_USAGE*>(
          X509_get_ext_d2i(x509, NID_ext_key_usage, nullptr, nullptr))) {
    for (int i = 0; i < sk_ASN1_OBJECT_num(usages); ++i) {
      char oid[128];
      OBJ_obj2txt(oid, sizeof oid, sk_ASN1_OBJECT_value(usages, i), 1);
      key.key_usages_.emplace_back(oid);
    }
    EXTENDED_KEY_USAGE_free(usages);
  }
  X509_free(x509);
  if (!supported) return Fail(KeyError("the certificate's key is neither P-256, RSA nor Ed25519"));
  key.kid_ = KeyIdOf(der);
  key.impl_ = std::move(impl);
  return key;
}

Result<VerificationKey> VerificationKey::FromJwk(const JsonValue& jwk) {
  if (!jwk.is_object()) return Fail(KeyError("a JWK is a JSON object"));
  auto kty = jwk.GetString("kty");
  auto crv = jwk.GetString("crv");
  auto x64 = jwk.GetString("x");
  auto kid64 = jwk.GetString("kid");
  std::string x, kid;
  if (!x64 || !Base64UrlDecode(*x64, &x)) return Fail(KeyError("JWK: x missing or not base64url"));
  if (!kid64 || !Base64UrlDecode(*kid64, &kid) || kid.empty()) {
    return Fail(KeyError("JWK: kid missing or not base64url"));
  }
  VerificationKey key;
  if (kty == "OKP" && crv == "Ed25519") {
    CREDENCE_ASSIGN_OR_RETURN(key, FromEd25519(x));
  } else if (kty == "EC" && crv == "P-256") {
    std::string y;
    auto y64 = jwk.GetString("y");
    if (!y64 || !Base64UrlDecode(*y64, &y))
      return Fail(KeyError("JWK: y missing or not base64url"));
    if (x.size() != 32 || y.size() != 32)
      return Fail(KeyError("JWK: P-256 coordinates have 32 bytes"));
    auto impl = std::make_shared<Impl>();
    impl->pkey = P256FromCoordinates(x, y);
    if (impl->pkey == nullptr) return Fail(KeyError("JWK: not a point on P-256"));
    key.algorithm_ = Algorithm::kES256;
    key.impl_ = std::move(impl);
  } else {
    return Fail(KeyError("JWK: unsupported kty/crv (OKP/Ed25519 and EC/P-256 are supported)"));
  }
  key.kid_ = kid;
  for (auto [name, field] : {std::pair{"nbf", &key.not_before_}, std::pair{"exp", &key.expires_}}) {
    if (const JsonValue* v = jwk.Find(name)) {
      if (!v->is_number()) return Fail(KeyError(std::string("JWK: ") + name + " must be seconds"));
      *field = Timestamp::FromSeconds(v->as_int());
    }
  }
  return key;
}

bool VerificationKey::Verify(std::string_view message, std::string_view signature) const {
  if (algorithm_ == Algorithm::kEdDSA && !raw_public_.empty()) {
    if (signature.size() != crypto_sign_BYTES || !SodiumReady()) return false;
    return crypto_sign_verify_detached(
               reinterpret_cast<const unsigned char*>(signature.data()),
               reinterpret_cast<const unsigned char*>(message.data()), message.size(),
               reinterpret_cast<const unsigned char*>(raw_public_.data())) == 0;
  }
  if (!impl_ || impl_->pkey == nullptr) return false;
  return VerifyWithOpenSsl(impl_->pkey, algorithm_, message, signature);
}

JsonValue VerificationKey::ToJwk() const {
  JsonValue jwk = JsonValue::Object{};
  if (algorithm_ == Algorithm::kEdDSA) {
    jwk.Set("kty", "OKP");
    jwk.Set("crv", "Ed25519");
    jwk.Set("x", Base64UrlEncode(raw_public_));
  } else if (algorithm_ == Algorithm::kES256) {
    BIGNUM* x = nullptr;
    BIGNUM* y = nullptr;
    EVP_PKEY_get_bn_param(impl_->pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x);
    EVP_PKEY_get_bn_param(impl_->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y);
    jwk.Set("kty", "EC");
    jwk.Set("crv", "P-256");
    jwk.Set("x", Base64UrlEncode(Padded(x, 32)));
    jwk.Set("y", Base64UrlEncode(Padded(y, 32)));
    BN_free(x);
    BN_free(y);
  } else {
    BIGNUM* n = nullptr;
    BIGNUM* e = nullptr;
    EVP_PKEY_get_bn_param(impl_->pkey, OSSL_PKEY_PARAM_RSA_N, &n);
    EVP_PKEY_get_bn_param(impl_->pkey, OSSL_PKEY_PARAM_RSA_E, &e);
    jwk.Set("kty", "RSA");
    jwk.Set("n", Base64UrlEncode(Padded(n, BN_num_bytes(n))));
    jwk.Set("e", Base64UrlEncode(Padded(e, BN_num_bytes(e))));
    BN_free(n);
    BN_free(e);
  }
  jwk.Set("kid", Base64UrlEncode(kid_));
  jwk.Set("alg", std::string(AlgorithmName(algorithm_)));
  jwk.Set("use", "sig");
  if (not_before_) jwk.Set("nbf", not_before_->seconds());
  if (expires_) jwk.Set("exp", expires_->seconds());
  return jwk;
}

SigningKey SigningKey::Generate(Random& random) { return *FromSeed(random.Bytes(32)); }

Result<SigningKey> SigningKey::FromSeed(std::string_view seed) {
  if (seed.size() != crypto_sign_SEEDBYTES) return Fail(KeyError("an Ed25519 seed has 32 bytes"));
  if (!SodiumReady()) return Fail(Error::Internal("libsodium did not initialise"));
  SigningKey key;
  key.seed_ = std::string(seed);
  key.public_key_.resize(crypto_sign_PUBLICKEYBYTES);
  key.secret_key_.resize(crypto_sign_SECRETKEYBYTES);
  crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(key.public_key_.data()),
                           reinterpret_cast<unsigned char*>(key.secret_key_.data()),
                           reinterpret_cast<const unsigned char*>(key.seed_.data()));
  key.kid_ = KeyIdOf(key.public_key_);
  return key;
}

VerificationKey SigningKey::verification_key() const {
  return *VerificationKey::FromEd25519(public_key_);
}

std::string SigningKey::Sign(std::string_view message) const {
  std::string signature(crypto_sign_BYTES, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       reinterpret_cast<const unsigned char*>(secret_key_.data()));
  return signature;
}

}  // namespace credence::certs
