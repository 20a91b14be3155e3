#pragma once
// Cycle-approximate model of the optical MAC array (research/optical.md §4): rows H (activation
// vectors per pass), cols W (outputs per pass, the laser fan-out), wavelengths λ (K depth of one
// pass, WDM), at the modulation clock. One pass computes an H x W block of λ-long dot products.
//
//   passes P = ceil(M/H) * ceil(N/W) * ceil(K/λ) * s     s = 2 for "split" sign handling, else 1
//   loop order: for n-tile, for k-tile (weights stationary), for m-tile
//   weight reloads R_w = ceil(N/W) * ceil(K/λ) * s
//   cycles = weight_load (R_w * ceil(tune_time_ns * f) for static weights; 0 for dynamic weights,
//            which the weight DACs/modulators change at the pass rate)
//          + fill (dac_latency + adc_latency + psum_latency - 1; hw tessera_optical_dac, _adc and
//            _psum have latency 1 each; n passes through a pipeline of latency L take n + L - 1 edges)
//          + steady (P); drain 0
// ADC conversions: M*N*ceil(ceil(K/λ)/t_acc)*s (the integrator sums t_acc passes).
#include <cstdint>
#include <string>

#include "golden/optical/matmul.h"
#include "models/common/cost.h"
#include "models/common/energy.h"

namespace tessera::models {

struct OpticalArrayConfig {
  std::uint64_t rows = 8;         // H
  std::uint64_t cols = 8;         // W
  std::uint64_t wavelengths = 8;  // λ
  double clock_ghz = 5.0;         // modulation / pass rate
  std::uint64_t t_acc = 1;        // passes integrated before one ADC conversion
  bool split_signs = false;       // two non-negative passes (golden SignHandling::split)
  bool balanced_detection = true; // signed single pass: 2 photodetectors per output
  std::string weight_technology = "dynamic";  // "dynamic" (EO + DAC) | "static" (tuned, hold)
  double tune_time_ns = 2000.0;   // static weights: reprogramming time (MEMS, SimPhony)
  std::uint64_t input_bits = 8, weight_bits = 8, output_bits = 8;
  std::uint64_t dac_latency = 1, adc_latency = 1, psum_latency = 1;
  double extinction_ratio_db = 17.0;  // laser budget; 0.02004 lut_min ~ 16.98 dB
  double waveguide_length_cm = 1.0;
};
// Keys: the field names above; weight_technology "dynamic" | "static".
OpticalArrayConfig optical_config_from_json(const Json& object, const std::string& where);

// Electrical laser power per wavelength channel (mW), link budget of research/optical.md §4.2:
//   P_opt[dBm] = S_PD + IL_wg*len + IL_Y*log2(W) + IL_DC + 10 log10(W)   (fan-out W)
//   P_elec     = 10^(P_opt/10) * 2^b_out / eta_WPE / (1 - 10^(-ER/10))
double optical_laser_power_mw(const OpticalArrayConfig& config, const EnergyTable& table);

LayerCost optical_cost_gemm(const OpticalArrayConfig& config, const GemmShape& shape,
                            const EnergyTable& table = EnergyTable::defaults());

// The periphery's pipeline fill: dac_latency + adc_latency + psum_latency - 1 (0 without stages).
std::uint64_t optical_fill_cycles(const OpticalArrayConfig& config);
// One output tile (H x W outputs over all of K: ceil(K/λ)*s passes, one per cycle) of a stream of
// tiles issued back to back, as the co-simulated periphery (hw/optical/tessera_optical_periphery.sv)
// runs them; the stream's last tile also waits for the pipeline (fill). Dynamic weights only (static
// weights add tuning, which no periphery RTL models). Summed over a GEMM's tiles it equals
// optical_cost_gemm's total cycles.
std::uint64_t optical_output_tile_cycles(const OpticalArrayConfig& config, std::uint64_t k, bool last_of_stream);

// Bit-exact tile with golden/optical (code sums, one combination, per-element ADC with the global
// element index): rows [m0, m0+m) x outputs [n0, n0+n) of optical_gemm. out: M x N.
void optical_compute_tile(const optical::OperandCodes& a, const optical::OperandCodes& w,
                          const std::vector<float>& bias, const optical::OpticalGemmSpec& spec,
                          const optical::CallKey& key, std::uint64_t m0, std::uint64_t m,
                          std::uint64_t n0, std::uint64_t n, float* out);

}  // namespace tessera::models
