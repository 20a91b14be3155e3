#include "sim/cli/commands.h"

namespace tessera::cli {

void register_approx_commands(CLI::App& root) { (void)root; }

}  // namespace tessera::cli
