#include "cli/cli.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "api/api.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "checks/checks.h"
#include "cli/cli_internal.h"
#include "common/common.h"
#include "demo/demo.h"
#include "dueprocess/dueprocess.h"
#include "files/files.h"
#include "http/http.h"
#include "ids/ids.h"
#include "ingest/ingest.h"
#include "lifecycle/lifecycle.h"
#include "lists/lists.h"
#include "policy/policy.h"
#include "quality/quality.h"
#include "rating/rating.h"
#include "search/search.h"
#include "store/store.h"
#include "store/subject_cache.h"

namespace credence::cli {
namespace {

namespace fs = std::filesystem;

// --- credence serve ---

struct ServeOptions {
  StoreOptions store;
  std::string address = "0.0.0.0";
  int port = 8080;
  int threads = 2;
  std::string static_dir;
  double rate_limit = 100;  // requests per second per token or session; 0: unlimited
};

int Serve(const ServeOptions& options) {
  auto context = OpenContext(options.store);
  if (!context) return ExitWith(context.error());
  MetricsRegistry metrics;
  SecureRandom random;
  auth::Authenticator authenticator(*context->store, *context->clock);
  // Profiles are served from memory; loaded in the background, from the store meanwhile.
  store::SubjectCache subjects(*context->store);
  subjects.StartBackgroundFill();
  // Rate limits run on real time even when the business clock is fixed (--now).
  SystemClock wall_clock;
  auth::RateLimiter rate_limiter(wall_clock, options.rate_limit, 2 * options.rate_limit);
  search::SubjectIndex index;
  if (auto loaded = index.Load(*context->store); !loaded) return ExitWith(loaded.error());
  LogInfo("search.loaded", {{"subjects", static_cast<int64_t>(index.size())},
                            {"bytes", static_cast<int64_t>(index.MemoryBytes())}});
  auto lists = lists::ListCatalog::Load(context->catalog);
  if (!lists) return ExitWith(lists.error());
  auto rating_models = rating::LoadRatingModels(context->catalog);
  if (!rating_models) return ExitWith(rating_models.error());
  ingest::Ingestor ingestor(*context->store, context->catalog, *context->clock);
  ingestor.SetMetrics(&metrics);
  store::Store* store = context->store.get();
  rating::RatingUpdater rating_updater(*store, context->catalog, *rating_models, *lists);
  Histogram& rerate_seconds = metrics.GetHistogram(
      "credence_rerate_seconds", "re-rating the subjects of a committed ingest batch");
  Counter& rerated = metrics.GetCounter("credence_ratings_rerated_total",
                                        "subjects re-rated after ingest batches");
  const Clock* clock = context->clock.get();
  // Re-rates the subjects of a committed batch before the ingest replies: the new ratings are
  // visible as soon as the reply is.
  ingestor.OnCommitted(
      [&rating_updater, &rerate_seconds, &rerated, clock](const ingest::BatchReport& report) {
        if (report.touched_subjects.empty()) return;
        auto started = std::chrono::steady_clock::now();
        auto counts = rating_updater.Rerate(report.touched_subjects, clock->Today());
        rerate_seconds.Observe(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        if (!counts) {
          LogError("rating.rerate_failed", {{"message", counts.error().message()}});
          return;
        }
        rerated.Add(counts->rated);
      });
  // Expiry and re-rating by the calendar, once a day (and at start, to catch up).
  rating::DailyJob daily_job(*store, rating_updater, *clock, &metrics);
  daily_job.Start(std::chrono::seconds(60));
  ingestor.OnCommitted([store, &index](const ingest::BatchReport& report) {
    // Keep name search current: re-index every subject whose file the batch touched.
    auto subjects = store->GetSubjects(report.touched_subjects);
    if (!subjects) {
      LogError("search.update_failed", {{"message", subjects.error().message()}});
      return;
    }
    for (const store::Subject& subject : *subjects) {
      index.Upsert(subject);
    }
  });
  files::CreditFiles credit_files(*context->store, context->catalog, *context->clock, &subjects);
  auto quality_settings = quality::LoadQualitySettings(context->catalog);
  if (!quality_settings) return ExitWith(quality_settings.error());

  auto signer = audit::LoadOrCreateSigningKey(TransparencyKeyPath(options.store), random);
  if (!signer) return ExitWith(signer.error());
  audit::TransparencyLog transparency(*context->store, *signer, *context->clock);

  auto calendar = calendar::WorkingCalendar::Load(context->catalog);
  if (!calendar) return ExitWith(calendar.error());
  auto dueprocess_settings = dueprocess::Settings::Load(context->catalog);
  if (!dueprocess_settings) return ExitWith(dueprocess_settings.error());
  dueprocess::DueProcess due_process(*context->store, context->catalog, *calendar,
                                     *dueprocess_settings, ingestor, *context->clock,
                                     fs::path(options.store.data_dir) / "attachments");
  // A decided objection or restoration changes the file: its stored rating follows at once.
  due_process.OnFileChanged([&rating_updater, clock](int64_t subject_id) {
    std::vector<int64_t> changed = {subject_id};
    if (auto counts = rating_updater.Rerate(changed, clock->Today()); !counts) {
      LogError("rating.rerate_failed",
               {{"message", counts.error().message()}, {"subject", subject_id}});
    }
  });
  auto measures = checks::MeasureCatalog::Load(context->catalog, *lists);
  if (!measures) return ExitWith(measures.error());

  api::Services services;
  services.transparency = &transparency;
  services.dueprocess = &due_process;
  services.dueprocess_settings = &*dueprocess_settings;
  services.lists = &*lists;
  services.rating_models = &*rating_models;
  services.quality = &*quality_settings;
  services.measures = &*measures;
  services.store = context->store.get();
  services.subjects = &subjects;
  services.catalog = &context->catalog;
  services.clock = context->clock.get();
  services.random = &random;
  services.authenticator = &authenticator;
  services.index = &index;
  services.ingestor = &ingestor;
  services.files = &credit_files;
  services.metrics = &metrics;
  services.rate_limiter = options.rate_limit > 0 ? &rate_limiter : nullptr;
  services.openapi_path = FindResource("docs/openapi.json");
  services.version = CREDENCE_VERSION;

  auto key_ring = OpenKeyRing(options.store.data_dir, *context->clock);
  if (!key_ring) return ExitWith(key_ring.error());
  auto trust = LoadTrust(options.store.data_dir, *key_ring);
  if (!trust) return ExitWith(trust.error());
  services.key_ring = &*key_ring;
  services.trust = &*trust;

  http::Router router;
  api::RegisterRoutes(router, services);

  http::ServerOptions server_options;
  server_options.address = options.address;
  server_options.port = static_cast<uint16_t>(options.port);
  server_options.io_threads = options.threads;
  server_options.static_dir =
      options.static_dir.empty() ? FindResource("web/dist") : fs::path(options.static_dir);
  http::Server server(server_options, router, metrics);
  auto ran = server.Run([&](uint16_t port) {
    LogInfo("server.listening", {{"address", options.address},
                                 {"port", static_cast<int64_t>(port)},
                                 {"store", std::string(store->backend())},
                                 {"portal", server_options.static_dir.string()}});
  });
  if (!ran) return ExitWith(ran.error());
  LogInfo("server.stopped");
  return 0;
}

// --- credence import ---

struct ImportOptions {
  StoreOptions store;
  std::string department;
  std::string format = "auto";
  std::vector<std::string> files;
};

int Import(const ImportOptions& options) {
  auto context = OpenContext(options.store);
  if (!context) return ExitWith(context.error());
  auto format = ingest::ParseFormat(options.format);
  if (!format) {
    return ExitWith(Error::InvalidArgument("format", "--format must be auto, ndjson or csv"));
  }
  ingest::Ingestor ingestor(*context->store, context->catalog, *context->clock);
  int status = 0;
  for (const std::string& file : options.files) {
    auto data = ReadWholeFile(file);
    if (!data) return ExitWith(data.error());
    ingest::BatchInput input;
    input.department = options.department;
    input.actor = "cli";
    input.source_name = fs::path(file).filename().string();
    input.format = *format;
    input.data = *data;
    ProgressBar bar(input.source_name);
    auto report = ingestor.Submit(input, [&](int64_t, int64_t bytes_done, int64_t bytes_total) {
      bar.Update(bytes_done, bytes_total);
    });
    bar.Finish();
    if (!report) {
      std::cerr << "credence: " << file << ": " << report.error().ToString() << "\n";
      status = 1;
      continue;
    }
    std::cout << ingest::BatchReportJson(*report) << "\n";
    std::cerr << fmt::format(
        "{}: {} submitted, {} accepted, {} updated, {} unchanged, "
        "{} rejected ({:.1f} s)\n",
        file, report->submitted, report->accepted, report->updated, report->unchanged,
        report->rejected, report->seconds);
  }
  return status;
}

// --- credence demo ---

int Demo(const StoreOptions& store_options, int64_t subjects, uint64_t seed) {
  auto context = OpenContext(store_options);
  if (!context) return ExitWith(context.error());
  ingest::Ingestor ingestor(*context->store, context->catalog, *context->clock);
  demo::DemoOptions options;
  options.subjects = subjects;
  options.seed = seed;
  options.today = context->clock->Today();
  ProgressBar bar("demo city");
  auto summary =
      demo::CreateDemoCity(ingestor, context->catalog, options,
                           [&](int64_t done, int64_t total) { bar.Update(done, total); });
  bar.Finish();
  if (!summary) return ExitWith(summary.error());
  // Tokens for the tour in README.md, written once to the data directory (readable by its owner
  // only): a department that submits feeds, the court, an operator and an auditor.
  if (store_options.store_url.empty()) {
    fs::path tokens_file = fs::path(store_options.data_dir) / "demo-tokens.txt";
    if (!fs::exists(tokens_file)) {
      SecureRandom random;
      std::string lines;
      struct DemoToken {
        auth::Role role;
        const char* department;
        const char* label;
      };
      for (const DemoToken& demo_token :
           {DemoToken{auth::Role::kDepartment, "market_regulation", "demo: market regulation"},
            DemoToken{auth::Role::kDepartment, "court", "demo: court"},
            DemoToken{auth::Role::kOperator, "", "demo: city operator"},
            DemoToken{auth::Role::kAuditor, "", "demo: auditor"}}) {
        auto created = auth::CreateToken(*context->store, random, *context->clock, demo_token.role,
                                         demo_token.department, "", demo_token.label, "demo");
        if (!created) return ExitWith(created.error());
        lines += fmt::format("{}\t{}\t{}\n", auth::RoleKey(demo_token.role),
                             *demo_token.department ? demo_token.department : "-", created->secret);
      }
      auto accounts = CreateDemoAccounts(*context, random);
      if (!accounts) return ExitWith(accounts.error());
      std::ofstream out(tokens_file);
      out << "# role\tdepartment\ttoken (demo city only: never use these in production)\n"
          << lines << "# account\trole\tlogin\tpassword (portal logins of the demo city)\n"
          << *accounts;
      out.close();
      fs::permissions(tokens_file, fs::perms::owner_read | fs::perms::owner_write,
                      fs::perm_options::replace);
      std::cout << "demo tokens written to " << tokens_file.string() << "\n";
    }
  }
  std::cout << fmt::format(
      "demo city: {} subjects, {} records in {} batches, {} rejected, {:.1f} s ({:.0f} "
      "records/s)\n",
      summary->subjects, summary->records, summary->batches, summary->rejected, summary->seconds,
      summary->seconds > 0 ? summary->records / summary->seconds : 0.0);
  return 0;
}

// --- credence token ---

int TokenCreate(const StoreOptions& store_options, const std::string& role_key,
                const std::string& department, const std::string& region, const std::string& label,
                const std::string& subject) {
  auto context = OpenContext(store_options);
  if (!context) return ExitWith(context.error());
  auto role = auth::ParseRole(role_key);
  if (!role) {
    return ExitWith(Error::InvalidArgument(
        "role", fmt::format("unknown role '{}': department, operator, lender, auditor or subject",
                            role_key)));
  }
  if (!department.empty() && context->catalog.FindDepartment(department) == nullptr) {
    return ExitWith(Error::InvalidArgument(
        "department",
        fmt::format("unknown department '{}' (see policy/departments.toml)", department)));
  }
  std::string subject_code;
  if (!subject.empty()) {
    // The token acts for a subject of the file: its code as stored (normalised).
    auto found = context->store->FindSubjectByCode(ids::NormalizeCode(subject));
    if (!found) return ExitWith(found.error());
    if (!found->has_value()) {
      return ExitWith(Error::NotFound(fmt::format("no subject with code '{}'", subject)));
    }
    subject_code = (*found)->code;
  }
  SecureRandom random;
  auto created = auth::CreateToken(*context->store, random, *context->clock, *role, department,
                                   region, label, "cli", subject_code);
  if (!created) return ExitWith(created.error());
  std::cout << fmt::format("token {} for role {}{} — shown once, store it safely:\n",
                           created->token.id, role_key,
                           department.empty() ? "" : " (" + department + ")");
  std::cout << created->secret << "\n";
  return 0;
}

int TokenList(const StoreOptions& store_options) {
  auto context = OpenContext(store_options);
  if (!context) return ExitWith(context.error());
  auto tokens = context->store->ListTokens();
  if (!tokens) return ExitWith(tokens.error());
  for (const store::Token& token : *tokens) {
    std::cout << fmt::format(
        "{}\t{}…\t{}\t{}\t{}\t{}\n", token.id, token.prefix, token.role, token.department,
        token.created_at.ToString(),
        token.revoked_at ? "revoked " + token.revoked_at->ToString() : "active");
  }
  return 0;
}

// --- credence id check ---

int IdCheck(const std::vector<std::string>& codes) {
  int status = 0;
  for (const std::string& code : codes) {
    ids::CodeCheck check = ids::CheckCode(code);
    if (check.valid) {
      std::cout << fmt::format("{}\tvalid\t{}\t{}\n", check.normalized,
                               ids::CodeKindKey(check.kind), check.division_name);
    } else {
      status = 1;
      std::cout << fmt::format("{}\tinvalid\t{}\t{}\n", check.normalized,
                               ids::FailureNameFor(check.kind, check.failure), check.message);
    }
  }
  return status;
}

// --- credence policy check ---

int PolicyCheck(const std::string& dir) {
  auto catalog = policy::LoadCatalog(dir.empty() ? policy::DefaultPolicyDir() : fs::path(dir));
  if (!catalog) return ExitWith(catalog.error());
  // The tables other modules own are checked by their owners, as `serve` would load them.
  auto lists = lists::ListCatalog::Load(*catalog);
  if (!lists) return ExitWith(lists.error());
  auto rating_models = rating::LoadRatingModels(*catalog);
  if (!rating_models) return ExitWith(rating_models.error());
  auto quality_settings = quality::LoadQualitySettings(*catalog);
  if (!quality_settings) return ExitWith(quality_settings.error());
  std::cout << fmt::format(
      "policy {} (catalog edition {}): {} categories, {} record kinds, {} departments, {} "
      "publicity rules — ok\n",
      catalog->version(), catalog->edition(), catalog->categories().size(), catalog->kinds().size(),
      catalog->departments().size(), catalog->publicity_rules().size());
  return 0;
}

// The day a command works on: --at when given, else the clock's Shanghai day.

// --- credence rate ---

// Rates every subject (rating::RateAll) and stores the ratings unless dry_run; the digest is
// printed last so that two runs can be compared.
int Rate(const StoreOptions& store_options, bool all, const std::string& at, bool bench,
         bool dry_run) {
  if (!all) return ExitWith(Error::InvalidArgument("option", "rate needs --all"));
  auto context = OpenContext(store_options);
  if (!context) return ExitWith(context.error());
  auto as_of = DayOf(at, *context->clock);
  if (!as_of) return ExitWith(as_of.error());
  auto lists = lists::ListCatalog::Load(context->catalog);
  if (!lists) return ExitWith(lists.error());
  auto models = rating::LoadRatingModels(context->catalog);
  if (!models) return ExitWith(models.error());
  store::Store& store = *context->store;

  auto started = std::chrono::steady_clock::now();
  auto result = rating::RateAll(store, context->catalog, *models, *lists, *as_of, !dry_run);
  if (!result) return ExitWith(result.error());
  int64_t record_count = result->records;
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << fmt::format("as of {}: {} subjects rated ({} records)\n", as_of->ToString(),
                           result->subjects, record_count);
  for (rating::Level level : rating::kAllLevels) {
    std::cout << fmt::format("  {:<2} {}\n", rating::LevelKey(level),
                             result->per_level[static_cast<int>(level)]);
  }
  if (!dry_run) {
    std::cout << fmt::format("{} ratings stored, {} changed\n", result->subjects, result->changed);
  }
  std::cout << fmt::format("{:.0f} records/s, {:.2f} s\n",
                           seconds > 0 ? record_count / seconds : 0.0, seconds);
  if (bench) {
    // The baseline: the same records read into memory, then a plain loop over them. Rating is
    // compared with it (and with the read alone) as records per second.
    auto read_started = std::chrono::steady_clock::now();
    std::vector<store::Record> all_records;
    auto read = store.ScanRecordsBySubject([&](const store::Record& record) -> Status {
      all_records.push_back(record);
      return OkStatus();
    });
    if (!read) return ExitWith(read.error());
    auto loop_started = std::chrono::steady_clock::now();
    int64_t sum = 0;
    for (const store::Record& record : all_records) sum += record.decided_at.days();
    auto loop_ended = std::chrono::steady_clock::now();
    double read_seconds = std::chrono::duration<double>(loop_started - read_started).count();
    double loop_seconds =
        std::max(1e-9, std::chrono::duration<double>(loop_ended - loop_started).count());
    double rate_per_s = seconds > 0 ? record_count / seconds : 0.0;
    double read_per_s = read_seconds > 0 ? record_count / read_seconds : 0.0;
    double loop_per_s = record_count / loop_seconds;
    std::cout << fmt::format("RESULT rate_all_records_per_s={:.0f}\n", rate_per_s)
              << fmt::format("RESULT store_read_records_per_s={:.0f}\n", read_per_s)
              << fmt::format("RESULT memory_scan_records_per_s={:.0f} (checksum {})\n", loop_per_s,
                             sum)
              << fmt::format("RESULT rate_vs_memory_scan={:.6f}\n", rate_per_s / loop_per_s)
              << fmt::format("RESULT rate_vs_store_read={:.3f}\n",
                             read_per_s > 0 ? rate_per_s / read_per_s : 0.0);
  }
  std::cout << "digest " << result->digest << "\n";
  return 0;
}

// --- credence lifecycle run ---

int LifecycleRun(const StoreOptions& store_options, const std::string& at) {
  auto context = OpenContext(store_options);
  if (!context) return ExitWith(context.error());
  auto today = DayOf(at, *context->clock);
  if (!today) return ExitWith(today.error());
  // --at runs as of the start of that day; otherwise now.
  Timestamp run_at = at.empty() ? context->clock->Now() : Timestamp::StartOfDayShanghai(*today);
  auto total = lifecycle::RunExpiry(*context->store, *today, run_at, "cli");
  if (!total) return ExitWith(total.error());
  std::cout << fmt::format("lifecycle run as of {}: {} due, {} expired, {} skipped\n",
                           today->ToString(), total->planned, total->expired, total->skipped);
  return 0;
}

}  // namespace

int Run(int argc, char** argv) {
  CLI::App app{"Credence — public credit information platform"};
  app.require_subcommand(1);
  app.set_version_flag("--version", CREDENCE_VERSION);
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "debug, info, warn or error")->capture_default_str();
  int status = 0;

