#pragma once
// Runs the built `tessera` executable the way a user would, capturing what it prints.
#include <string>
#include <vector>

namespace tessera::test {

struct CommandResult {
  int exit_code = -1;
  std::string out;  // standard output
  std::string err;  // standard error
};

// Runs `tessera ARGS...`; arguments are passed verbatim (no shell interpretation).
CommandResult run_tessera(const std::vector<std::string>& args);

}  // namespace tessera::test
