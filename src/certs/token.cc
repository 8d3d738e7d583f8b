#include <algorithm>

#include "certs/certs.h"
#include "certs/codec.h"
#include "common/hash.h"

namespace credence::certs {
namespace {

constexpr uint64_t kCoseSign1Tag = 18;
constexpr uint64_t kCwtTag = 61;
constexpr int64_t kHeaderAlg = 1;
constexpr int64_t kHeaderKid = 4;
constexpr int64_t kClaimIssuer = 1;
constexpr int64_t kClaimExpires = 4;
constexpr int64_t kClaimIssuedAt = 6;

// The Sig_structure of RFC 9052 §4.4: ["Signature1", protected, external_aad = h'', payload].
std::string SigStructure(std::string_view protected_header, std::string_view payload) {
  std::string out;
  out.reserve(protected_header.size() + payload.size() + 24);
  AppendCborHead(out, 4, 4);
  AppendCborText(out, "Signature1");
  AppendCborBytes(out, protected_header);
  AppendCborBytes(out, "");
  AppendCborBytes(out, payload);
  return out;
}

TokenVerification Failed(TokenVerification result, VerifyStep step, std::string detail) {
  result.valid = false;
  result.failed_step = step;
  result.detail = std::move(detail);
  return result;
}

std::optional<Timestamp> SecondsClaim(const CborValue& claims, int64_t label) {
  const CborValue* v = claims.Find(label);
  if (v == nullptr) return std::nullopt;
  if (v->is_int()) return Timestamp::FromSeconds(v->as_int());
  if (v->type() == CborValue::Type::kFloat) {
    return Timestamp::FromSeconds(static_cast<int64_t>(v->as_float()));
  }
  return std::nullopt;
}

}  // namespace

std::string_view VerifyStepName(VerifyStep step) {
  switch (step) {
    case VerifyStep::kPrefix: return "prefix";
    case VerifyStep::kBase45: return "base45";
    case VerifyStep::kZlib: return "zlib";
    case VerifyStep::kCbor: return "cbor";
    case VerifyStep::kCose: return "cose";
    case VerifyStep::kUnknownKey: return "unknown_key";
    case VerifyStep::kSignature: return "signature";
    case VerifyStep::kNotYetValid: return "not_yet_valid";
    case VerifyStep::kExpired: return "expired";
  }
  return "unknown";
}

std::vector<const VerificationKey*> TrustList::Find(std::string_view kid) const {
  std::vector<const VerificationKey*> found;
  for (const VerificationKey& key : keys_) {
    if (key.kid() == kid) found.push_back(&key);
  }
  return found;
}

JsonValue TrustList::ToJwkSet() const {
  JsonValue::Array keys;
  for (const VerificationKey& key : keys_) keys.push_back(key.ToJwk());
  JsonValue set = JsonValue::Object{};
  set.Set("keys", std::move(keys));
  return set;
}

Status TrustList::AddJwkSet(const JsonValue& jwk_set) {
  const JsonValue* keys = jwk_set.Find("keys");
  if (keys == nullptr || !keys->is_array()) {
    return Fail(Error::InvalidArgument("trust_list", "a JWK Set has a \"keys\" array"));
  }
  std::vector<VerificationKey> parsed;
  for (size_t i = 0; i < keys->as_array().size(); ++i) {
    auto key = VerificationKey::FromJwk(keys->as_array()[i]);
    if (!key) return Fail(std::move(key).error().At(0, "keys[" + std::to_string(i) + "]"));
    parsed.push_back(std::move(*key));
  }
  for (VerificationKey& key : parsed) keys_.push_back(std::move(key));
  return OkStatus();
}

TokenVerification VerifyToken(std::string_view token, const TrustList& trust, Timestamp now,
                              std::string_view prefix) {
  TokenVerification result;
  if (!token.starts_with(prefix)) {
    return Failed(std::move(result), VerifyStep::kPrefix,
                  "the code does not start with " + std::string(prefix));
  }
  auto compressed = Base45Decode(token.substr(prefix.size()));
  if (!compressed)
    return Failed(std::move(result), VerifyStep::kBase45, compressed.error().message());
  auto cose_bytes = ZlibDecompress(*compressed);
  if (!cose_bytes)
    return Failed(std::move(result), VerifyStep::kZlib, cose_bytes.error().message());
  auto cose = DecodeCbor(*cose_bytes);
  if (!cose) return Failed(std::move(result), VerifyStep::kCbor, cose.error().message());

  // COSE structure: optionally CWT-tagged, optionally tag 18, then [protected, unprotected,
  // payload, signature].
  const CborValue* message = &*cose;
  if (message->is_tag() && message->tag() == kCwtTag) message = &message->tagged();
  if (message->is_tag()) {
    if (message->tag() != kCoseSign1Tag) {
      return Failed(std::move(result), VerifyStep::kCose,
                    "COSE: tag " + std::to_string(message->tag()) + " is not COSE_Sign1 (18)");
    }
    message = &message->tagged();
  }
  if (!message->is_array() || message->items().size() != 4) {
    return Failed(std::move(result), VerifyStep::kCose, "COSE: not a COSE_Sign1 array of four");
  }
  const CborValue& protected_bytes = message->items()[0];
  const CborValue& unprotected = message->items()[1];
  const CborValue& payload_bytes = message->items()[2];
  const CborValue& signature = message->items()[3];
  if (!protected_bytes.is_bytes() || !unprotected.is_map() || !payload_bytes.is_bytes() ||
      !signature.is_bytes()) {
    return Failed(std::move(result), VerifyStep::kCose, "COSE: a member has the wrong type");
  }
  CborValue protected_header = CborValue::MapOf({});
  if (!protected_bytes.as_string().empty()) {
    auto decoded = DecodeCbor(protected_bytes.as_string());
    if (!decoded) return Failed(std::move(result), VerifyStep::kCbor, decoded.error().message());
    if (!decoded->is_map()) {
      return Failed(std::move(result), VerifyStep::kCose, "COSE: protected header is not a map");
    }
    protected_header = std::move(*decoded);
  }
  // alg and kid are taken from the protected header, and only when absent there from the
  // unprotected one (which the signature does not cover, so a wrong kid there cannot mislead).
  auto header = [&](int64_t label) {
    const CborValue* value = protected_header.Find(label);
    return value != nullptr ? value : unprotected.Find(label);
  };
  const CborValue* alg = header(kHeaderAlg);
  if (alg == nullptr || !alg->is_int() ||
      (alg->as_int() != static_cast<int>(Algorithm::kEdDSA) &&
       alg->as_int() != static_cast<int>(Algorithm::kES256) &&
       alg->as_int() != static_cast<int>(Algorithm::kPS256))) {
    return Failed(std::move(result), VerifyStep::kCose,
                  "COSE: protected header has no supported alg (EdDSA, ES256, PS256)");
  }
  result.algorithm = static_cast<Algorithm>(alg->as_int());
  const CborValue* kid = header(kHeaderKid);
  if (kid == nullptr || !kid->is_bytes()) {
    return Failed(std::move(result), VerifyStep::kCose, "COSE: no kid in the headers");
  }
  result.kid = kid->as_string();

  auto payload = DecodeCbor(payload_bytes.as_string());
  if (!payload) return Failed(std::move(result), VerifyStep::kCbor, payload.error().message());
  if (!payload->is_map()) {
    return Failed(std::move(result), VerifyStep::kCose,
                  "COSE: the payload is not a CWT claims map");
  }
  CwtClaims claims;
  if (const CborValue* iss = payload->Find(kClaimIssuer); iss != nullptr && iss->is_text()) {
    claims.issuer = iss->as_string();
  }
  claims.issued_at = SecondsClaim(*payload, kClaimIssuedAt);
  claims.expires = SecondsClaim(*payload, kClaimExpires);
  claims.payload = std::move(*payload);
  result.claims = std::move(claims);

  std::vector<const VerificationKey*> candidates = trust.Find(result.kid);
  std::erase_if(candidates,
                [&](const VerificationKey* key) { return key->algorithm() != *result.algorithm; });
  if (candidates.empty()) {
    return Failed(std::move(result), VerifyStep::kUnknownKey,
                  "no trusted " + std::string(AlgorithmName(*result.algorithm)) + " key has kid " +
                      Base64UrlEncode(result.kid));
  }
  // A key signs only within its validity: a certificate whose issue time lies outside it was not
  // signed by a trusted key (a rotated-out key cannot sign new certificates).
  Timestamp signed_at = result.claims->issued_at.value_or(now);
  std::erase_if(candidates, [&](const VerificationKey* key) {
    return (key->not_before() && signed_at < *key->not_before()) ||
           (key->expires() && signed_at > *key->expires());
  });
  if (candidates.empty()) {
    return Failed(std::move(result), VerifyStep::kUnknownKey,
                  "the key " + Base64UrlEncode(result.kid) + " was not valid at the issue time");
  }
  std::string to_verify = SigStructure(protected_bytes.as_string(), payload_bytes.as_string());
  bool verified = std::any_of(
      candidates.begin(), candidates.end(),
      [&](const VerificationKey* key) { return key->Verify(to_verify, signature.as_string()); });
  if (!verified)
    return Failed(std::move(result), VerifyStep::kSignature, "the signature does not verify");

  if (result.claims->issued_at && now < *result.claims->issued_at) {
    return Failed(std::move(result), VerifyStep::kNotYetValid,
                  "issued at " + result.claims->issued_at->ToString() + ", after now");
  }
  if (result.claims->expires && now >= *result.claims->expires) {
    return Failed(std::move(result), VerifyStep::kExpired,
                  "expired at " + result.claims->expires->ToString());
  }
  result.valid = true;
  return result;
}

std::string SignToken(const CborValue& claims, const SigningKey& key, std::string_view prefix) {
  std::string protected_header;
  AppendCborHead(protected_header, 5, 2);
  AppendCborInt(protected_header, kHeaderAlg);
  AppendCborInt(protected_header, static_cast<int>(Algorithm::kEdDSA));
  AppendCborInt(protected_header, kHeaderKid);
  AppendCborBytes(protected_header, key.kid());
  std::string payload = EncodeCbor(claims);
  std::string signature = key.Sign(SigStructure(protected_header, payload));

  std::string cose;
  cose.reserve(protected_header.size() + payload.size() + 80);
  AppendCborHead(cose, 6, kCoseSign1Tag);
  AppendCborHead(cose, 4, 4);
  AppendCborBytes(cose, protected_header);
  AppendCborHead(cose, 5, 0);
  AppendCborBytes(cose, payload);
  AppendCborBytes(cose, signature);
  return std::string(prefix) + Base45Encode(ZlibCompress(cose));
}

CborValue CertificateClaims(const Certificate& c) {
  CborValue::Map body;
  body.emplace_back(CborValue::Text("v"), CborValue::Int(1));
  body.emplace_back(CborValue::Text("sn"), CborValue::Text(c.serial));
  body.emplace_back(CborValue::Text("type"), CborValue::Text(c.type));
  body.emplace_back(CborValue::Text("code"), CborValue::Text(c.code));
  body.emplace_back(CborValue::Text("name"), CborValue::Text(c.name));
  body.emplace_back(CborValue::Text("level"), CborValue::Text(c.level));
  body.emplace_back(CborValue::Text("evaluated"), CborValue::Text(c.evaluated.ToString()));
  body.emplace_back(CborValue::Text("issuer_name"), CborValue::Text(c.issuer_name));
  if (!c.digest.empty()) body.emplace_back(CborValue::Text("digest"), CborValue::Text(c.digest));
  CborValue::Map claims;
  claims.emplace_back(CborValue::Int(kClaimIssuer), CborValue::Text(c.issuer));
  claims.emplace_back(CborValue::Int(kClaimExpires), CborValue::Int(c.expires.seconds()));
  claims.emplace_back(CborValue::Int(kClaimIssuedAt), CborValue::Int(c.issued_at.seconds()));
  claims.emplace_back(CborValue::Int(kCertificateClaim), CborValue::MapOf(std::move(body)));
  return CborValue::MapOf(std::move(claims));
}

std::string IssueToken(const Certificate& certificate, const SigningKey& key) {
  return SignToken(CertificateClaims(certificate), key);
}

namespace {

Result<Certificate> ReadCertificate(const CwtClaims& claims) {
  auto bad = [](std::string what) {
    return Fail(Error::InvalidArgument("cbor", "certificate claim: " + std::move(what)));
  };
  const CborValue* body = claims.payload.Find(kCertificateClaim);
  if (body == nullptr || !body->is_map()) return bad("missing or not a map");
  const CborValue* version = body->Find("v");
  if (version == nullptr || !version->is_int() || version->as_int() != 1) return bad("v is not 1");
  Certificate c;
  struct Field {
    const char* name;
    std::string* out;
    bool required;
  };
  std::string evaluated;
  for (Field field :
       {Field{"sn", &c.serial, true}, Field{"type", &c.type, true}, Field{"code", &c.code, true},
        Field{"name", &c.name, true}, Field{"level", &c.level, true},
        Field{"evaluated", &evaluated, true}, Field{"issuer_name", &c.issuer_name, true},
        Field{"digest", &c.digest, false}}) {
    const CborValue* v = body->Find(field.name);
    if (v == nullptr) {
      if (field.required) return bad(std::string(field.name) + " missing");
      continue;
    }
    if (!v->is_text()) return bad(std::string(field.name) + " is not text");
    *field.out = v->as_string();
  }
  if (c.type != "certificate" && c.type != "report") return bad("type is " + c.type);
  auto date = Date::Parse(evaluated);
  if (!date) return bad("evaluated is not YYYY-MM-DD");
  c.evaluated = *date;
  if (!claims.issued_at || !claims.expires) return bad("iat or exp missing");
  c.issuer = claims.issuer;
  c.issued_at = *claims.issued_at;
  c.expires = *claims.expires;
  return c;
}

}  // namespace

CertificateVerification VerifyCertificate(std::string_view token, const TrustList& trust,
                                          Timestamp now) {
  CertificateVerification result;
  result.token = VerifyToken(token, trust, now);
  if (!result.token.claims) return result;
  auto certificate = ReadCertificate(*result.token.claims);
  if (!certificate) {
    result.token =
        Failed(std::move(result.token), VerifyStep::kCbor, certificate.error().message());
    return result;
  }
  result.certificate = std::move(*certificate);
  return result;
}

JsonValue CertificateToJson(const Certificate& c) {
  JsonValue out = JsonValue::Object{};
  out.Set("serial", c.serial);
  out.Set("type", c.type);
  out.Set("code", c.code);
  out.Set("name", c.name);
  out.Set("level", c.level);
  out.Set("evaluated", c.evaluated.ToString());
  out.Set("issuer_name", c.issuer_name);
  if (!c.digest.empty()) out.Set("digest", c.digest);
  out.Set("issuer", c.issuer);
  out.Set("issued_at", c.issued_at.ToString());
  out.Set("expires", c.expires.ToString());
  return out;
}

JsonValue VerificationToJson(const CertificateVerification& v) {
  JsonValue out = JsonValue::Object{};
  out.Set("valid", v.token.valid);
  out.Set("failed_step", v.token.failed_step
                             ? JsonValue(std::string(VerifyStepName(*v.token.failed_step)))
                             : JsonValue());
  out.Set("detail", v.token.detail);
  out.Set("claims", v.certificate ? CertificateToJson(*v.certificate) : JsonValue());
  return out;
}

}  // namespace credence::certs
