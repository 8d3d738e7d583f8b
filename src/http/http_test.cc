#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/json.h"
#include "http/http.h"
#include "http/http_internal.h"

namespace credence::http {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;

Response Text(std::string body) { return Response::Text(std::move(body), "text/plain"); }

// ---------------------------------------------------------------------------------------------
// Decoding

TEST(PercentDecodeTest, DecodesUtf8NamesAndKeepsMalformedEscapes) {
  EXPECT_EQ(PercentDecode("%E5%8C%97%E4%BA%AC%E5%B8%82"), "北京市");
  EXPECT_EQ(PercentDecode("a%2Fb%2fc"), "a/b/c");
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%4"), "%4");
  EXPECT_EQ(PercentDecode("%zz1"), "%zz1");
  EXPECT_EQ(PercentDecode("a+b"), "a+b");
  EXPECT_EQ(PercentDecode("a+b", /*plus_as_space=*/true), "a b");
}

TEST(ParseQueryTest, DecodesPairsInOrder) {
  EXPECT_THAT(ParseQuery("q=%E5%8C%97%E4%BA%AC+%E5%85%AC%E5%8F%B8&limit=20&flag&&empty=&q=2"),
              ElementsAre(Pair("q", "北京 公司"), Pair("limit", "20"), Pair("flag", ""),
                          Pair("empty", ""), Pair("q", "2")));
  EXPECT_THAT(ParseQuery("a%26b=c%3Dd"), ElementsAre(Pair("a&b", "c=d")));
  EXPECT_TRUE(ParseQuery("").empty());
}

TEST(RequestTest, HelpersFindFirstValues) {
  Request request;
  request.query = {{"a", "1"}, {"a", "2"}, {"empty", ""}};
  request.headers = {{"authorization", "Bearer x"}};
  request.params = {{"code", "91350100M000100Y43"}};
  EXPECT_EQ(request.Query("a"), "1");
  EXPECT_EQ(request.Query("empty"), "");
  EXPECT_EQ(request.Query("missing"), std::nullopt);
  EXPECT_EQ(request.Header("authorization"), "Bearer x");
  EXPECT_EQ(request.Header("cookie"), "");
  EXPECT_EQ(request.Param("code"), "91350100M000100Y43");
  EXPECT_EQ(request.Param("other"), "");
}

// ---------------------------------------------------------------------------------------------
// Router

TEST(RouterTest, MatchesParametersAndDecodesThem) {
  Router router;
  router.Add(Method::kGet, "/api/v1/subjects/{code}/records/{id}",
             [](const Request&) { return Text("records"); });
  const Router::Match match =
      router.Find(Method::kGet, "/api/v1/subjects/%E5%8C%97%E4%BA%AC/records/a%2Fb");
  ASSERT_NE(match.handler, nullptr);
  EXPECT_EQ(match.pattern, "/api/v1/subjects/{code}/records/{id}");
  EXPECT_THAT(match.params, ElementsAre(Pair("code", "北京"), Pair("id", "a/b")));
  EXPECT_EQ(match.route_index, 0);
  EXPECT_EQ((*match.handler)(Request{}).body, "records");
}

TEST(RouterTest, ParameterNeedsANonEmptySegmentAndSegmentCountsMustAgree) {
  Router router;
  router.Add(Method::kGet, "/api/v1/subjects/{code}", [](const Request&) { return Text(""); });
  EXPECT_EQ(router.Find(Method::kGet, "/api/v1/subjects/").handler, nullptr);
  EXPECT_EQ(router.Find(Method::kGet, "/api/v1/subjects").handler, nullptr);
  EXPECT_EQ(router.Find(Method::kGet, "/api/v1/subjects/a/b").handler, nullptr);
  EXPECT_NE(router.Find(Method::kGet, "/api/v1/subjects/a").handler, nullptr);
  EXPECT_EQ(router.Find(Method::kGet, "/").handler, nullptr);
  router.Add(Method::kGet, "/", [](const Request&) { return Text("root"); });
  EXPECT_EQ(router.Find(Method::kGet, "/").pattern, "/");
  EXPECT_EQ(router.Find(Method::kGet, "/x").handler, nullptr);
}

TEST(RouterTest, LiteralSegmentBeatsParameterWhateverTheOrder) {
  Router router;
  router.Add(Method::kGet, "/api/v1/subjects/{code}", [](const Request&) { return Text("param"); });
  router.Add(Method::kGet, "/api/v1/subjects/search", [](const Request&) { return Text("exact"); });
  router.Add(Method::kGet, "/x/{a}/c", [](const Request&) { return Text("late literal"); });
  router.Add(Method::kGet, "/x/b/{c}", [](const Request&) { return Text("early literal"); });

  Router::Match exact = router.Find(Method::kGet, "/api/v1/subjects/search");
  ASSERT_NE(exact.handler, nullptr);
  EXPECT_EQ((*exact.handler)(Request{}).body, "exact");
  EXPECT_TRUE(exact.params.empty());
  EXPECT_EQ(exact.route_index, 1);

  Router::Match param = router.Find(Method::kGet, "/api/v1/subjects/other");
  ASSERT_NE(param.handler, nullptr);
  EXPECT_EQ((*param.handler)(Request{}).body, "param");

  Router::Match leftmost = router.Find(Method::kGet, "/x/b/c");
  ASSERT_NE(leftmost.handler, nullptr);
  EXPECT_EQ((*leftmost.handler)(Request{}).body, "early literal");
}

TEST(RouterTest, LiteralSegmentsAreComparedDecoded) {
  Router router;
  router.Add(Method::kGet, "/api/v1/trust-list.jws", [](const Request&) { return Text("jws"); });
  EXPECT_NE(router.Find(Method::kGet, "/api/v1/trust%2Dlist.jws").handler, nullptr);
}

TEST(RouterTest, KnownPathWithOtherMethodIs405WithAllowedMethods) {
  Router router;
  router.Add(Method::kGet, "/api/v1/batches/{batch}", [](const Request&) { return Text(""); });
  router.Add(Method::kDelete, "/api/v1/batches/{batch}", [](const Request&) { return Text(""); });
  router.Add(Method::kPost, "/api/v1/batches", [](const Request&) { return Text(""); });

  const Router::Match wrong_method = router.Find(Method::kPut, "/api/v1/batches/b-1");
  EXPECT_EQ(wrong_method.handler, nullptr);
  EXPECT_TRUE(wrong_method.path_known);
  EXPECT_THAT(wrong_method.allowed_methods,
              ElementsAre(Method::kGet, Method::kHead, Method::kDelete));

  const Router::Match unknown = router.Find(Method::kGet, "/api/v1/nothing");
  EXPECT_EQ(unknown.handler, nullptr);
  EXPECT_FALSE(unknown.path_known);
  EXPECT_TRUE(unknown.allowed_methods.empty());
  EXPECT_EQ(unknown.route_index, -1);
}

TEST(RouterTest, HeadUsesTheGetRoute) {
  Router router;
  router.Add(Method::kGet, "/healthz", [](const Request&) { return Text("ok"); });
  const Router::Match match = router.Find(Method::kHead, "/healthz");
  ASSERT_NE(match.handler, nullptr);
  EXPECT_EQ(match.pattern, "/healthz");
}

TEST(RouterTest, ListsRoutesAsMethodAndPattern) {
  Router router;
  router.Add(Method::kGet, "/api/v1/subjects/{code}", [](const Request&) { return Text(""); });
  RouteOptions upload;
  upload.blocking = true;
  upload.max_body_bytes = 64 << 20;
  router.Add(
      Method::kPost, "/api/v1/ingest/batches", [](const Request&) { return Text(""); }, upload);
  EXPECT_THAT(router.Routes(),
              ElementsAre("GET /api/v1/subjects/{code}", "POST /api/v1/ingest/batches"));
  const std::vector<Router::RouteInfo> list = router.List();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1].method, Method::kPost);
  EXPECT_TRUE(list[1].options.blocking);
  EXPECT_EQ(list[1].options.max_body_bytes, 64 << 20);
}

