// tessera optical ...: the optical golden model from the command line.
//
//   tessera optical quantize IN.npy --levels L --range MIN MAX [--lut-min F]
//                            [--round det|stochastic] [--seed S] --out OUT.npy [--codes CODES.npy]
//
// Quantizes every element of IN (float32, any shape, non-empty) with golden/optical's quantizer
// over the fixed range [float32(MIN), float32(MAX)] (golden/optical/quantizer.h). OUT holds the
// dequantized values (float32, same shape); CODES the integer codes (uint16 when L <= 65536, else
// int32). `det` reproduces the Optical Transformers reference quantizer. `stochastic` draws element
// i's uniform from philox(seed S, stream make_stream(0, optical_output_rounding), index i, draw 0).
#include <cmath>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "golden/common/error.h"
#include "golden/io/npy.h"
#include "golden/optical/quantizer.h"
#include "golden/rng/counter_rng.h"
#include "sim/cli/commands.h"

namespace tessera::cli {

namespace {

struct QuantizeOptions {
  std::string input;
  std::string output;
  std::string codes;
  std::int64_t levels = 0;
  std::vector<double> range;
  double lut_min = 0.0;
  std::string rounding = "det";
  std::uint64_t seed = 0;
};

optical::QuantizerParams checked_params(const QuantizeOptions& o) {
  if (o.levels < 2 || o.levels > static_cast<std::int64_t>(optical::kMaxLevels)) {
    std::ostringstream message;
    message << "--levels: must be in [2, " << optical::kMaxLevels << "], got " << o.levels;
    throw ConfigError(message.str());
  }
  const auto lo = static_cast<float>(o.range.at(0));
  const auto hi = static_cast<float>(o.range.at(1));
  if (!std::isfinite(lo) || !std::isfinite(hi) || !(lo < hi)) {
    std::ostringstream message;
    message << "--range: MIN must be < MAX and both finite in float32, got " << o.range[0] << " "
            << o.range[1];
    throw ConfigError(message.str());
  }
  if (!std::isfinite(o.lut_min) || o.lut_min < 0.0) {
    std::ostringstream message;
    message << "--lut-min: must be finite and >= 0, got " << o.lut_min;
    throw ConfigError(message.str());
  }
  return optical::make_quantizer(o.levels, lo, hi, static_cast<float>(o.lut_min), "quantize");
}

void run_quantize(const QuantizeOptions& o) {
  const optical::QuantizerParams params = checked_params(o);
  const npy::Array input = npy::load_expecting(o.input, npy::DType::float32);
  const auto mode =
      o.rounding == "det" ? optical::Rounding::deterministic : optical::Rounding::stochastic;
  const optical::RandomKey key{
      o.seed, rng::make_stream(0, rng::Purpose::optical_output_rounding), 0};
  const optical::QuantizedTensor result = optical::quantize(
      input.data<float>(), input.element_count(), params, mode, key, o.input);

  npy::save(o.output, npy::make_array(input.shape, result.values));
  if (!o.codes.empty()) {
    if (params.levels <= 65536u) {
      std::vector<std::uint16_t> codes(result.codes.begin(), result.codes.end());
      npy::save(o.codes, npy::make_array(input.shape, codes));
    } else {
      std::vector<std::int32_t> codes(result.codes.begin(), result.codes.end());
      npy::save(o.codes, npy::make_array(input.shape, codes));
    }
  }
}

}  // namespace

void register_optical_commands(CLI::App& root) {
  CLI::App* optical =
      root.add_subcommand("optical", "optical MAC array golden model (quantizer, noise, GEMM)");
  optical->require_subcommand(1);

  auto options = std::make_shared<QuantizeOptions>();
  CLI::App* quantize = optical->add_subcommand(
      "quantize", "quantize a float32 .npy with the optical quantizer over a fixed range");
  quantize->add_option("input", options->input, "input tensor IN.npy (float32)")->required();
  quantize->add_option("--levels", options->levels, "number of levels L (>= 2)")->required();
  quantize->add_option("--range", options->range, "MIN MAX of the quantizer range")
      ->expected(2)
      ->required();
  quantize->add_option("--lut-min", options->lut_min,
                       "floor on small magnitudes, fraction of full scale (default 0: none)");
  quantize->add_option("--round", options->rounding, "det (default) or stochastic")
      ->check(CLI::IsMember({"det", "stochastic"}));
  quantize->add_option("--seed", options->seed, "Philox seed for stochastic rounding (default 0)");
  quantize->add_option("--out", options->output, "output OUT.npy (float32, dequantized)")
      ->required();
  quantize->add_option("--codes", options->codes, "also write the integer codes to CODES.npy");
  quantize->callback([options] { run_quantize(*options); });
}

}  // namespace tessera::cli
