// The server adapter: the only file that sees RESTinio and Asio. It turns RESTinio requests into
// our Request, routes them, runs handlers inline on the I/O threads or on the worker pool, and
// writes our Response back.
//
// Threads: io_threads run one io_context (RESTinio serialises each connection on a strand);
// worker_threads run blocking routes and hand their responses back through RESTinio, which
// posts the write to the connection's strand. Run's own thread only waits and shuts down.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <future>
#include <mutex>
#include <thread>

#include <restinio/all.hpp>

#include "common/log.h"
#include "http/http.h"
#include "http/http_internal.h"

namespace credence::http {
namespace {

using SteadyClock = std::chrono::steady_clock;

// How long Stop waits for requests already being handled.
constexpr auto kDrainTimeout = std::chrono::seconds(10);
// Requests a client may send on one connection before reading the first answer.
constexpr size_t kMaxPipelinedRequests = 16;
// A keep-alive connection idle for this long is closed; also the time allowed for one request
// (headers and body) to arrive, so it must cover a large upload on a slow link.
constexpr auto kReadTimeout = std::chrono::seconds(120);
constexpr auto kWriteTimeout = std::chrono::seconds(60);
// RESTinio closes a connection whose handler has not answered in this time; blocking routes run
// long jobs, so the bound is generous.
constexpr auto kHandleTimeout = std::chrono::minutes(10);

class ServerCore;

// RESTinio's request handler: forwards to the core. A plain struct rather than std::function so
// that the call is direct.
struct RequestHandler {
  ServerCore* core;
  restinio::request_handling_status_t operator()(restinio::request_handle_t request) const;
};

struct ServerTraits
    : restinio::traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t, RequestHandler> {
};

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
  }
  return "Unknown";
}

std::optional<Method> ToMethod(const restinio::http_method_id_t& method) {
  switch (method.raw_id()) {
    case restinio::http_method_get().raw_id(): return Method::kGet;
    case restinio::http_method_head().raw_id(): return Method::kHead;
    case restinio::http_method_post().raw_id(): return Method::kPost;
    case restinio::http_method_put().raw_id(): return Method::kPut;
    case restinio::http_method_patch().raw_id(): return Method::kPatch;
    case restinio::http_method_delete().raw_id(): return Method::kDelete;
    case restinio::http_method_options().raw_id(): return Method::kOptions;
  }
  return std::nullopt;
}

