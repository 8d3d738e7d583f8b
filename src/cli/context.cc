// The pieces every command shares: store options, clock, policy and store opening, progress.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "cli/cli_internal.h"

namespace credence::cli {

namespace fs = std::filesystem;

void StoreOptions::AddTo(CLI::App* command) {
  command->add_option("--data", data_dir, "data directory")->capture_default_str();
  command->add_option("--store", store_url,
                      "store URL: sqlite:PATH or postgres://… (default: SQLite in --data)");
  command->add_option("--policy", policy_dir, "policy directory (default: ./policy)");
  command->add_option("--now", now, "fixed current time, RFC 3339 or YYYY-MM-DD (testing)");
}

std::string StoreOptions::Url() const {
  return store_url.empty() ? "sqlite:" + (fs::path(data_dir) / "credence.db").string() : store_url;
}

fs::path TransparencyKeyPath(const StoreOptions& options) {
  return fs::path(options.data_dir) / "transparency.key";
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Fail(Error::NotFound(fmt::format("cannot open {}", path)));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

int ExitWith(const Error& error) {
  std::cerr << "credence: " << error.ToString() << "\n";
  return error.code() == ErrorCode::kInvalidArgument ? 2 : 1;
}

Result<std::unique_ptr<Clock>> MakeClock(const std::string& now) {
  if (now.empty()) return std::unique_ptr<Clock>(std::make_unique<SystemClock>());
  if (now.size() == 10) {
    CREDENCE_ASSIGN_OR_RETURN(Date day, Date::Parse(now));
    // Noon in Shanghai: unambiguously that calendar day.
    return std::unique_ptr<Clock>(std::make_unique<FixedClock>(Timestamp::FromMicros(
        Timestamp::StartOfDayShanghai(day).micros() + 12ll * 3600 * 1000000)));
  }
  CREDENCE_ASSIGN_OR_RETURN(Timestamp at, Timestamp::Parse(now));
  return std::unique_ptr<Clock>(std::make_unique<FixedClock>(at));
}

Result<Date> DayOf(const std::string& at, const Clock& clock) {
  if (at.empty()) return clock.Today();
  return Date::Parse(at);
}

fs::path FindResource(const fs::path& relative) {
  if (fs::exists(relative)) return fs::absolute(relative);
  fs::path built = fs::path(CREDENCE_SOURCE_DIR) / relative;
  if (fs::exists(built)) return built;
  return {};
}

Result<Context> OpenContext(const StoreOptions& options) {
  Context context;
  CREDENCE_ASSIGN_OR_RETURN(context.clock, MakeClock(options.now));
  fs::path policy_dir =
      options.policy_dir.empty() ? policy::DefaultPolicyDir() : fs::path(options.policy_dir);
  CREDENCE_ASSIGN_OR_RETURN(context.catalog, policy::LoadCatalog(policy_dir));
  if (options.store_url.empty()) {
    std::error_code ec;
    fs::create_directories(options.data_dir, ec);
    if (ec) {
      return Fail(Error::Unavailable(
          fmt::format("cannot create data directory {}: {}", options.data_dir, ec.message())));
    }
  }
  CREDENCE_ASSIGN_OR_RETURN(context.store, store::Store::Open(options.Url()));
  return context;
}

ProgressBar::ProgressBar(std::string label) : label_(std::move(label)), tty_(isatty(2) != 0) {}

void ProgressBar::Update(int64_t done, int64_t total) {
  if (!tty_ || total <= 0) return;
  int percent = static_cast<int>(std::min<int64_t>(100, done * 100 / total));
  if (percent == last_percent_) return;
  last_percent_ = percent;
  int filled = percent * 30 / 100;
  std::fprintf(stderr, "\r%s [%s%s] %3d%%", label_.c_str(), std::string(filled, '#').c_str(),
               std::string(30 - filled, ' ').c_str(), percent);
  std::fflush(stderr);
  shown_ = true;
}

void ProgressBar::Finish() {
  if (shown_) std::fprintf(stderr, "\n");
  shown_ = false;
}

}  // namespace credence::cli