// ---------------------------------------------------------------------------------------------
// Errors

TEST(ErrorMappingTest, EveryCodeHasItsStatus) {
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kConflict), 409);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kFailedPrecondition), 409);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInternal), 500);
  EXPECT_EQ(HttpStatusFor(Error::ResourceExhausted("too_large", "big")), 413);
  EXPECT_EQ(HttpStatusFor(Error::ResourceExhausted("rate", "slow down")), 429);
}

TEST(ErrorBodyTest, HasCodeReasonMessageAndDetails) {
  Error error = Error::InvalidArgument("rows", "2 rows are invalid");
  error.AddDetail(Error::InvalidArgument("checksum", "bad check digit").At(7, "subject.code"));
  error.AddDetail(Error::InvalidArgument("missing", "no name"));
  const Response response = Response::FromError(error);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.content_type, "application/json; charset=utf-8");
  EXPECT_EQ(response.body,
            R"({"error":{"code":"invalid_argument","reason":"rows","message":"2 rows are invalid",)"
            R"("details":[{"line":7,"field":"subject.code","reason":"checksum",)"
            R"("message":"bad check digit"},{"reason":"missing","message":"no name"}]}})");
}

TEST(ErrorBodyTest, NoDetailsGivesEmptyListAndUnauthenticatedAsksForBearer) {
  const Response response = Response::FromError(Error::Unauthenticated("token expired"));
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(response.body, R"({"error":{"code":"unauthenticated","reason":"unauthenticated",)"
                           R"("message":"token expired","details":[]}})");
  EXPECT_THAT(response.headers, ElementsAre(Pair("WWW-Authenticate", "Bearer")));
  EXPECT_TRUE(Response::FromError(Error::NotFound("x")).headers.empty());
}

