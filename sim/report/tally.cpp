#include "sim/report/tally.h"

#include <cmath>
#include <limits>
#include <set>
#include <utility>

#include "golden/common/error.h"
#include "golden/io/atomic_file.h"

namespace tessera::report {
namespace {

using nlohmann::json;

// JSON has no literal for inf or NaN (nlohmann would write null and lose which one it was).
json number_to_json(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return value;
}

// Reads fields of one JSON object and names the full path of any field that is wrong, so a
// hand-edited or truncated report.json gets a message a person can act on.
class FieldReader {
 public:
  FieldReader(const json& object, std::string path) : object_(object), path_(std::move(path)) {
    if (!object_.is_object()) fail(path_.empty() ? "(top level)" : path_, "expected an object");
  }

  const json& required(const char* name) const {
    const auto it = object_.find(name);
    if (it == object_.end()) fail(field(name), "missing");
    return *it;
  }
  bool has(const char* name) const { return object_.contains(name); }

  std::string string(const char* name) const {
    const json& value = required(name);
    if (!value.is_string()) fail(field(name), "expected a string");
    return value.get<std::string>();
  }
  std::string optional_string(const char* name) const {
    return has(name) ? string(name) : std::string();
  }
  bool boolean(const char* name) const {
    const json& value = required(name);
    if (!value.is_boolean()) fail(field(name), "expected true or false");
    return value.get<bool>();
  }
  std::uint64_t unsigned_integer(const char* name) const {
    const json& value = required(name);
    if (!value.is_number_unsigned()) fail(field(name), "expected an unsigned integer");
    return value.get<std::uint64_t>();
  }
  double number(const char* name) const { return number_at(required(name), field(name)); }

  static double number_at(const json& value, const std::string& where) {
    if (value.is_number()) return value.get<double>();
    if (value.is_string()) {
      const std::string text = value.get<std::string>();
      if (text == "inf") return std::numeric_limits<double>::infinity();
      if (text == "-inf") return -std::numeric_limits<double>::infinity();
      if (text == "nan") return std::numeric_limits<double>::quiet_NaN();
    }
    fail(where, "expected a number or one of \"inf\", \"-inf\", \"nan\"");
  }

  std::string field(const std::string& name) const {
    return path_.empty() ? name : path_ + "." + name;
  }

  [[noreturn]] static void fail(const std::string& where, const std::string& what) {
    throw InputError(where + ": " + what);
  }

