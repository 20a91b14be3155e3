#pragma once
// Trace-driven power of the optical periphery: the elements `tessera run --trace` recorded for an
// optical layer (tracing/optical_trace_reader.h) turned into converter streams, priced per layer
// and component two ways:
//   table       the layer's conversions x the converter's uniform-vector energy per conversion
//               (models/energy/optical.json "optical.periphery.*_<library>", measured with
//               `tessera power characterize --unit optical-*`)
//   gate-level  the layer's conversions x the mean energy per element (dynamic + leakage) of the
//               traced elements replayed through the converter's netlist (optical_power.h)
// Conversions of the whole layer GEMM (M x K x N): input DAC M*K*ceil(N/W)*s and weight DAC K*N*s
// (models/optical optical_cost_gemm's counts for the default array, s = 2 with split signs), ADC
// M*N*ceil(ceil(K/λ)/t_acc)*s, and psum M*N*K code pairs (tessera_optical_psum takes one a cycle).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/common/energy.h"
#include "models/optical/optical_array.h"
#include "sim/power/optical_power.h"
#include "sim/tracing/optical_activity_pricing.h"
#include "sim/tracing/optical_trace_reader.h"

namespace tessera::power {

// The periphery's components, in report order.
inline constexpr const char* kOpticalPeripheryComponents[] = {"dac_quantizer_input", "dac_quantizer_weight",
                                                              "adc_quantizer", "psum"};

// Streams of one converter from traced layers: DAC: per layer the input stream then the weight
// stream; ADC: per layer one stream per pass; psum: per layer one stream (first_i every k pairs).
// `component_of` (optional) receives, per stream, its layer index and component name.
OpticalStreams optical_trace_streams(const std::vector<tracing::OpticalLayerTrace>& layers, OpticalConverter converter,
                                     std::vector<std::pair<std::size_t, std::string>>* component_of = nullptr);

struct OpticalComponentEstimate {
  std::string component;                     // kOpticalPeripheryComponents
  double conversions = 0.0;                  // of the whole layer GEMM
  std::optional<double> table_pj;            // absent when the table has no entry for the library
  std::string table_source;                  // the entry's name
  std::uint64_t traced_elements = 0;
  std::optional<double> gate_pj_per_element; // traced elements' mean (dynamic + leakage)
  std::optional<double> gate_pj;             // conversions x gate_pj_per_element
  std::optional<double> model_pj;            // conversions x the fitted model's mean on the traced elements
  std::optional<double> model_error() const; // (model - gate) / gate
};

struct OpticalLayerPowerEstimate {
  std::string layer, path;
  std::uint64_t m = 0, k = 0, n = 0;
  std::vector<OpticalComponentEstimate> components;
  double table_total_pj() const;
  std::optional<double> gate_total_pj() const;
};

struct OpticalTracePowerOptions {
  std::optional<tracing::OpticalPeripheryModels> models;  // the data-dependent column when given
  bool gate_level = false;
  GateLevelOptions gate;  // library also picks the table's entries
};

// The entry name of a converter's uniform-vector energy per conversion for a library, e.g.
// "optical.periphery.dac_quantizer_sky130".
std::string optical_periphery_table_entry(const std::string& component, const std::string& library);

// Conversions of each component for an M x K x N optical GEMM on `config` (traces: the default
// array with the trace's sign handling).
std::vector<std::pair<std::string, double>> optical_periphery_conversions(const models::OpticalArrayConfig& config,
                                                                          std::uint64_t m, std::uint64_t k,
                                                                          std::uint64_t n);

std::vector<OpticalLayerPowerEstimate> optical_trace_power(const std::vector<tracing::OpticalLayerTrace>& layers,
                                                           const OpticalTracePowerOptions& options,
                                                           const models::EnergyTable& table = models::EnergyTable::defaults());

}  // namespace tessera::power