// ---------------------------------------------------------------------------------------------
// Static files

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "credence-http-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }
  void Write(const std::string& relative, const std::string& content) const {
    const std::filesystem::path file = path_ / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
  }

 private:
  std::filesystem::path path_;
};

// A portal in <tmp>/site and a secret beside it, outside the served folder.
class StaticSite {
 public:
  StaticSite() {
    dir_.Write("site/index.html", "<html>portal</html>");
    dir_.Write("site/assets/app-3f2a.js", "console.log('app')");
    dir_.Write("site/assets/app-3f2a.css", "body{}");
    dir_.Write("site/favicon.ico", "ico");
    dir_.Write("site/.env", "HIDDEN=1");
    dir_.Write("secret.txt", "top secret");
    std::filesystem::create_symlink(dir_.path() / "secret.txt", dir_.path() / "site/link.txt");
  }
  std::filesystem::path root() const { return std::filesystem::canonical(dir_.path() / "site"); }

 private:
  TempDir dir_;
};

TEST(StaticFilesTest, ServesFilesWithTypesAndCaching) {
  StaticSite site;
  using internal::StaticOutcome;
  const auto asset = internal::ResolveStaticFile(site.root(), "/assets/app-3f2a.js");
  ASSERT_EQ(asset.outcome, StaticOutcome::kFound);
  EXPECT_EQ(asset.file, site.root() / "assets/app-3f2a.js");
  EXPECT_EQ(asset.content_type, "text/javascript; charset=utf-8");
  EXPECT_THAT(std::string(asset.cache_control), HasSubstr("immutable"));

  const auto root = internal::ResolveStaticFile(site.root(), "/");
  ASSERT_EQ(root.outcome, StaticOutcome::kFound);
  EXPECT_EQ(root.file, site.root() / "index.html");
  EXPECT_EQ(root.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(root.cache_control, "no-cache");

  EXPECT_EQ(internal::ResolveStaticFile(site.root(), "/favicon.ico").content_type, "image/x-icon");
}

TEST(StaticFilesTest, UnknownPagesLoadThePortalButMissingAssetsAndApiDoNot) {
  StaticSite site;
  using internal::StaticOutcome;
  const auto page = internal::ResolveStaticFile(site.root(), "/subjects/北京/records");
  ASSERT_EQ(page.outcome, StaticOutcome::kFound);
  EXPECT_EQ(page.file, site.root() / "index.html");
  EXPECT_EQ(internal::ResolveStaticFile(site.root(), "/assets/gone.js").outcome,
            StaticOutcome::kNotFound);
  EXPECT_EQ(internal::ResolveStaticFile(site.root(), "/api/v1/unknown").outcome,
            StaticOutcome::kNotFound);
}

TEST(StaticFilesTest, NeverLeavesTheRoot) {
  StaticSite site;
  using internal::StaticOutcome;
  EXPECT_EQ(internal::ResolveStaticFile(site.root(), "/../secret.txt").outcome,
            StaticOutcome::kBadPath);
  EXPECT_EQ(internal::ResolveStaticFile(site.root(), "/assets/../../secret.txt").outcome,
            StaticOutcome::kBadPath);
  EXPECT_EQ(internal::ResolveStaticFile(site.root(), "/..\\secret.txt").outcome,
            StaticOutcome::kBadPath);
  EXPECT_EQ(internal::ResolveStaticFile(site.root(), std::string_view("/a\0b", 4)).outcome,
            StaticOutcome::kBadPath);
  // A symlink out of the root and a hidden file are not served; the portal loads instead.
  EXPECT_EQ(internal::ResolveStaticFile(site.root(), "/link.txt").file, site.root() / "index.html");
  EXPECT_EQ(internal::ResolveStaticFile(site.root(), "/.env").file, site.root() / "index.html");
}

TEST(StaticFilesTest, ContentTypes) {
  EXPECT_EQ(internal::ContentTypeFor("a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(internal::ContentTypeFor("a.svg"), "image/svg+xml");
  EXPECT_EQ(internal::ContentTypeFor("a.PNG"), "image/png");
  EXPECT_EQ(internal::ContentTypeFor("a.json"), "application/json; charset=utf-8");
  EXPECT_EQ(internal::ContentTypeFor("a.woff2"), "font/woff2");
  EXPECT_EQ(internal::ContentTypeFor("a.js.map"), "application/json; charset=utf-8");
  EXPECT_EQ(internal::ContentTypeFor("a.bin"), "application/octet-stream");
}

// ---------------------------------------------------------------------------------------------
// A real server

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// A blocking HTTP/1.1 client over one TCP connection, enough to read Content-Length answers.
class Connection {
 public:
  explicit Connection(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{5, 0};  // a broken server fails the test instead of hanging it
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~Connection() { close(fd_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool connected() const { return connected_; }

  void Send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t sent = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (sent <= 0) return;
      data.remove_prefix(static_cast<size_t>(sent));
    }
  }

  // Reads one answer; status 0 when the connection closed or timed out first.
  HttpReply Read(bool head_request = false) {
    HttpReply reply;
    size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return reply;
    }
    const std::string head = buffer_.substr(0, header_end);
    buffer_.erase(0, header_end + 4);
    size_t line_end = head.find("\r\n");
    const std::string status_line = head.substr(0, line_end);
    reply.status = std::stoi(status_line.substr(status_line.find(' ') + 1, 3));
    while (line_end != std::string::npos) {
      const size_t next = head.find("\r\n", line_end + 2);
      const std::string line = head.substr(line_end + 2, next - line_end - 2);
      line_end = next;
      const size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t value_start = colon + 1;
      while (value_start < line.size() && line[value_start] == ' ') ++value_start;
      reply.headers[name] = line.substr(value_start);
    }
    const size_t length = head_request ? 0 : std::stoul("0" + reply.Header("content-length"));
    while (buffer_.size() < length) {
      if (!Fill()) return HttpReply{};
    }
    reply.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return reply;
  }

  // True when the server closed the connection (reads end) without sending anything more.
  bool ClosedByServer() {
    char byte;
    return recv(fd_, &byte, 1, 0) == 0;
  }

 private:
  bool Fill() {
    char chunk[4096];
    const ssize_t received = recv(fd_, chunk, sizeof chunk, 0);
    if (received <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(received));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

std::string Get(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra_headers) +
         "\r\n";
}

std::string Post(std::string_view target, std::string_view body) {
  return "POST " + std::string(target) +
         " HTTP/1.1\r\nHost: test\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         std::string(body);
}

// Runs a Server on an ephemeral port in a thread for one test.
class RunningServer {
 public:
  RunningServer(const Router& router, ServerOptions options = {}) {
    options.address = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<Server>(options, router, metrics_);
    std::promise<uint16_t> listening;
    std::future<uint16_t> port = listening.get_future();
    thread_ = std::thread([this, &listening] {
      status_ = server_->Run([&listening](uint16_t bound) { listening.set_value(bound); });
      if (!status_) listening.set_value(0);
    });
    port_ = port.get();
  }
  ~RunningServer() { StopAndJoin(); }

  uint16_t port() const { return port_; }
  MetricsRegistry& metrics() { return metrics_; }
  Server& server() { return *server_; }

  // Returns Run's status.
  Status StopAndJoin() {
    if (thread_.joinable()) {
      server_->Stop();
      thread_.join();
    }
    return status_;
  }
  // Waits for Run to return by itself (after a signal).
  Status Join() {
    thread_.join();
    return status_;
  }

 private:
  MetricsRegistry metrics_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  uint16_t port_ = 0;
  Status status_;
};

// Builds the JSON echo of what a handler saw.
Response Echo(const Request& request) {
  JsonWriter writer;
  writer.StartObject()
      .Field("method", MethodName(request.method))
      .Field("path", request.path)
      .Field("target", request.target)
      .Field("code", request.Param("code"))
      .Field("q", std::string(request.Query("q").value_or("-")))
      .Field("agent", request.Header("x-agent"))
      .Field("body", request.body)
      .Field("remote", request.remote_address)
      .EndObject();
  return Response::Json(writer.Take());
}

TEST(ServerTest, BindsAnEphemeralPortAndAnswersJsonRoutes) {
  Router router;
  router.Add(Method::kGet, "/api/v1/subjects/{code}", Echo);
  RunningServer server(router);
  ASSERT_NE(server.port(), 0);

  Connection connection(server.port());
  ASSERT_TRUE(connection.connected());
  connection.Send(Get("/api/v1/subjects/%E5%8C%97%E4%BA%AC%E5%85%AC%E5%8F%B8?q=a+b%26c",
                      "X-Agent: tester\r\n"));
  const HttpReply reply = connection.Read();
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.Header("content-type"), "application/json; charset=utf-8");
  auto body = ParseJson(reply.body);
  ASSERT_TRUE(body) << reply.body;
  EXPECT_EQ(body->GetString("method"), "GET");
  EXPECT_EQ(body->GetString("path"), "/api/v1/subjects/北京公司");
  EXPECT_EQ(body->GetString("target"),
            "/api/v1/subjects/%E5%8C%97%E4%BA%AC%E5%85%AC%E5%8F%B8?q=a+b%26c");
  EXPECT_EQ(body->GetString("code"), "北京公司");
  EXPECT_EQ(body->GetString("q"), "a b&c");
  EXPECT_EQ(body->GetString("agent"), "tester");
  EXPECT_EQ(body->GetString("remote"), "127.0.0.1");

  EXPECT_TRUE(server.StopAndJoin());
}

TEST(ServerTest, UnknownPathsAre404AndWrongMethods405WithAllow) {
  Router router;
  router.Add(Method::kGet, "/api/v1/subjects/{code}", Echo);
  router.Add(Method::kPost, "/api/v1/subjects/{code}", Echo);
  RunningServer server(router);
  Connection connection(server.port());

  connection.Send(Get("/api/v1/nothing/here"));
  const HttpReply missing = connection.Read();
  EXPECT_EQ(missing.status, 404);
  EXPECT_THAT(missing.body, HasSubstr(R"({"error":{"code":"not_found",)"));

  connection.Send("DELETE /api/v1/subjects/x HTTP/1.1\r\nHost: test\r\n\r\n");
  const HttpReply wrong_method = connection.Read();
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.Header("allow"), "GET, HEAD, POST");
  EXPECT_THAT(wrong_method.body, HasSubstr(R"("reason":"method_not_allowed")"));

  connection.Send("PROPFIND /api/v1/subjects/x HTTP/1.1\r\nHost: test\r\n\r\n");
  const HttpReply unknown_method = connection.Read();
  EXPECT_EQ(unknown_method.status, 501);
  EXPECT_THAT(unknown_method.body, HasSubstr(R"("reason":"method_not_implemented")"));

  // The raw path never becomes a metrics label.
  const std::string metrics = server.metrics().RenderPrometheus();
  EXPECT_THAT(metrics,
              HasSubstr(R"(http_requests_total{route="unmatched",method="GET",status="404"} 1)"));
  EXPECT_THAT(
      metrics,
      HasSubstr(R"(http_requests_total{route="unmatched",method="DELETE",status="405"} 1)"));
  EXPECT_THAT(metrics, Not(HasSubstr("nothing/here")));
}

TEST(ServerTest, HeadSendsTheGetHeadersWithoutBody) {
  Router router;
  router.Add(Method::kGet, "/healthz",
             [](const Request&) { return Response::Json(R"({"status":"ok"})"); });
  RunningServer server(router);
  Connection connection(server.port());
  connection.Send("HEAD /healthz HTTP/1.1\r\nHost: test\r\n\r\n");
  const HttpReply head = connection.Read(/*head_request=*/true);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("content-length"), "15");
  // The next answer on the connection starts right after the headers: no body was sent.
  connection.Send(Get("/healthz"));
  const HttpReply get = connection.Read();
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, R"({"status":"ok"})");
}

