#include "models/optical/optical_array.h"

#include <cmath>

#include "golden/common/error.h"

namespace tessera::models {


OpticalArrayConfig optical_config_from_json(const Json& object, const std::string& where) {
  ConfigReader r(object, where);
  OpticalArrayConfig c;
  c.rows = r.uint_in("rows", c.rows, 1, 1u << 16);
  c.cols = r.uint_in("cols", c.cols, 1, 1u << 16);
  c.wavelengths = r.uint_in("wavelengths", c.wavelengths, 1, 1024);
  c.clock_ghz = r.number_in("clock_ghz", c.clock_ghz, 1e-6, 1000.0);
  c.t_acc = r.uint_in("t_acc", c.t_acc, 1, 1u << 20);
  c.split_signs = r.flag("split_signs", c.split_signs);
  c.balanced_detection = r.flag("balanced_detection", c.balanced_detection);
  c.weight_technology = r.choice("weight_technology", c.weight_technology, {"dynamic", "static"});
  c.tune_time_ns = r.number_in("tune_time_ns", c.tune_time_ns, 0.0, 1e9);
  c.input_bits = r.uint_in("input_bits", c.input_bits, 1, 24);
  c.weight_bits = r.uint_in("weight_bits", c.weight_bits, 1, 24);
  c.output_bits = r.uint_in("output_bits", c.output_bits, 1, 24);
  c.dac_latency = r.uint_in("dac_latency", c.dac_latency, 0, 1000);
  c.adc_latency = r.uint_in("adc_latency", c.adc_latency, 0, 1000);
  c.psum_latency = r.uint_in("psum_latency", c.psum_latency, 0, 1000);
  c.extinction_ratio_db = r.number_in("extinction_ratio_db", c.extinction_ratio_db, 0.1, 100.0);
  c.waveguide_length_cm = r.number_in("waveguide_length_cm", c.waveguide_length_cm, 0.0, 100.0);
  r.finish();
  return c;
}

double optical_laser_power_mw(const OpticalArrayConfig& c, const EnergyTable& t) {
  const double w = static_cast<double>(c.cols);
  const double loss_db = t.number("optical.waveguide_loss", "dB/cm") * c.waveguide_length_cm +
                         t.number("optical.y_branch_loss", "dB") * std::log2(w) +
                         t.number("optical.directional_coupler_loss", "dB") + 10.0 * std::log10(w);
  const double p_opt_mw = t.mw("optical.pd_sensitivity") * std::pow(10.0, loss_db / 10.0);
  const double er = 1.0 - std::pow(10.0, -c.extinction_ratio_db / 10.0);
  return p_opt_mw * std::pow(2.0, static_cast<double>(c.output_bits)) /
         t.number("optical.laser_wall_plug_efficiency", "ratio") / er;
}

LayerCost optical_cost_gemm(const OpticalArrayConfig& c, const GemmShape& s, const EnergyTable& t) {
  LayerCost cost;
  cost.unit = "optical";
  cost.shape = s;
  cost.clock_ghz = c.clock_ghz;
  if (s.m == 0 || s.k == 0 || s.n == 0) return cost;
  const std::uint64_t sp = c.split_signs ? 2 : 1;
  const std::uint64_t tm = ceil_div(s.m, c.rows), tn = ceil_div(s.n, c.cols), tk = ceil_div(s.k, c.wavelengths);
  const std::uint64_t passes = tm * tn * tk * sp;
  const std::uint64_t reloads = tn * tk * sp;
  cost.tiles = passes;
  const bool is_static = c.weight_technology == "static";
  cost.cycles.weight_load =
      is_static ? reloads * static_cast<std::uint64_t>(std::ceil(c.tune_time_ns * c.clock_ghz)) : 0;
  cost.cycles.fill = optical_fill_cycles(c);
  cost.cycles.steady = passes;
  cost.cycles.drain = 0;

  const double on_time_ns = static_cast<double>(cost.cycles.total()) / c.clock_ghz;
  const double dac_in = static_cast<double>(s.m * s.k * tn * sp);
  const double dac_w = static_cast<double>(s.k * s.n * sp);
  const double adc = static_cast<double>(s.m * s.n * ceil_div(tk, c.t_acc) * sp);
  const double psum_adds = static_cast<double>(s.m * s.n * (ceil_div(tk, c.t_acc) - 1) * sp);
  const double detectors = static_cast<double>(c.rows * c.cols * ((c.balanced_detection && !c.split_signs) ? 2 : 1));
  const double channels = static_cast<double>(c.rows * c.wavelengths);
  cost.add_action("optical.macs.count", static_cast<double>(s.macs()));
  cost.add_action("optical.passes.count", static_cast<double>(passes));
  cost.add_action("dac.input_conversions.count", dac_in);
  cost.add_action("dac.weight_conversions.count", dac_w);
  cost.add_action("modulator.bits", dac_in * c.input_bits + dac_w * c.weight_bits);
  cost.add_action("adc.conversions.count", adc);
  cost.add_action("psum.adds.count", psum_adds);
  cost.add_action("laser.on_time.ns", on_time_ns);
  cost.add_action("laser.channels.count", channels);
  cost.add_action("detector.on_time.ns", on_time_ns * detectors);
  if (is_static) cost.add_action("weight.tuning_time.ns", static_cast<double>(reloads) * c.tune_time_ns);

  // mW * ns = pJ
  cost.add_energy("laser", optical_laser_power_mw(c, t) * channels * on_time_ns);
  cost.add_energy("dac", (dac_in + (is_static ? 0.0 : dac_w)) * t.pj("optical.dac_conversion"));
  cost.add_energy("modulator", (dac_in * c.input_bits + (is_static ? 0.0 : dac_w * c.weight_bits)) *
                                   t.pj_per_bit("optical.modulator_energy"));
  cost.add_energy("photodetector_tia", (t.mw("optical.photodetector_power") + t.mw("optical.tia_power")) *
                                           detectors * on_time_ns);
  cost.add_energy("adc", adc * t.pj("optical.adc_conversion"));
  cost.add_energy("psum_accumulate", psum_adds * t.pj("digital.add_int32"));
  if (is_static) {
    cost.add_energy("weight_tuning", t.mw("optical.weight_tuning_power") *
                                         static_cast<double>(c.wavelengths * c.cols) *
                                         static_cast<double>(reloads) * c.tune_time_ns);
  }
  return cost;
}

std::uint64_t optical_fill_cycles(const OpticalArrayConfig& c) {
  const std::uint64_t pipeline = c.dac_latency + c.adc_latency + c.psum_latency;
  return pipeline > 0 ? pipeline - 1 : 0;
}

std::uint64_t optical_output_tile_cycles(const OpticalArrayConfig& c, std::uint64_t k, bool last_of_stream) {
  const std::uint64_t passes = ceil_div(k, c.wavelengths) * (c.split_signs ? 2 : 1);
  return passes + (last_of_stream ? optical_fill_cycles(c) : 0);
}

void optical_compute_tile(const optical::OperandCodes& a, const optical::OperandCodes& w,
                          const std::vector<float>& bias, const optical::OpticalGemmSpec& spec,
                          const optical::CallKey& key, std::uint64_t m0, std::uint64_t m,
                          std::uint64_t n0, std::uint64_t n, float* out) {
  const std::uint64_t k = a.cols, big_n = w.rows;
  auto slice = [](const optical::OperandCodes& src, std::uint64_t r0, std::uint64_t rows) {
    optical::OperandCodes o;
    o.rows = rows;
    o.cols = src.cols;
    o.params = src.params;
    o.codes.assign(src.codes.begin() + static_cast<std::ptrdiff_t>(r0 * src.cols),
                   src.codes.begin() + static_cast<std::ptrdiff_t>((r0 + rows) * src.cols));
    if (!src.floor_signs.empty()) {
      o.floor_signs.assign(src.floor_signs.begin() + static_cast<std::ptrdiff_t>(r0 * src.cols),
                           src.floor_signs.begin() + static_cast<std::ptrdiff_t>((r0 + rows) * src.cols));
    }
    return o;
  };
  (void)k;
  const optical::OperandCodes at = slice(a, m0, m), wt = slice(w, n0, n);
  if (spec.split_signs) {
    const optical::SplitProducts p = optical::analog_products_split(at, wt);
    for (std::uint64_t i = 0; i < m; ++i)
      for (std::uint64_t j = 0; j < n; ++j) {
        const std::uint64_t index = (m0 + i) * big_n + (n0 + j);
        const float pos = optical::adc_convert(p.positive[i * n + j], index, spec.output, key, 0);
        const float neg = optical::adc_convert(p.negative[i * n + j], index, spec.negative_output, key, 1);
        const float d = pos - neg;
        out[index] = bias.empty() ? d : d + bias[n0 + j];
      }
    return;
  }
  const std::vector<double> p = optical::analog_products(at, wt);
  for (std::uint64_t i = 0; i < m; ++i)
    for (std::uint64_t j = 0; j < n; ++j) {
      const std::uint64_t index = (m0 + i) * big_n + (n0 + j);
      const float v = optical::adc_convert(p[i * n + j], index, spec.output, key, 0);
      out[index] = bias.empty() ? v : v + bias[n0 + j];
    }
}

}  // namespace tessera::models
