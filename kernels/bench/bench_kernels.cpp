// Benchmarks of the kernels against their yardsticks, measured in ONE run so the ratios are fair:
//   (a) Eigen FP32 GEMM of the same shape (same OpenMP threads),
//   (b) the naive golden loop (golden/approx, golden/mx, golden/optical; single-threaded, as
//       specified; golden MX and optical on fewer rows of the same shape, the rate is per MAC),
//   (c) for table lookups, the machine's random-lookup rate from a 128 KiB int16 table
//       (all threads), the physical limit of a general table.
// Every GEMM reports MAC/s (counter "MAC/s"); the table after the run lists the ratios.
//   build-kernels/kernels/tessera_bench_kernels [--benchmark_filter=...] [--benchmark_repetitions=3]
// With repetitions the medians are used. On a shared, loaded machine run it single-threaded too
// (OMP_NUM_THREADS=1): every OpenMP barrier then waits for a descheduled thread.
#include <benchmark/benchmark.h>
#include <omp.h>

#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "golden/approx/catalog.h"
#include "golden/approx/conv.h"
#include "golden/approx/gemm.h"
#include "golden/mx/gemm.h"
#include "golden/mx/tensor.h"
#include "kernels/approx/approx_gemm.h"
#include "golden/optical/matmul.h"
#include "golden/optical/quantizer.h"
#include "kernels/mx/mx_ops.h"
#include "kernels/optical/optical_gemm.h"

