#pragma once
// Configuration of an optical unit. The first five keys are the peer's (MASE OtTransformConfig,
// defaults from OtTransformConfig.create_default()); the rest are physical options, all off by
// default, so a default config gives the Optical Transformers numerics (with the peer's defects
// fixed, see matmul.h and layer.h).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json_fwd.hpp>

namespace tessera::optical {

// How signed weights reach the detector.
//   signed: one pass; the detector/ADC sees the signed sum (coherent or balanced detection), the
//           peer's model.
//   split:  two passes with non-negative transmissions, weights w+ = max(v_w, 0) and
//           w- = max(-v_w, 0); each pass's output is converted by its own ADC over its own tracked
//           range, and y = ADC(x.w+) - ADC(x.w-) digitally (the McMahon-lab SplitMatBySign
//           scheme). Activations keep their affine (signed) DAC encoding.
enum class SignHandling { signed_single_pass, split };

struct OpticalConfig {
  // --- peer keys ---
  std::int64_t q_levels = 256;        // levels of every quantizer (input DAC, weight, output ADC)
  double q_lut_min = 0.020040;        // floor on small weight magnitudes, fraction of full scale
  double q_smooth_factor = 0.9;       // EMA weight on the OLD range (stats.h)
  std::uint64_t q_init_seed = 0;      // Philox key of every draw of the unit
  bool q_bypass = false;              // plain float GEMM (+ bias), no statistics, no randomness
  // Observation rule: min/max when empty; (lo, hi) quantiles otherwise. The peer's linear layers
  // default to (0.001, 0.999) and its attention to min/max; we default to min/max everywhere.
  std::optional<std::pair<double, double>> q_quantiles;

  // --- physical options ---
  std::optional<std::int64_t> input_levels;   // input DAC levels instead of q_levels
  std::optional<std::int64_t> weight_levels;  // weight modulator levels instead of q_levels
  std::optional<std::int64_t> output_levels;  // output ADC levels instead of q_levels
  // Modulator extinction ratio in dB; when set, lut_min = 10^(-ER/10) replaces q_lut_min
  // (0.02004 corresponds to ER ~= 16.98 dB).
  std::optional<double> extinction_ratio_db;
  // Gaussian detector (thermal) noise per output element, sigma in output-ADC LSBs; 0 = off.
  double detector_noise_lsb = 0.0;
  // Shot noise: photons collected at full scale (max(|m_o|, |M_o|)); 0 = off. A signal y then
  // carries N = photons * |y| / F photons and sigma(y) = sqrt(|y| * F / photons) (matmul.h).
  double shot_noise_photons_full_scale = 0.0;
  // JSON "sign_handling": "signed" (default) or "split". Linear layers only; attention rejects split.
  SignHandling sign_handling = SignHandling::signed_single_pass;
};

// Effective values after the physical options are applied.
std::int64_t effective_input_levels(const OpticalConfig& config);
std::int64_t effective_weight_levels(const OpticalConfig& config);
std::int64_t effective_output_levels(const OpticalConfig& config);
// float32 of q_lut_min, or of 10^(-ER/10) (computed in double, then rounded) when ER is set.
float effective_lut_min(const OpticalConfig& config);

// Throws ConfigError naming the key ("<where>.q_levels: must be in [2, 16777216], got 1").
void validate(const OpticalConfig& config, const std::string& where);

// Reads a JSON object with the keys above (all optional; unknown keys are errors). `where` prefixes
// every error's key path, e.g. "config.layers.fc1". q_quantiles is a [lo, hi] array or null.
OpticalConfig config_from_json(const nlohmann::json& object, const std::string& where);

}  // namespace tessera::optical
