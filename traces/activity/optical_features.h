#pragma once
// Activity features of the optical periphery's converters (hw/optical DAC, ADC, psum), computed in
// software from the element stream: per element, the bits that change (Hamming distance to the
// previous element's word) in each intermediate word golden computes on the way — the grid
// computation's clamped, shifted, quotient and grid words, the code and its value, and the
// restoring dividers' partial remainders (hw/common/tessera_fp32_div.sv: 27 compare-subtract
// stages, each stage's 25-bit remainder a word of its own) — plus the summed toggles of the nets Yosys
// builds for each FP32 operator of the chain (optical_fp32_nets.h: alignment and normalisation
// shifters, Brent-Kung adders, divider stages, partial products, rounders) and, for psum, the
// accumulators and their adders' nets.
// A stream's first element is compared with itself (the replay leads each stream in with it), so
// its features are 0.
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "golden/optical/quantizer.h"

namespace tessera::traces::activity {

enum class OpticalUnit { dac, adc, psum };

// Column names of each unit's feature matrix, in order.
const std::vector<std::string>& optical_feature_names(OpticalUnit unit);

// One row per element.
Eigen::MatrixXd optical_dac_features(const optical::QuantizerParams& params, const std::vector<float>& x);
Eigen::MatrixXd optical_adc_features(const optical::QuantizerParams& params, const std::vector<float>& y,
                                     const std::vector<std::uint32_t>& rand24);
Eigen::MatrixXd optical_psum_features(const std::vector<std::uint32_t>& qa, const std::vector<std::uint32_t>& qw,
                                      const std::vector<std::int8_t>& floor_sign,
                                      const std::vector<std::uint8_t>& first);

}  // namespace tessera::traces::activity
