#include "models/approx/approx_array.h"

#include <bitset>

#include "golden/approx/catalog.h"
#include "golden/common/error.h"

namespace tessera::models {


ApproxArrayConfig approx_config_from_json(const Json& object, const std::string& where) {
  ConfigReader r(object, where);
  ApproxArrayConfig c;
  c.rows = r.uint_in("rows", c.rows, 1, 4096);
  c.cols = r.uint_in("cols", c.cols, 1, 4096);
  c.acc_width_bits = r.uint_in("acc_width_bits", c.acc_width_bits, 32, 32);
  c.clock_ghz = r.number_in("clock_ghz", c.clock_ghz, 1e-6, 100.0);
  c.multiplier = r.string_of("multiplier", c.multiplier);
  c.multiplier_activity_factor = r.number_in("multiplier_activity_factor", c.multiplier_activity_factor, 0.0, 100.0);
  try {
    approx::parse_multiplier_name(c.multiplier);
  } catch (const ConfigError& e) {
    throw ConfigError(r.path("multiplier") + ": " + e.what());
  }
  r.finish();
  return c;
}

CyclesByPhase approx_tile_cycles(const ApproxArrayConfig& c, std::uint64_t m_vectors) {
  CyclesByPhase p;
  p.weight_load = c.rows;
  p.steady = m_vectors;
  p.fill = c.rows - 1;
  p.drain = c.cols - 1;
  return p;
}

RelativePower approx_relative_power(const std::string& multiplier, const EnergyTable& table) {
  const std::string key = "approx.mul8s." + multiplier + ".relative_power";
  if (table.contains(key)) return {table.number(key, "ratio"), table.at(key).source};
  const approx::MultiplierDesign d = approx::parse_multiplier_name(multiplier);
  using K = approx::MultiplierDesign::Kind;
  if (d.kind == K::bundled) {
    auto b = approx::find_bundled(d.name);
    auto e = approx::find_bundled("mul8s_1KV8");
    if (b && e && e->power_mw_pdk45 > 0) {
      return {b->power_mw_pdk45 / e->power_mw_pdk45,
              "derived: power_mw_pdk45(" + d.name + ")/power_mw_pdk45(mul8s_1KV8) from golden/approx/tables/index.json (EvoApprox8b)"};
    }
  }
  if (d.kind == K::exact || d.kind == K::truncated || d.kind == K::broken_array) {
    std::size_t kept = 0;
    for (auto m : d.array.row_mask) kept += std::bitset<8>(m).count();
    return {static_cast<double>(kept) / 64.0,
            "derived: kept partial-product bits/64 of the Baugh-Wooley array (golden/approx/designs.h), "
            "assumes multiplier energy proportional to partial-product cells"};
  }
  if (d.kind == K::drum) {
    return {static_cast<double>(d.k * d.k) / 64.0,
            "derived: k*k/64 (DRUM core k x k multiplier vs 8x8; LOD/shifter overhead not counted)"};
  }
  return {1.0, "assumption: no published figure for this design; priced as the exact multiplier"};
}

std::vector<ApproxTile> approx_tiles(const ApproxArrayConfig& c, const GemmShape& s, std::uint64_t m_tile) {
  const std::uint64_t mt = (m_tile == 0 || m_tile > s.m) ? s.m : m_tile;
  std::vector<ApproxTile> tiles;
  for (std::uint64_t m0 = 0; m0 < s.m; m0 += mt)
    for (std::uint64_t n0 = 0; n0 < s.n; n0 += c.cols)
      for (std::uint64_t k0 = 0; k0 < s.k; k0 += c.rows)
        tiles.push_back({m0, std::min(mt, s.m - m0), k0, std::min(c.rows, s.k - k0), n0,
                         std::min(c.cols, s.n - n0)});
  return tiles;
}

LayerCost approx_cost_gemm(const ApproxArrayConfig& c, const GemmShape& s, const EnergyTable& t,
                           std::uint64_t m_tile) {
  LayerCost cost;
  cost.unit = "approx";
  cost.shape = s;
  cost.clock_ghz = c.clock_ghz;
  if (s.m == 0 || s.k == 0 || s.n == 0) return cost;
  const std::uint64_t mt = (m_tile == 0 || m_tile > s.m) ? s.m : m_tile;
  const std::uint64_t tm = ceil_div(s.m, mt), tk = ceil_div(s.k, c.rows), tn = ceil_div(s.n, c.cols);
  const std::uint64_t tiles = tm * tk * tn;
  cost.tiles = tiles;
  cost.cycles.weight_load = tiles * c.rows;
  cost.cycles.fill = tiles * (c.rows - 1);
  cost.cycles.drain = tiles * (c.cols - 1);
  cost.cycles.steady = tk * tn * s.m;

  const double macs = static_cast<double>(s.macs());
  const double vectors = static_cast<double>(tk * tn * s.m);           // vectors through the array
  const double pe_slots = vectors * static_cast<double>(c.rows * c.cols);  // PE-cycles with valid data
  const double reg_bits = pe_slots * static_cast<double>(8 + c.acc_width_bits);
  const double weight_bytes = static_cast<double>(tiles * c.rows * c.cols);
  cost.add_action("mac." + c.multiplier + ".count", macs);
  cost.add_action("mac.padded.count", pe_slots - macs);
  cost.add_action("array.vectors.count", vectors);
  cost.add_action("array.pe_register.bits", reg_bits);
  cost.add_action("array.weight_register.bytes", weight_bytes);

  const RelativePower rp = approx_relative_power(c.multiplier, t);
  cost.add_energy("multiplier", macs * rp.ratio * c.multiplier_activity_factor * t.pj("digital.mul_int8"));
  cost.add_energy("accumulator", macs * t.pj("digital.add_int32"));
  cost.add_energy("pe_registers", (reg_bits + weight_bytes * 8.0) * t.pj("digital.register_bit"));
  return cost;
}

void approx_compute_tile(const approx::MultiplierTable& table, const std::int8_t* a,
                         const std::int8_t* w, const GemmShape& s, const ApproxTile& tile,
                         std::int32_t* out) {
  const std::int16_t* lut = table.data();
  for (std::uint64_t i = tile.m0; i < tile.m0 + tile.m; ++i) {
    const std::int8_t* arow = a + i * s.k;
    for (std::uint64_t j = tile.n0; j < tile.n0 + tile.n; ++j) {
      const std::int8_t* wrow = w + j * s.k;
      std::uint32_t acc = static_cast<std::uint32_t>(out[i * s.n + j]);
      for (std::uint64_t kk = tile.k0; kk < tile.k0 + tile.k; ++kk) {
        acc += static_cast<std::uint32_t>(static_cast<std::int32_t>(lut[approx::table_index(arow[kk], wrow[kk])]));
      }
      out[i * s.n + j] = static_cast<std::int32_t>(acc);
    }
  }
}

}  // namespace tessera::models
