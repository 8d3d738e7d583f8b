// credence cases escalations: the open objections, restoration applications and commitments past
// their deadline (the operators' escalation list), for a daily job or a look from the shell.
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "calendar/calendar.h"
#include "cli/cli_internal.h"
#include "dueprocess/dueprocess.h"
#include "ingest/ingest.h"

namespace credence::cli {
namespace {

struct EscalationOptions {
  StoreOptions store;
  int64_t limit = 100;
};

int ListEscalations(const EscalationOptions& options) {
  auto context = OpenContext(options.store);
  if (!context) return ExitWith(context.error());
  auto calendar = calendar::WorkingCalendar::Load(context->catalog);
  if (!calendar) return ExitWith(calendar.error());
  auto settings = dueprocess::Settings::Load(context->catalog);
  if (!settings) return ExitWith(settings.error());
  ingest::Ingestor ingestor(*context->store, context->catalog, *context->clock);
  dueprocess::DueProcess due_process(*context->store, context->catalog, *calendar, *settings,
                                     ingestor, *context->clock,
                                     std::filesystem::path(options.store.data_dir) / "attachments");
  auth::Principal operator_principal;
  operator_principal.role = auth::Role::kOperator;
  auto page = due_process.Escalations(operator_principal, 0, options.limit);
  if (!page) return ExitWith(page.error());
  std::cout << fmt::format("{} overdue case{} on {}\n", page->total, page->total == 1 ? "" : "s",
                           context->clock->Today().ToString());
  for (const dueprocess::CaseView& view : page->items) {
    const store::Case& c = view.case_;
    std::cout << fmt::format("case {}\t{}\t{}\tdue {}\t{}\t{}\trecord {}\n", c.id, c.kind, c.status,
                             c.due_on.ToString(), c.department, view.subject_code, c.record_id);
  }
  return 0;
}

}  // namespace

void AddDueProcessCommands(CLI::App& app, int& status) {
  CLI::App* cases =
      app.add_subcommand("cases", "objections, restoration applications, commitments");
  cases->require_subcommand(1);
  auto options = std::make_shared<EscalationOptions>();
  CLI::App* escalations =
      cases->add_subcommand("escalations", "open cases past their deadline (working days)");
  options->store.AddTo(escalations);
  escalations->add_option("--limit", options->limit, "most cases to list")->capture_default_str();
  escalations->callback([options, &status] { status = ListEscalations(*options); });
}

}  // namespace credence::cli
