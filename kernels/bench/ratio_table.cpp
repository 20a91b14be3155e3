#include "kernels/bench/ratio_table.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <numeric>
#include <sstream>
#include <utility>
#include <vector>

#include "golden/common/error.h"

namespace tessera::kernels::bench {
namespace {

// The targets.
constexpr double kGeneralTableVsLookup = 0.50;  // general-table approximate GEMM >= 50 % of (c)
constexpr double kStructuredVsEigen = 0.25;     // structured tables, FP4/FP6/INT8 MX >= 25 % of (a)
constexpr double kTwinVsGolden = 20.0;          // the CPU twin >= 20x the naive golden loop

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// Whether a row has an Eigen yardstick: mx_quantize is no GEMM.
bool has_eigen_yardstick(const std::string& family) { return family != "mx_quantize"; }

// A CUDA kernel's row: its family without the "cuda_" prefix, its variant without "+copies".
LabelFields cpu_equivalent(const LabelFields& f) {
  LabelFields base = f;
  if (starts_with(base.family, "cuda_")) base.family = base.family.substr(5);
  const std::string copies = "+copies";
  const auto at = base.variant.find(copies);
  if (at != std::string::npos) base.variant.erase(at, copies.size());
  return base;
}

bool structured_or_small_mx(const LabelFields& f) {
  if (f.family == "approx_gemm" || f.family == "approx_conv2d") {
    return f.variant.find("/exact") != std::string::npos || f.variant.find("/bit_planes") != std::string::npos;
  }
  if (f.family == "mx_gemm") {
    return starts_with(f.variant, "fp4") || starts_with(f.variant, "fp6") || f.variant == "int8";
  }
  return false;
}

std::string percent(const std::optional<double>& v) {
  if (!v) return "-";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f%%", 100.0 * *v);
  return buffer;
}

std::string factor(const std::optional<double>& v) {
  if (!v) return "-";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1fx", *v);
  return buffer;
}

std::string rate_text(double rate, const std::string& unit) {
  char buffer[48];
  if (rate >= 1e9) {
    std::snprintf(buffer, sizeof buffer, "%.2f G%s", rate * 1e-9, unit.c_str());
  } else {
    std::snprintf(buffer, sizeof buffer, "%.1f M%s", rate * 1e-6, unit.c_str());
  }
  return buffer;
}

std::optional<double> ratio(double value, double yardstick) {
  if (value <= 0 || yardstick <= 0) return std::nullopt;
  return value / yardstick;
}

}  // namespace

LabelFields parse_label(const std::string& label) {
  std::istringstream in(label);
  LabelFields f;
  in >> f.family >> f.shape;
  std::getline(in >> std::ws, f.variant);
  if (f.family.empty() || f.shape.empty()) {
    throw ConfigError("kernels benchmark: label '" + label + "' is not '<family> <shape> [variant]'");
  }
  return f;
}

std::string make_label(const std::string& family, const std::string& shape, const std::string& variant) {
  return variant.empty() ? family + " " + shape : family + " " + shape + " " + variant;
}

RatioTable build_ratio_table(const std::vector<Measurement>& measurements, int threads) {
  RatioTable table;
  table.threads = threads;
  std::map<std::string, double> eigen_by_shape, cublas_by_shape;
  std::map<std::string, double> golden_by_family;  // family or "family variant"
  std::vector<std::pair<LabelFields, const Measurement*>> kernels;
  for (const Measurement& m : measurements) {
    if (!m.skipped.empty()) {
      if (table.skipped++ == 0) table.skipped_reason = m.skipped;
      continue;
    }
    if (m.label.empty()) continue;
    const LabelFields f = parse_label(m.label);
    if (f.family == "eigen_fp32_gemm") {
      eigen_by_shape[f.shape] = m.rate;
    } else if (f.family == "cublas_fp32_gemm") {
      cublas_by_shape[f.shape] = m.rate;
    } else if (f.family == "random_lookup_128KiB") {
      table.lookup_rate = m.rate;
    } else if (f.family == "cuda_shared_lookup_128KiB") {
      table.gpu_lookup_rate = m.rate;
    } else if (starts_with(f.family, "golden_")) {
      const std::string family = f.family.substr(7);
      golden_by_family[family + " " + f.variant] = m.rate;
      if (golden_by_family.count(family) == 0) golden_by_family[family] = m.rate;
    } else {
      kernels.emplace_back(f, &m);
    }
  }
  for (const auto& [f, m] : kernels) {
    RatioRow row;
    row.family = f.family;
    row.shape = f.shape;
    row.variant = f.variant;
    row.unit = m->unit;
    row.rate = m->rate;
    row.on_gpu = starts_with(f.family, "cuda_");
    const LabelFields base = cpu_equivalent(f);
    std::map<std::string, double>& fp32_gemm_by_shape = row.on_gpu ? cublas_by_shape : eigen_by_shape;
    if (has_eigen_yardstick(base.family) && fp32_gemm_by_shape.count(f.shape) != 0) {
      row.vs_fp32_gemm = ratio(m->rate, fp32_gemm_by_shape[f.shape]);
    }
    // Golden of the same element format where one ran, else of the family (approx golden runs
    // one table: its loop costs the same for every table).
    const std::string exact_variant = base.family + " " + base.variant;
    if (golden_by_family.count(exact_variant) != 0) {
      row.vs_golden = ratio(m->rate, golden_by_family[exact_variant]);
    } else if (base.family != "mx_gemm" && golden_by_family.count(base.family) != 0) {
      row.vs_golden = ratio(m->rate, golden_by_family[base.family]);
    }
    const bool gather = base.variant.find("/gather") != std::string::npos;
    // A target is judged only when its yardstick ran (a filtered direct run may leave it out).
    if (gather) {
      row.vs_lookup = ratio(m->rate, row.on_gpu ? table.gpu_lookup_rate : table.lookup_rate);
      if (row.vs_lookup) row.targets.push_back({">= 50% of lookups", *row.vs_lookup >= kGeneralTableVsLookup});
    }
    if (structured_or_small_mx(base) && row.vs_fp32_gemm) {
      row.targets.push_back({row.on_gpu ? ">= 25% of cuBLAS" : ">= 25% of Eigen", *row.vs_fp32_gemm >= kStructuredVsEigen});
    }
    if (!row.on_gpu && row.vs_golden) row.targets.push_back({">= 20x golden", *row.vs_golden >= kTwinVsGolden});
    table.rows.push_back(row);
  }
  return table;
}

std::vector<Measurement> measurements_from_benchmark_json(const nlohmann::json& benchmark_out) {
  std::vector<Measurement> out;
  // Registration order (family, then instance): with interleaved repetitions the runs come in a
  // random order.
  std::vector<std::pair<std::int64_t, std::int64_t>> registered;
  std::map<std::string, std::size_t> index_by_name;  // run_name -> position in out
  static const char* const kUnits[] = {"MAC/s", "lookups/s", "elements/s"};
  for (const nlohmann::json& b : benchmark_out.at("benchmarks")) {
    const std::string run_type = b.value("run_type", "iteration");
    if (run_type == "aggregate" && b.value("aggregate_name", "") != "median") continue;
    const std::string name = b.value("run_name", b.value("name", ""));
    const auto seen = index_by_name.find(name);
    if (run_type == "iteration" && seen != index_by_name.end()) continue;  // first repetition stands
    Measurement m;
    m.name = name;
    m.label = b.value("label", "");
    for (const char* unit : kUnits) {
      if (b.contains(unit)) {
        m.unit = unit;
        m.rate = b.at(unit).get<double>();
      }
    }
    if (b.value("error_occurred", false)) m.skipped = b.value("error_message", std::string("skipped"));
    if (m.unit.empty() && m.skipped.empty()) continue;
    if (seen != index_by_name.end()) {
      out[seen->second] = m;  // the median replaces the repetitions
    } else {
      index_by_name[name] = out.size();
      out.push_back(m);
      registered.emplace_back(b.value("family_index", std::int64_t{0}), b.value("per_family_instance_index", std::int64_t{0}));
    }
  }
  std::vector<std::size_t> order(out.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return registered[x] < registered[y]; });
  std::vector<Measurement> sorted;
  sorted.reserve(out.size());
  for (const std::size_t i : order) sorted.push_back(std::move(out[i]));
  return sorted;
}