TEST(ServerTest, KeepsConnectionsAliveAndAnswersPipelinedRequestsInOrder) {
  Router router;
  std::atomic<int> calls{0};
  router.Add(Method::kGet, "/api/v1/subjects/{code}", [&calls](const Request& request) {
    ++calls;
    return Response::Json("\"" + std::string(request.Param("code")) + "\"");
  });
  RunningServer server(router);
  Connection connection(server.port());
  for (int i = 0; i < 5; ++i) {
    connection.Send(Get("/api/v1/subjects/s" + std::to_string(i)));
    const HttpReply reply = connection.Read();
    ASSERT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body, "\"s" + std::to_string(i) + "\"");
    EXPECT_NE(reply.Header("connection"), "close");
  }
  connection.Send(Get("/api/v1/subjects/a") + Get("/api/v1/subjects/b") +
                  Get("/api/v1/subjects/c"));
  EXPECT_EQ(connection.Read().body, "\"a\"");
  EXPECT_EQ(connection.Read().body, "\"b\"");
  EXPECT_EQ(connection.Read().body, "\"c\"");
  EXPECT_EQ(calls.load(), 8);
  EXPECT_THAT(
      server.metrics().RenderPrometheus(),
      HasSubstr(
          R"(http_requests_total{route="/api/v1/subjects/{code}",method="GET",status="200"} 8)"));
}