  ServeOptions serve;
  CLI::App* serve_cmd = app.add_subcommand("serve", "serve the API and the portal");
  serve.store.AddTo(serve_cmd);
  serve_cmd->add_option("--port", serve.port, "TCP port (0: any free port)")->capture_default_str();
  serve_cmd->add_option("--address", serve.address, "address to bind")->capture_default_str();
  serve_cmd->add_option("--threads", serve.threads, "I/O threads")->capture_default_str();
  serve_cmd->add_option("--static", serve.static_dir, "portal files (default: web/dist)");
  serve_cmd
      ->add_option("--rate-limit", serve.rate_limit,
                   "requests per second per API token or session, bursts of twice that (0: none)")
      ->capture_default_str();
  serve_cmd->callback([&] { status = Serve(serve); });

  ImportOptions import;
  CLI::App* import_cmd = app.add_subcommand("import", "import department feed files");
  import.store.AddTo(import_cmd);
  import_cmd->add_option("--department", import.department, "submitting department key")
      ->required();
  import_cmd->add_option("--format", import.format, "auto, ndjson or csv")->capture_default_str();
  import_cmd->add_option("files", import.files, "NDJSON or CSV files")->required();
  import_cmd->callback([&] {
    SetLogFormat("text");
    status = Import(import);
  });

