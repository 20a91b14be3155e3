#pragma once
// Each command family registers its subcommands on the root `tessera` app. Callbacks do the
// work and throw tessera errors; main() turns them into messages and exit codes.
#include <CLI/CLI.hpp>

namespace tessera::cli {

void register_mx_commands(CLI::App& root);       // tessera mx ...
void register_approx_commands(CLI::App& root);   // tessera approx ...
void register_optical_commands(CLI::App& root);  // tessera optical ...
void register_demo_command(CLI::App& root);      // tessera demo
void register_run_commands(CLI::App& root);      // tessera run, tessera map
void register_power_commands(CLI::App& root);    // tessera power characterize ...
void register_cosim_command(CLI::App& root);     // tessera cosim
// tessera power --trace DIR, power estimate, power fit (sim/cli/power_trace_commands.cpp); called by
// register_power_commands on its `power` app.
void register_power_trace_commands(CLI::App* power);
void register_power_mx_commands(CLI::App* power);  // tessera power mx --trace DIR (power_mx_commands.cpp)

}  // namespace tessera::cli