TEST(ServerTest, BodiesOverTheRouteLimitGet413WithoutReachingTheHandler) {
  Router router;
  std::atomic<int> calls{0};
  RouteOptions small;
  small.max_body_bytes = 16;
  router.Add(
      Method::kPost, "/api/v1/small",
      [&calls](const Request& request) {
        ++calls;
        return Response::Json(std::to_string(request.body.size()));
      },
      small);
  router.Add(Method::kPost, "/api/v1/echo", Echo);
  ServerOptions options;
  options.max_body_bytes = 1024;
  RunningServer server(router, options);
  Connection connection(server.port());

  connection.Send(Post("/api/v1/small", "0123456789abcdef"));
  const HttpReply fits = connection.Read();
  EXPECT_EQ(fits.status, 200);
  EXPECT_EQ(fits.body, "16");

  connection.Send(Post("/api/v1/small", std::string(100, 'x')));
  const HttpReply too_large = connection.Read();
  EXPECT_EQ(too_large.status, 413);
  EXPECT_THAT(too_large.body,
              HasSubstr(R"({"error":{"code":"resource_exhausted","reason":"too_large",)"));
  EXPECT_EQ(calls.load(), 1);

  // The server default applies to routes without their own limit.
  connection.Send(Post("/api/v1/echo", std::string(1000, 'y')));
  EXPECT_EQ(connection.Read().status, 200);

  // Beyond every limit the body is not even read: the connection is closed.
  Connection huge(server.port());
  huge.Send(Post("/api/v1/echo", std::string(5000, 'z')));
  EXPECT_EQ(huge.Read().status, 0);
}

