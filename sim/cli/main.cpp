// The `tessera` command. Exit codes: 0 success; 2 bad usage or bad input (argument, file, field,
// configuration); 1 a run that could not complete (e.g. an uncalibrated unit); 3 an internal error.
#include <exception>
#include <iostream>

#include "golden/common/error.h"
#include "sim/cli/commands.h"
#include "traces/format/header.h"

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInternal = 3;

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tessera: co-design of DNN accelerators with emulated MX, approximate and optical "
               "arithmetic units"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "tessera " + std::string(tessera::traces::tessera_version()));
  tessera::cli::register_mx_commands(app);
  tessera::cli::register_approx_commands(app);
  tessera::cli::register_optical_commands(app);
  tessera::cli::register_demo_command(app);
  tessera::cli::register_run_commands(app);
  tessera::cli::register_power_commands(app);
  tessera::cli::register_cosim_command(app);
  tessera::cli::register_bench_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  } catch (const tessera::InputError& e) {
    std::cerr << "tessera: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const tessera::ConfigError& e) {
    std::cerr << "tessera: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const tessera::Error& e) {
    std::cerr << "tessera: error: " << e.what() << "\n";
    return kExitFailure;
  } catch (const std::exception& e) {
    std::cerr << "tessera: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
  return 0;
}
