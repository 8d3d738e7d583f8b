// credence audit verify: the hash chain, the Merkle tree over it, and tree heads published
// earlier.
#include <charconv>
#include <iostream>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "audit/audit.h"
#include "cli/cli_internal.h"

namespace credence::cli {

namespace {

struct AuditVerifyOptions {
  StoreOptions store;
  std::vector<std::string> tree_heads;  // "SIZE:ROOTHEX"
};

// "SIZE:ROOTHEX", as the transparency API's tree head gives them (tree_size, root_hash).
Result<audit::TreeHead> ParseTreeHead(std::string_view text) {
  const size_t colon = text.find(':');
  audit::TreeHead head;
  std::string root;
  const char* size_end = text.data() + (colon == std::string_view::npos ? 0 : colon);
  if (colon == std::string_view::npos ||
      std::from_chars(text.data(), size_end, head.tree_size).ptr != size_end ||
      head.tree_size < 1 || !HexDecode(text.substr(colon + 1), &root) || root.size() != 32) {
    return Fail(Error::InvalidArgument(
        "tree-head",
        fmt::format("'{}' is not SIZE:ROOT (a tree size and a 64-digit hex root)", text)));
  }
  std::copy(root.begin(), root.end(), reinterpret_cast<char*>(head.root.data()));
  return head;
}

int AuditVerify(const AuditVerifyOptions& options) {
  std::vector<audit::TreeHead> published;
  for (const std::string& text : options.tree_heads) {
    auto head = ParseTreeHead(text);
    if (!head) return ExitWith(head.error());
    published.push_back(*head);
  }
  auto context = OpenContext(options.store);
  if (!context) return ExitWith(context.error());
  auto report = audit::Verify(*context->store, published);
  if (!report) return ExitWith(report.error());
  if (!report->ok) {
    std::cout << fmt::format("audit log BROKEN at entry {}: {} ({} entries checked)\n",
                             report->first_broken_seq, report->message, report->entries);
    return 1;
  }
  std::cout << fmt::format("audit log ok: {} entries, head {}\n", report->entries,
                           report->head_hash_hex);
  std::cout << fmt::format("merkle tree: {} leaves, root {}\n", report->tree_size,
                           report->tree_root_hex);
  if (!published.empty()) {
    std::cout << fmt::format("{} published tree head(s) match the log\n", published.size());
  }
  return 0;
}

}  // namespace

void AddAuditCommands(CLI::App& app, int& status) {
  CLI::App* audit_cmd = app.add_subcommand("audit", "the audit log");
  audit_cmd->require_subcommand(1);
  auto options = std::make_shared<AuditVerifyOptions>();
  CLI::App* verify = audit_cmd->add_subcommand(
      "verify", "verify the hash chain and Merkle tree of the whole log, and published heads");
  options->store.AddTo(verify);
  verify->add_option("--tree-head", options->tree_heads,
                     "SIZE:ROOT of a tree head published earlier (repeatable): the log must "
                     "still have that root at that size");
  verify->callback([options, &status] { status = AuditVerify(*options); });
}

}  // namespace credence::cli
