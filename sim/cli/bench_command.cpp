// tessera bench kernels: runs the kernels benchmark (the Google Benchmark executable
// tessera_bench_kernels, so that the benchmarks and their yardsticks live in one place) and prints,
// per kernel and shape, the rate and the ratios to Eigen, to golden and to the lookup rate, and
// which of the targets are met (kernels/bench/ratio_table.h). The executable's own
// progress goes to standard error; the table to standard output; --json-out writes it as JSON.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "golden/common/error.h"
#include "golden/io/atomic_file.h"
#include "kernels/bench/ratio_table.h"
#include "sim/cli/commands.h"

namespace tessera::cli {
namespace {

#if defined(TESSERA_BENCH_KERNELS_PATH)
constexpr const char* kDefaultExecutable = TESSERA_BENCH_KERNELS_PATH;
#else
constexpr const char* kDefaultExecutable = "";
#endif

struct BenchOptions {
  std::string filter;  // regular expression over benchmark names; the yardsticks always run
  int threads = 0;     // OpenMP threads (0: the OpenMP default)
  std::string json_out;
  std::string size = "issue";
  double min_time = 0;  // seconds per benchmark (0: Google Benchmark's default)
  int repetitions = 1;  // > 1: medians
  bool cpu_time = false;  // rates per process CPU second instead of per wall-clock second
  std::string executable = kDefaultExecutable;
};

// Benchmarks the ratios need whatever the filter selects.
constexpr const char* kYardsticks = "BM_eigen|BM_random_lookup|BM_golden|BM_cublas|BM_cuda_shared_lookup";

std::vector<std::string> benchmark_arguments(const BenchOptions& o, const std::string& json_path) {
  std::vector<std::string> args = {o.executable, "--tessera_size=" + o.size,
                                   "--benchmark_out=" + json_path, "--benchmark_out_format=json", "--tessera_no_table",
                                   std::string("--tessera_time=") + (o.cpu_time ? "cpu" : "real")};
  if (!o.filter.empty()) args.push_back("--benchmark_filter=" + std::string(kYardsticks) + "|" + o.filter);
  if (o.min_time > 0) args.push_back("--benchmark_min_time=" + std::to_string(o.min_time));
  if (o.repetitions > 1) {
    // Each repetition of each benchmark at its own random moment of the run: on a shared machine
    // a slow phase then falls on a kernel and its yardsticks alike, not on one of them.
    args.push_back("--benchmark_repetitions=" + std::to_string(o.repetitions));
    args.push_back("--benchmark_enable_random_interleaving=true");
  }
  return args;
}

// Runs the executable with its standard output sent to our standard error; returns its exit status.
int run_benchmark_executable(const std::vector<std::string>& args, int threads) {
  std::cout.flush();
  const pid_t pid = ::fork();
  if (pid < 0) throw Error("bench kernels: fork failed");
  if (pid == 0) {
    ::dup2(STDERR_FILENO, STDOUT_FILENO);
    if (threads > 0) ::setenv("OMP_NUM_THREADS", std::to_string(threads).c_str(), 1);
    std::vector<std::string> copies = args;
    std::vector<char*> argv;
    for (auto& a : copies) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  if (::waitpid(pid, &status, 0) < 0) throw Error("bench kernels: waitpid failed");
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// A private temporary file for the benchmark's JSON, removed when it goes out of scope.
class TemporaryFile {
 public:
  TemporaryFile() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tessera_bench_XXXXXX").string();
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) throw Error("bench kernels: cannot create a temporary file in " + pattern);
    ::close(fd);
    path_ = pattern;
  }
  ~TemporaryFile() { std::filesystem::remove(path_); }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

void run_bench_kernels(const BenchOptions& o) {
  if (o.executable.empty() || !std::filesystem::exists(o.executable)) {
    throw ConfigError("bench kernels: the benchmark executable tessera_bench_kernels " +
                      (o.executable.empty() ? std::string("was not built (Google Benchmark not found)")
                                            : "is missing at " + o.executable) +
                      "; build it with `cmake --build <build dir> --target tessera_bench_kernels` "
                      "or name it with --executable");
  }
  const TemporaryFile json_file;
  const int status = run_benchmark_executable(benchmark_arguments(o, json_file.path()), o.threads);
  if (status != 0) throw Error("bench kernels: " + o.executable + " exited with status " + std::to_string(status));
  const nlohmann::json raw = nlohmann::json::parse(io::read_file(json_file.path()));
  int threads = o.threads;
  if (raw.contains("context") && raw["context"].contains("omp_threads")) {
    threads = std::stoi(raw["context"]["omp_threads"].get<std::string>());
  }
  kernels::bench::RatioTable table =
      kernels::bench::build_ratio_table(kernels::bench::measurements_from_benchmark_json(raw), threads);
  if (raw.contains("context") && raw["context"].contains("rate_per")) {
    table.rate_per = raw["context"]["rate_per"].get<std::string>();
  }
  if (raw.contains("context") && raw["context"].contains("int8_core")) {
    table.int8_core = raw["context"]["int8_core"].get<std::string>();
  }
  if (raw.contains("context") && raw["context"].contains("lookup_sums")) {
    table.lookup_sums = raw["context"]["lookup_sums"].get<std::string>();
  }
  if (table.rows.empty()) throw InputError("bench kernels: no kernel benchmark matches --filter '" + o.filter + "'");
  kernels::bench::print_ratio_table(std::cout, table);
  if (!o.json_out.empty()) {
    io::write_file_atomically(o.json_out, kernels::bench::ratio_table_json(table).dump(2) + "\n");
    std::cout << "wrote " << o.json_out << "\n";
  }
}

}  // namespace

void register_bench_command(CLI::App& root) {
  CLI::App* bench = root.add_subcommand("bench", "Benchmarks of the fast functional path");
  bench->require_subcommand(1);
  auto options = std::make_shared<BenchOptions>();
  CLI::App* kernels = bench->add_subcommand(
      "kernels",
      "Runs tessera_bench_kernels and prints per kernel and shape: MAC/s, ratios to Eigen FP32 GEMM, to the "
      "naive golden loop and to the random-lookup rate of a 128 KiB table, and the issue's targets met");
  kernels->add_option("--filter", options->filter,
                      "Regular expression over benchmark names (e.g. approx_gemm); Eigen, lookup and golden "
                      "yardsticks always run");
  kernels->add_option("--threads", options->threads, "OpenMP threads (default: OpenMP's)")->check(CLI::PositiveNumber);
  kernels->add_option("--json-out", options->json_out, "Also write the table to this JSON file");
  kernels->add_option("--size", options->size, "issue: the issue's shapes; tiny: small shapes (CI)")
      ->check(CLI::IsMember({"issue", "tiny"}));
  kernels->add_option("--min-time", options->min_time, "Seconds per benchmark (default: Google Benchmark's)")
      ->check(CLI::PositiveNumber);
  kernels->add_option("--repetitions", options->repetitions, "Repetitions; > 1 reports medians (the repetitions of all benchmarks interleaved at random)")
      ->check(CLI::PositiveNumber);
  kernels->add_flag("--cpu-time", options->cpu_time,
                    "Rates per CPU second of the process, not per wall-clock second (on a shared machine, "
                    "with --threads 1, the time the run was descheduled is not charged)");
  kernels->add_option("--executable", options->executable, "Path of tessera_bench_kernels")
      ->default_str(kDefaultExecutable);
  kernels->callback([options] { run_bench_kernels(*options); });
}

}  // namespace tessera::cli
