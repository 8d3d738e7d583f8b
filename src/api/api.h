// The HTTP API (/api/v1): translates requests into calls on the domain modules and their
// results into JSON. No domain rule lives here. docs/openapi.json describes every route.
#pragma once

#include <filesystem>
#include <string>

#include "audit/audit.h"
#include "auth/auth.h"
#include "certs/certs.h"
#include "checks/checks.h"
#include "common/metrics.h"
#include "common/random.h"
#include "common/time.h"
#include "dueprocess/dueprocess.h"
#include "files/files.h"
#include "http/http.h"
#include "ingest/ingest.h"
#include "lists/lists.h"
#include "policy/policy.h"
#include "quality/quality.h"
#include "rating/rating.h"
#include "search/search.h"
#include "store/store.h"

namespace credence::api {

// Everything the handlers call; owned by the application, alive while the server runs.
struct Services {
  store::Store* store = nullptr;
  // Subjects and record heads: the server's in-memory cache; RegisterRoutes sets it to the
  // store when left empty.
  store::SubjectReads* subjects = nullptr;
  const policy::Catalog* catalog = nullptr;
  const Clock* clock = nullptr;
  Random* random = nullptr;
  auth::Authenticator* authenticator = nullptr;
  search::SubjectIndex* index = nullptr;
  ingest::Ingestor* ingestor = nullptr;
  files::CreditFiles* files = nullptr;
  MetricsRegistry* metrics = nullptr;
  // Requests per token or session; nullptr: unlimited.
  auth::RateLimiter* rate_limiter = nullptr;
  // Loaded once with the policy; without them the rating routes answer 503.
  const lists::ListCatalog* lists = nullptr;
  const rating::RatingModels* rating_models = nullptr;
  // The Merkle-tree view of the audit log; without it the transparency routes answer 503.
  audit::TransparencyLog* transparency = nullptr;
  // Expected feed cadence for the data-quality dashboard; without it /quality answers 503.
  const quality::QualitySettings* quality = nullptr;
  // Objections, restoration and commitments; without it their routes answer 503.
  dueprocess::DueProcess* dueprocess = nullptr;
  const dueprocess::Settings* dueprocess_settings = nullptr;  // attachment limits of the routes
  // The measures of joint rewards and punishments; without them the check routes answer 503.
  const checks::MeasureCatalog* measures = nullptr;
  // Certificates: the platform's key ring (it signs), every key trusted for verification (ours
  // and other platforms' imported trust lists), the issuer id (CWT iss) and name, and how long
  // a certificate stays valid. Without a key ring the certificate routes answer 503.
  certs::KeyRing* key_ring = nullptr;
  const certs::TrustList* trust = nullptr;
  std::string platform_id = "credence";
  std::string platform_name = "Credence";
  int certificate_days = 30;
  std::filesystem::path openapi_path;  // docs/openapi.json
  std::string version;                 // build version for /healthz
};

void RegisterRoutes(http::Router& router, Services& services);

}  // namespace credence::api
