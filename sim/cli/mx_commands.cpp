// tessera mx ...: OCP MX v1.0 conversion from the command line.
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "golden/common/error.h"
#include "golden/io/npy.h"
#include "golden/mx/policy.h"
#include "golden/mx/tensor.h"
#include "sim/cli/commands.h"

namespace tessera::cli {
namespace {

struct QuantizeOptions {
  std::string input;
  std::string output;
  std::string scales_path;
  std::string codes_path;
  std::string element = "";
  std::string preset = "ocp";
  std::string scale;
  std::string round;
  std::string overflow;
  long long block = 32;
  std::uint64_t seed = 0;
};

void run_quantize(const QuantizeOptions& options) {
  const mx::ElementFormat format = mx::parse_element_format(options.element, "--elem");
  mx::QuantizePolicy policy = mx::find_preset(options.preset).quantize;
  if (!options.scale.empty()) policy.scale_rule = mx::parse_scale_rule(options.scale, "--scale");
  if (!options.round.empty()) policy.rounding = mx::parse_rounding(options.round, "--round");
  if (!options.overflow.empty()) policy.overflow = mx::parse_overflow(options.overflow, "--overflow");
  policy.seed = options.seed;
  mx::validate_policy(policy, format, "--overflow");
  if (options.block < 1) {
    throw ConfigError("--block: expected an integer >= 1, got " + std::to_string(options.block));
  }
  const npy::Array input = npy::load(options.input);
  if (input.dtype != npy::DType::float32) {
    throw InputError(options.input + ": dtype: expected float32, got " +
                     std::string(npy::dtype_name(input.dtype)));
  }
  if (input.shape.empty()) {
    throw InputError(options.input + ": shape: expected at least one axis (blocks run along the "
                     "last axis), got a 0-d array");
  }
  if (input.element_count() == 0) {
    throw InputError(options.input + ": shape " + npy::shape_to_string(input.shape) +
                     ": expected a non-empty tensor");
  }
  const std::size_t columns = input.shape.back();
  const std::size_t rows = input.element_count() / columns;
  const std::size_t block = static_cast<std::size_t>(options.block);
  const mx::QuantizedRows q =
      mx::quantize_rows(input.data<float>(), rows, columns, format, block, policy);

  npy::save(options.output, npy::make_array(input.shape, mx::dequantize_rows(q)));
  if (!options.scales_path.empty()) {
    std::vector<std::size_t> scale_shape = input.shape;
    scale_shape.back() = q.blocks_per_row;
    npy::save(options.scales_path, npy::make_array(scale_shape, q.scales));
  }
  if (!options.codes_path.empty()) {
    npy::save(options.codes_path, npy::make_array(input.shape, q.codes));
  }
}

}  // namespace

void register_mx_commands(CLI::App& root) {
  CLI::App* mx_app = root.add_subcommand("mx", "OCP Microscaling (MX) v1.0 formats");
  mx_app->require_subcommand(1);

  auto options = std::make_shared<QuantizeOptions>();
  CLI::App* quantize = mx_app->add_subcommand(
      "quantize",
      "Quantize a float32 .npy to MX in blocks along its last axis (the last block of a row may "
      "be shorter) and write the dequantized values, optionally the E8M0 scale bytes and the "
      "element codes");
  quantize->add_option("input", options->input, "Input tensor: float32 .npy with at least one axis")
      ->required();
  quantize
      ->add_option("--elem", options->element,
                   "Element format: fp8_e4m3, fp8_e5m2, fp6_e3m2, fp6_e2m3, fp4_e2m1, int8")
      ->required();
  quantize->add_option("--block", options->block,
                       "Block size along the last axis, >= 1 (default 32, the spec's k)");
  quantize->add_option("--scale", options->scale,
                       "Scale rule: floor (spec §6.3, default), ceil, rceil (torchao/cuBLAS), "
                       "even (torchao), floor_float32_log2 (microxcaling Python)");
  quantize->add_option("--round", options->round,
                       "Element rounding: even (ties to even, default), away (ties away), zero "
                       "(toward zero), stochastic (Philox, keyed by --seed and element index)");
  quantize->add_option("--overflow", options->overflow,
                       "Overflow: sat (clamp to max normal, default) or ovf (to Inf/NaN; fp8 only)");
  quantize->add_option("--seed", options->seed, "Seed of stochastic rounding (default 0)");
  quantize->add_option("--preset", options->preset,
                       "Policy bundle: ocp (default), microxcaling, microxcaling_python, torchao, "
                       "torchao_rceil, torchmx, paper; --scale/--round/--overflow override it");
  quantize->add_option("--out", options->output, "Output: dequantized float32 .npy, same shape")
      ->required();
  quantize->add_option("--scales", options->scales_path,
                       "Optional output: E8M0 scale bytes, uint8 .npy, the input shape with the "
                       "last axis replaced by the number of blocks");
  quantize->add_option("--codes", options->codes_path,
                       "Optional output: element bit patterns, uint8 .npy, same shape as input "
                       "(low bits used for 6- and 4-bit formats; int8 as two's complement)");
  quantize->callback([options] { run_quantize(*options); });
}

}  // namespace tessera::cli
