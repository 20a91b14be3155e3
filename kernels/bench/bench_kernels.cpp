// Benchmarks of the kernels against their yardsticks, measured in ONE run so the ratios are fair
// (kernels/bench/ratio_table.h says which): Eigen FP32 GEMM of the same shape, the naive golden
// loop (single-threaded), the random-lookup rate from a 128 KiB table. Every run is labelled
// "<family> <shape> <variant>" and reports one rate counter; the ratio table follows Google
// Benchmark's own.
//   tessera_bench_kernels [--tessera_size=issue|tiny] [--tessera_time=real|cpu] [--tessera_no_table]
//                         [--benchmark_filter=RE] [--benchmark_repetitions=3]
//   tessera bench kernels [--filter RE] [--threads N] [--json-out FILE]     (runs this executable)
// issue: the issue's shapes (GEMM 512 x 768 x 768, ResNet-18 conv2_x); tiny: small shapes for CI.
// With repetitions the medians are used. On a shared, loaded machine run it single-threaded too
// (OMP_NUM_THREADS=1): every OpenMP barrier then waits for a descheduled thread.
#include <benchmark/benchmark.h>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "golden/approx/catalog.h"
#include "golden/approx/conv.h"
#include "golden/approx/gemm.h"
#include "golden/mx/gemm.h"
#include "golden/mx/tensor.h"
#include "golden/optical/matmul.h"
#include "golden/optical/quantizer.h"
#include "kernels/approx/approx_gemm.h"
#include "kernels/bench/ratio_table.h"
#include "kernels/common/int8_gemm.h"
#include "kernels/mx/mx_ops.h"
#include "kernels/optical/optical_gemm.h"
#if defined(TESSERA_KERNELS_HAVE_CUDA)
#include <chrono>

#include "kernels/approx/cuda/approx_gemm_cuda.h"
#include "kernels/bench/gpu_timing.h"
#endif

namespace {

using namespace tessera;
using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct GemmShape {
  std::size_t m, n, k;
  std::string text() const { return std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k); }
  double macs() const { return static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k); }
  GemmShape with_rows(std::size_t rows) const { return {std::min(rows, m), n, k}; }
};

struct BenchSizes {
  GemmShape gemm;            // the issue's GEMM
  approx::Conv2dShape conv;  // the conv layer
  std::size_t golden_mx_rows, golden_optical_rows, fp8_rows;
};

approx::Conv2dShape conv_shape(std::size_t channels, std::size_t side) {
  approx::Conv2dShape s;
  s.batch = 1; s.in_channels = channels; s.in_height = side; s.in_width = side; s.out_channels = channels;
  s.kernel_height = 3; s.kernel_width = 3; s.pad_h = 1; s.pad_w = 1;
  return s;
}

// issue: GEMM 512 x 768 x 768; ResNet-18 conv2_x, 64 -> 64 channels, 56 x 56, 3 x 3, pad 1
// (M 3136, N 64, K 576); golden MX / optical / FP8 on fewer rows (rates are per MAC).
BenchSizes issue_sizes() { return {{512, 768, 768}, conv_shape(64, 56), 16, 64, 64}; }
BenchSizes tiny_sizes() { return {{24, 40, 72}, conv_shape(8, 6), 8, 8, 8}; }

