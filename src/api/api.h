// The HTTP API (/api/v1): translates requests into calls on the domain modules and their
// results into JSON. No domain rule lives here. docs/openapi.json describes every route.
#pragma once

#include <filesystem>
#include <string>

#include "auth/auth.h"
#include "common/metrics.h"
#include "common/random.h"
#include "common/time.h"
#include "files/files.h"
#include "http/http.h"
#include "ingest/ingest.h"
#include "lists/lists.h"
#include "policy/policy.h"
#include "rating/rating.h"
#include "search/search.h"
#include "store/store.h"

namespace credence::api {

// Everything the handlers call; owned by the application, alive while the server runs.
struct Services {
  store::Store* store = nullptr;
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
  std::filesystem::path openapi_path;  // docs/openapi.json
  std::string version;                 // build version for /healthz
};

void RegisterRoutes(http::Router& router, Services& services);

}  // namespace credence::api
