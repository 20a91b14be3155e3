#pragma once
// Gate-level power of the optical array's digital periphery (hw/optical): the input DAC / weight
// modulator quantizer (tessera_optical_dac), the ADC's stochastic quantizer (tessera_optical_adc)
// and the code-domain partial-sum accumulator (tessera_optical_psum), each synthesised onto a cell
// library (structure kept by default; the netlist is cached, netlist_cache.h) and fed its element
// stream one element per cycle, configuration ports held constant per stream (per layer).
//
// Replay: valid_i = 1, rst_ni inactive. Each stream is preceded by one uncounted vector (its first
// element) so that switching the configuration between streams is not charged to any element, and
// the replay ends with one uncounted vector so that the last element's result leaves the register.
// DAC/ADC have one register stage: priming 2 vectors a lane is exact. The psum accumulators hold
// the sums since the last first_i, so each lane is primed with the longest output run + 1 vectors.
//
// Functional check against golden on every replayed element (any difference is an Error):
//   DAC   code_o = code_deterministic(x), floor_sign_o = floor_sign(code_value(code))
//   ADC   code_o = code_stochastic(y, u = rand24 / 2^24), value_o = code_value(code) (bits)
//   psum  the eight sums of golden code_sums over the pairs since first_i (mod 2^SumWidth)
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "golden/optical/quantizer.h"
#include "sim/power/trace_power.h"
#include "traces/gate/replay.h"

namespace tessera::power {

enum class OpticalConverter { dac, adc, psum };
// "optical-dac", "optical-adc", "optical-psum".
std::string to_string(OpticalConverter converter);
// The names above; anything else throws ConfigError listing them.
OpticalConverter parse_optical_converter(std::string_view name);
// The RTL top module of each converter.
std::string optical_top(OpticalConverter converter);

// One element per cycle in each stream; the configuration is constant over a stream.
struct DacElements {
  optical::QuantizerParams params;  // min, max, levels, lut_min (0: no floor, the input DAC)
  std::vector<float> x;
};
struct AdcElements {
  optical::QuantizerParams params;   // lut_min is 0 at the ADC
  std::vector<float> y;              // the analog results as FP32 (golden adc_input)
  std::vector<std::uint32_t> rand24; // each element's uniform, u = rand24 / 2^24
};
struct PsumPairs {
  std::vector<std::uint32_t> qa, qw;     // activation and weight codes
  std::vector<std::int8_t> floor_sign;   // the weight's floor decision: +1, -1, 0
  std::vector<std::uint8_t> first;       // 1: this pair starts a new output
};

struct OpticalStreams {
  OpticalConverter converter = OpticalConverter::dac;
  std::vector<DacElements> dac;   // converter dac
  std::vector<AdcElements> adc;   // converter adc
  std::vector<PsumPairs> psum;    // converter psum
  std::size_t streams() const;
  std::size_t elements() const;
};

// Seeded "uniform" vectors of one converter, in one stream of `elements`:
//   DAC  [m, M] = [-1, 1], L = 2^OpticalCodeWidth, lut_min 0.02004 (the modulator's floor),
//        x uniform over [m - 0.1 r, M + 0.1 r] (a tenth of the elements clamp)
//   ADC  [m, M] = [-8, 8], the same L, y uniform over [m - 0.1 r, M + 0.1 r], rand24 uniform
//   psum qa, qw uniform codes, floor signs as the DAC above decides them for qw, first_i every 64
// Raw mt19937_64 bits, so the vectors are the same on every platform.
OpticalStreams uniform_optical_streams(OpticalConverter converter, std::size_t elements, std::uint64_t seed);

struct OpticalGateLevel {
  std::string top, library;
  Structure structure = Structure::keep;
  std::int64_t cells = 0;
  double area_um2 = 0.0;
  bool netlist_from_cache = false;
  double clock_period_ns = 0.0;
  // Per stream: dynamic energy of each element's cycle, and the stream's breakdown.
  std::vector<std::vector<double>> per_element_pj;
  std::vector<traces::gate::EnergyBreakdown> breakdown;
  traces::gate::EnergyBreakdown total;  // all counted elements
  double leakage_pj_per_element = 0.0;
  std::uint64_t elements = 0;           // counted (and checked against golden)
  std::uint64_t net_toggles = 0;        // whole replay, uncounted vectors included
};

// Synthesises (or reuses the cached netlist) and replays every stream; Error when the netlist
// disagrees with golden, InputError for streams whose arrays differ in length or are empty.
OpticalGateLevel optical_gate_level(const OpticalStreams& streams, const GateLevelOptions& options);

// `tessera power characterize --unit optical-*`: one JSON object with top, unit, library,
// structure, cells, area_um2, ops (elements), energy_pj_per_op and its components,
// toggles_per_op, clock_period_ns, vectors, netlist_cached.
nlohmann::json optical_characterization_json(const OpticalGateLevel& result, const std::string& vectors);

}  // namespace tessera::power
