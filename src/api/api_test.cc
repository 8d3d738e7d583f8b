// The API description and the router must agree: every routed path is documented, and every
// documented operation is routed.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "api/api.h"
#include "api/api_internal.h"
#include "common/json.h"
#include "common/log.h"
#include "ids/ids.h"

namespace credence::api {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(OpenApi, DocumentsEveryRouteAndNothingElse) {
  auto catalog = policy::LoadCatalog(std::string(CREDENCE_SOURCE_DIR) + "/policy");
  ASSERT_TRUE(catalog) << catalog.error().ToString();
  Services services;
  services.catalog = &*catalog;
  MetricsRegistry metrics;
  services.metrics = &metrics;
  services.openapi_path = std::string(CREDENCE_SOURCE_DIR) + "/docs/openapi.json";
  http::Router router;
  RegisterRoutes(router, services);

  auto document = ParseJson(ReadFile(services.openapi_path.string()));
  ASSERT_TRUE(document) << document.error().ToString();
  const JsonValue* paths = document->Find("paths");
  ASSERT_NE(paths, nullptr);
  std::set<std::string> documented;
  for (const auto& [path, operations] : paths->as_object()) {
    for (const auto& [method, operation] : operations.as_object()) {
      std::string upper;
      for (char c : method) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(upper + " " + path);
      EXPECT_NE(operation.Find("responses"), nullptr) << upper << " " << path;
      EXPECT_NE(operation.Find("summary"), nullptr) << upper << " " << path;
    }
  }
  std::set<std::string> routed;
  for (const std::string& route : router.Routes()) routed.insert(route);
  for (const std::string& route : routed) {
    EXPECT_TRUE(documented.count(route)) << "routed but not in docs/openapi.json: " << route;
  }
  for (const std::string& route : documented) {
    EXPECT_TRUE(routed.count(route)) << "documented but not routed: " << route;
  }
  EXPECT_GE(routed.size(), 14u);
}

// --- the authorisation matrix: every registered route × every role ---

constexpr Timestamp kNow = Timestamp::FromSeconds(1'795'320'000);  // 2026-11-22T04:00:00Z

class AuthorisationMatrix : public ::testing::Test {
 protected:
  AuthorisationMatrix() : clock_(kNow), random_(11) {}

  void SetUp() override {
    SetLogLevel(LogLevel::kError);
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("credence_matrix_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    auto catalog = policy::LoadCatalog(std::string(CREDENCE_SOURCE_DIR) + "/policy");
    ASSERT_TRUE(catalog) << catalog.error().ToString();
    catalog_ = std::move(*catalog);
    auto store = store::Store::Open("sqlite:" + (dir_ / "credence.db").string());
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
    authenticator_ = std::make_unique<auth::Authenticator>(*store_, clock_);
    ingestor_ = std::make_unique<ingest::Ingestor>(*store_, catalog_, clock_);
    files_ = std::make_unique<files::CreditFiles>(*store_, catalog_, clock_);
    auto lists = lists::ListCatalog::Load(catalog_);
    ASSERT_TRUE(lists);
    lists_ = std::make_unique<lists::ListCatalog>(std::move(*lists));
    auto models = rating::LoadRatingModels(catalog_);
    ASSERT_TRUE(models);
    models_ = std::make_unique<rating::RatingModels>(std::move(*models));
    services_.store = store_.get();
    services_.catalog = &catalog_;
    services_.clock = &clock_;
    services_.random = &random_;
    services_.authenticator = authenticator_.get();
    services_.index = &index_;
    services_.ingestor = ingestor_.get();
    services_.files = files_.get();
    services_.metrics = &metrics_;
    services_.lists = lists_.get();
    services_.rating_models = models_.get();
    services_.openapi_path = std::string(CREDENCE_SOURCE_DIR) + "/docs/openapi.json";
    for (auth::Role role : {auth::Role::kSubject, auth::Role::kDepartment, auth::Role::kLender,
                            auth::Role::kOperator, auth::Role::kAuditor}) {
      auto token = auth::CreateToken(
          *store_, random_, clock_, role, role == auth::Role::kDepartment ? "court" : "", "",
          "matrix", "test",
          role == auth::Role::kSubject ? ids::CompleteUscc("9133030212345678") : "");
      ASSERT_TRUE(token) << token.error().ToString();
      tokens_[static_cast<size_t>(role)] = token->secret;
    }
  }
  void TearDown() override {
    files_.reset();
    ingestor_.reset();
    authenticator_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  FixedClock clock_;
  SeededRandom random_;
  std::filesystem::path dir_;
  policy::Catalog catalog_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  std::unique_ptr<ingest::Ingestor> ingestor_;
  std::unique_ptr<files::CreditFiles> files_;
  std::unique_ptr<lists::ListCatalog> lists_;
  std::unique_ptr<rating::RatingModels> models_;
  search::SubjectIndex index_;
  MetricsRegistry metrics_;
  Services services_;
  std::array<std::string, 6> tokens_;  // by role; the public has none
};

// A concrete path for a route pattern: every {param} becomes a plausible value.
std::string ConcretePath(std::string_view pattern) {
  std::string path;
  size_t at = 0;
  while (at < pattern.size()) {
    size_t open = pattern.find('{', at);
    if (open == std::string_view::npos) {
      path.append(pattern.substr(at));
      break;
    }
    size_t close = pattern.find('}', open);
    path.append(pattern.substr(at, open - at));
    std::string_view name = pattern.substr(open + 1, close - open - 1);
    path += name == "code" ? "91330302MA2AB1CD2X" : name == "batch" ? "b-000001" : "1";
    at = close + 1;
  }
  return path;
}

TEST_F(AuthorisationMatrix, EveryRouteHasADecisionForEveryRoleAndTheGuardKeepsIt) {
  http::Router router;
  RegisterRoutes(router, services_);
  std::set<std::string> registered;
  int checked = 0;
  for (const http::Router::RouteInfo& info : router.List()) {
    std::string route = fmt::format("{} {}", http::MethodName(info.method), info.pattern);
    registered.insert(route);
    const RouteAccess* access = FindRouteAccess(info.method, info.pattern);
    if (access == nullptr) {
      ADD_FAILURE() << "no authorisation decision for " << route
                    << ": add a line to kPolicy in src/api/access_policy.cc";
      continue;
    }
    for (size_t role = 0; role < access->by_role.size(); ++role) {
      std::string path = ConcretePath(info.pattern);
      http::Router::Match match = router.Find(info.method, path);
      ASSERT_NE(match.handler, nullptr) << route;
      http::Request request;
      request.method = info.method;
      request.path = path;
      request.target = path;
      request.params = match.params;
      request.remote_address = "10.9.9.9";
      request.headers.emplace_back("x-purpose", "authorisation matrix test");
      if (role != 0) request.headers.emplace_back("authorization", "Bearer " + tokens_[role]);
      http::Response response = (*match.handler)(request);
      std::string who(auth::RoleKey(static_cast<auth::Role>(role)));
      bool refused_by_policy = response.body.find("role_not_allowed") != std::string::npos ||
                               (role == 0 && response.status == 401);
      if (access->by_role[role] == Access::kDeny) {
        EXPECT_EQ(response.status, role == 0 ? 401 : 403) << route << " as " << who;
        EXPECT_TRUE(refused_by_policy) << route << " as " << who << ": " << response.body;
      } else {
        EXPECT_FALSE(refused_by_policy) << route << " as " << who << ": " << response.body;
        EXPECT_NE(response.status, 401) << route << " as " << who << ": " << response.body;
      }
      ++checked;
    }
  }
  for (const RouteAccess& access : AccessPolicy()) {
    EXPECT_TRUE(registered.count(std::string(access.route)))
        << "a decision for a route that does not exist: " << access.route;
  }
  EXPECT_GE(checked, 6 * 20);
}

TEST_F(AuthorisationMatrix, ARouteWithoutADecisionServesNobody) {
  http::Router router;
  RegisterRoutes(router, services_);
  router.Add(http::Method::kGet, "/api/v1/undecided",
             [](const http::Request&) { return http::Response::Json("{}"); });
  http::Router::Match match = router.Find(http::Method::kGet, "/api/v1/undecided");
  ASSERT_NE(match.handler, nullptr);
  http::Request request;
  request.headers.emplace_back("authorization", "Bearer " + tokens_[4]);
  EXPECT_EQ((*match.handler)(request).status, 403);
  EXPECT_EQ((*match.handler)(http::Request{}).status, 403);
}

}  // namespace
}  // namespace credence::api