GemmShape conv_gemm(const approx::Conv2dShape& s) {
  return {s.batch * s.out_height() * s.out_width(), s.out_channels, s.depth()};
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

void set_rate(benchmark::State& state, const char* unit, double per_iteration, const std::string& label) {
  state.counters[unit] = benchmark::Counter(per_iteration * static_cast<double>(state.iterations()),
                                            benchmark::Counter::kIsRate);
  state.SetLabel(label);
}

// Rates per wall-clock second (default), or per CPU second of the process (--tessera_time=cpu):
// on a shared machine a single-threaded run is then not charged for the time it was descheduled.
bool g_cpu_time = false;

std::string int8_core_text() {
  switch (tessera::kernels::int8_gemm_core()) {
    case tessera::kernels::Int8Core::amx: return "amx (AMX-INT8 tiles)";
    case tessera::kernels::Int8Core::vnni: return "vnni (AVX-512 vpdpbusd)";
    case tessera::kernels::Int8Core::portable: return "portable loop";
  }
  return "?";
}

std::string lookup_sums_text() {
  switch (tessera::kernels::lookup_sums()) {
    case tessera::kernels::LookupSums::amx_tiles: return "amx_tiles (AMX tdpbuud)";
    case tessera::kernels::LookupSums::vector: return "vector (uint16 sums)";
  }
  return "?";
}

benchmark::internal::Benchmark* add(const std::string& name, std::function<void(benchmark::State&)> body) {
  benchmark::internal::Benchmark* b =
      benchmark::RegisterBenchmark(name.c_str(), [body](benchmark::State& state) { body(state); })
          ->Unit(benchmark::kMillisecond);
  return g_cpu_time ? b->MeasureProcessCPUTime() : b->UseRealTime();
}

// (a) Eigen FP32 GEMM, A M x K times W^T (W N x K), all OpenMP threads.
void add_eigen(const GemmShape& s) {
  add("BM_eigen_fp32_gemm/" + s.text(), [s](benchmark::State& state) {
    RowMatrixF a = RowMatrixF::Random(static_cast<Eigen::Index>(s.m), static_cast<Eigen::Index>(s.k));
    RowMatrixF w = RowMatrixF::Random(static_cast<Eigen::Index>(s.n), static_cast<Eigen::Index>(s.k));
    RowMatrixF c(static_cast<Eigen::Index>(s.m), static_cast<Eigen::Index>(s.n));
    for (auto _ : state) {
      c.noalias() = a * w.transpose();
      benchmark::DoNotOptimize(c.data());
    }
    set_rate(state, "MAC/s", s.macs(), kernels::bench::make_label("eigen_fp32_gemm", s.text()));
  });
}

// (c) random lookups from a 128 KiB int16 table, all threads, independent random indices.
void add_random_lookup() {
  add("BM_random_lookup_128KiB", [](benchmark::State& state) {
    std::vector<std::int16_t> table(65536);
    std::mt19937 gen(9);
    for (auto& x : table) x = static_cast<std::int16_t>(gen());
    constexpr std::size_t kLookups = std::size_t{1} << 22;
    std::vector<std::uint16_t> index(kLookups);
    for (auto& i : index) i = static_cast<std::uint16_t>(gen());
    for (auto _ : state) {
      std::int64_t total = 0;
#pragma omp parallel for reduction(+ : total) schedule(static)
      for (std::ptrdiff_t i = 0; i < static_cast<std::ptrdiff_t>(kLookups); ++i) total += table[index[static_cast<std::size_t>(i)]];
      benchmark::DoNotOptimize(total);
    }
    set_rate(state, "lookups/s", static_cast<double>(kLookups), kernels::bench::make_label("random_lookup_128KiB", "65536"));
  });
}

const char* const kTables[] = {"mul8s_1L2H", "mitchell", "exact", "trunc4", "bam_h2_v0"};

// A catalog multiplier, or "random_int16": seeded uniform int16 entries, the general table at its
// worst for the gather path (no linear part, every row two byte planes).
approx::MultiplierTable bench_multiplier(const std::string& name) {
  if (name != "random_int16") return approx::load_multiplier(name);
  std::mt19937 gen(16);
  std::uniform_int_distribution<int> entry(-32768, 32767);
  std::vector<std::int16_t> products(approx::kTableEntries);
  for (auto& p : products) p = static_cast<std::int16_t>(entry(gen));
  return approx::MultiplierTable(name, std::move(products));
}

// Activation codes as a network's: normal around 0 (sigma 20 codes), clamped to +-127.
std::vector<std::int8_t> normal_codes(std::size_t count, std::uint32_t seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> d(0.0f, 20.0f);
  std::vector<std::int8_t> v(count);
  for (auto& x : v) x = static_cast<std::int8_t>(std::clamp(std::lround(d(gen)), -127L, 127L));
  return v;
}

void add_approx(const BenchSizes& z) {
  // normal: activations from normal_codes (Mitchell then runs one plane + exception rows).
  struct Case { const char* table; bool force_gather; GemmShape shape; bool normal = false; };
  const GemmShape conv = conv_gemm(z.conv);
  const Case cases[] = {{"mul8s_1L2H", false, z.gemm},   {"mitchell", false, z.gemm},  {"mitchell", false, z.gemm, true},
                        {"drum4", false, z.gemm},        {"exact", false, z.gemm},     {"trunc4", false, z.gemm},
                        {"bam_h2_v0", false, z.gemm},    {"random_int16", true, z.gemm}, {"exact", false, conv},
                        {"mul8s_1L2H", false, conv}};
  for (const Case& c : cases) {
    add(std::string("BM_approx_gemm/") + c.table + (c.force_gather ? "/forced_gather/" : "/") + c.shape.text() +
            (c.normal ? "/normal_codes" : ""),
        [c](benchmark::State& state) {
          const kernels::ApproxPlan plan(bench_multiplier(c.table), !c.force_gather);
          const GemmShape s = c.shape;
          const auto a = c.normal ? normal_codes(s.m * s.k, 1) : codes(s.m * s.k, 1), w = codes(s.n * s.k, 2);
          std::vector<std::int32_t> out(s.m * s.n);
          for (auto _ : state) {
            kernels::approx_gemm_cpu(plan, a.data(), w.data(), s.m, s.n, s.k, out.data());
            benchmark::DoNotOptimize(out.data());
          }
          set_rate(state, "MAC/s", s.macs(),
                   kernels::bench::make_label("approx_gemm", s.text(),
                                              std::string(c.table) + "/" + std::string(kernels::approx_path_name(plan.path())) +
                                                  (c.normal ? " normal codes" : "")));
        });
  }
  // (b) golden approx_gemm, the naive loop (single thread).
  const GemmShape g = z.gemm;
  add("BM_golden_approx_gemm/" + g.text(), [g](benchmark::State& state) {
    const approx::MultiplierTable table = approx::load_multiplier("mul8s_1L2H");
    const auto a = codes(g.m * g.k, 1), w = codes(g.n * g.k, 2);
    for (auto _ : state) benchmark::DoNotOptimize(approx::approx_gemm(table, a.data(), w.data(), g.m, g.n, g.k));
    set_rate(state, "MAC/s", g.macs(), kernels::bench::make_label("golden_approx_gemm", g.text(), "mul8s_1L2H"));
  })->Iterations(2);

  const approx::Conv2dShape cs = z.conv;
  for (const char* name : {"mul8s_1L2H", "exact", "trunc4", "mitchell", "drum4"}) {
    add(std::string("BM_approx_conv2d/") + name, [cs, name, conv](benchmark::State& state) {
      const kernels::ApproxPlan plan(approx::load_multiplier(name));
      const auto in = codes(cs.input_size(), 3), w = codes(cs.weight_size(), 4);
      for (auto _ : state) benchmark::DoNotOptimize(kernels::approx_conv2d(kernels::Backend::cpu, plan, in.data(), w.data(), cs));
      set_rate(state, "MAC/s", conv.macs(),
               kernels::bench::make_label("approx_conv2d", conv.text(),
                                          std::string(name) + "/" + std::string(kernels::approx_path_name(plan.path()))));
    });
  }
  add("BM_golden_approx_conv2d", [cs, conv](benchmark::State& state) {
    const approx::MultiplierTable table = approx::load_multiplier("mul8s_1L2H");
    const auto in = codes(cs.input_size(), 3), w = codes(cs.weight_size(), 4);
    for (auto _ : state) benchmark::DoNotOptimize(approx::approx_conv2d(table, in.data(), w.data(), cs));
    set_rate(state, "MAC/s", conv.macs(), kernels::bench::make_label("golden_approx_conv2d", conv.text(), "mul8s_1L2H"));
  })->Iterations(2);
}

const mx::ElementFormat kMxFormats[] = {mx::ElementFormat::fp4_e2m1, mx::ElementFormat::fp6_e2m3,
                                        mx::ElementFormat::fp6_e3m2, mx::ElementFormat::int8,
                                        mx::ElementFormat::fp8_e4m3};

void add_mx(const BenchSizes& z) {
  for (const mx::ElementFormat f : kMxFormats) {
    const std::string fmt(mx::element_format_name(f));
    const GemmShape s = f == mx::ElementFormat::fp8_e4m3 ? z.gemm.with_rows(z.fp8_rows) : z.gemm;
    add("BM_mx_gemm/" + fmt + "/" + s.text(), [s, f, fmt](benchmark::State& state) {
      const auto va = floats(s.m * s.k, 5), vb = floats(s.n * s.k, 6);
      const auto qa = mx::quantize_rows(va.data(), s.m, s.k, f, 32, {});
      const auto qb = mx::quantize_rows(vb.data(), s.n, s.k, f, 32, {});
      for (auto _ : state) benchmark::DoNotOptimize(kernels::mx_gemm(kernels::Backend::cpu, qa, qb));
      set_rate(state, "MAC/s", s.macs(), kernels::bench::make_label("mx_gemm", s.text(), fmt));
    });
    // (b) golden mx_gemm (single thread) on fewer rows of the same shape (the rate is per MAC).
    const GemmShape g = z.gemm.with_rows(z.golden_mx_rows);
    add("BM_golden_mx_gemm/" + fmt + "/" + g.text(), [g, f, fmt](benchmark::State& state) {
      const auto va = floats(g.m * g.k, 5), vb = floats(g.n * g.k, 6);
      const auto qa = mx::quantize_rows(va.data(), g.m, g.k, f, 32, {});
      const auto qb = mx::quantize_rows(vb.data(), g.n, g.k, f, 32, {});
      for (auto _ : state) benchmark::DoNotOptimize(mx::mx_gemm(qa, qb));
      set_rate(state, "MAC/s", g.macs(), kernels::bench::make_label("golden_mx_gemm", g.text(), fmt));
    })->Iterations(2);
  }
  const std::size_t rows = z.gemm.m, cols = z.gemm.k;
  const std::string shape = std::to_string(rows) + "x" + std::to_string(cols);
  for (const mx::ElementFormat f : {mx::ElementFormat::fp4_e2m1, mx::ElementFormat::int8, mx::ElementFormat::fp8_e4m3}) {
    const std::string fmt(mx::element_format_name(f));
    add("BM_mx_quantize/" + fmt + "/" + shape, [=](benchmark::State& state) {
      const auto v = floats(rows * cols, 7);
      for (auto _ : state) benchmark::DoNotOptimize(kernels::mx_quantize(kernels::Backend::cpu, v.data(), rows, cols, f, 32, {}));
      set_rate(state, "elements/s", static_cast<double>(rows * cols), kernels::bench::make_label("mx_quantize", shape, fmt));
    });
    add("BM_golden_mx_quantize/" + fmt + "/" + shape, [=](benchmark::State& state) {
      const auto v = floats(rows * cols, 7);
      for (auto _ : state) benchmark::DoNotOptimize(mx::quantize_rows(v.data(), rows, cols, f, 32, {}));
      set_rate(state, "elements/s", static_cast<double>(rows * cols), kernels::bench::make_label("golden_mx_quantize", shape, fmt));
    })->Iterations(2);
  }
}

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

void add_optical(const BenchSizes& z) {
  const GemmShape s = z.gemm;
  add("BM_optical_gemm/" + s.text(), [s](benchmark::State& state) {
    const optical::Matrix x = optical_matrix(s.m, s.k, 11), w = optical_matrix(s.n, s.k, 12);
    const optical::OpticalGemmSpec spec = optical_spec();
    for (auto _ : state) benchmark::DoNotOptimize(kernels::optical_gemm(kernels::Backend::cpu, x, w, {}, spec, {1, 2, 3}));
    set_rate(state, "MAC/s", s.macs(), kernels::bench::make_label("optical_gemm", s.text(), "L=256,detector_noise"));
  });
  const GemmShape g = z.gemm.with_rows(z.golden_optical_rows);
  add("BM_golden_optical_gemm/" + g.text(), [g](benchmark::State& state) {
    const optical::Matrix x = optical_matrix(g.m, g.k, 11), w = optical_matrix(g.n, g.k, 12);
    const optical::OpticalGemmSpec spec = optical_spec();
    for (auto _ : state) benchmark::DoNotOptimize(optical::optical_gemm(x, w, {}, spec, {1, 2, 3}));
    set_rate(state, "MAC/s", g.macs(), kernels::bench::make_label("golden_optical_gemm", g.text()));
  })->Iterations(2);
}

#if defined(TESSERA_KERNELS_HAVE_CUDA)
// The device: yardsticks (a) cuBLAS and (c) shared-memory lookups and the approximate GEMM with
// operands resident on the device (CUDA events); the other families through their public
// Backend::cuda entry points, which copy operands in and results out on every call (variant
// "+copies", timed on the host). Without a device every one is skipped with the reason.
bool skip_without_device(benchmark::State& state) {
  const kernels::SupportReport device = kernels::cuda_available();
  if (!device) state.SkipWithError(device.reason.c_str());
  return !device;
}

benchmark::internal::Benchmark* add_gpu_timed(const std::string& name, std::function<void(benchmark::State&)> body) {
  return benchmark::RegisterBenchmark(name.c_str(), [body](benchmark::State& state) { body(state); })
      ->Unit(benchmark::kMillisecond)
      ->UseManualTime();
}

template <typename Call>
void time_on_host(benchmark::State& state, Call call) {
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    call();
    state.SetIterationTime(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
}

void add_gpu(const BenchSizes& z) {
  constexpr int kCalls = 20;
  for (const GemmShape& s : {z.gemm, conv_gemm(z.conv)}) {
    add_gpu_timed("BM_cublas_fp32_gemm/" + s.text(), [s](benchmark::State& state) {
      if (skip_without_device(state)) return;
      for (auto _ : state) state.SetIterationTime(kernels::bench::gpu::cublas_fp32_gemm_seconds(s.m, s.n, s.k, kCalls));
      set_rate(state, "MAC/s", s.macs(), kernels::bench::make_label("cublas_fp32_gemm", s.text()));
    });
  }
  add_gpu_timed("BM_cuda_shared_lookup_128KiB", [](benchmark::State& state) {
    if (skip_without_device(state)) return;
    constexpr std::size_t kLookups = std::size_t{1} << 30;
    for (auto _ : state) state.SetIterationTime(kernels::bench::gpu::shared_lookup_seconds(kLookups, kCalls));
    set_rate(state, "lookups/s", static_cast<double>(kLookups),
             kernels::bench::make_label("cuda_shared_lookup_128KiB", "65536"));
  });
  for (const char* table : kTables) {
    for (const GemmShape& s : {z.gemm, conv_gemm(z.conv)}) {
      add_gpu_timed(std::string("BM_cuda_approx_gemm/") + table + "/" + s.text(), [s, table](benchmark::State& state) {
        if (skip_without_device(state)) return;
        const kernels::ApproxPlan plan(approx::load_multiplier(table));
        for (auto _ : state) state.SetIterationTime(kernels::bench::gpu::approx_gemm_seconds(plan, s.m, s.n, s.k, kCalls));
        const std::string path = kernels::cuda::approx_gemm_uses_tensor_cores(plan, s.m, s.n, s.k)
                                     ? std::string(kernels::approx_path_name(plan.path()))
                                     : "gather";  // the table kernel serves every table the tensor cores do not
        set_rate(state, "MAC/s", s.macs(), kernels::bench::make_label("cuda_approx_gemm", s.text(), std::string(table) + "/" + path));
      });
    }
  }
  for (const mx::ElementFormat f : kMxFormats) {
    const std::string fmt(mx::element_format_name(f));
    const GemmShape s = z.gemm;
    add_gpu_timed("BM_cuda_mx_gemm/" + fmt + "/" + s.text(), [s, f, fmt](benchmark::State& state) {
      if (skip_without_device(state)) return;
      const auto va = floats(s.m * s.k, 5), vb = floats(s.n * s.k, 6);
      const auto qa = mx::quantize_rows(va.data(), s.m, s.k, f, 32, {});
      const auto qb = mx::quantize_rows(vb.data(), s.n, s.k, f, 32, {});
      time_on_host(state, [&] { benchmark::DoNotOptimize(kernels::mx_gemm(kernels::Backend::cuda, qa, qb)); });
      set_rate(state, "MAC/s", s.macs(), kernels::bench::make_label("cuda_mx_gemm", s.text(), fmt + "+copies"));
    });
  }
  const std::size_t rows = z.gemm.m, cols = z.gemm.k;
  const std::string shape = std::to_string(rows) + "x" + std::to_string(cols);
  for (const mx::ElementFormat f : {mx::ElementFormat::fp4_e2m1, mx::ElementFormat::int8}) {
    const std::string fmt(mx::element_format_name(f));
    add_gpu_timed("BM_cuda_mx_quantize/" + fmt + "/" + shape, [=](benchmark::State& state) {
      if (skip_without_device(state)) return;
      const auto v = floats(rows * cols, 7);
      time_on_host(state, [&] {
        benchmark::DoNotOptimize(kernels::mx_quantize(kernels::Backend::cuda, v.data(), rows, cols, f, 32, {}));
      });
      set_rate(state, "elements/s", static_cast<double>(rows * cols),
               kernels::bench::make_label("cuda_mx_quantize", shape, fmt + "+copies"));
    });
  }
  const GemmShape s = z.gemm;
  add_gpu_timed("BM_cuda_optical_gemm/" + s.text(), [s](benchmark::State& state) {
    if (skip_without_device(state)) return;
    const optical::Matrix x = optical_matrix(s.m, s.k, 11), w = optical_matrix(s.n, s.k, 12);
    const optical::OpticalGemmSpec spec = optical_spec();
    time_on_host(state, [&] {
      benchmark::DoNotOptimize(kernels::optical_gemm(kernels::Backend::cuda, x, w, {}, spec, {1, 2, 3}));
    });
    set_rate(state, "MAC/s", s.macs(), kernels::bench::make_label("cuda_optical_gemm", s.text(), "L=256,detector_noise+copies"));
  });
}
#endif

void register_all(const BenchSizes& z) {
  add_eigen(z.gemm);
  add_eigen(conv_gemm(z.conv));
  add_eigen(z.gemm.with_rows(z.fp8_rows));
  add_random_lookup();
  add_approx(z);
  add_mx(z);
  add_optical(z);
#if defined(TESSERA_KERNELS_HAVE_CUDA)
  add_gpu(z);
#endif
}

// Collects every run (the median when repeated) for the ratio table.
class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  // Colours only on a terminal (Google Benchmark applies --benchmark_color to its own reporter).
  CollectingReporter() : ConsoleReporter(::isatty(STDOUT_FILENO) ? OO_ColorTabular : OO_Tabular) {}
  std::vector<kernels::bench::Measurement> measurements;
  void ReportRuns(const std::vector<Run>& reports) override {
    for (const Run& r : reports) {
      if (r.run_type == Run::RT_Aggregate && r.aggregate_name != "median") continue;
      kernels::bench::Measurement m;
      m.name = r.run_name.str();
      m.label = r.report_label;
      if (r.error_occurred) m.skipped = r.error_message;
      for (const char* unit : {"MAC/s", "lookups/s", "elements/s"}) {
        const auto it = r.counters.find(unit);
        if (it != r.counters.end()) {
          m.unit = unit;
          m.rate = it->second.value;
        }
      }
      auto same = std::find_if(measurements.begin(), measurements.end(),
                               [&](const kernels::bench::Measurement& x) { return x.name == m.name; });
      if (same == measurements.end()) {
        measurements.push_back(m);
      } else if (r.run_type == Run::RT_Aggregate) {
        *same = m;  // the median replaces the first repetition
      }
    }
    ConsoleReporter::ReportRuns(reports);
  }
};

}  // namespace