TEST(ServerTest, BlockingRoutesDoNotStallQuickOnes) {
  Router router;
  std::promise<void> quick_answered;
  std::shared_future<void> quick_done = quick_answered.get_future().share();
  RouteOptions blocking;
  blocking.blocking = true;
  router.Add(
      Method::kPost, "/api/v1/slow",
      [quick_done](const Request& request) {
        // With a single I/O thread this only returns "released" if the quick request below was
        // answered while this handler was running.
        const bool released =
            quick_done.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
        return Response::Json(released ? "\"released\"" : "\"stalled\"");
      },
      blocking);
  router.Add(Method::kGet, "/healthz", [](const Request&) { return Response::Json("\"ok\""); });
  ServerOptions options;
  options.io_threads = 1;
  RunningServer server(router, options);

  Connection slow(server.port());
  slow.Send(Post("/api/v1/slow", "{}"));
  Connection quick(server.port());
  quick.Send(Get("/healthz"));
  const HttpReply quick_reply = quick.Read();
  EXPECT_EQ(quick_reply.status, 200);
  quick_answered.set_value();
  const HttpReply slow_reply = slow.Read();
  EXPECT_EQ(slow_reply.status, 200);
  EXPECT_EQ(slow_reply.body, "\"released\"");
}

TEST(ServerTest, HandlerExceptionsBecome500) {
  Router router;
  router.Add(Method::kGet, "/api/v1/broken",
             [](const Request&) -> Response { throw std::runtime_error("boom"); });
  RouteOptions blocking;
  blocking.blocking = true;
  router.Add(
      Method::kGet, "/api/v1/broken-blocking",
      [](const Request&) -> Response { throw std::runtime_error("boom"); }, blocking);
  RunningServer server(router);
  Connection connection(server.port());
  for (const char* target : {"/api/v1/broken", "/api/v1/broken-blocking"}) {
    connection.Send(Get(target));
    const HttpReply reply = connection.Read();
    EXPECT_EQ(reply.status, 500) << target;
    EXPECT_THAT(reply.body, HasSubstr(R"({"error":{"code":"internal",)"));
    EXPECT_THAT(reply.body, Not(HasSubstr("boom")));  // internals stay in the log
  }
  EXPECT_TRUE(server.StopAndJoin());
}