namespace {

using namespace tessera;
using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

constexpr int kM = 512, kN = 768, kK = 768;  // the GEMM shape of the issue
// The conv layer: ResNet-18 conv2_x, 64 -> 64 channels, 56 x 56, 3 x 3, pad 1 (M 3136, N 64, K 576).
approx::Conv2dShape conv_layer() {
  approx::Conv2dShape s;
  s.batch = 1; s.in_channels = 64; s.in_height = 56; s.in_width = 56; s.out_channels = 64;
  s.kernel_height = 3; s.kernel_width = 3; s.pad_h = 1; s.pad_w = 1;
  return s;
}

std::vector<std::int8_t> codes(std::size_t count, std::uint32_t seed) {
  std::mt19937 gen(seed);
  std::uniform_int_distribution<int> dist(-127, 127);
  std::vector<std::int8_t> v(count);
  for (auto& x : v) x = static_cast<std::int8_t>(dist(gen));
  return v;
}

std::vector<float> floats(std::size_t count, std::uint32_t seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> d(0.0f, 1.0f);
  std::vector<float> v(count);
  for (auto& x : v) x = d(gen);
  return v;
}

void set_macs(benchmark::State& state, double macs) {
  state.counters["MAC/s"] = benchmark::Counter(macs * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

// (a) Eigen FP32 GEMM, A M x K times W^T (W N x K), all OpenMP threads.
void BM_eigen_fp32_gemm(benchmark::State& state) {
  const auto m = state.range(0), n = state.range(1), k = state.range(2);
  RowMatrixF a = RowMatrixF::Random(m, k), w = RowMatrixF::Random(n, k), c(m, n);
  for (auto _ : state) {
    c.noalias() = a * w.transpose();
    benchmark::DoNotOptimize(c.data());
  }
  set_macs(state, static_cast<double>(m * n * k));
}
BENCHMARK(BM_eigen_fp32_gemm)->Args({kM, kN, kK})->Args({3136, 64, 576})->Unit(benchmark::kMillisecond)->UseRealTime();

// (c) random lookups from a 128 KiB int16 table, all threads, independent random indices.
void BM_random_lookup_128KiB(benchmark::State& state) {
  const std::vector<std::int16_t> table = [] {
    std::vector<std::int16_t> t(65536);
    std::mt19937 gen(9);
    for (auto& x : t) x = static_cast<std::int16_t>(gen());
    return t;
  }();
  constexpr std::size_t kLookups = std::size_t{1} << 22;
  std::vector<std::uint16_t> index(kLookups);
  std::mt19937 gen(10);
  for (auto& i : index) i = static_cast<std::uint16_t>(gen());
  for (auto _ : state) {
    std::int64_t total = 0;
#pragma omp parallel for reduction(+ : total) schedule(static)
    for (std::ptrdiff_t i = 0; i < static_cast<std::ptrdiff_t>(kLookups); ++i) total += table[index[static_cast<std::size_t>(i)]];
    benchmark::DoNotOptimize(total);
  }
  state.counters["lookups/s"] = benchmark::Counter(static_cast<double>(kLookups * state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_random_lookup_128KiB)->Unit(benchmark::kMillisecond)->UseRealTime();

const char* const kTables[] = {"mul8s_1L2H", "mitchell", "exact", "trunc4", "bam_h2_v0"};

// args: table index, force gather (0/1), M, N, K
void BM_approx_gemm(benchmark::State& state) {
  const std::string name = kTables[state.range(0)];
  const kernels::ApproxPlan plan(approx::load_multiplier(name), state.range(1) == 0);
  const auto m = static_cast<std::size_t>(state.range(2)), n = static_cast<std::size_t>(state.range(3)),
             k = static_cast<std::size_t>(state.range(4));
  const auto a = codes(m * k, 1), w = codes(n * k, 2);
  std::vector<std::int32_t> out(m * n);
  for (auto _ : state) {
    kernels::approx_gemm_cpu(plan, a.data(), w.data(), m, n, k, out.data());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetLabel(name + "/" + std::string(kernels::approx_path_name(plan.path())));
  set_macs(state, static_cast<double>(m * n * k));
}
BENCHMARK(BM_approx_gemm)
    ->Args({0, 0, kM, kN, kK})->Args({1, 0, kM, kN, kK})->Args({2, 0, kM, kN, kK})->Args({3, 0, kM, kN, kK})
    ->Args({4, 0, kM, kN, kK})->Args({2, 1, kM, kN, kK})->Args({2, 0, 3136, 64, 576})->Args({0, 0, 3136, 64, 576})
    ->Unit(benchmark::kMillisecond)->UseRealTime();

// (b) golden approx_gemm, the naive loop (single thread).
void BM_golden_approx_gemm(benchmark::State& state) {
  const approx::MultiplierTable table = approx::load_multiplier(kTables[state.range(0)]);
  const auto m = static_cast<std::size_t>(state.range(1)), n = static_cast<std::size_t>(state.range(2)),
             k = static_cast<std::size_t>(state.range(3));
  const auto a = codes(m * k, 1), w = codes(n * k, 2);
  for (auto _ : state) benchmark::DoNotOptimize(approx::approx_gemm(table, a.data(), w.data(), m, n, k));
  set_macs(state, static_cast<double>(m * n * k));
}
BENCHMARK(BM_golden_approx_gemm)->Args({0, kM, kN, kK})->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

void BM_approx_conv2d(benchmark::State& state) {
  const approx::Conv2dShape s = conv_layer();
  const kernels::ApproxPlan plan(approx::load_multiplier(kTables[state.range(0)]));
  const auto in = codes(s.input_size(), 3), w = codes(s.weight_size(), 4);
  for (auto _ : state) benchmark::DoNotOptimize(kernels::approx_conv2d(kernels::Backend::cpu, plan, in.data(), w.data(), s));
  state.SetLabel(std::string(kTables[state.range(0)]) + "/" + std::string(kernels::approx_path_name(plan.path())));
  set_macs(state, static_cast<double>(s.output_size() * s.depth()));
}
BENCHMARK(BM_approx_conv2d)->Arg(0)->Arg(2)->Arg(3)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_golden_approx_conv2d(benchmark::State& state) {
  const approx::Conv2dShape s = conv_layer();
  const approx::MultiplierTable table = approx::load_multiplier(kTables[state.range(0)]);
  const auto in = codes(s.input_size(), 3), w = codes(s.weight_size(), 4);
  for (auto _ : state) benchmark::DoNotOptimize(approx::approx_conv2d(table, in.data(), w.data(), s));
  set_macs(state, static_cast<double>(s.output_size() * s.depth()));
}
BENCHMARK(BM_golden_approx_conv2d)->Arg(0)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

const mx::ElementFormat kMxFormats[] = {mx::ElementFormat::fp4_e2m1, mx::ElementFormat::fp6_e2m3,
                                        mx::ElementFormat::fp6_e3m2, mx::ElementFormat::int8,
                                        mx::ElementFormat::fp8_e4m3};

// args: format index, M, N, K
void BM_mx_gemm(benchmark::State& state) {
  const mx::ElementFormat f = kMxFormats[state.range(0)];
  const auto m = static_cast<std::size_t>(state.range(1)), n = static_cast<std::size_t>(state.range(2)),
             k = static_cast<std::size_t>(state.range(3));
  const auto va = floats(m * k, 5), vb = floats(n * k, 6);
  const auto qa = mx::quantize_rows(va.data(), m, k, f, 32, {});
  const auto qb = mx::quantize_rows(vb.data(), n, k, f, 32, {});
  for (auto _ : state) benchmark::DoNotOptimize(kernels::mx_gemm(kernels::Backend::cpu, qa, qb));
  state.SetLabel(std::string(mx::element_format_name(f)));
  set_macs(state, static_cast<double>(m * n * k));
}
BENCHMARK(BM_mx_gemm)->Args({0, kM, kN, kK})->Args({1, kM, kN, kK})->Args({2, kM, kN, kK})->Args({3, kM, kN, kK})
    ->Args({4, 64, kN, kK})->Unit(benchmark::kMillisecond)->UseRealTime();

// (b) golden mx_gemm (single thread); 16 rows of the 512 x 768 x 768 shape (the rate is per MAC).
void BM_golden_mx_gemm(benchmark::State& state) {
  const mx::ElementFormat f = kMxFormats[state.range(0)];
  const auto m = static_cast<std::size_t>(state.range(1)), n = static_cast<std::size_t>(state.range(2)),
             k = static_cast<std::size_t>(state.range(3));
  const auto va = floats(m * k, 5), vb = floats(n * k, 6);
  const auto qa = mx::quantize_rows(va.data(), m, k, f, 32, {});
  const auto qb = mx::quantize_rows(vb.data(), n, k, f, 32, {});
  for (auto _ : state) benchmark::DoNotOptimize(mx::mx_gemm(qa, qb));
  state.SetLabel(std::string(mx::element_format_name(f)));
  set_macs(state, static_cast<double>(m * n * k));
}
BENCHMARK(BM_golden_mx_gemm)->Args({0, 16, kN, kK})->Args({1, 16, kN, kK})->Args({2, 16, kN, kK})->Args({3, 16, kN, kK})->Args({4, 16, kN, kK})
    ->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

void BM_mx_quantize(benchmark::State& state) {
  const mx::ElementFormat f = kMxFormats[state.range(0)];
  const auto v = floats(static_cast<std::size_t>(kM) * kK, 7);
  for (auto _ : state) benchmark::DoNotOptimize(kernels::mx_quantize(kernels::Backend::cpu, v.data(), kM, kK, f, 32, {}));
  state.SetLabel(std::string(mx::element_format_name(f)));
  state.counters["elements/s"] = benchmark::Counter(static_cast<double>(kM) * kK * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_mx_quantize)->Arg(0)->Arg(3)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_golden_mx_quantize(benchmark::State& state) {
  const mx::ElementFormat f = kMxFormats[state.range(0)];
  const auto v = floats(static_cast<std::size_t>(kM) * kK, 7);
  for (auto _ : state) benchmark::DoNotOptimize(mx::quantize_rows(v.data(), kM, kK, f, 32, {}));
  state.SetLabel(std::string(mx::element_format_name(f)));
  state.counters["elements/s"] = benchmark::Counter(static_cast<double>(kM) * kK * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_golden_mx_quantize)->Arg(0)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

optical::OpticalGemmSpec optical_spec() {
  optical::OpticalGemmSpec spec;
  spec.input = optical::make_quantizer(256, -3.0f, 3.0f, 0.0f, "input");
  spec.weight = optical::make_quantizer(256, -1.0f, 1.0f, 0.02f, "weight");
  spec.output.adc = optical::make_quantizer(256, -60.0f, 60.0f, 0.0f, "output");
  spec.output.detector_noise_lsb = 0.5;
  return spec;
}

optical::Matrix optical_matrix(std::size_t rows, std::size_t cols, std::uint32_t seed) {
  return optical::Matrix{rows, cols, floats(rows * cols, seed)};
}

void BM_optical_gemm(benchmark::State& state) {
  const auto m = static_cast<std::size_t>(state.range(0)), n = static_cast<std::size_t>(state.range(1)),
             k = static_cast<std::size_t>(state.range(2));
  const optical::Matrix x = optical_matrix(m, k, 11), w = optical_matrix(n, k, 12);
  const optical::OpticalGemmSpec spec = optical_spec();
  for (auto _ : state) benchmark::DoNotOptimize(kernels::optical_gemm(kernels::Backend::cpu, x, w, {}, spec, {1, 2, 3}));
  state.SetLabel("L=256, detector noise");
  set_macs(state, static_cast<double>(m * n * k));
}
BENCHMARK(BM_optical_gemm)->Args({kM, kN, kK})->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_golden_optical_gemm(benchmark::State& state) {
  const auto m = static_cast<std::size_t>(state.range(0)), n = static_cast<std::size_t>(state.range(1)),
             k = static_cast<std::size_t>(state.range(2));
  const optical::Matrix x = optical_matrix(m, k, 11), w = optical_matrix(n, k, 12);
  const optical::OpticalGemmSpec spec = optical_spec();
  for (auto _ : state) benchmark::DoNotOptimize(optical::optical_gemm(x, w, {}, spec, {1, 2, 3}));
  set_macs(state, static_cast<double>(m * n * k));
}
BENCHMARK(BM_golden_optical_gemm)->Args({64, kN, kK})->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

// Collects every run's counters for the ratio table.
class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  struct Row { std::string label; double macs = 0, lookups = 0; };
  std::map<std::string, Row> rows;
  void ReportRuns(const std::vector<Run>& reports) override {
    for (const Run& r : reports) {
      // With --benchmark_repetitions the median stands for the benchmark.
      if (r.run_type == Run::RT_Aggregate && r.aggregate_name != "median") continue;
      if (r.run_type == Run::RT_Iteration && rows.count(r.run_name.str()) != 0) continue;
      Row row;
      row.label = r.report_label;
      auto it = r.counters.find("MAC/s");
      if (it != r.counters.end()) row.macs = it->second.value;
      it = r.counters.find("lookups/s");
      if (it != r.counters.end()) row.lookups = it->second.value;
      rows[r.run_name.str()] = row;
    }
    ConsoleReporter::ReportRuns(reports);
  }
  double macs(const std::string& prefix) const {
    for (const auto& [name, row] : rows)
      if (name.rfind(prefix, 0) == 0) return row.macs;
    return 0;
  }
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const double lookup = [&] {
    for (const auto& [name, row] : reporter.rows)
      if (row.lookups > 0) return row.lookups;
    return 0.0;
  }();
  const double eigen_gemm = reporter.macs("BM_eigen_fp32_gemm/512/768/768");
  const double eigen_conv = reporter.macs("BM_eigen_fp32_gemm/3136/64/576");
  std::printf("\nthreads %d; (c) random lookups from a 128 KiB table: %.3g /s\n", omp_get_max_threads(), lookup);
  std::printf("%-58s %-24s %12s %10s %10s %10s\n", "kernel/shape", "table or format", "MAC/s", "(a) Eigen", "(b) golden",
              "(c) lookup");
  for (const auto& [name, row] : reporter.rows) {
    if (row.macs <= 0 || name.rfind("BM_golden", 0) == 0 || name.rfind("BM_eigen", 0) == 0) continue;
    const bool conv = name.rfind("BM_approx_conv2d", 0) == 0;
    const double a = conv ? eigen_conv : eigen_gemm;
    double golden = 0;
    if (name.rfind("BM_approx_gemm", 0) == 0) golden = reporter.macs("BM_golden_approx_gemm");
    if (conv) golden = reporter.macs("BM_golden_approx_conv2d");
    if (name.rfind("BM_optical_gemm", 0) == 0) golden = reporter.macs("BM_golden_optical_gemm");
    if (name.rfind("BM_mx_gemm", 0) == 0) {
      const std::string fmt = row.label;
      for (const auto& [gname, grow] : reporter.rows)
        if (gname.rfind("BM_golden_mx_gemm", 0) == 0 && grow.label == fmt) golden = grow.macs;
    }
    const bool table_lookups = row.label.find("gather") != std::string::npos;
    std::printf("%-58s %-24s %12.3g %9.1f%% %9.1fx %9.1f%%\n", name.c_str(), row.label.c_str(), row.macs,
                a > 0 ? 100.0 * row.macs / a : 0.0, golden > 0 ? row.macs / golden : 0.0,
                table_lookups && lookup > 0 ? 100.0 * row.macs / lookup : 0.0);
  }
  benchmark::Shutdown();
  return 0;
}
