#pragma once
// The kernels benchmark's verdict: per kernel and shape, its rate and the ratios to the issue's
// yardsticks, all measured in ONE run of tessera_bench_kernels:
//   (a) an FP32 GEMM of the same M x N x K on the same device: Eigen (same threads) for the CPU
//       twins, cuBLAS for the CUDA kernels (families "cuda_<family>"),
//   (b) the naive golden loop (single-threaded; the rate is per MAC or per element),
//   (c) for table lookups (gather path), the random-lookup rate from a 128 KiB int16 table: in
//       host memory for the CPU, in shared memory for the device,
// and which of the targets each row meets (20x golden is the CPU twin's target). Shared by the benchmark executable (which
// prints the table after its run) and `tessera bench kernels` (which reads the executable's JSON).
//
// Every benchmark labels its runs "<family> <MxNxK or rows x cols> <variant>" (variant: table/path
// or element format; may be empty) and reports one rate counter: MAC/s, lookups/s or elements/s.
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tessera::kernels::bench {

struct Measurement {
  std::string name;   // Google Benchmark run name, e.g. "BM_approx_gemm/0/0/512/768/768/real_time"
  std::string label;  // "<family> <shape> <variant>"
  std::string unit;   // "MAC/s", "lookups/s" or "elements/s"
  double rate = 0;
  std::string skipped;  // why the benchmark did not run (e.g. "no CUDA device: ..."); then no rate
};

struct TargetCheck {
  std::string target;  // e.g. ">= 20x golden"
  bool met = false;
};

struct RatioRow {
  std::string family, shape, variant, unit;
  double rate = 0;
  bool on_gpu = false;  // a CUDA kernel: (a) is cuBLAS, (c) the shared-memory lookup rate
  std::optional<double> vs_fp32_gemm, vs_golden, vs_lookup;  // fractions (0.25 = 25 %) / factor
  std::vector<TargetCheck> targets;
};

struct RatioTable {
  int threads = 0;
  std::string rate_per = "wall-clock second";  // or "process CPU second"
  std::string int8_core;       // the integer GEMM's core on the CPU (amx, vnni, portable; empty: not said)
  std::string lookup_sums;     // how the gather path's lookup passes sum (amx_tiles, vector; empty: not said)
  double lookup_rate = 0;      // (c) on the CPU, lookups/s
  double gpu_lookup_rate = 0;  // (c) on the device (0: not measured)
  std::size_t skipped = 0;     // benchmarks that did not run, and the first one's reason
  std::string skipped_reason;
  std::vector<RatioRow> rows;
};

// The label's three fields; throws ConfigError when it has no family and shape.
struct LabelFields {
  std::string family, shape, variant;
};
LabelFields parse_label(const std::string& label);
std::string make_label(const std::string& family, const std::string& shape, const std::string& variant = "");

// Rows for every kernel measurement (yardsticks and golden runs are inputs, not rows).
RatioTable build_ratio_table(const std::vector<Measurement>& measurements, int threads);

// Google Benchmark's --benchmark_out JSON: one measurement per benchmark (the median aggregate
// when the run was repeated, else the first iteration run).
std::vector<Measurement> measurements_from_benchmark_json(const nlohmann::json& benchmark_out);

void print_ratio_table(std::ostream& out, const RatioTable& table);
nlohmann::json ratio_table_json(const RatioTable& table);

}  // namespace tessera::kernels::bench