TEST(ServerTest, ServesThePortalWithFallbackAndRefusesTraversal) {
  StaticSite site;
  Router router;
  router.Add(Method::kGet, "/api/v1/subjects/{code}", Echo);
  ServerOptions options;
  options.static_dir = site.root();
  RunningServer server(router, options);
  Connection connection(server.port());

  connection.Send(Get("/assets/app-3f2a.js"));
  const HttpReply asset = connection.Read();
  EXPECT_EQ(asset.status, 200);
  EXPECT_EQ(asset.body, "console.log('app')");
  EXPECT_EQ(asset.Header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_THAT(asset.Header("cache-control"), HasSubstr("immutable"));

  connection.Send("HEAD /assets/app-3f2a.css HTTP/1.1\r\nHost: test\r\n\r\n");
  const HttpReply head = connection.Read(/*head_request=*/true);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("content-length"), "6");
  EXPECT_EQ(head.Header("content-type"), "text/css; charset=utf-8");

  connection.Send(Get("/subjects/%E5%8C%97%E4%BA%AC"));
  const HttpReply page = connection.Read();
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body, "<html>portal</html>");
  EXPECT_EQ(page.Header("cache-control"), "no-cache");

  connection.Send(Get("/api/v1/unknown"));
  const HttpReply api = connection.Read();
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.Header("content-type"), "application/json; charset=utf-8");

  connection.Send(Get("/assets/missing.js"));
  EXPECT_EQ(connection.Read().status, 404);

  for (const char* target :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2F..%2Fsecret.txt"}) {
    Connection attack(server.port());
    attack.Send(Get(target));
    const HttpReply refused = attack.Read();
    EXPECT_EQ(refused.status, 400) << target;
    EXPECT_THAT(refused.body, Not(HasSubstr("top secret"))) << target;
  }
  // Routes still win over files.
  connection.Send(Get("/api/v1/subjects/x"));
  EXPECT_EQ(connection.Read().status, 200);
}

