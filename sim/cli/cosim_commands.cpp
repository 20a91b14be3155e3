// tessera cosim: a unit's TLM model against its verilated RTL in lock step (sim/cosim; optical: the
// RTL periphery around a C++ analog core, also checked against golden). Prints the scoreboard JSON
// with the model's speed against the RTL's; any differing output bit or tile edge count is a failed
// run (exit 1).
#include <iostream>
#include <memory>
#include <string>

#include "golden/common/error.h"
#include "golden/io/atomic_file.h"
#include "sim/cli/commands.h"
#include "sim/cosim/cosim_run.h"

namespace tessera::cli {
namespace {

struct CosimCommandOptions {
  cosim::CosimOptions run;
  std::uint64_t rows = 0, cols = 0;
  std::string multiplier;
  std::string json_out;
};

void run_cosim_command(const CosimCommandOptions& options, bool rows_given, bool cols_given, bool multiplier_given) {
  cosim::CosimOptions run = options.run;
  if (rows_given) run.rows = options.rows;
  if (cols_given) run.cols = options.cols;
  if (multiplier_given) run.multiplier = options.multiplier;
  const cosim::CosimRunReport report = cosim::run_cosim(run);
  const std::string text = report.json.dump(2) + "\n";
  if (!options.json_out.empty()) io::write_file_atomically(options.json_out, text);
  std::cout << text;
  if (!report.passed) {
    throw Error("cosim: model and RTL differ: " + report.json["mismatches"].dump() + " output mismatches, " +
                report.json["tile_cycle_mismatches"].dump() + " tiles with different cycle counts");
  }
}

}  // namespace

void register_cosim_command(CLI::App& root) {
  auto options = std::make_shared<CosimCommandOptions>();
  CLI::App* cosim = root.add_subcommand(
      "cosim", "Run a unit's SystemC/TLM model and its verilated RTL in lock step on seeded random tiles; "
               "compare every output bit and every tile's cycles (exit 1 on any difference); report the "
               "model's speed against the RTL's with data and timing-only");
  cosim
      ->add_option("--unit", options->run.unit,
                   "approx, mx or optical (the optical array's RTL periphery around a C++ analog core)")
      ->required();
  CLI::Option* rows =
      cosim->add_option("--rows", options->rows, "approx, optical: array rows (must be the verilated size)");
  CLI::Option* cols =
      cosim->add_option("--cols", options->cols, "approx, optical: array columns (must be the verilated size)");
  CLI::Option* multiplier =
      cosim->add_option("--multiplier", options->multiplier, "approx: a verilated multiplier (default exact)");
  cosim->add_option("--tiles", options->run.tiles, "tiles in the workload")->capture_default_str();
  cosim->add_option("--seed", options->run.seed, "seed of the random operands")->capture_default_str();
  cosim->add_option("--kernel", options->run.kernel,
                    "cpp: C++-verilated RTL clocked beside the model (fast); systemc: the --sc verilated RTL "
                    "clocked by a SystemC thread in the same sc_start as the model")
      ->capture_default_str();
  cosim->add_option("--json-out", options->json_out, "also write the report to this file");
  cosim->callback([options, rows, cols, multiplier] {
    run_cosim_command(*options, rows->count() > 0, cols->count() > 0, multiplier->count() > 0);
  });
}

}  // namespace tessera::cli