  StoreOptions demo_store;
  int64_t demo_subjects = 20000;
  uint64_t demo_seed = 1;
  CLI::App* demo_cmd = app.add_subcommand("demo", "create a synthetic demo city");
  demo_store.AddTo(demo_cmd);
  demo_cmd->add_option("--subjects", demo_subjects, "number of subjects")->capture_default_str();
  demo_cmd->add_option("--seed", demo_seed, "random seed")->capture_default_str();
  demo_cmd->callback([&] {
    SetLogFormat("text");
    status = Demo(demo_store, demo_subjects, demo_seed);
  });

  CLI::App* token_cmd = app.add_subcommand("token", "API tokens");
  token_cmd->require_subcommand(1);
  StoreOptions token_store;
  std::string token_role, token_department, token_region, token_label, token_subject;
  CLI::App* token_create = token_cmd->add_subcommand("create", "create a token (printed last)");
  token_store.AddTo(token_create);
  token_create->add_option("--role", token_role, "department, operator, lender, auditor or subject")
      ->required();
  token_create->add_option("--department", token_department, "department key (department role)");
  token_create->add_option("--region", token_region, "division code scope (operator role)");
  token_create->add_option("--label", token_label, "a note on who holds it");
  token_create->add_option("--subject", token_subject, "USCC or ID number (subject role)");
  token_create->callback([&] {
    status = TokenCreate(token_store, token_role, token_department, token_region, token_label,
                         token_subject);
  });
  StoreOptions token_list_store;
  CLI::App* token_list = token_cmd->add_subcommand("list", "list tokens (never their secrets)");
  token_list_store.AddTo(token_list);
  token_list->callback([&] { status = TokenList(token_list_store); });

