// The API description and the router must agree: every routed path is documented, and every
// documented operation is routed.
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "api/api.h"
#include "common/json.h"

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

}  // namespace
}  // namespace credence::api
