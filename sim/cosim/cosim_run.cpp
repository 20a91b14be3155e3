// `tessera cosim` without the command line: option checks against what was verilated, the
// workload for a tile count, and the report.
#include "sim/cosim/cosim_run.h"

#include <string>

#include "golden/common/error.h"
#include "golden/mx/element_format.h"
#include "sim/cosim/mx_chain_config.h"
#include "sim/cosim/systemc_units.h"
#include "sim/cosim/verilated_units.h"

namespace tessera::cosim {
namespace {

constexpr std::uint64_t kMaxTiles = 100000;
// Enough vectors per approx tile that the steady phase dominates, few enough to stay fast.
constexpr std::uint64_t kApproxVectorsPerTile = 32;
constexpr std::uint64_t kMxRowsPerTile = 4;
constexpr std::uint64_t kMxK = 70;
constexpr std::uint64_t kMxN = 8;

std::string size_text(std::uint64_t rows, std::uint64_t cols) {
  return std::to_string(rows) + " x " + std::to_string(cols);
}

void require_verilated_rtl(bool none_built) {
  if (none_built) {
    throw InputError("cosim: this tessera was built without Verilator, so no RTL is built in to co-simulate "
                     "(install verilator and reconfigure)");
  }
}

models::Json shape_json(const CosimWorkload& w) {
  return {{"m", w.m}, {"k", w.k}, {"n", w.n}, {"m_tile", w.m_tile}};
}

CosimRunReport finish(const CosimResult& result, models::Json context) {
  CosimRunReport report;
  report.passed = result.passed();
  report.json = result.to_json();
  for (auto& [key, value] : context.items()) report.json[key] = value;
  // How many times faster the model ran than the RTL (the bar: >= 10x with data).
  const double model_seconds = report.json["model_seconds"].get<double>();
  report.json["model_speedup"] =
      model_seconds > 0.0 ? models::Json(report.json["rtl_seconds"].get<double>() / model_seconds) : models::Json();
  return report;
}

bool systemc_kernel(const CosimOptions& options) { return options.kernel == "systemc"; }

const std::vector<VerilatedApproxArray>& approx_arrays(const CosimOptions& options) {
  return systemc_kernel(options) ? systemc_approx_arrays() : verilated_approx_arrays();
}

const std::vector<VerilatedMxChain>& mx_chains(const CosimOptions& options) {
  return systemc_kernel(options) ? systemc_mx_chains() : verilated_mx_chains();
}

const VerilatedApproxArray& find_approx_array(const CosimOptions& options) {
  const auto& arrays = approx_arrays(options);
  require_verilated_rtl(arrays.empty());
  const std::uint64_t rows = arrays.front().rows, cols = arrays.front().cols;
  const std::string verilated = "the approx RTL array is verilated at " + size_text(rows, cols) +
                                " (hw/common/hw_params.def ApproxArrayRows x ApproxArrayCols); other sizes "
                                "need a rebuild with other defaults";
  if (options.rows && *options.rows != rows) {
    throw InputError("cosim --rows " + std::to_string(*options.rows) + ": " + verilated);
  }
  if (options.cols && *options.cols != cols) {
    throw InputError("cosim --cols " + std::to_string(*options.cols) + ": " + verilated);
  }
  const std::string name = options.multiplier.value_or("exact");
  std::string names;
  for (const VerilatedApproxArray& array : arrays) {
    if (array.multiplier == name) return array;
    names += (names.empty() ? "" : ", ") + array.multiplier;
  }
  throw InputError("cosim --multiplier " + name + ": not verilated into this build for --kernel " + options.kernel +
                   "; verilated " + size_text(rows, cols) + " arrays: " + names +
                   " (sim/cosim/CMakeLists.txt lists them)");
}

CosimRunReport run_approx(const CosimOptions& options) {
  const VerilatedApproxArray& array = find_approx_array(options);
  const CosimWorkload w = approx_workload(array.rows, array.cols, options.tiles);
  models::ApproxArrayConfig config;
  config.rows = array.rows;
  config.cols = array.cols;
  config.multiplier = array.multiplier;
  const CosimResult result = array.cosim(config, {w.m, w.k, w.n}, w.m_tile, options.seed);
  return finish(result, {{"unit", "approx"},
                         {"kernel", options.kernel},
                         {"rtl",
                          {{"top", "tessera_approx_array"},
                           {"rows", array.rows},
                           {"cols", array.cols},
                           {"multiplier", array.multiplier}}},
                         {"shape", shape_json(w)},
                         {"seed", options.seed}});
}

CosimRunReport run_mx(const CosimOptions& options) {
  const char* approx_only = options.rows ? "--rows" : options.cols ? "--cols" : options.multiplier ? "--multiplier" : nullptr;
  if (approx_only != nullptr) {
    throw InputError(std::string("cosim ") + approx_only +
                     ": applies to --unit approx only; the MX RTL (quantizer -> dot unit) takes one block "
                     "pair per cycle and has no array size or multiplier");
  }
  const auto& chains = mx_chains(options);
  require_verilated_rtl(chains.empty());
  const VerilatedMxChain& chain = chains.front();
  const CosimWorkload w = mx_workload(options.tiles);
  const models::MxUnitConfig config =
      mx_chain_config(mx::parse_element_format(chain.format_a), mx::parse_element_format(chain.format_b), w.m_tile);
  const CosimResult result = chain.cosim(config, {w.m, w.k, w.n}, options.seed);
  return finish(result, {{"unit", "mx"},
                         {"kernel", options.kernel},
                         {"rtl",
                          {{"top", "tessera_cosim_mx_chain"},
                           {"format_a", chain.format_a},
                           {"format_b", chain.format_b},
                           {"block_size", config.block_size},
                           {"accumulation", "block_then_fp32"}}},
                         {"shape", shape_json(w)},
                         {"seed", options.seed}});
}

}  // namespace

CosimWorkload approx_workload(std::uint64_t rows, std::uint64_t cols, std::uint64_t tiles) {
  const std::uint64_t k_tiles = tiles % 2 == 0 ? 2 : 1;
  const std::uint64_t n_tiles = tiles / k_tiles;
  CosimWorkload w;
  w.m = kApproxVectorsPerTile;
  w.k = k_tiles * rows - (rows > 1 ? 1 : 0);
  w.n = n_tiles * cols - (cols > 1 ? 1 : 0);
  return w;
}

CosimWorkload mx_workload(std::uint64_t tiles) {
  CosimWorkload w;
  w.m_tile = kMxRowsPerTile;
  w.m = kMxRowsPerTile * tiles - 1;
  w.k = kMxK;
  w.n = kMxN;
  return w;
}

CosimRunReport run_cosim(const CosimOptions& options) {
  if (options.tiles == 0 || options.tiles > kMaxTiles) {
    throw InputError("cosim --tiles " + std::to_string(options.tiles) + ": expected 1 to " + std::to_string(kMaxTiles));
  }
  if (options.kernel != "cpp" && options.kernel != "systemc") {
    throw InputError("cosim --kernel " + options.kernel + ": expected cpp (the C++-verilated RTL clocked beside the "
                     "model, the default) or systemc (the --sc verilated RTL in the model's SystemC kernel)");
  }
  if (options.unit == "approx") return run_approx(options);
  if (options.unit == "mx") return run_mx(options);
  if (options.unit == "optical") {
    throw InputError(
        "cosim --unit optical: the optical MAC array is analog and has no RTL to run in lock step; only its "
        "digital periphery is RTL (hw/optical: tessera_optical_dac, tessera_optical_adc, tessera_optical_psum, "
        "latency 1 each), checked against golden by the hw_optical_periphery tests. Co-simulate --unit approx "
        "or --unit mx");
  }
  throw InputError("cosim --unit " + options.unit + ": expected approx, mx or optical");
}

}  // namespace tessera::cosim