void print_ratio_table(std::ostream& out, const RatioTable& table) {
  char line[512];
  std::snprintf(line, sizeof line, "threads %d; rates per %s; (c) random lookups from a 128 KiB table: %s\n",
                table.threads, table.rate_per.c_str(),
                table.lookup_rate > 0 ? rate_text(table.lookup_rate, "/s").c_str() : "not measured");
  out << line;
  if (!table.int8_core.empty()) out << "integer GEMM core (approx exact / bit-plane paths and linear part, optical codes): " << table.int8_core << "\n";
  if (!table.lookup_sums.empty()) out << "gather path's lookup sums (approx gather rows): " << table.lookup_sums << "\n";
  if (table.gpu_lookup_rate > 0) {
    std::snprintf(line, sizeof line, "cuda_ rows: (a) is cuBLAS FP32 GEMM, (c) lookups from a 128 KiB shared-memory table: %s\n",
                  rate_text(table.gpu_lookup_rate, "/s").c_str());
    out << line;
  }
  if (table.skipped > 0) {
    out << table.skipped << " benchmark(s) skipped: " << table.skipped_reason << "\n";
  }
  std::snprintf(line, sizeof line, "%-17s %-12s %-30s %18s %13s %11s %11s  %s\n", "kernel", "shape", "variant", "rate",
                "(a) FP32 GEMM", "(b) golden", "(c) lookup", "targets");
  out << line;
  for (const RatioRow& r : table.rows) {
    std::string targets;
    for (const TargetCheck& t : r.targets) {
      if (!targets.empty()) targets += ", ";
      targets += t.target + (t.met ? ": met" : ": MISSED");
    }
    std::snprintf(line, sizeof line, "%-17s %-12s %-30s %18s %13s %11s %11s  %s\n", r.family.c_str(), r.shape.c_str(),
                  r.variant.empty() ? "-" : r.variant.c_str(), rate_text(r.rate, r.unit).c_str(),
                  percent(r.vs_fp32_gemm).c_str(), factor(r.vs_golden).c_str(), percent(r.vs_lookup).c_str(),
                  targets.empty() ? "-" : targets.c_str());
    out << line;
  }
}

