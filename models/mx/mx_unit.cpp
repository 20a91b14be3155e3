#include "models/mx/mx_unit.h"

#include <algorithm>

#include "golden/common/error.h"
#include "golden/mx/gemm.h"

namespace tessera::models {


MxUnitConfig mx_config_from_json(const Json& object, const std::string& where) {
  ConfigReader r(object, where);
  MxUnitConfig c;
  c.block_size = r.uint_in("block_size", c.block_size, 1, 1u << 16);
  for (auto [key, field] : {std::pair<const char*, mx::ElementFormat*>{"format_a", &c.format_a},
                            {"format_b", &c.format_b}}) {
    const std::string name = r.string_of(key, std::string(mx::element_format_name(*field)));
    try {
      *field = mx::parse_element_format(name, r.path(key));
    } catch (const ConfigError& e) {
      throw ConfigError(r.path(key) + ": " + e.what());
    }
  }
  c.quantizer_units = r.uint_in("quantizer_units", c.quantizer_units, 1, 1u << 16);
  c.dot_units = r.uint_in("dot_units", c.dot_units, 1, 1u << 16);
  c.quantizer_latency = r.uint_in("quantizer_latency", c.quantizer_latency, 0, 1000);
  c.dot_latency = r.uint_in("dot_latency", c.dot_latency, 0, 1000);
  c.accumulate_latency = r.uint_in("accumulate_latency", c.accumulate_latency, 0, 1000);
  c.tile_m = r.uint_in("tile_m", c.tile_m, 0, UINT64_MAX);
  c.quantize_weights = r.flag("quantize_weights", c.quantize_weights);
  c.clock_ghz = r.number_in("clock_ghz", c.clock_ghz, 1e-6, 100.0);
  const std::string acc = r.string_of("accumulation", "fused_exact");
  try {
    c.accumulation = mx::parse_accumulation(acc, r.path("accumulation"));
  } catch (const ConfigError& e) {
    throw ConfigError(r.path("accumulation") + ": " + e.what());
  }
  c.dot_activity_factor = r.number_in("dot_activity_factor", c.dot_activity_factor, 0.0, 100.0);
  r.finish();
  return c;
}

int mx_significand_bits(mx::ElementFormat f) {
  switch (f) {
    case mx::ElementFormat::fp8_e4m3: return 4;
    case mx::ElementFormat::fp8_e5m2: return 3;
    case mx::ElementFormat::fp6_e3m2: return 3;
    case mx::ElementFormat::fp6_e2m3: return 4;
    case mx::ElementFormat::fp4_e2m1: return 2;
    case mx::ElementFormat::int8: return 8;
  }
  return 8;
}

CyclesByPhase mx_tile_cycles(const MxUnitConfig& c, std::uint64_t m_rows, std::uint64_t n,
                             std::uint64_t k, bool quantizes_weights) {
  const std::uint64_t kb = ceil_div(k, c.block_size);
  const std::uint64_t q = m_rows * kb + (quantizes_weights ? n * kb : 0);
  const std::uint64_t d = m_rows * n * kb;
  CyclesByPhase p;
  const std::uint64_t pipeline = c.quantizer_latency + c.dot_latency;
  p.fill = pipeline > 0 ? pipeline - 1 : 0;
  p.steady = ceil_div(d, c.dot_units);
  const std::uint64_t qc = ceil_div(q, c.quantizer_units);
  p.stall = qc > p.steady ? qc - p.steady : 0;
  p.drain = c.accumulate_latency;
  return p;
}

LayerCost mx_cost_gemm(const MxUnitConfig& c, const GemmShape& s, const EnergyTable& t) {
  LayerCost cost;
  cost.unit = "mx";
  cost.shape = s;
  cost.clock_ghz = c.clock_ghz;
  if (s.m == 0 || s.k == 0 || s.n == 0) return cost;
  const std::uint64_t mt = (c.tile_m == 0 || c.tile_m > s.m) ? s.m : c.tile_m;
  const std::uint64_t full = s.m / mt, rest = s.m % mt;
  // First tile quantizes the weights when asked; the others do not.
  auto add = [&](std::uint64_t rows, std::uint64_t count, bool weights) {
    if (count == 0) return;
    CyclesByPhase p = mx_tile_cycles(c, rows, s.n, s.k, weights);
    cost.cycles.fill += p.fill * count;
    cost.cycles.steady += p.steady * count;
    cost.cycles.stall += p.stall * count;
    cost.cycles.drain += p.drain * count;
    cost.tiles += count;
  };
  add(mt, 1, c.quantize_weights);
  add(mt, full - 1, false);
  add(rest, rest ? 1 : 0, false);

  const std::uint64_t kb = ceil_div(s.k, c.block_size);
  const double q_blocks = static_cast<double>(s.m * kb + (c.quantize_weights ? s.n * kb : 0));
  const double q_elems = static_cast<double>(s.m * s.k + (c.quantize_weights ? s.n * s.k : 0));
  const double pairs = static_cast<double>(s.m * s.n * kb);
  const double products = static_cast<double>(s.macs());
  const std::string fa(mx::element_format_name(c.format_a)), fb(mx::element_format_name(c.format_b));
  cost.add_action("mx.quantize.blocks.count", q_blocks);
  cost.add_action("mx.quantize.elements.count", q_elems);
  cost.add_action("mx.dot." + fa + "x" + fb + ".products.count", products);
  cost.add_action("mx.dot.block_pairs.count", pairs);
  cost.add_action("mx.accumulate.fp32_adds.count", pairs);

  const double width = static_cast<double>(mx_significand_bits(c.format_a) * mx_significand_bits(c.format_b));
  cost.add_energy("quantizer", q_elems * t.pj("mx.quantize_element") + q_blocks * t.pj("mx.quantize_block"));
  // The activity factor comes from a model of tessera_mx_dot, whose switching is in its element
  // products and exact adder tree: it scales those two. The quantizer is another circuit fed FP32
  // values, and the FP32 block accumulator is outside tessera_mx_dot: neither is in that model.
  const double activity = c.dot_activity_factor;
  cost.add_energy("dot_multipliers", products * t.pj("digital.mul_int8") * width / 64.0 * activity);
  cost.add_energy("dot_adder_tree", products * t.pj("digital.add_int32") * activity);
  cost.add_energy("block_accumulate", pairs * (t.pj("digital.add_fp32") + t.pj("digital.add_int8")));
  return cost;
}

void mx_compute_tile(const MxUnitConfig& c, const float* a, const mx::QuantizedRows& b_q,
                     const GemmShape& s, std::uint64_t m0, std::uint64_t m, float* out) {
  const mx::QuantizedRows aq = mx::quantize_rows(a + m0 * s.k, m, s.k, c.format_a, c.block_size,
                                                 mx::QuantizePolicy{});
  const std::vector<float> r = mx::mx_gemm(aq, b_q, c.accumulation);
  std::copy(r.begin(), r.end(), out + m0 * s.n);
}

}  // namespace tessera::models
