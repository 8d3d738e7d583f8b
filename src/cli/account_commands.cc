// credence account create: accounts made by an operator at the command line; and the demo
// city's accounts for the tour.
#include <iostream>

#include <fmt/format.h>

#include "auth/auth.h"
#include "cli/cli_internal.h"
#include "ids/ids.h"

namespace credence::cli {
namespace {

struct AccountOptions {
  StoreOptions store;
  std::string role;
  std::string login;
  std::string subject;
  std::string department;
  std::string region;
  std::string name;
};

int CreateAccountCommand(const AccountOptions& options) {
  auto context = OpenContext(options.store);
  if (!context) return ExitWith(context.error());
  auto role = auth::ParseRole(options.role);
  if (!role || *role == auth::Role::kPublic) {
    return ExitWith(Error::InvalidArgument(
        "role", fmt::format("unknown role '{}': subject, department, lender, operator or auditor",
                            options.role)));
  }
  if (!options.department.empty() &&
      context->catalog.FindDepartment(options.department) == nullptr) {
    return ExitWith(Error::InvalidArgument(
        "department",
        fmt::format("unknown department '{}' (see policy/departments.toml)", options.department)));
  }
  auth::AccountSpec spec{
      *role,          options.login, ids::NormalizeCode(options.subject), options.department,
      options.region, options.name};
  SecureRandom random;
  auto created =
      auth::CreateAccount(*context->store, random, *context->clock, spec, std::nullopt, "cli");
  if (!created) return ExitWith(created.error());
  std::cout << fmt::format(
      "account {} ({}) for login {} — activation code, valid 14 days, shown once; hand it to the "
      "holder through an official channel:\n{}\n",
      created->account.id, created->account.role, created->account.login, created->activation_code);
  return 0;
}

}  // namespace

Result<std::string> CreateDemoAccounts(Context& context, Random& random) {
  // The first enterprise and the first resident of the demo city get accounts, beside one
  // account of each staff role.
  std::optional<store::Subject> enterprise;
  std::optional<store::Subject> resident;
  CREDENCE_RETURN_IF_ERROR(context.store->ScanSubjects(0, -1, [&](const store::Subject& subject) {
    if (!enterprise && subject.kind == ids::SubjectKind::kEnterprise) enterprise = subject;
    if (!resident && subject.code_kind == ids::CodeKind::kResidentId) resident = subject;
  }));
  std::vector<std::pair<auth::AccountSpec, std::string>> accounts;
  if (enterprise) {
    accounts.push_back(
        {{auth::Role::kSubject, "", enterprise->code, "", "", ""}, "demo-enterprise-2026"});
  }
  if (resident) {
    accounts.push_back(
        {{auth::Role::kSubject, "", resident->code, "", "", ""}, "demo-resident-2026"});
  }
  accounts.push_back(
      {{auth::Role::kDepartment, "market.officer", "", "market_regulation", "", "市场监管局 张敏"},
       "demo-department-2026"});
  accounts.push_back(
      {{auth::Role::kLender, "bank.officer", "", "", "", "温州银行 信贷部"}, "demo-lender-2026"});
  accounts.push_back(
      {{auth::Role::kOperator, "city.operator", "", "", "", "市信用中心"}, "demo-operator-2026"});
  accounts.push_back(
      {{auth::Role::kAuditor, "audit.officer", "", "", "", "审计监督"}, "demo-auditor-2026"});
  std::string lines;
  for (const auto& [spec, password] : accounts) {
    CREDENCE_ASSIGN_OR_RETURN(
        auto created,
        auth::CreateAccount(*context.store, random, *context.clock, spec, password, "demo"));
    lines +=
        fmt::format("account\t{}\t{}\t{}\n", created.account.role, created.account.login, password);
  }
  return lines;
}

void AddAccountCommands(CLI::App& app, int& status) {
  CLI::App* account_cmd = app.add_subcommand("account", "password accounts of people");
  account_cmd->require_subcommand(1);
  auto options = std::make_shared<AccountOptions>();
  CLI::App* create = account_cmd->add_subcommand(
      "create", "create an account; prints its one-time activation code");
  options->store.AddTo(create);
  create->add_option("--role", options->role, "subject, department, lender, operator, auditor")
      ->required();
  create->add_option("--login", options->login, "staff login (a-z 0-9 . _ -)");
  create->add_option("--subject", options->subject, "subject accounts: the USCC or ID number");
  create->add_option("--department", options->department, "department accounts");
  create->add_option("--region", options->region, "operator accounts: division code scope");
  create->add_option("--name", options->name, "display name");
  create->callback([options, &status] { status = CreateAccountCommand(*options); });
}

}  // namespace credence::cli
