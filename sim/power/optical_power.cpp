#include "sim/power/optical_power.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>

#include "golden/common/data_path.h"
#include "golden/common/error.h"
#include "hw/common/hw_params.h"
#include "sim/power/cell_libraries.h"
#include "sim/power/hw_package.h"
#include "sim/power/netlist_cache.h"
#include "sim/rtl/tools.h"
#include "traces/gate/energy_report.h"
#include "traces/gate/netlist.h"

namespace tessera::power {
namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t kCodeWidth = hw::kOpticalCodeWidth;
constexpr std::uint64_t kCodeMask = (1ull << kCodeWidth) - 1;
constexpr std::size_t kUniformOutputLength = 64;  // psum pairs per output in the uniform vectors

std::uint32_t bits_of(float value) {
  std::uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

std::string hex32(std::uint64_t bits) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%08llX", static_cast<unsigned long long>(bits));
  return text;
}

std::uint64_t floor_sign_port(int sign) { return sign > 0 ? 0b01u : (sign < 0 ? 0b11u : 0b00u); }

std::vector<fs::path> converter_sources(OpticalConverter converter) {
  std::vector<std::string> files;
  if (converter == OpticalConverter::psum) {
    files = {"hw/optical/tessera_optical_psum.sv"};
  } else {
    files = {"hw/common/tessera_fp32_pkg.sv",        "hw/common/tessera_fp32_round.sv",
             "hw/common/tessera_fp32_add.sv",        "hw/common/tessera_fp32_mul.sv",
             "hw/common/tessera_fp32_div.sv",        "hw/optical/tessera_optical_grid.sv",
             "hw/optical/tessera_optical_split.sv",  "hw/optical/tessera_optical_dequant.sv",
             converter == OpticalConverter::dac ? "hw/optical/tessera_optical_dac.sv"
                                                : "hw/optical/tessera_optical_adc.sv"};
  }
  std::vector<fs::path> sources;
  for (const auto& file : files) sources.push_back(data_path(file));
  return sources;
}

// The uncounted/counted schedule of one replay: which stream and element each vector is.
constexpr std::size_t kUncounted = static_cast<std::size_t>(-1);
struct Schedule {
  std::vector<std::size_t> stream, element;
  void push(std::size_t s, std::size_t e) {
    stream.push_back(s);
    element.push_back(e);
  }
};

void check_lengths(std::size_t s, std::size_t expected, std::size_t got, const char* what) {
  if (got != expected) {
    throw InputError("optical stream " + std::to_string(s) + ": " + what + " has " + std::to_string(got) +
                     " elements, expected " + std::to_string(expected));
  }
}

void check_params(const optical::QuantizerParams& p, std::size_t s) {
  if (p.levels < 2 || p.levels > (1u << kCodeWidth) || !(p.max > p.min) || !(p.lut_min >= 0.0f)) {
    throw InputError("optical stream " + std::to_string(s) + ": quantizer levels " + std::to_string(p.levels) +
                     " range [" + std::to_string(p.min) + ", " + std::to_string(p.max) + "] lut_min " +
                     std::to_string(p.lut_min) + ": expected 2 <= levels <= " + std::to_string(1u << kCodeWidth) +
                     " (OpticalCodeWidth), max > min, lut_min >= 0");
  }
}

using Ports = std::map<std::string, std::vector<std::uint64_t>>;

void push_quantizer_config(Ports& ports, const optical::QuantizerParams& p, bool with_lut_min) {
  ports["min_i"].push_back(bits_of(p.min));
  ports["max_i"].push_back(bits_of(p.max));
  ports["levels_i"].push_back(p.levels);
  if (with_lut_min) ports["lut_min_i"].push_back(bits_of(p.lut_min));
  ports["valid_i"].push_back(1);
}

// Ports and schedule of the DAC: config + x_i per cycle.
Schedule dac_vectors(const std::vector<DacElements>& streams, Ports& ports) {
  Schedule schedule;
  auto push = [&](const DacElements& stream, std::size_t e) {
    push_quantizer_config(ports, stream.params, true);
    ports["x_i"].push_back(bits_of(stream.x[e]));
  };
  for (std::size_t s = 0; s < streams.size(); ++s) {
    check_params(streams[s].params, s);
    if (streams[s].x.empty()) throw InputError("optical stream " + std::to_string(s) + ": no DAC elements");
    for (const float x : streams[s].x) {
      if (x != x) throw InputError("optical stream " + std::to_string(s) + ": a DAC element is NaN");
    }
    push(streams[s], 0);
    schedule.push(kUncounted, 0);
    for (std::size_t e = 0; e < streams[s].x.size(); ++e) {
      push(streams[s], e);
      schedule.push(s, e);
    }
  }
  push(streams.back(), streams.back().x.size() - 1);
  schedule.push(kUncounted, 0);
  return schedule;
}

Schedule adc_vectors(const std::vector<AdcElements>& streams, Ports& ports) {
  Schedule schedule;
  auto push = [&](const AdcElements& stream, std::size_t e) {
    push_quantizer_config(ports, stream.params, false);
    ports["y_i"].push_back(bits_of(stream.y[e]));
    ports["rand24_i"].push_back(stream.rand24[e] & 0xFFFFFFu);
  };
  for (std::size_t s = 0; s < streams.size(); ++s) {
    check_params(streams[s].params, s);
    if (streams[s].y.empty()) throw InputError("optical stream " + std::to_string(s) + ": no ADC elements");
    check_lengths(s, streams[s].y.size(), streams[s].rand24.size(), "rand24");
    for (const float y : streams[s].y) {
      if (y != y) throw InputError("optical stream " + std::to_string(s) + ": an ADC element is NaN");
    }
    push(streams[s], 0);
    schedule.push(kUncounted, 0);
    for (std::size_t e = 0; e < streams[s].y.size(); ++e) {
      push(streams[s], e);
      schedule.push(s, e);
    }
  }
  push(streams.back(), streams.back().y.size() - 1);
  schedule.push(kUncounted, 0);
  return schedule;
}

// psum: the uncounted lead-in vector repeats the stream's first pair with first_i = 1, so the
// stream's own first pair (also first_i = 1) starts from the same state whatever came before.
Schedule psum_vectors(const std::vector<PsumPairs>& streams, Ports& ports, std::size_t& longest_output) {
  Schedule schedule;
  auto push = [&](const PsumPairs& stream, std::size_t e, bool force_first) {
    ports["valid_i"].push_back(1);
    ports["first_i"].push_back(force_first ? 1u : stream.first[e]);
    ports["qa_i"].push_back(stream.qa[e] & kCodeMask);
    ports["qw_i"].push_back(stream.qw[e] & kCodeMask);
    ports["floor_sign_i"].push_back(floor_sign_port(stream.floor_sign[e]));
  };
  longest_output = 1;
  for (std::size_t s = 0; s < streams.size(); ++s) {
    const PsumPairs& p = streams[s];
    if (p.qa.empty()) throw InputError("optical stream " + std::to_string(s) + ": no psum pairs");
    check_lengths(s, p.qa.size(), p.qw.size(), "qw");
    check_lengths(s, p.qa.size(), p.floor_sign.size(), "floor_sign");
    check_lengths(s, p.qa.size(), p.first.size(), "first");
    if (p.first[0] == 0) {
      throw InputError("optical stream " + std::to_string(s) + ": the first psum pair must start an output (first = 1)");
    }
    std::size_t run = 0;
    push(p, 0, true);
    schedule.push(kUncounted, 0);
    for (std::size_t e = 0; e < p.qa.size(); ++e) {
      run = p.first[e] != 0 ? 1 : run + 1;
      longest_output = std::max(longest_output, run);
      push(p, e, false);
      schedule.push(s, e);
    }
  }
  push(streams.back(), 0, true);
  schedule.push(kUncounted, 0);
  return schedule;
}

// Golden results, compared with the netlist's outputs one cycle later (latency 1).
void check_dac(const DacElements& stream, std::size_t e, const traces::gate::ReplayResult& r, std::size_t out,
               std::size_t s) {
  const optical::QuantizerParams& p = stream.params;
  const std::uint32_t code = optical::code_deterministic(stream.x[e], p);
  const std::uint64_t sign = floor_sign_port(optical::floor_sign(optical::code_value(code, p), p));
  const std::uint64_t got_code = r.outputs.at("code_o")[out], got_sign = r.outputs.at("floor_sign_o")[out];
  if (got_code != code || got_sign != sign) {
    throw Error("optical DAC gate level: the netlist gives code " + std::to_string(got_code) + " floor_sign " +
                std::to_string(got_sign) + " for element " + std::to_string(e) + " (x " + hex32(bits_of(stream.x[e])) +
                ") of stream " + std::to_string(s) + ", golden " + std::to_string(code) + " / " + std::to_string(sign));
  }
}

void check_adc(const AdcElements& stream, std::size_t e, const traces::gate::ReplayResult& r, std::size_t out,
               std::size_t s) {
  const optical::QuantizerParams& p = stream.params;
  const float u = static_cast<float>(stream.rand24[e] & 0xFFFFFFu) * 0x1p-24f;
  const std::uint32_t code = optical::code_stochastic(stream.y[e], p, u);
  const std::uint32_t value = bits_of(optical::code_value(code, p));
  const std::uint64_t got_code = r.outputs.at("code_o")[out], got_value = r.outputs.at("value_o")[out];
  if (got_code != code || got_value != value) {
    throw Error("optical ADC gate level: the netlist gives code " + std::to_string(got_code) + " value " +
                hex32(got_value) + " for element " + std::to_string(e) + " (y " + hex32(bits_of(stream.y[e])) +
                ", rand24 " + std::to_string(stream.rand24[e]) + ") of stream " + std::to_string(s) + ", golden " +
                std::to_string(code) + " / " + hex32(value));
  }
}

constexpr const char* kSumPorts[] = {"n_plain_o", "n_pos_o",    "n_neg_o",     "sum_w_o",
                                     "sum_a_plain_o", "sum_aw_o", "sum_a_pos_o", "sum_a_neg_o"};

// The running golden code sums of one output (golden code_sums, one pair at a time).
struct RunningSums {
  std::uint64_t v[8] = {};
  void add(std::uint32_t qa, std::uint32_t qw, int sign) {
    if (sign > 0) {
      v[1] += 1;
      v[6] += qa;
    } else if (sign < 0) {
      v[2] += 1;
      v[7] += qa;
    } else {
      v[0] += 1;
      v[3] += qw;
      v[4] += qa;
      v[5] += static_cast<std::uint64_t>(qa) * qw;
    }
  }
};

}  // namespace

