#pragma once
// golden's ADC step (golden/optical/matmul.h adc_convert: noise, float32 cast, stochastic ADC,
// dequantize) with its Philox draws computed 16 elements at a time (AVX-512; a scalar loop of
// golden's own draws elsewhere). The draws are keyed by element index, so blocking cannot
// change them; the arithmetic after the draws is golden's own adc_input_with_draws.
#include <cstdint>

#include "golden/optical/matmul.h"

namespace tessera::kernels {

inline constexpr std::size_t kAdcBlock = 16;

// The standard normals (Irwin-Hall, golden/optical/noise.h) and the rounding uniform of the
// elements first_index .. first_index + 15 for one pass. Unused noises are left 0.
struct AdcDraws {
  double detector[kAdcBlock] = {};
  double shot[kAdcBlock] = {};
  float rounding[kAdcBlock] = {};
};
void adc_draws(std::uint64_t first_index, const optical::OutputStage& stage, const optical::CallKey& key,
               std::uint32_t pass, AdcDraws& draws);

// golden adc_convert(analog, index, stage, key, pass) given element `lane`'s draws.
float adc_convert_with_draws(double analog, const AdcDraws& draws, std::size_t lane,
                             const optical::OutputStage& stage);

// adc_convert_with_draws for the 16 lanes at once: the same IEEE operations in the same order
// (AVX-512: 8 double / 16 float lanes; mul, add, div, sqrt, conversions are each correctly
// rounded as in the scalar code, and there is no FMA); a scalar loop elsewhere.
void adc_convert16(const double* analog, const AdcDraws& draws, const optical::OutputStage& stage, float* out);

}  // namespace tessera::kernels
