// The `credence` command line (FORMATS.md): serve, import, demo, id, policy, token, audit.
#pragma once

namespace credence::cli {

// Parses argv and runs the subcommand; returns the process exit status.
int Run(int argc, char** argv);

}  // namespace credence::cli