std::string to_string(OpticalConverter converter) {
  switch (converter) {
    case OpticalConverter::dac: return "optical-dac";
    case OpticalConverter::adc: return "optical-adc";
    case OpticalConverter::psum: return "optical-psum";
  }
  return "optical-?";
}

OpticalConverter parse_optical_converter(std::string_view name) {
  if (name == "optical-dac") return OpticalConverter::dac;
  if (name == "optical-adc") return OpticalConverter::adc;
  if (name == "optical-psum") return OpticalConverter::psum;
  throw ConfigError("unknown optical periphery unit '" + std::string(name) +
                    "': expected optical-dac, optical-adc or optical-psum");
}

std::string optical_top(OpticalConverter converter) {
  switch (converter) {
    case OpticalConverter::dac: return "tessera_optical_dac";
    case OpticalConverter::adc: return "tessera_optical_adc";
    case OpticalConverter::psum: return "tessera_optical_psum";
  }
  return "";
}

std::size_t OpticalStreams::streams() const {
  return converter == OpticalConverter::dac ? dac.size() : converter == OpticalConverter::adc ? adc.size() : psum.size();
}

std::size_t OpticalStreams::elements() const {
  std::size_t n = 0;
  for (const auto& s : dac) n += converter == OpticalConverter::dac ? s.x.size() : 0;
  for (const auto& s : adc) n += converter == OpticalConverter::adc ? s.y.size() : 0;
  for (const auto& s : psum) n += converter == OpticalConverter::psum ? s.qa.size() : 0;
  return n;
}

