// Certificates: issuing for a subject, verifying with the current status, the trust list.
#include <fmt/format.h>

#include "api/api_internal.h"
#include "ids/ids.h"
#include "lists/lists.h"

namespace credence::api {
namespace {

using http::Method;
using http::Request;
using http::Response;

// Tokens are a few hundred characters; anything far longer is not one of ours.
constexpr size_t kMaxTokenBytes = 8192;

Status RequireCertificates(const Services& s) {
  if (s.key_ring == nullptr || s.trust == nullptr) {
    return Fail(Error::Unavailable("certificates are not configured on this server"));
  }
  return OkStatus();
}

// Where the subject stands today: its level (from the rating, computed in one place) and
// whether it is on an active blacklist.
struct Standing {
  std::optional<rating::Level> level;
  bool blacklisted = false;
};

Result<Standing> CurrentStanding(Services& s, const store::Subject& subject, Date today) {
  Standing standing;
  CREDENCE_ASSIGN_OR_RETURN(auto rating, RateSubject(s, auth::Principal{}, subject, today));
  if (rating) standing.level = rating->level;
  CREDENCE_ASSIGN_OR_RETURN(std::vector<store::Record> records, AllRecords(*s.store, subject.id));
  for (const lists::Membership& m : lists::DeriveMemberships(*s.lists, subject, records, today)) {
    if (m.active && m.list->type == lists::ListType::kBlacklist) standing.blacklisted = true;
  }
  return standing;
}

Result<Response> IssueCertificate(Services& s, const Request& request) {
  CREDENCE_RETURN_IF_ERROR(RequireCertificates(s));
  CREDENCE_ASSIGN_OR_RETURN(
      auth::Principal caller,
      RequireRole(s, request,
                  {auth::Role::kSubject, auth::Role::kDepartment, auth::Role::kOperator}));
  std::string code = ids::NormalizeCode(request.Param("code"));
  if (caller.role == auth::Role::kSubject && caller.subject_code != code) {
    return Fail(Error::PermissionDenied("a subject may request certificates only for itself"));
  }
  CREDENCE_ASSIGN_OR_RETURN(auto subject, s.store->FindSubjectByCode(code));
  if (!subject) return Fail(Error::NotFound(fmt::format("no credit file for code {}", code)));
  Timestamp now = s.clock->Now();
  Date today = now.ShanghaiDate();
  CREDENCE_ASSIGN_OR_RETURN(Standing standing, CurrentStanding(s, *subject, today));
  if (!standing.level) {
    return Fail(Error::FailedPrecondition(
        "not_rated",
        fmt::format("the policy rates no subject of kind {}", ids::SubjectKindKey(subject->kind))));
  }
  if (standing.blacklisted) {
    return Fail(Error::FailedPrecondition(
        "blacklisted", "a subject on a blacklist is issued no credit certificate"));
  }
  certs::Certificate certificate;
  certificate.serial = fmt::format("CC{:04}{:02}{:02}-{:016X}", today.year(), today.month(),
                                   today.day(), s.random->Next());
  certificate.code = subject->code;
  certificate.name = subject->name;
  certificate.level = std::string(rating::LevelKey(*standing.level));
  certificate.evaluated = today;
  certificate.issuer_name = s.platform_name;
  certificate.issuer = s.platform_id;
  certificate.issued_at = Timestamp::FromSeconds(now.seconds());
  certificate.expires = Timestamp::FromSeconds(now.seconds() + int64_t{s.certificate_days} * 86400);
  std::string token = certs::IssueToken(certificate, s.key_ring->active());
  store::IssuedCertificate issued;
  issued.serial = certificate.serial;
  issued.subject_code = certificate.code;
  issued.type = certificate.type;
  issued.level = certificate.level;
  issued.token = token;
  issued.issued_at = certificate.issued_at;
  issued.expires_at = certificate.expires;
  CREDENCE_ASSIGN_OR_RETURN(auto txn, s.store->BeginWrite());
  CREDENCE_RETURN_IF_ERROR(txn->InsertCertificate(issued));
  CREDENCE_RETURN_IF_ERROR(txn->Commit());

  JsonWriter json;
  json.StartObject();
  json.Key("serial");
  json.String(certificate.serial);
  json.Key("token");
  json.String(token);
  json.Key("expires");
  json.String(certificate.expires.ToString());
  json.Key("level");
  json.String(certificate.level);
  json.EndObject();
  return Response::Json(json.Take(), 201);
}

// The status of a certificate that verifies: superseded when the subject's level has changed
// since, revoked when it is on a blacklist now. Certificates of other platforms, and subjects
// this platform does not know, keep "valid": only their issuer knows more.
Result<std::string_view> CurrentStatus(Services& s, const certs::Certificate& certificate) {
  if (certificate.issuer != s.platform_id || certificate.type != "certificate") return "valid";
  CREDENCE_ASSIGN_OR_RETURN(auto subject, s.store->FindSubjectByCode(certificate.code));
  if (!subject) return "valid";
  CREDENCE_ASSIGN_OR_RETURN(Standing standing, CurrentStanding(s, *subject, s.clock->Today()));
  if (standing.blacklisted) return "revoked";
  if (!standing.level || rating::LevelKey(*standing.level) != certificate.level) {
    return "superseded";
  }
  return "valid";
}

// Verifies token now and gives its status: valid, expired, revoked, superseded or invalid.
Result<std::string_view> VerifyWithStatus(Services& s, std::string_view token,
                                          certs::CertificateVerification& result) {
  result = certs::VerifyCertificate(token, *s.trust, s.clock->Now());
  if (result.token.valid && result.certificate) return CurrentStatus(s, *result.certificate);
  if (result.token.failed_step == certs::VerifyStep::kExpired) return "expired";
  return "invalid";
}

Result<Response> VerifyCertificate(Services& s, const Request& request) {
  CREDENCE_RETURN_IF_ERROR(RequireCertificates(s));
  if (request.body.size() > kMaxTokenBytes + 64) {
    return Fail(Error::ResourceExhausted("too_large", "a certificate token is at most 8 KiB"));
  }
  CREDENCE_ASSIGN_OR_RETURN(JsonValue body, ParseJson(request.body));
  auto token = body.GetString("token");
  if (!token) return Fail(Error::InvalidArgument("body", "expected {\"token\": \"CC1:…\"}"));
  certs::CertificateVerification result;
  CREDENCE_ASSIGN_OR_RETURN(std::string_view status, VerifyWithStatus(s, *token, result));
  JsonValue out = certs::VerificationToJson(result);
  out.Set("valid", status == "valid");
  out.Set("status", std::string(status));
  return Response::Json(ToJson(out));
}

Result<store::IssuedCertificate> FindIssued(Services& s, const Request& request) {
  CREDENCE_RETURN_IF_ERROR(RequireCertificates(s));
  std::string_view serial = request.Param("serial");
  if (serial.size() > 64) return Fail(Error::NotFound("no certificate with this serial"));
  CREDENCE_ASSIGN_OR_RETURN(auto issued, s.store->FindCertificate(serial));
  if (!issued) return Fail(Error::NotFound(fmt::format("no certificate with serial {}", serial)));
  return std::move(*issued);
}

// A stored certificate with its status now: the token verified as any other (so a rotated-out
// or distrusted key shows), then the subject's current standing.
Result<Response> GetCertificate(Services& s, const Request& request) {
  CREDENCE_ASSIGN_OR_RETURN(store::IssuedCertificate issued, FindIssued(s, request));
  certs::CertificateVerification result;
  CREDENCE_ASSIGN_OR_RETURN(std::string_view status, VerifyWithStatus(s, issued.token, result));
  JsonValue out = JsonValue::Object{};
  out.Set("serial", issued.serial);
  out.Set("code", issued.subject_code);
  out.Set("type", issued.type);
  out.Set("level", issued.level);
  out.Set("issued_at", issued.issued_at.ToString());
  out.Set("expires", issued.expires_at.ToString());
  out.Set("status", std::string(status));
  out.Set("token", issued.token);
  return Response::Json(ToJson(out));
}

Result<Response> GetQr(Services& s, const Request& request, bool png) {
  CREDENCE_ASSIGN_OR_RETURN(store::IssuedCertificate issued, FindIssued(s, request));
  if (png) {
    CREDENCE_ASSIGN_OR_RETURN(std::string image, certs::QrPng(issued.token));
    return Response::Text(std::move(image), "image/png");
  }
  CREDENCE_ASSIGN_OR_RETURN(std::string image, certs::QrSvg(issued.token));
  return Response::Text(std::move(image), "image/svg+xml");
}

std::string OwnTrustList(Services& s) { return ToJson(s.key_ring->trust_list().ToJwkSet()); }

}  // namespace

void RegisterCertificateRoutes(http::Router& router, Services& services) {
  Services* s = &services;
  router.Add(Method::kPost, "/api/v1/subjects/{code}/certificates",
             [s](const Request& r) { return Handle([&] { return IssueCertificate(*s, r); }); });
  router.Add(Method::kPost, "/api/v1/certificates/verify",
             [s](const Request& r) { return Handle([&] { return VerifyCertificate(*s, r); }); });
  router.Add(Method::kGet, "/api/v1/certificates/{serial}",
             [s](const Request& r) { return Handle([&] { return GetCertificate(*s, r); }); });
  router.Add(Method::kGet, "/api/v1/certificates/{serial}/qr.png",
             [s](const Request& r) { return Handle([&] { return GetQr(*s, r, true); }); });
  router.Add(Method::kGet, "/api/v1/certificates/{serial}/qr.svg",
             [s](const Request& r) { return Handle([&] { return GetQr(*s, r, false); }); });
  router.Add(Method::kGet, "/api/v1/trust-list", [s](const Request&) {
    return Handle([&]() -> Result<Response> {
      CREDENCE_RETURN_IF_ERROR(RequireCertificates(*s));
      return Response::Text(OwnTrustList(*s), "application/jwk-set+json");
    });
  });
  router.Add(Method::kGet, "/api/v1/trust-list.jws", [s](const Request&) {
    return Handle([&]() -> Result<Response> {
      CREDENCE_RETURN_IF_ERROR(RequireCertificates(*s));
      return Response::Text(certs::SignCompactJws(OwnTrustList(*s), s->key_ring->active()),
                            "application/jose");
    });
  });
}

}  // namespace credence::api