nlohmann::json ratio_table_json(const RatioTable& table) {
  nlohmann::json rows = nlohmann::json::array();
  for (const RatioRow& r : table.rows) {
    nlohmann::json targets = nlohmann::json::array();
    for (const TargetCheck& t : r.targets) targets.push_back({{"target", t.target}, {"met", t.met}});
    const auto optional = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); };
    rows.push_back({{"kernel", r.family},
                    {"shape", r.shape},
                    {"variant", r.variant},
                    {"unit", r.unit},
                    {"rate", r.rate},
                    {"device", r.on_gpu ? "cuda" : "cpu"},
                    {"ratio_to_fp32_gemm", optional(r.vs_fp32_gemm)},
                    {"ratio_to_golden", optional(r.vs_golden)},
                    {"ratio_to_lookup_rate", optional(r.vs_lookup)},
                    {"targets", targets}});
  }
  return {{"threads", table.threads}, {"rate_per", table.rate_per}, {"int8_core", table.int8_core},
          {"lookup_sums", table.lookup_sums}, {"lookup_rate", table.lookup_rate},
          {"gpu_lookup_rate", table.gpu_lookup_rate}, {"skipped", table.skipped},
          {"skipped_reason", table.skipped_reason}, {"rows", rows}};
}

}  // namespace tessera::kernels::bench
