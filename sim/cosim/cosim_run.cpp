// `tessera cosim` without the command line: option checks against what was verilated, the
// workload for a tile count, and the report.
#include "sim/cosim/cosim_run.h"

#include <chrono>
#include <functional>
#include <string>

#include "golden/common/error.h"
#include "golden/mx/element_format.h"
#include "models/approx/approx_array.h"
#include "models/mx/mx_unit.h"
#include "models/optical/optical_array.h"
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
// Optical: 3 passes per output tile, the last with one idle lane.
constexpr std::uint64_t kOpticalPassesPerTile = 3;
// One timing-only call takes microseconds, near the clock's resolution and far below a time slice
// of the shared machine: the reported time per call is the fastest of kTimingOnlyBatches batches'
// means, each batch filling at least kTimingOnlyBatchSeconds (or kTimingOnlyMaxCalls calls), so a
// batch that lost the processor does not count.
constexpr int kTimingOnlyBatches = 10;
constexpr double kTimingOnlyBatchSeconds = 2e-4;
constexpr std::uint64_t kTimingOnlyMaxCalls = 10000;

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

// The model's timing-only cost of the run's GEMM: its cycles and the mean wall time of one call.
struct TimingOnly {
  std::uint64_t cycles = 0;
  double seconds = 0.0;
};

TimingOnly measure_timing_only(const std::function<models::LayerCost()>& cost) {
  TimingOnly t;
  cost();  // the first call also loads the default energy tables, once per process
  for (int batch = 0; batch < kTimingOnlyBatches; ++batch) {
    std::uint64_t calls = 0;
    const auto start = std::chrono::steady_clock::now();
    double elapsed = 0.0;
    do {
      t.cycles = cost().total_cycles();
      ++calls;
      elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    } while (elapsed < kTimingOnlyBatchSeconds && calls < kTimingOnlyMaxCalls);
    const double per_call = elapsed / static_cast<double>(calls);
    if (batch == 0 || per_call < t.seconds) t.seconds = per_call;
  }
  return t;
}

models::Json ratio(double numerator, double denominator) {
  return denominator > 0.0 ? models::Json(numerator / denominator) : models::Json();
}

// The report: the co-simulation's JSON, the run's context, and the model's speed against the RTL's
// in both modes, measured here (the bars: >= 10x with data, >= 100x timing-only).
CosimRunReport finish(const CosimResult& result, const TimingOnly& timing_only, models::Json context) {
  CosimRunReport report;
  report.passed = result.passed();
  report.json = result.to_json();
  for (auto& [key, value] : context.items()) report.json[key] = value;
  const double rtl_seconds = report.json["rtl_seconds"].get<double>();
  report.json["cycles_model_timing_only"] = timing_only.cycles;
  report.json["model_timing_seconds"] = timing_only.seconds;
  report.json["speedup_with_data"] = ratio(rtl_seconds, report.json["model_seconds"].get<double>());
  report.json["speedup_timing_only"] = ratio(rtl_seconds, timing_only.seconds);
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
  const models::GemmShape shape{w.m, w.k, w.n};
  const CosimResult result = array.cosim(config, shape, w.m_tile, options.seed);
  const TimingOnly timing_only = measure_timing_only(
      [&] { return models::approx_cost_gemm(config, shape, models::EnergyTable::defaults(), w.m_tile); });
  return finish(result, timing_only, {{"unit", "approx"},
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
  if (options.rows || options.cols || options.multiplier) {
    const std::string option = options.rows ? "--rows" : options.cols ? "--cols" : "--multiplier";
    const std::string units = option == "--multiplier" ? "approx" : "approx and optical";
    throw InputError("cosim " + option + ": applies to --unit " + units +
                     " only; the MX RTL (quantizer -> dot unit) takes one block pair per cycle and has no array size "
                     "or multiplier");
  }
  const auto& chains = mx_chains(options);
  require_verilated_rtl(chains.empty());
  const VerilatedMxChain& chain = chains.front();
  const CosimWorkload w = mx_workload(options.tiles);
  const models::MxUnitConfig config =
      mx_chain_config(mx::parse_element_format(chain.format_a), mx::parse_element_format(chain.format_b), w.m_tile);
  const models::GemmShape shape{w.m, w.k, w.n};
  const CosimResult result = chain.cosim(config, shape, options.seed);
  const TimingOnly timing_only = measure_timing_only([&] { return models::mx_cost_gemm(config, shape); });
  return finish(result, timing_only, {{"unit", "mx"},
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

const std::vector<VerilatedOpticalPeriphery>& optical_peripheries(const CosimOptions& options) {
  return systemc_kernel(options) ? systemc_optical_peripheries() : verilated_optical_peripheries();
}

CosimRunReport run_optical(const CosimOptions& options) {
  if (options.multiplier) {
    throw InputError("cosim --multiplier: applies to --unit approx only; the optical array multiplies in the analog "
                     "domain");
  }
  const auto& peripheries = optical_peripheries(options);
  require_verilated_rtl(peripheries.empty());
  const VerilatedOpticalPeriphery& periphery = peripheries.front();
  const std::string verilated = "the optical periphery RTL is verilated for a " +
                                size_text(periphery.rows, periphery.cols) + " array with " +
                                std::to_string(periphery.wavelengths) +
                                " wavelengths (sim/cosim/CMakeLists.txt TESSERA_COSIM_OPTICAL_PERIPHERIES); other "
                                "sizes need an entry there";
  if (options.rows && *options.rows != periphery.rows) {
    throw InputError("cosim --rows " + std::to_string(*options.rows) + ": " + verilated);
  }
  if (options.cols && *options.cols != periphery.cols) {
    throw InputError("cosim --cols " + std::to_string(*options.cols) + ": " + verilated);
  }
  const CosimWorkload w = optical_workload(periphery.rows, periphery.cols, periphery.wavelengths, options.tiles);
  models::OpticalArrayConfig config;  // dynamic weights, signed single pass, DAC/psum/ADC latency 1
  config.rows = periphery.rows;
  config.cols = periphery.cols;
  config.wavelengths = periphery.wavelengths;
  const models::GemmShape shape{w.m, w.k, w.n};
  const CosimResult result = periphery.cosim(config, shape, options.seed);
  const TimingOnly timing_only = measure_timing_only([&] { return models::optical_cost_gemm(config, shape); });
  return finish(result, timing_only,
                {{"unit", "optical"},
                 {"kernel", options.kernel},
                 {"rtl",
                  {{"top", "tessera_optical_periphery"},
                   {"rows", periphery.rows},
                   {"cols", periphery.cols},
                   {"wavelengths", periphery.wavelengths},
                   {"analog_core", "C++: golden combine_code_sums of the RTL's code sums, noise, float32 cast"}}},
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

CosimWorkload optical_workload(std::uint64_t rows, std::uint64_t cols, std::uint64_t wavelengths,
                               std::uint64_t tiles) {
  const std::uint64_t n_tiles = tiles % 2 == 0 ? 2 : 1;
  const std::uint64_t m_tiles = tiles / n_tiles;
  CosimWorkload w;
  w.m_tile = rows;
  w.m = m_tiles * rows - (rows > 1 ? 1 : 0);
  w.n = n_tiles * cols - (cols > 1 ? 1 : 0);
  w.k = kOpticalPassesPerTile * wavelengths - (wavelengths > 1 ? 1 : 0);
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
  if (options.unit == "optical") return run_optical(options);
  throw InputError("cosim --unit " + options.unit + ": expected approx, mx or optical");
}

}  // namespace tessera::cosim