 private:
  const json& object_;
  std::string path_;
};

json error_stats_to_json(const metrics::ErrorStats& stats) {
  return {{"count", stats.count},
          {"rms_error", number_to_json(stats.rms_error)},
          {"max_abs_error", number_to_json(stats.max_abs_error)},
          {"mean_error", number_to_json(stats.mean_error)},
          {"snr_db", number_to_json(stats.snr_db)},
          {"cosine", number_to_json(stats.cosine)},
          {"non_finite", stats.non_finite}};
}

metrics::ErrorStats error_stats_from_json(const json& value, const std::string& path) {
  const FieldReader in(value, path);
  metrics::ErrorStats stats;
  stats.count = in.unsigned_integer("count");
  stats.rms_error = in.number("rms_error");
  stats.max_abs_error = in.number("max_abs_error");
  stats.mean_error = in.number("mean_error");
  stats.snr_db = in.number("snr_db");
  stats.cosine = in.number("cosine");
  stats.non_finite = in.unsigned_integer("non_finite");
  return stats;
}

// An optional object of name -> energy (pJ); empty when absent.
std::map<std::string, double> energy_map(const FieldReader& in, const char* key) {
  std::map<std::string, double> energies;
  if (!in.has(key)) return energies;
  const std::string where = in.field(key);
  if (!in.required(key).is_object()) FieldReader::fail(where, "expected an object of name -> energy_pj");
  for (const auto& [name, amount] : in.required(key).items()) {
    energies[name] = FieldReader::number_at(amount, where + "." + name);
  }
  return energies;
}

LayerTally layer_from_json(const json& value, const std::string& path) {
  const FieldReader in(value, path);
  LayerTally layer;
  layer.node_name = in.string("node_name");
  layer.op_type = in.string("op_type");
  layer.unit_kind = in.string("unit_kind");
  layer.unit_description = in.optional_string("unit_description");
  layer.mapped = in.boolean("mapped");
  layer.fallback_reason = in.optional_string("fallback_reason");
  layer.macs = in.unsigned_integer("macs");
  layer.local_error = error_stats_from_json(in.required("local_error"), in.field("local_error"));
  layer.propagated_error =
      error_stats_from_json(in.required("propagated_error"), in.field("propagated_error"));
  if (in.has("latency_cycles") && !in.required("latency_cycles").is_null()) {
    layer.latency_cycles = in.unsigned_integer("latency_cycles");
  }
  layer.energy_pj = energy_map(in, "energy_pj");
  layer.energy_source = in.optional_string("energy_source");
  layer.multiplier_energy_pj = energy_map(in, "multiplier_energy_pj");
  layer.multiplier_energy_note = in.optional_string("multiplier_energy_note");
  if (in.has("periphery_energy_pj")) {
    const FieldReader methods(in.required("periphery_energy_pj"), in.field("periphery_energy_pj"));
    for (const auto& [method, components] : in.required("periphery_energy_pj").items()) {
      layer.periphery_energy_pj[method] = energy_map(methods, method.c_str());
    }
  }
  layer.periphery_energy_note = in.optional_string("periphery_energy_note");
  return layer;
}

}  // namespace

double LayerTally::total_energy_pj() const {
  double total = 0.0;
  for (const auto& [component, amount] : energy_pj) total += amount;
  return total;
}

std::optional<double> total_energy_pj(const RunReport& report) {
  if (layers_with_energy(report) == 0) return std::nullopt;
  double total = 0.0;
  for (const auto& layer : report.layers) total += layer.total_energy_pj();
  return total;
}

std::size_t layers_with_energy(const RunReport& report) {
  std::size_t count = 0;
  for (const auto& layer : report.layers) count += layer.has_energy() ? 1 : 0;
  return count;
}

std::optional<std::uint64_t> total_latency_cycles(const RunReport& report) {
  if (layers_with_cycles(report) == 0) return std::nullopt;
  std::uint64_t total = 0;
  for (const auto& layer : report.layers) total += layer.latency_cycles.value_or(0);
  return total;
}

std::size_t layers_with_cycles(const RunReport& report) {
  std::size_t count = 0;
  for (const auto& layer : report.layers) count += layer.latency_cycles ? 1 : 0;
  return count;
}

std::uint64_t total_macs(const RunReport& report) {
  std::uint64_t total = 0;
  for (const auto& layer : report.layers) total += layer.macs;
  return total;
}

std::vector<std::string> energy_components(const RunReport& report) {
  // Arithmetic, then memory, then the optical converters and sources: a datapath's reading order.
  static const std::vector<std::string> order = {"multipliers", "accumulators", "sram", "dram",
                                                  "dac", "adc", "laser", "modulator"};
  std::set<std::string> present;
  for (const auto& layer : report.layers) {
    for (const auto& [component, amount] : layer.energy_pj) present.insert(component);
  }
  std::vector<std::string> ordered;
  for (const auto& component : order) {
    if (present.erase(component) > 0) ordered.push_back(component);
  }
  ordered.insert(ordered.end(), present.begin(), present.end());
  return ordered;
}

json to_json(const LayerTally& layer) {
  json out = {{"node_name", layer.node_name},
              {"op_type", layer.op_type},
              {"unit_kind", layer.unit_kind},
              {"unit_description", layer.unit_description},
              {"mapped", layer.mapped},
              {"fallback_reason", layer.fallback_reason},
              {"macs", layer.macs},
              {"local_error", error_stats_to_json(layer.local_error)},
              {"propagated_error", error_stats_to_json(layer.propagated_error)}};
  out["latency_cycles"] = layer.latency_cycles ? json(*layer.latency_cycles) : json(nullptr);
  json energy = json::object();
  for (const auto& [component, amount] : layer.energy_pj) energy[component] = number_to_json(amount);
  out["energy_pj"] = std::move(energy);
  out["energy_source"] = layer.energy_source;
  json multiplier = json::object();
  for (const auto& [method, amount] : layer.multiplier_energy_pj) multiplier[method] = number_to_json(amount);
  out["multiplier_energy_pj"] = std::move(multiplier);
  out["multiplier_energy_note"] = layer.multiplier_energy_note;
  if (!layer.periphery_energy_pj.empty()) {
    json periphery = json::object();
    for (const auto& [method, components] : layer.periphery_energy_pj) {
      json by_component = json::object();
      for (const auto& [component, amount] : components) by_component[component] = number_to_json(amount);
      periphery[method] = std::move(by_component);
    }
    out["periphery_energy_pj"] = std::move(periphery);
    out["periphery_energy_note"] = layer.periphery_energy_note;
  }
  return out;
}

json to_json(const RunReport& report) {
  json out = {{"schema_version", kReportSchemaVersion},
              {"tessera_version", report.tessera_version},
              {"network_name", report.network_name},
              {"network_path", report.network_path},
              {"rules_path", report.rules_path},
              {"data_path", report.data_path},
              {"image_count", report.image_count}};
  if (report.task) {
    out["task"] = {{"top1_fp32", number_to_json(report.task->top1_fp32)},
                   {"top1_emulated", number_to_json(report.task->top1_emulated)},
                   {"agreement", number_to_json(report.task->agreement)}};
  } else {
    out["task"] = nullptr;
  }
  // Totals are derived, written for readers that do not want to sum layers; ignored on reading.
  const auto energy = total_energy_pj(report);
  const auto cycles = total_latency_cycles(report);
  out["totals"] = {{"macs", total_macs(report)},
                   {"energy_pj", energy ? number_to_json(*energy) : json(nullptr)},
                   {"layers_with_energy", layers_with_energy(report)},
                   {"latency_cycles", cycles ? json(*cycles) : json(nullptr)},
                   {"layers_with_cycles", layers_with_cycles(report)}};
  json layers = json::array();
  for (const auto& layer : report.layers) layers.push_back(to_json(layer));
  out["layers"] = std::move(layers);
  out["warnings"] = report.warnings;
  out["trace_files"] = report.trace_files;
  out["wall_time_s"] = number_to_json(report.wall_time_s);
  json points = json::array();
  for (const auto& point : report.comparison_points) {
    points.push_back({{"label", point.label},
                      {"energy_pj", number_to_json(point.energy_pj)},
                      {"top1", number_to_json(point.top1)}});
  }
  out["comparison_points"] = std::move(points);
  return out;
}

namespace {
// An optional array of strings; empty when absent.
std::vector<std::string> optional_strings(const FieldReader& in, const char* key) {
  std::vector<std::string> strings;
  if (!in.has(key)) return strings;
  const json& values = in.required(key);
  if (!values.is_array()) FieldReader::fail(key, "expected an array of strings");
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!values[i].is_string()) FieldReader::fail(std::string(key) + "[" + std::to_string(i) + "]", "expected a string");
    strings.push_back(values[i].get<std::string>());
  }
  return strings;
}
}  // namespace