TEST(ServerTest, ServesThePortalOnceItIsBuilt) {
  TempDir dir;
  Router router;
  ServerOptions options;
  options.static_dir = dir.path() / "dist";  // not built yet
  RunningServer server(router, options);
  Connection connection(server.port());
  connection.Send(Get("/"));
  const HttpReply before = connection.Read();
  EXPECT_EQ(before.status, 404);
  EXPECT_EQ(before.Header("content-type"), "application/json; charset=utf-8");

  dir.Write("dist/index.html", "<html>built</html>");
  connection.Send(Get("/"));
  const HttpReply after = connection.Read();
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.body, "<html>built</html>");
}

TEST(ServerTest, StopLetsTheRequestInFlightFinish) {
  Router router;
  std::promise<void> entered;
  RouteOptions blocking;
  blocking.blocking = true;
  router.Add(
      Method::kPost, "/api/v1/jobs",
      [&entered](const Request&) {
        entered.set_value();
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        return Response::Json("\"done\"", 201);
      },
      blocking);
  RunningServer server(router);
  Connection connection(server.port());
  connection.Send(Post("/api/v1/jobs", "{}"));
  entered.get_future().wait();

  const auto stop_started = std::chrono::steady_clock::now();
  std::thread stopper([&server] { EXPECT_TRUE(server.StopAndJoin()); });
  const HttpReply reply = connection.Read();
  EXPECT_EQ(reply.status, 201);
  EXPECT_EQ(reply.body, "\"done\"");
  EXPECT_EQ(reply.Header("connection"), "close");
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - stop_started, std::chrono::seconds(5));

  // No longer accepting.
  Connection late(server.port());
  EXPECT_FALSE(late.connected());
}

TEST(ServerTest, StopBeforeRunReturnsRightAfterListening) {
  Router router;
  MetricsRegistry metrics;
  ServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  Server server(options, router, metrics);
  server.Stop();
  uint16_t port = 0;
  EXPECT_TRUE(server.Run([&port](uint16_t bound) { port = bound; }));
  EXPECT_NE(port, 0);
}

TEST(ServerTest, SigtermStopsTheServer) {
  Router router;
  RunningServer server(router);
  ASSERT_NE(server.port(), 0);
  // The signal handler is installed before on_listening runs, so the signal cannot kill us.
  kill(getpid(), SIGTERM);
  EXPECT_TRUE(server.Join());
}

TEST(ServerTest, ReportsAPortInUse) {
  Router router;
  RunningServer first(router);
  MetricsRegistry metrics;
  ServerOptions options;
  options.address = "127.0.0.1";
  options.port = first.port();
  Server second(options, router, metrics);
  bool listened = false;
  const Status status = second.Run([&listened](uint16_t) { listened = true; });
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code(), ErrorCode::kUnavailable);
  EXPECT_FALSE(listened);
}

}  // namespace
}  // namespace credence::http