std::string LowerCase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Label values are route patterns, which never hold quotes; escaping keeps the exposition
// format valid whatever a pattern holds.
std::string EscapeLabel(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

constexpr std::string_view kRequestsName = "http_requests_total";
constexpr std::string_view kRequestsHelp =
    "HTTP requests answered, by route pattern, method and "
    "status.";
constexpr std::string_view kDurationName = "http_request_duration_seconds";
constexpr std::string_view kDurationHelp =
    "Time from a request's arrival to its response being handed to the connection, by route "
    "pattern.";

// The metrics of one (route, method): the duration histogram, resolved once, and one request
// counter per status, resolved on first use and then found without locks.
class RouteStats {
 public:
  RouteStats(MetricsRegistry& metrics, std::string_view route, std::string_view method)
      : metrics_(metrics),
        labels_prefix_("route=\"" + EscapeLabel(route) + "\",method=\"" + std::string(method) +
                       "\",status=\""),
        duration_(&metrics.GetHistogram(kDurationName, kDurationHelp,
                                        "route=\"" + EscapeLabel(route) + "\"")) {}

  void Record(int status, double seconds) {
    duration_->Observe(seconds);
    CounterFor(status).Add();
  }

 private:
  struct Slot {
    std::atomic<int> status{0};  // 0: free; set (release) after counter
    std::atomic<Counter*> counter{nullptr};
  };

  Counter& CounterFor(int status) {
    for (Slot& slot : slots_) {
      const int seen = slot.status.load(std::memory_order_acquire);
      if (seen == status) return *slot.counter.load(std::memory_order_relaxed);
      if (seen == 0) break;
    }
    std::lock_guard lock(mutex_);
    for (Slot& slot : slots_) {
      const int seen = slot.status.load(std::memory_order_relaxed);
      if (seen == status) return *slot.counter.load(std::memory_order_relaxed);
      if (seen == 0) {
        Counter& counter = Resolve(status);
        slot.counter.store(&counter, std::memory_order_relaxed);
        slot.status.store(status, std::memory_order_release);
        return counter;
      }
    }
    // More distinct statuses than slots: the registry's own (locked) lookup still counts right.
    return Resolve(status);
  }

  Counter& Resolve(int status) {
    return metrics_.GetCounter(kRequestsName, kRequestsHelp,
                               labels_prefix_ + std::to_string(status) + "\"");
  }

  MetricsRegistry& metrics_;
  const std::string labels_prefix_;
  Histogram* const duration_;
  std::array<Slot, 12> slots_;
  std::mutex mutex_;  // serialises filling slots
};

constexpr size_t kMethodCount = 7;

class ServerCore {
 public:
  ServerCore(ServerOptions options, const Router& router, MetricsRegistry& metrics)
      : options_(std::move(options)), router_(router), metrics_(metrics) {
    if (options_.io_threads < 1) options_.io_threads = 1;
    if (options_.worker_threads < 1) options_.worker_threads = 1;
    if (options_.max_body_bytes <= 0) options_.max_body_bytes = 1 << 20;
    largest_body_limit_ = options_.max_body_bytes;
    for (const Router::RouteInfo& route : router_.List()) {
      largest_body_limit_ = std::max(largest_body_limit_, route.options.max_body_bytes);
      route_stats_.push_back(
          std::make_unique<RouteStats>(metrics_, route.pattern, MethodName(route.method)));
    }
    for (size_t i = 0; i < kMethodCount; ++i) {
      const std::string_view method = MethodName(static_cast<Method>(i));
      unmatched_stats_[i] = std::make_unique<RouteStats>(metrics_, "unmatched", method);
      static_stats_[i] = std::make_unique<RouteStats>(metrics_, "static", method);
    }
    unmatched_stats_[kMethodCount] = std::make_unique<RouteStats>(metrics_, "unmatched", "OTHER");
  }

  Status Run(const std::function<void(uint16_t port)>& on_listening);
  void Stop();

  restinio::request_handling_status_t Handle(restinio::request_handle_t request);

 private:
  struct Outcome {
    RouteStats* stats;
    std::string_view route;  // for logs
    Method method;           // for HEAD: headers only
    SteadyClock::time_point started;
  };

  void HandleUnmatched(const restinio::request_handle_t& request, Method method,
                       const Router::Match& match, SteadyClock::time_point started);
  void ServeStatic(const restinio::request_handle_t& request, Method method,
                   std::string_view raw_path, SteadyClock::time_point started);
  Request BuildRequest(const restinio::request_t& raw, Method method, std::string_view raw_path,
                       std::vector<std::pair<std::string, std::string>> params) const;
  Response Invoke(const Handler& handler, const Request& request, std::string_view route) const;
  // Writes the response; the request counts as in flight until the write has finished.
  void Send(const restinio::request_handle_t& request, Response response, const Outcome& outcome);
  template <typename Builder>
  void Finish(Builder& builder, int status, const Outcome& outcome);
  void FinishOne();
  // The canonical static folder; empty while it does not exist.
  const std::filesystem::path& StaticRoot();

  ServerOptions options_;
  const Router& router_;
  MetricsRegistry& metrics_;
  // static_dir made canonical, once it exists (the portal may be built after the server
  // starts); written once under static_mutex_, then only read.
  std::mutex static_mutex_;
  std::atomic<bool> static_resolved_{false};
  std::filesystem::path static_root_;
  int64_t largest_body_limit_ = 0;
  std::vector<std::unique_ptr<RouteStats>> route_stats_;  // by route index
  // By method; the last for methods the server does not know.
  std::array<std::unique_ptr<RouteStats>, kMethodCount + 1> unmatched_stats_;
  std::array<std::unique_ptr<RouteStats>, kMethodCount> static_stats_;

  // Requests received and not yet written out (or abandoned by their connection).
  std::atomic<int64_t> in_flight_{0};
  // Set once Stop has begun: answers close their connections.
  std::atomic<bool> draining_{false};
  asio::thread_pool* workers_ = nullptr;  // valid while Run serves

  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stop_requested_ = false;  // guarded by stop_mutex_
  bool ran_ = false;             // guarded by stop_mutex_
};

restinio::request_handling_status_t RequestHandler::operator()(
    restinio::request_handle_t request) const {
  return core->Handle(std::move(request));
}

restinio::request_handling_status_t ServerCore::Handle(restinio::request_handle_t request) {
  const SteadyClock::time_point started = SteadyClock::now();
  in_flight_.fetch_add(1);
  try {
    const restinio::http_request_header_t& header = request->header();
    const std::optional<Method> method = ToMethod(header.method());
    const std::string_view raw_path = header.path();
    if (!method) {
      Response response =
          Response::FromError(Error(ErrorCode::kInvalidArgument, "method_not_implemented",
                                    "The server does not support this method."));
      response.status = 501;  // a protocol answer, not an error code's mapping
      Send(request, std::move(response),
           Outcome{unmatched_stats_[kMethodCount].get(), "unmatched", Method::kGet, started});
      return restinio::request_accepted();
    }
    Router::Match match = router_.Find(*method, raw_path);
    if (match.handler == nullptr) {
      HandleUnmatched(request, *method, match, started);
      return restinio::request_accepted();
    }

    const Outcome outcome{route_stats_[static_cast<size_t>(match.route_index)].get(), match.pattern,
                          *method, started};
    const int64_t limit =
        match.options->max_body_bytes > 0 ? match.options->max_body_bytes : options_.max_body_bytes;
    // RESTinio has already refused a declared Content-Length above the largest limit of all
    // routes while reading the headers; this is the route's own, smaller limit.
    if (request->body().size() > static_cast<uint64_t>(limit)) {
      Send(request,
           Response::FromError(Error::ResourceExhausted(
               "too_large", "The request body is larger than the " + std::to_string(limit) +
                                " bytes this resource accepts.")),
           outcome);
      return restinio::request_accepted();
    }

    Request parsed = BuildRequest(*request, *method, raw_path, std::move(match.params));
    if (match.options->blocking) {
      asio::post(*workers_, [this, request, parsed = std::move(parsed), handler = match.handler,
                             outcome]() mutable {
        try {
          Send(request, Invoke(*handler, parsed, outcome.route), outcome);
        } catch (const std::exception& exception) {
          // An exception must not end a worker thread; the connection will time out.
          LogError("http_response_failed", {{"route", outcome.route}, {"what", exception.what()}});
          FinishOne();
        }
      });
      return restinio::request_accepted();
    }
    Send(request, Invoke(*match.handler, parsed, outcome.route), outcome);
    return restinio::request_accepted();
  } catch (const std::exception& exception) {
    // Only RESTinio's own calls (allocation, a closed connection) get here; handlers' exceptions
    // are caught in Invoke. RESTinio answers a rejected request itself and closes.
    LogError("http_request_failed", {{"what", exception.what()}});
    FinishOne();
    return restinio::request_rejected();
  }
}

void ServerCore::HandleUnmatched(const restinio::request_handle_t& request, Method method,
                                 const Router::Match& match, SteadyClock::time_point started) {
  const Outcome outcome{unmatched_stats_[static_cast<size_t>(method)].get(), "unmatched", method,
                        started};
  const std::string_view raw_path = request->header().path();
  if (match.path_known) {
    Response response =
        Response::FromError(Error(ErrorCode::kInvalidArgument, "method_not_allowed",
                                  "This resource does not support the request's method."));
    response.status = 405;  // a protocol answer, not an error code's mapping
    std::string allow;
    for (Method allowed : match.allowed_methods) {
      if (!allow.empty()) allow += ", ";
      allow += MethodName(allowed);
    }
    response.headers.emplace_back("Allow", std::move(allow));
    Send(request, std::move(response), outcome);
    return;
  }
  if (!options_.static_dir.empty() && (method == Method::kGet || method == Method::kHead)) {
    ServeStatic(request, method, raw_path, started);
    return;
  }
  Send(request, Response::FromError(Error::NotFound("There is no resource at this path.")),
       outcome);
}

void ServerCore::ServeStatic(const restinio::request_handle_t& request, Method method,
                             std::string_view raw_path, SteadyClock::time_point started) {
  const Outcome outcome{static_stats_[static_cast<size_t>(method)].get(), "static", method,
                        started};
  const std::filesystem::path& root = StaticRoot();
  const internal::StaticLookup lookup =
      root.empty() ? internal::StaticLookup{}
                   : internal::ResolveStaticFile(root, PercentDecode(raw_path));
  if (lookup.outcome == internal::StaticOutcome::kBadPath) {
    Send(request,
         Response::FromError(Error::InvalidArgument(
             "bad_path", "The path must not contain \"..\" segments or NUL bytes.")),
         outcome);
    return;
  }
  std::optional<restinio::sendfile_t> file;
  if (lookup.outcome == internal::StaticOutcome::kFound) {
    try {
      file.emplace(restinio::sendfile(lookup.file.string()));
    } catch (const std::exception&) {
      // Removed or unreadable since it was resolved: as if it were not there.
    }
  }
  if (!file) {
    Send(request, Response::FromError(Error::NotFound("There is no file at this path.")), outcome);
    return;
  }
  auto builder = request->create_response<restinio::user_controlled_output_t>(
      restinio::http_status_line_t{restinio::http_status_code_t{200}, "OK"});
  builder.append_header(restinio::http_field::content_type, std::string(lookup.content_type));
  builder.append_header(restinio::http_field::cache_control, std::string(lookup.cache_control));
  builder.append_header("X-Content-Type-Options", "nosniff");
  builder.set_content_length(file->size());
  if (method != Method::kHead) builder.set_body(std::move(*file));
  Finish(builder, 200, outcome);
}

Request ServerCore::BuildRequest(const restinio::request_t& raw, Method method,
                                 std::string_view raw_path,
                                 std::vector<std::pair<std::string, std::string>> params) const {
  const restinio::http_request_header_t& header = raw.header();
  Request request;
  request.method = method;
  request.path = raw_path.find('%') == std::string_view::npos ? std::string(raw_path)
                                                              : PercentDecode(raw_path);
  request.target = header.request_target();
  const std::string_view query = header.query();
  if (!query.empty()) request.query = ParseQuery(query);
  request.headers.reserve(header.fields_count());
  header.for_each_field([&request](const restinio::http_header_field_t& field) {
    request.headers.emplace_back(LowerCase(field.name()), field.value());
  });
  request.params = std::move(params);
  // RESTinio keeps the body const inside its request object, so it cannot be moved out.
  request.body = raw.body();
  request.remote_address = raw.remote_endpoint().address().to_string();
  return request;
}

Response ServerCore::Invoke(const Handler& handler, const Request& request,
                            std::string_view route) const {
  try {
    return handler(request);
  } catch (const std::exception& exception) {
    LogError("http_handler_exception", {{"route", route}, {"what", exception.what()}});
  } catch (...) {
    LogError("http_handler_exception", {{"route", route}, {"what", "not a std::exception"}});
  }
  return Response::FromError(Error::Internal("The server failed to handle the request."));
}

void ServerCore::Send(const restinio::request_handle_t& request, Response response,
                      const Outcome& outcome) {
  const int status = response.status;
  auto builder = request->create_response<restinio::user_controlled_output_t>(
      restinio::http_status_line_t{restinio::http_status_code_t{static_cast<uint16_t>(status)},
                                   std::string(ReasonPhrase(status))});
  if (!response.content_type.empty()) {
    builder.append_header(restinio::http_field::content_type, std::move(response.content_type));
  }
  for (auto& [name, value] : response.headers) {
    builder.append_header(std::move(name), std::move(value));
  }
  builder.set_content_length(response.body.size());
  if (outcome.method != Method::kHead && !response.body.empty()) {
    builder.set_body(std::move(response.body));
  }
  Finish(builder, status, outcome);
}

template <typename Builder>
void ServerCore::Finish(Builder& builder, int status, const Outcome& outcome) {
  if (draining_.load()) builder.connection_close();
  const double seconds =
      std::chrono::duration<double>(SteadyClock::now() - outcome.started).count();
  outcome.stats->Record(status, seconds);
  // Only the route pattern is logged: paths and queries can hold identity numbers, and headers
  // and bodies can hold credentials.
  if (status >= 500) {
    LogError("http_request", {{"method", MethodName(outcome.method)},
                              {"route", outcome.route},
                              {"status", status},
                              {"seconds", seconds}});
  } else {
    Log(LogLevel::kDebug, "http_request",
        {{"method", MethodName(outcome.method)},
         {"route", outcome.route},
         {"status", status},
         {"seconds", seconds}});
  }
  // RESTinio calls this once the response is written, or when the connection drops it.
  builder.done([this](const asio::error_code&) { FinishOne(); });
}

const std::filesystem::path& ServerCore::StaticRoot() {
  if (static_resolved_.load(std::memory_order_acquire)) return static_root_;
  std::lock_guard lock(static_mutex_);
  if (!static_resolved_.load(std::memory_order_relaxed)) {
    std::error_code error;
    std::filesystem::path root = std::filesystem::canonical(options_.static_dir, error);
    if (!error && std::filesystem::is_directory(root, error)) {
      static_root_ = std::move(root);
      static_resolved_.store(true, std::memory_order_release);
      return static_root_;
    }
  }
  static const std::filesystem::path kNone;
  return static_resolved_.load(std::memory_order_relaxed) ? static_root_ : kNone;
}

void ServerCore::FinishOne() {
  if (in_flight_.fetch_sub(1) <= 1 && draining_.load()) {
    std::lock_guard lock(stop_mutex_);
    stop_cv_.notify_all();
  }
}

void ServerCore::Stop() {
  std::lock_guard lock(stop_mutex_);
  stop_requested_ = true;
  stop_cv_.notify_all();
}

Status ServerCore::Run(const std::function<void(uint16_t port)>& on_listening) {
  {
    std::lock_guard lock(stop_mutex_);
    if (ran_) {
      return Fail(Error::FailedPrecondition("already_run", "A server runs only once."));
    }
    ran_ = true;
  }

  asio::error_code address_error;
  const asio::ip::address address = asio::ip::make_address(
      options_.address == "localhost" ? std::string("127.0.0.1") : options_.address, address_error);
  if (address_error) {
    return Fail(Error::InvalidArgument(
        "address", "Cannot listen on \"" + options_.address + "\": " + address_error.message()));
  }
  if (!options_.static_dir.empty() && StaticRoot().empty()) {
    LogWarn("http_static_dir_missing", {{"static_dir", options_.static_dir.string()}});
  }

  // Declaration order is teardown order in reverse: the server and the worker pool go before
  // the io_context their pending work refers to.
  asio::io_context io_context(options_.io_threads);
  asio::thread_pool workers(static_cast<size_t>(options_.worker_threads));
  workers_ = &workers;
  uint16_t bound_port = 0;

  restinio::server_settings_t<ServerTraits> settings;
  settings.address(address)
      .port(options_.port)
      .protocol(address.is_v6() ? asio::ip::tcp::v6() : asio::ip::tcp::v4())
      .request_handler(std::make_unique<RequestHandler>(RequestHandler{this}))
      .max_pipelined_requests(kMaxPipelinedRequests)
      .incoming_http_msg_limits(restinio::incoming_http_msg_limits_t{}.max_body_size(
          static_cast<uint64_t>(largest_body_limit_)))
      .read_next_http_message_timelimit(kReadTimeout)
      .write_http_response_timelimit(kWriteTimeout)
      .handle_request_timeout(kHandleTimeout)
      // One accept at a time: RESTinio numbers connections with a plain counter in the accept
      // handler, which parallel accepts on several threads would race on. Keep-alive makes
      // accepting rare anyway.
      .concurrent_accepts_count(1)
      .socket_options_setter([](restinio::socket_options_t& socket) {
        // Answers are single writes; waiting to coalesce them only adds latency.
        socket.set_option(asio::ip::tcp::no_delay{true});
      })
      .acceptor_post_bind_hook([&bound_port](asio::ip::tcp::acceptor& acceptor) {
        bound_port = acceptor.local_endpoint().port();
      });

  std::unique_ptr<restinio::http_server_t<ServerTraits>> server;
  try {
    server = std::make_unique<restinio::http_server_t<ServerTraits>>(
        restinio::external_io_context(io_context), std::move(settings));
    server->open_sync();
  } catch (const std::exception& exception) {
    workers_ = nullptr;
    return Fail(Error(ErrorCode::kUnavailable, "listen",
                      "Cannot listen on " + options_.address + ":" + std::to_string(options_.port) +
                          ": " + exception.what()));
  }

  asio::signal_set signals(io_context, SIGINT, SIGTERM);
  signals.async_wait([this](const asio::error_code& error, int signal_number) {
    if (error) return;
    LogInfo("http_signal", {{"signal", signal_number}});
    Stop();
  });

  auto keep_running = asio::make_work_guard(io_context);
  std::vector<std::thread> io_threads;
  io_threads.reserve(static_cast<size_t>(options_.io_threads));
  for (int i = 0; i < options_.io_threads; ++i) {
    io_threads.emplace_back([&io_context] {
      while (true) {
        try {
          io_context.run();
          return;
        } catch (const std::exception& exception) {
          LogError("http_io_exception", {{"what", exception.what()}});
        }
      }
    });
  }

  LogInfo("http_listening", {{"address", options_.address}, {"port", int64_t{bound_port}}});
  if (on_listening) on_listening(bound_port);

  {
    std::unique_lock lock(stop_mutex_);
    stop_cv_.wait(lock, [this] { return stop_requested_; });
  }

  // Stop accepting; the signal handler goes with the acceptor (both belong to the io threads).
  std::promise<void> closed;
  server->close_async(
      [&] {
        signals.cancel();
        closed.set_value();
      },
      [&](std::exception_ptr) {
        signals.cancel();
        closed.set_value();
      });
  closed.get_future().wait();

  // Let the requests already received finish.
  draining_.store(true);
  {
    std::unique_lock lock(stop_mutex_);
    stop_cv_.wait_for(lock, kDrainTimeout, [this] { return in_flight_.load() <= 0; });
  }
  const int64_t abandoned = in_flight_.load();
  if (abandoned > 0) LogWarn("http_drain_timeout", {{"in_flight", abandoned}});

  keep_running.reset();
  io_context.stop();
  for (std::thread& thread : io_threads) thread.join();
  // A handler still running past the drain timeout is waited for: it cannot be interrupted, and
  // it refers to the router and the services behind it.
  workers.join();
  server.reset();
  workers_ = nullptr;
  LogInfo("http_stopped", {{"port", int64_t{bound_port}}});
  return OkStatus();
}

}  // namespace

struct Server::Impl {
  Impl(ServerOptions options, const Router& router, MetricsRegistry& metrics)
      : core(std::move(options), router, metrics) {}
  ServerCore core;
};

Server::Server(ServerOptions options, const Router& router, MetricsRegistry& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics)) {}

Server::~Server() = default;

Status Server::Run(const std::function<void(uint16_t port)>& on_listening) {
  return impl_->core.Run(on_listening);
}

void Server::Stop() { impl_->core.Stop(); }

}  // namespace credence::http