LayerTally layer_tally_from_json(const json& value) { return layer_from_json(value, "layer"); }

RunReport run_report_from_json(const json& value) {
  const FieldReader in(value, "");
  const json& version = in.required("schema_version");
  if (!version.is_number_integer() || version.get<long long>() != kReportSchemaVersion) {
    FieldReader::fail("schema_version", "expected " + std::to_string(kReportSchemaVersion) +
                                            ", got " + version.dump());
  }
  RunReport report;
  report.tessera_version = in.string("tessera_version");
  report.network_name = in.string("network_name");
  report.network_path = in.optional_string("network_path");
  report.rules_path = in.optional_string("rules_path");
  report.data_path = in.optional_string("data_path");
  report.image_count = in.unsigned_integer("image_count");
  if (in.has("task") && !in.required("task").is_null()) {
    const FieldReader task(in.required("task"), "task");
    report.task = TaskMetric{task.number("top1_fp32"), task.number("top1_emulated"),
                             task.number("agreement")};
  }
  const json& layers = in.required("layers");
  if (!layers.is_array()) FieldReader::fail("layers", "expected an array");
  for (std::size_t i = 0; i < layers.size(); ++i) {
    report.layers.push_back(layer_from_json(layers[i], "layers[" + std::to_string(i) + "]"));
  }
  report.warnings = optional_strings(in, "warnings");
  report.trace_files = optional_strings(in, "trace_files");
  report.wall_time_s = in.number("wall_time_s");
  if (in.has("comparison_points")) {
    const json& points = in.required("comparison_points");
    if (!points.is_array()) FieldReader::fail("comparison_points", "expected an array");
    for (std::size_t i = 0; i < points.size(); ++i) {
      const FieldReader point(points[i], "comparison_points[" + std::to_string(i) + "]");
      report.comparison_points.push_back(
          OperatingPoint{point.string("label"), point.number("energy_pj"), point.number("top1")});
    }
  }
  return report;
}

RunReport read_report(const std::string& path) {
  const std::string text = io::read_file(path);
  json value;
  try {
    value = json::parse(text);
  } catch (const json::parse_error& e) {
    throw InputError(path + ": not valid JSON (" + e.what() + ")");
  }
  try {
    return run_report_from_json(value);
  } catch (const InputError& e) {
    throw InputError(path + ": " + e.what());
  }
}

void to_json(json& out, const RunReport& report) { out = to_json(report); }
void from_json(const json& in, RunReport& report) { report = run_report_from_json(in); }
void to_json(json& out, const LayerTally& layer) { out = to_json(layer); }
void from_json(const json& in, LayerTally& layer) { layer = layer_tally_from_json(in); }

}  // namespace tessera::report
