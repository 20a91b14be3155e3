#include "sim/cli/commands.h"

namespace tessera::cli {

void register_demo_command(CLI::App& root) { (void)root; }

}  // namespace tessera::cli
