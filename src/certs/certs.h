// Public credit certificates: signed tokens that anyone can verify offline (FORMATS.md,
// "Certificates"; DOMAIN.md §7).
//
// A token is "CC1:" + Base45(zlib(COSE_Sign1)) — the EU Digital COVID Certificate pipeline
// with our own prefix. The COSE_Sign1 (tag 18) has the protected header {1: alg, 4: kid} and a
// CWT payload {1: issuer, 4: exp, 6: iat, -65537: certificate}. The platform signs with Ed25519
// (EdDSA); verification also accepts ES256 and PS256 keys (X.509), so the same code passes the
// EU test vectors. Verification walks the pipeline step by step and names the first step that
// fails, so a verifier can say "the code is damaged" apart from "the signature is forged" apart
// from "the certificate has expired".
//
// Keys are values handed in by the caller; nothing here reads clocks or randomness on its own,
// and only KeyRing touches a file (the one that holds the platform's private keys).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "certs/cbor.h"
#include "common/json.h"
#include "common/random.h"
#include "common/result.h"
#include "common/time.h"

namespace credence::certs {

inline constexpr std::string_view kCertificatePrefix = "CC1:";
// The CWT claim that carries our certificate map.
inline constexpr int64_t kCertificateClaim = -65537;

// COSE algorithm identifiers (RFC 9053).
enum class Algorithm : int8_t { kEdDSA = -8, kES256 = -7, kPS256 = -37 };
std::string_view AlgorithmName(Algorithm alg);  // "EdDSA", "ES256", "PS256"

// The pipeline steps, in order; a failed verification names exactly one.
enum class VerifyStep : uint8_t {
  kPrefix,
  kBase45,
  kZlib,
  kCbor,
  kCose,
  kUnknownKey,
  kSignature,
  kNotYetValid,
  kExpired,
};
// The wire names of FORMATS.md: "prefix", "base45", "zlib", "cbor", "cose", "unknown_key",
// "signature", "not_yet_valid", "expired".
std::string_view VerifyStepName(VerifyStep step);

// The key id: the first 8 bytes of SHA-256 of the raw Ed25519 public key or of the DER
// certificate.
std::string KeyIdOf(std::string_view bytes);

// A public key that checks signatures. Cheap to copy (the parsed key is shared).
class VerificationKey {
 public:
  // A raw 32-byte Ed25519 public key.
  static Result<VerificationKey> FromEd25519(std::string_view public_key);
  // An X.509 certificate in DER holding a P-256 (ES256) or RSA (PS256) key; the kid is derived
  // from the DER, and the certificate's validity becomes the key's validity.
  static Result<VerificationKey> FromX509Der(std::string_view der);
  // A JWK (RFC 7517) of kty OKP/Ed25519 or EC/P-256 with kid, and optional nbf/exp in seconds.
  static Result<VerificationKey> FromJwk(const JsonValue& jwk);

  Algorithm algorithm() const { return algorithm_; }
  const std::string& kid() const { return kid_; }  // 8 raw bytes
  std::optional<Timestamp> not_before() const { return not_before_; }
  std::optional<Timestamp> expires() const { return expires_; }
  void set_validity(std::optional<Timestamp> not_before, std::optional<Timestamp> expires) {
    not_before_ = not_before;
    expires_ = expires;
  }
  // Extended key usage OIDs of an X.509 key, dotted ("1.3.6.1.4.1.1847.2021.1.2"); empty for
  // raw keys and certificates without the extension.
  const std::vector<std::string>& key_usages() const { return key_usages_; }

  // True when signature is a valid signature of message under this key (raw r||s for ES256).
  bool Verify(std::string_view message, std::string_view signature) const;

  // The JWK of FORMATS.md: kty, crv, x (y for EC), kid (base64url), alg, use "sig", nbf/exp.
  JsonValue ToJwk() const;

 private:
  struct Impl;
  Algorithm algorithm_ = Algorithm::kEdDSA;
  std::string kid_;
  std::string raw_public_;  // Ed25519 only
  std::shared_ptr<const Impl> impl_;
  std::optional<Timestamp> not_before_;
  std::optional<Timestamp> expires_;
  std::vector<std::string> key_usages_;
};

// The platform's private Ed25519 key.
class SigningKey {
 public:
  static SigningKey Generate(Random& random);
  // From the 32-byte seed (what the key ring stores).
  static Result<SigningKey> FromSeed(std::string_view seed);

  const std::string& seed() const { return seed_; }
  const std::string& public_key() const { return public_key_; }  // 32 raw bytes
  const std::string& kid() const { return kid_; }
  VerificationKey verification_key() const;
  // A 64-byte Ed25519 signature.
  std::string Sign(std::string_view message) const;

