#pragma once
// Each command family registers its subcommands on the root `tessera` app. Callbacks do the
// work and throw tessera errors; main() turns them into messages and exit codes.
#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "traces/gate/replay.h"

namespace tessera::cli {

void register_mx_commands(CLI::App& root);       // tessera mx ...
void register_approx_commands(CLI::App& root);   // tessera approx ...
void register_optical_commands(CLI::App& root);  // tessera optical ...
void register_demo_command(CLI::App& root);      // tessera demo
void register_run_commands(CLI::App& root);      // tessera run, tessera map
void register_power_commands(CLI::App& root);    // tessera power characterize ...
void register_cosim_command(CLI::App& root);     // tessera cosim
void register_bench_command(CLI::App& root);     // tessera bench kernels
// tessera power --trace DIR, power estimate, power fit (sim/cli/power_trace_commands.cpp); called by
// register_power_commands on its `power` app.
void register_power_trace_commands(CLI::App* power);
void register_power_mx_commands(CLI::App* power);  // tessera power mx --trace DIR (power_mx_commands.cpp)

// tessera power characterize --unit optical-dac|optical-adc|optical-psum (power_optical_commands.cpp):
// the optical periphery's converter on `vectors` ("uniform" or a trace directory); prints one
// JSON object (and writes it to json_out when given).
struct OpticalCharacterizeRequest {
  std::string unit, library, structure, vectors, json_out, work_dir;
  std::size_t ops = 0;
  std::uint64_t seed = 1;
  double clock_period_ns = 10.0;
};
void run_optical_characterize(const OpticalCharacterizeRequest& request);
// The optical section of `tessera power --trace DIR`: whether DIR holds optical traces, and their
// per-layer, per-component table (and with gate_level, gate-level) energies printed and as JSON.
bool has_optical_traces(const std::string& directory);
// tessera power optical-fit (power_optical_commands.cpp).
void register_power_optical_commands(CLI::App* power);
nlohmann::json print_optical_trace_power(const std::string& directory, const std::string& library,
                                         const std::string& structure, bool gate_level,
                                         traces::gate::DelayModel delays);

}  // namespace tessera::cli
