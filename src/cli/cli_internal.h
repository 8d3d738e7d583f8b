// What the command files of the cli module share; not part of its contract. Each area of the
// command line keeps its subcommands in a file of its own (serve and import in cli.cc, …) and
// registers them from Run through an Add…Commands function declared here.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "certs/certs.h"
#include "common/common.h"
#include "common/random.h"
#include "policy/policy.h"
#include "store/store.h"

namespace credence::cli {

// Options every command that opens the store shares.
struct StoreOptions {
  std::string data_dir = "data";
  std::string store_url;   // default: sqlite:<data_dir>/credence.db
  std::string policy_dir;  // default: policy::DefaultPolicyDir()
  std::string now;         // fixed "now" (RFC 3339 or YYYY-MM-DD), for reproducible runs

  void AddTo(CLI::App* command);
  std::string Url() const;
};

// The data directory's transparency signing key (Ed25519 seed; audit::LoadOrCreateSigningKey).
std::filesystem::path TransparencyKeyPath(const StoreOptions& options);

// credence audit verify.
void AddAuditCommands(CLI::App& app, int& status);

// Prints "credence: <error>" to standard error; exit status 2 for invalid arguments, else 1.
int ExitWith(const Error& error);

// The system clock, or a fixed one for --now (a bare day means noon in Shanghai that day).
Result<std::unique_ptr<Clock>> MakeClock(const std::string& now);

// "YYYY-MM-DD", or today by the clock when empty.
Result<Date> DayOf(const std::string& at, const Clock& clock);

// A file shipped with the source tree (docs/openapi.json, web/dist): next to the working
// directory first, then in the tree the binary was built from; empty when neither has it.
std::filesystem::path FindResource(const std::filesystem::path& relative);

// Everything a command needs once the store is open.
struct Context {
  std::unique_ptr<Clock> clock;
  policy::Catalog catalog;
  std::unique_ptr<store::Store> store;
};
Result<Context> OpenContext(const StoreOptions& options);

// credence checks measures | overdue (checks_commands.cc).
void AddChecksCommands(CLI::App& app, int& status);
// The whole file, or NotFound naming it.
Result<std::string> ReadWholeFile(const std::string& path);

// The platform's certificate key ring, <data_dir>/certificate-keys.json (created on first use).
Result<certs::KeyRing> OpenKeyRing(const std::string& data_dir, const Clock& clock);
// The keys a verifier here trusts: the key ring's and every imported trust list
// (<data_dir>/trust-lists/*.json, JWK Sets).
Result<certs::TrustList> LoadTrust(const std::string& data_dir, const certs::KeyRing& ring);

// credence cert verify|trust-list|import-trust-list|rotate
void AddCertCommands(CLI::App& app, int& status);

// A progress bar on standard error when it is a terminal; silent otherwise.
class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  ~ProgressBar() { Finish(); }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  void Update(int64_t done, int64_t total);
  void Finish();

 private:
  std::string label_;
  bool tty_;
  int last_percent_ = -1;
  bool shown_ = false;
};

// credence cases … (dueprocess_commands.cc).
void AddDueProcessCommands(CLI::App& app, int& status);
// credence account … (account_commands.cc).
void AddAccountCommands(CLI::App& app, int& status);
// Activated accounts with known passwords for the demo city's tour: an enterprise, a resident and
// one of each staff role. Returns lines "account\t<role>\t<login>\t<password>\n".
Result<std::string> CreateDemoAccounts(Context& context, Random& random);

}  // namespace credence::cli