  AddAccountCommands(app, status);

  CLI::App* id_cmd = app.add_subcommand("id", "identifiers");
  id_cmd->require_subcommand(1);
  std::vector<std::string> codes;
  CLI::App* id_check = id_cmd->add_subcommand("check", "check USCCs and resident ID numbers");
  id_check->add_option("codes", codes, "codes to check")->required();
  id_check->callback([&] { status = IdCheck(codes); });

  CLI::App* policy_cmd = app.add_subcommand("policy", "policy data");
  policy_cmd->require_subcommand(1);
  std::string policy_dir;
  CLI::App* policy_check = policy_cmd->add_subcommand("check", "validate a policy directory");
  policy_check->add_option("dir", policy_dir, "policy directory (default: ./policy)");
  policy_check->callback([&] { status = PolicyCheck(policy_dir); });

  AddAuditCommands(app, status);

  StoreOptions rate_store;
  bool rate_all = false;
  bool rate_bench = false;
  bool rate_dry_run = false;
  std::string rate_at;
  CLI::App* rate_cmd = app.add_subcommand("rate", "rate subjects (digest printed last)");
  rate_store.AddTo(rate_cmd);
  rate_cmd->add_flag("--all", rate_all, "rate every subject");
  rate_cmd->add_flag("--bench", rate_bench,
                     "also time a plain in-memory scan of the records (RESULT lines)");
  rate_cmd->add_flag("--dry-run", rate_dry_run, "rate and print the digest, store nothing");
  rate_cmd->add_option("--at", rate_at, "rate as of this day, YYYY-MM-DD (default: today)");
  rate_cmd->callback([&] {
    SetLogFormat("text");
    status = Rate(rate_store, rate_all, rate_at, rate_bench, rate_dry_run);
  });

  CLI::App* lifecycle_cmd = app.add_subcommand("lifecycle", "the publicity lifecycle");
  lifecycle_cmd->require_subcommand(1);
  StoreOptions lifecycle_store;
  std::string lifecycle_at;
  CLI::App* lifecycle_run =
      lifecycle_cmd->add_subcommand("run", "store as expired what is due (counts printed)");
  lifecycle_store.AddTo(lifecycle_run);
  lifecycle_run->add_option("--at", lifecycle_at, "run as of this day, YYYY-MM-DD");
  lifecycle_run->callback([&] {
    SetLogFormat("text");
    status = LifecycleRun(lifecycle_store, lifecycle_at);
  });

  AddDueProcessCommands(app, status);
  AddChecksCommands(app, status);
  AddCertCommands(app, status);

  app.parse_complete_callback([&] {
    if (log_level == "debug") SetLogLevel(LogLevel::kDebug);
    if (log_level == "warn") SetLogLevel(LogLevel::kWarn);
    if (log_level == "error") SetLogLevel(LogLevel::kError);
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }
  return status;
}

}  // namespace credence::cli
