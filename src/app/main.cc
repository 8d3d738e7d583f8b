#include "cli/cli.h"

int main(int argc, char** argv) { return credence::cli::Run(argc, argv); }
