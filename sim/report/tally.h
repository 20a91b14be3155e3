#pragma once
// What one run of a network on emulated units produced, layer by layer: the data model that the
// runtime fills (step 5, "Tally") and every report reads (step 6). It holds measurements only;
// formatting lives in sim/report/report.h.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/metrics/error_stats.h"

namespace tessera::report {

// Bumped whenever a field changes meaning or is removed; readers refuse other versions rather
// than misread them. Adding an optional field does not bump it.
inline constexpr int kReportSchemaVersion = 1;

// One node of the network, in execution order.
struct LayerTally {
  std::string node_name;         // as in the model, e.g. "/layer1/layer1.0/conv1/Conv"
  std::string op_type;           // graph op, e.g. "Conv", "MatMul", "Softmax"
  // The unit the mapping rules sent this node to: "fp32", "approx", "mx" or "optical", and its
  // config in words, e.g. "mul8s_1L2H, per-channel INT8".
  std::string unit_kind;
  std::string unit_description;
  // False when that unit cannot run this node, so it ran on the FP32 reference instead;
  // `fallback_reason` then says why (e.g. "optical: Softmax is not a matrix product").
  bool mapped = true;
  std::string fallback_reason;
  std::uint64_t macs = 0;
  // Error of this node's output against FP32. Local: the node fed the FP32 network's inputs, so it
  // measures the unit alone. Propagated: fed the emulated network's activations, so it includes
  // everything upstream. count == 0 means not measured.
  metrics::ErrorStats local_error;
  metrics::ErrorStats propagated_error;
  // Cycles and energy are for one inference (one image) through this node, averaged over the
  // run's images where they depend on the data. Cycles come from the SystemC model of this node's
  // shapes; absent until a model covers the unit.
  std::optional<std::uint64_t> latency_cycles;
  // Energy by component ("multipliers", "accumulators", "sram", "dram", "dac", "adc", "laser",
  // "modulator", ...). Empty means no estimate, which is different from an estimate of zero.
  std::map<std::string, double> energy_pj;
  std::string energy_source;  // how the energy was obtained: "table", "data-dependent", "gate-level"
  // The multipliers' energy per image, three ways (pJ): "table" (the energy table's figure, as in
  // energy_pj["multiplier"]), "data-dependent" (a fitted activity model on a seeded sample of the
  // operands this layer processed), "gate-level" (traced layers: the recorded tiles replayed through
  // the multiplier's gate netlist, per MAC, times the layer's MACs). Methods not available are absent.
  std::map<std::string, double> multiplier_energy_pj;
  std::string multiplier_energy_note;  // which model and library, and any scaling
  // Optical layers: the digital periphery's energy per image (pJ), by method and component
  // (dac_quantizer_input, dac_quantizer_weight, adc_quantizer, psum). "table": the layer's conversions
  // x the converter's uniform-vector energy per conversion (models/energy/optical.json
  // optical.periphery.*); "gate-level" (traced layers): x the mean energy of the traced elements
  // replayed through the converter's netlist. The analog parts (dac, adc, laser, ...) stay in
  // energy_pj with their cited table numbers. Empty for other units.
  std::map<std::string, std::map<std::string, double>> periphery_energy_pj;
  std::string periphery_energy_note;

  bool has_energy() const { return !energy_pj.empty(); }
  double total_energy_pj() const;  // 0 when there is no estimate
};

// Top-1 of a classification network on the bundled images; all three are fractions in [0, 1].
struct TaskMetric {
  double top1_fp32 = 0.0;
  double top1_emulated = 0.0;
  double agreement = 0.0;  // fraction of images where FP32 and emulated predict the same class
};

// One configuration of a sweep, for the accuracy-versus-energy plot: total energy of one
// inference, as total_energy_pj gives for a run, and top-1 as a fraction.
struct OperatingPoint {
  std::string label;
  double energy_pj = 0.0;
  double top1 = 0.0;
};

struct RunReport {
  std::string tessera_version;
  std::string network_name;
  std::string network_path;
  std::string rules_path;
  std::string data_path;
  std::size_t image_count = 0;
  std::optional<TaskMetric> task;  // absent when the data has no labels
  std::vector<LayerTally> layers;  // in execution order
  std::vector<std::string> warnings;  // e.g. "rule 3 (regex 'fc.*') matched no node"
  double wall_time_s = 0.0;
  std::vector<std::string> trace_files;  // traces written by this run (tessera run --trace)
  // Other configurations to plot beside this run (a sweep); this run itself is not listed.
  std::vector<OperatingPoint> comparison_points;
};

// Sums over layers; nullopt when no layer has an estimate. A partial sum is still returned when
// only some layers have one: layers_with_energy() says how many.
std::optional<double> total_energy_pj(const RunReport& report);
std::size_t layers_with_energy(const RunReport& report);
std::optional<std::uint64_t> total_latency_cycles(const RunReport& report);
std::size_t layers_with_cycles(const RunReport& report);
std::uint64_t total_macs(const RunReport& report);
// Energy components present in any layer, in a fixed order (the usual ones as listed on
// LayerTally::energy_pj, then the rest alphabetically), so columns and colours are stable.
std::vector<std::string> energy_components(const RunReport& report);

// JSON with "schema_version". Non-finite numbers (SNR of an exact layer is +inf) have no JSON
// literal, so they are written as the strings "inf", "-inf" and "nan", and read back from them.
nlohmann::json to_json(const RunReport& report);
nlohmann::json to_json(const LayerTally& layer);
// Throws InputError naming the field ("layers[3].macs: expected an unsigned integer") on a
// missing or mistyped field, and on a schema_version other than kReportSchemaVersion.
RunReport run_report_from_json(const nlohmann::json& json);
LayerTally layer_tally_from_json(const nlohmann::json& json);
// Reads a report.json written by write_report; errors name the file.
RunReport read_report(const std::string& path);

// nlohmann's hooks, so `nlohmann::json j = report;` and `j.get<RunReport>()` work.
void to_json(nlohmann::json& json, const RunReport& report);
void from_json(const nlohmann::json& json, RunReport& report);
void to_json(nlohmann::json& json, const LayerTally& layer);
void from_json(const nlohmann::json& json, LayerTally& layer);

}  // namespace tessera::report