OpticalStreams uniform_optical_streams(OpticalConverter converter, std::size_t elements, std::uint64_t seed) {
  if (elements == 0) throw ConfigError("optical uniform vectors: --ops must be at least 1");
  std::mt19937_64 engine(seed);
  // 24 random bits as a fraction in [0, 1): exact in float.
  auto unit = [&engine] { return static_cast<float>(engine() >> 40) * 0x1p-24f; };
  const std::uint32_t levels = 1u << kCodeWidth;
  const optical::QuantizerParams dac_params = optical::make_quantizer(levels, -1.0f, 1.0f, 0.02004f, "uniform DAC");
  OpticalStreams out;
  out.converter = converter;
  if (converter == OpticalConverter::dac) {
    DacElements stream{dac_params, {}};
    for (std::size_t i = 0; i < elements; ++i) stream.x.push_back(-1.2f + 2.4f * unit());
    out.dac.push_back(std::move(stream));
  } else if (converter == OpticalConverter::adc) {
    AdcElements stream{optical::make_quantizer(levels, -8.0f, 8.0f, 0.0f, "uniform ADC"), {}, {}};
    for (std::size_t i = 0; i < elements; ++i) {
      stream.y.push_back(-9.6f + 19.2f * unit());
      stream.rand24.push_back(static_cast<std::uint32_t>(engine() >> 40));
    }
    out.adc.push_back(std::move(stream));
  } else {
    PsumPairs stream;
    for (std::size_t i = 0; i < elements; ++i) {
      const std::uint64_t bits = engine();
      const auto qa = static_cast<std::uint32_t>(bits & kCodeMask);
      const auto qw = static_cast<std::uint32_t>((bits >> 16) & kCodeMask);
      stream.qa.push_back(qa);
      stream.qw.push_back(qw);
      stream.floor_sign.push_back(
          static_cast<std::int8_t>(optical::floor_sign(optical::code_value(qw, dac_params), dac_params)));
      stream.first.push_back(i % kUniformOutputLength == 0 ? 1 : 0);
    }
    out.psum.push_back(std::move(stream));
  }
  return out;
}

