// credence checks …: the measures of joint rewards and punishments in force, and the checks
// still waiting for feedback past their day.
#include <fmt/format.h>

#include <iostream>

#include "checks/checks.h"
#include "cli/cli_internal.h"
#include "lists/lists.h"

namespace credence::cli {
namespace {

struct MeasuresOptions {
  std::string policy_dir;
  std::string scenario;
};

// Loads and validates the measures (a measure without a legal basis fails here, as at serve),
// then prints one line per measure and a summary.
int ListMeasures(const MeasuresOptions& options) {
  std::filesystem::path dir = options.policy_dir.empty()
                                  ? policy::DefaultPolicyDir()
                                  : std::filesystem::path(options.policy_dir);
  auto catalog = policy::LoadCatalog(dir);
  if (!catalog) return ExitWith(catalog.error());
  auto lists = lists::ListCatalog::Load(*catalog);
  if (!lists) return ExitWith(lists.error());
  auto measures = checks::MeasureCatalog::Load(*catalog, *lists);
  if (!measures) return ExitWith(measures.error());
  std::optional<checks::Scenario> only;
  if (!options.scenario.empty()) {
    only = checks::ParseScenario(options.scenario);
    if (!only) {
      return ExitWith(Error::InvalidArgument(
          "scenario", fmt::format("unknown scenario \"{}\"", options.scenario)));
    }
  }
  size_t shown = 0;
  for (const checks::Measure& measure : measures->measures()) {
    if (only && !measure.AppliesIn(*only)) continue;
    ++shown;
    std::cout << fmt::format("{}\t{}\t{}\t{}\n", measure.key, checks::MeasureKindKey(measure.kind),
                             measure.name.zh, measure.LegalBasisText());
  }
  std::cout << fmt::format("{} measures from {} memoranda (policy {}) — ok\n", shown,
                           measures->MemorandumCount(), measures->policy_version());
  return 0;
}

struct OverdueOptions {
  StoreOptions store;
  std::string department;
};

// Every overdue check, oldest first by id, as tab-separated lines; the count last.
int ListOverdue(const OverdueOptions& options) {
  auto context = OpenContext(options.store);
  if (!context) return ExitWith(context.error());
  store::CheckQuery query;
  query.department = options.department;
  query.overdue_on = context->clock->Today();
  query.limit = 100;
  std::vector<store::CreditCheck> overdue;
  for (;;) {
    auto page = context->store->ListChecks(query);
    if (!page) return ExitWith(page.error());
    for (store::CreditCheck& check : page->items) overdue.push_back(std::move(check));
    query.offset += static_cast<int64_t>(page->items.size());
    if (page->items.empty() || query.offset >= page->total) break;
  }
  for (auto it = overdue.rbegin(); it != overdue.rend(); ++it) {
    std::cout << fmt::format("{}\t{}\t{}\t{}\tdue {}\t{} of {} measures answered\n", it->id,
                             it->department, it->subject_code, it->scenario,
                             it->feedback_due.ToString(), it->feedback.size(), it->measures.size());
  }
  std::cout << fmt::format("{} overdue checks\n", overdue.size());
  return 0;
}

}  // namespace

void AddChecksCommands(CLI::App& app, int& status) {
  CLI::App* checks_cmd =
      app.add_subcommand("checks", "credit checks of joint rewards and punishments");
  checks_cmd->require_subcommand(1);

  auto measures = std::make_shared<MeasuresOptions>();
  CLI::App* measures_cmd =
      checks_cmd->add_subcommand("measures", "validate and list the measures (summary last)");
  measures_cmd->add_option("--policy", measures->policy_dir,
                           "policy directory (default: ./policy)");
  measures_cmd->add_option("--scenario", measures->scenario, "only the measures of this scenario");
  measures_cmd->callback([measures, &status] { status = ListMeasures(*measures); });

  auto overdue = std::make_shared<OverdueOptions>();
  CLI::App* overdue_cmd = checks_cmd->add_subcommand(
      "overdue", "checks waiting for feedback past their day (count last)");
  overdue->store.AddTo(overdue_cmd);
  overdue_cmd->add_option("--department", overdue->department, "only this department's checks");
  overdue_cmd->callback([overdue, &status] {
    SetLogFormat("text");
    status = ListOverdue(*overdue);
  });
}

}  // namespace credence::cli