 private:
  std::string seed_;
  std::string secret_key_;  // libsodium's 64-byte form: seed || public key
  std::string public_key_;
  std::string kid_;
};

// The keys a verifier trusts: our own and those imported from other platforms' trust lists.
class TrustList {
 public:
  void Add(VerificationKey key) { keys_.push_back(std::move(key)); }
  const std::vector<VerificationKey>& keys() const { return keys_; }
  // Keys with this kid (kids are short; two platforms may collide, so all are tried).
  std::vector<const VerificationKey*> Find(std::string_view kid) const;

  // A JWK Set {"keys": [...]} — what GET /api/v1/trust-list serves.
  JsonValue ToJwkSet() const;
  // Adds every key of a JWK Set; errors name the key index and reason.
  Status AddJwkSet(const JsonValue& jwk_set);

 private:
  std::vector<VerificationKey> keys_;
};

// The decoded COSE_Sign1 and its CWT claims.
struct CwtClaims {
  std::string issuer;                  // claim 1
  std::optional<Timestamp> issued_at;  // claim 6
  std::optional<Timestamp> expires;    // claim 4
  CborValue payload;                   // the whole claims map
};

struct TokenVerification {
  bool valid = false;
  std::optional<VerifyStep> failed_step;  // set exactly when !valid
  std::string detail;                     // why, for people
  std::optional<Algorithm> algorithm;
  std::string kid;                  // raw bytes, from the protected (else unprotected) header
  std::optional<CwtClaims> claims;  // set once the COSE structure is read
};

// Runs the whole pipeline at time now: prefix, Base45, zlib, CBOR, COSE structure, key lookup
// by kid (the key must have been valid at the token's issue time), signature, then iat <= now
// (else not yet valid) and now < exp (else expired).
TokenVerification VerifyToken(std::string_view token, const TrustList& trust, Timestamp now,
                              std::string_view prefix = kCertificatePrefix);

// Builds a token: COSE_Sign1 over the CBOR of claims (a map), signed by key.
std::string SignToken(const CborValue& claims, const SigningKey& key,
                      std::string_view prefix = kCertificatePrefix);

// The certificate (or credit report) a token carries.
struct Certificate {
  std::string serial;
  std::string type = "certificate";  // or "report"
  std::string code;                  // USCC
  std::string name;
  std::string level;
  Date evaluated;
  std::string issuer_name;  // the platform's name
  std::string digest;       // hex SHA-256 of the report (reports only)
  std::string issuer;       // CWT iss: the platform id
  Timestamp issued_at;
  Timestamp expires;

  friend bool operator==(const Certificate&, const Certificate&) = default;
};

// The CWT claims of a certificate and the token that carries them.
CborValue CertificateClaims(const Certificate& certificate);
std::string IssueToken(const Certificate& certificate, const SigningKey& key);

struct CertificateVerification {
  TokenVerification token;
  std::optional<Certificate> certificate;  // set when the claims hold a well-formed certificate
};
// VerifyToken, then reads the certificate claim; a missing or malformed claim fails at "cbor".
CertificateVerification VerifyCertificate(std::string_view token, const TrustList& trust,
                                          Timestamp now);
// The certificate as JSON (serial, type, code, name, level, evaluated, issuer_name, digest,
// issuer, issued_at, expires), for the API and the command line.
JsonValue CertificateToJson(const Certificate& certificate);
// {"valid", "failed_step": name or null, "detail", "claims": CertificateToJson or null}.
JsonValue VerificationToJson(const CertificateVerification& verification);

// The platform's signing keys, kept in one JSON file (mode 0600) in the data directory. The
// newest key signs; keys rotated out stay, valid for verification of what they signed while
// they were active (their JWK carries nbf = created, exp = retired).
class KeyRing {
 public:
  // Reads path, or creates it with one fresh key when it does not exist.
  static Result<KeyRing> LoadOrCreate(const std::filesystem::path& path, Random& random,
                                      Timestamp now);
  // A new key signs from now on; the active one is retired at now. Written before returning.
  Status Rotate(Random& random, Timestamp now);

  const SigningKey& active() const { return entries_.back().key; }
  // Every key of the ring as a verification key with its signing window.
  TrustList trust_list() const;
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    SigningKey key;
    Timestamp created;
    std::optional<Timestamp> retired;
  };
  Status Save() const;
  std::filesystem::path path_;
  std::vector<Entry> entries_;
};

// A compact JWS (RFC 7515) of payload signed with EdDSA: what GET /api/v1/trust-list.jws serves.
std::string SignCompactJws(std::string_view payload, const SigningKey& key);
// The payload of a compact JWS whose EdDSA signature verifies under a key of trust (by kid).
Result<std::string> VerifyCompactJws(std::string_view jws, const TrustList& trust);

// The QR code of a token: alphanumeric mode, error correction level Q, a quiet zone of four
// modules. Errors (reason "qr") when the text is not QR-alphanumeric or too long for a QR code.
Result<std::string> QrSvg(std::string_view text);
// The same QR code as a greyscale PNG, scale pixels per module.
Result<std::string> QrPng(std::string_view text, int scale = 6);

}  // namespace credence::certs