OpticalGateLevel optical_gate_level(const OpticalStreams& streams, const GateLevelOptions& options) {
  if (streams.streams() == 0) throw InputError("optical gate level: no " + to_string(streams.converter) + " streams");
  const OpticalConverter converter = streams.converter;
  // The vectors first: streams that cannot be replayed are refused before minutes of synthesis.
  Ports ports;
  Schedule schedule;
  std::size_t priming = 2;  // one register stage + 1
  if (converter == OpticalConverter::dac) {
    schedule = dac_vectors(streams.dac, ports);
  } else if (converter == OpticalConverter::adc) {
    schedule = adc_vectors(streams.adc, ports);
  } else {
    std::size_t longest = 1;
    schedule = psum_vectors(streams.psum, ports, longest);
    priming = longest + 1;
  }

  const CellLibrary library = cell_library(options.library);
  const rtl::WorkDir work(options.work_dir, "optical_power");

  SynthesisSpec spec;
  spec.sources = with_tessera_hw_package(converter_sources(converter), work.path());
  spec.top = optical_top(converter);
  spec.liberty_file = library.liberty_file;
  spec.structure = options.structure;
  spec.resource_sharing = false;  // synthesis.h: minutes of SAT on the FP32 chains otherwise
  spec.work_dir = work.path() / ("synth_" + library.name + "_" + to_string(options.structure));
  OpticalGateLevel result;
  const SynthesisResult synthesis = synthesize_cached(spec, *library.library, &result.netlist_from_cache);
  const traces::gate::GateNetlist netlist =
      traces::gate::load_yosys_netlist(synthesis.netlist_json, spec.top, *library.library);

  traces::gate::ReplayOptions replay_options;
  replay_options.clock_period_ns = options.clock_period_ns;
  replay_options.delays = options.delays;
  replay_options.per_cycle_energy = true;
  replay_options.clock_port = "clk_i";
  replay_options.reset_port = "rst_ni";
  replay_options.priming_vectors = priming;
  const traces::gate::ReplayResult replayed = traces::gate::replay(netlist, ports, replay_options);

  result.top = spec.top;
  result.library = library.name;
  result.structure = options.structure;
  result.cells = synthesis.cells;
  result.area_um2 = synthesis.area_um2;
  result.clock_period_ns = options.clock_period_ns;
  result.net_toggles = replayed.net_toggles;
  result.leakage_pj_per_element = replayed.energy.leakage_pj / static_cast<double>(replayed.cycles);
  const std::size_t n_streams = streams.streams();
  result.per_element_pj.resize(n_streams);
  result.breakdown.resize(n_streams);
  std::vector<double> dynamic(n_streams, 0.0);
  RunningSums sums;
  for (std::size_t i = 0; i < schedule.stream.size(); ++i) {
    const std::size_t s = schedule.stream[i], e = schedule.element[i];
    if (s == kUncounted) continue;
    if (converter == OpticalConverter::dac) {
      check_dac(streams.dac[s], e, replayed, i + 1, s);
    } else if (converter == OpticalConverter::adc) {
      check_adc(streams.adc[s], e, replayed, i + 1, s);
    } else {
      const PsumPairs& p = streams.psum[s];
      if (p.first[e] != 0) sums = RunningSums{};
      sums.add(p.qa[e] & kCodeMask, p.qw[e] & kCodeMask, p.floor_sign[e]);
      for (std::size_t k = 0; k < 8; ++k) {
        const std::uint64_t got = replayed.outputs.at(kSumPorts[k])[i + 1];
        if (got != sums.v[k]) {
          throw Error("optical psum gate level: the netlist gives " + std::string(kSumPorts[k]) + " = " +
                      std::to_string(got) + " after pair " + std::to_string(e) + " of stream " + std::to_string(s) +
                      ", golden code_sums " + std::to_string(sums.v[k]));
        }
      }
    }
    result.per_element_pj[s].push_back(replayed.energy_per_cycle_pj[i]);
    dynamic[s] += replayed.energy_per_cycle_pj[i];
    ++result.elements;
  }
  double all_dynamic = 0.0;
  for (std::size_t s = 0; s < n_streams; ++s) {
    result.breakdown[s] = traces::gate::share_of(replayed, dynamic[s], result.per_element_pj[s].size());
    all_dynamic += dynamic[s];
  }
  result.total = traces::gate::share_of(replayed, all_dynamic, result.elements);
  return result;
}

nlohmann::json optical_characterization_json(const OpticalGateLevel& result, const std::string& vectors) {
  nlohmann::json out = {{"unit", result.top == "tessera_optical_dac"   ? "optical-dac"
                                 : result.top == "tessera_optical_adc" ? "optical-adc"
                                                                       : "optical-psum"},
                        {"top", result.top},
                        {"library", result.library},
                        {"structure", to_string(result.structure)},
                        {"cells", result.cells},
                        {"area_um2", result.area_um2},
                        {"ops", result.elements}};
  out.update(traces::gate::to_json(result.total, result.elements));
  out["toggles_per_op"] =
      result.elements > 0 ? static_cast<double>(result.net_toggles) / static_cast<double>(result.elements) : 0.0;
  out["clock_period_ns"] = result.clock_period_ns;
  out["vectors"] = vectors;
  out["netlist_cached"] = result.netlist_from_cache;
  return out;
}

}  // namespace tessera::power