int main(int argc, char** argv) {
  // Our one flag, removed before Google Benchmark parses the rest.
  BenchSizes sizes = issue_sizes();
  bool print_table = true;  // the CLI prints it itself, from the JSON
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--tessera_size=tiny") {
      sizes = tiny_sizes();
    } else if (arg == "--tessera_size=issue") {
      sizes = issue_sizes();
    } else if (arg == "--tessera_no_table") {
      print_table = false;
    } else if (arg == "--tessera_time=cpu" || arg == "--tessera_time=real") {
      g_cpu_time = arg == "--tessera_time=cpu";
    } else if (arg.rfind("--tessera_size=", 0) == 0) {
      std::fprintf(stderr, "tessera_bench_kernels: --tessera_size is issue or tiny, not '%s'\n", arg.c_str() + 15);
      return 2;
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::AddCustomContext("omp_threads", std::to_string(omp_get_max_threads()));
  benchmark::AddCustomContext("rate_per", g_cpu_time ? "process CPU second" : "wall-clock second");
  benchmark::AddCustomContext("int8_core", int8_core_text());
  benchmark::AddCustomContext("lookup_sums", lookup_sums_text());
  register_all(sizes);
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  if (!print_table) {
    benchmark::Shutdown();
    return 0;
  }
  std::cout << "\n";
  kernels::bench::RatioTable table = kernels::bench::build_ratio_table(reporter.measurements, omp_get_max_threads());
  if (g_cpu_time) table.rate_per = "process CPU second";
  table.int8_core = int8_core_text();
  table.lookup_sums = lookup_sums_text();
  kernels::bench::print_ratio_table(std::cout, table);
  benchmark::Shutdown();
  return 0;
}
