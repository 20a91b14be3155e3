#pragma once
// INT8 symmetric quantization (no zero point), as pytorch-quantization's tensor_quant does it in
// TransAxx's integer path.
//
// Exact definition (float32 throughout, IEEE-754, round-to-nearest-even):
//   scale = float(max_code) / amax                  (amax <= 2^-24 is replaced by 1, as in
//                                                    pytorch-quantization, so zeros stay zeros)
//   code  = clamp(round_half_even(x * scale), min_code, max_code)
// where x * scale is ONE float32 multiplication (not fused, not in double) and round_half_even
// rounds a tie to the even integer (2.5 -> 2, 3.5 -> 4, -2.5 -> -2). The default range is the
// narrow [-127, 127], so -128 never reaches a multiplier; [-128, 127] is allowed (pytorch-
// quantization's narrow_range=False), and then scale is still 127 / amax.
//
// Dequantization of an accumulated product:  y = float(acc) / (scale_a * scale_w)  in float32,
// i.e. acc * s_a * s_w with step sizes s = amax / max_code, written as TransAxx writes it (one
// float32 product of the two scales, one float32 division) so that results match it bit for bit.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace tessera::approx {

struct Int8Range {
  int min_code = -127;
  int max_code = 127;
  // ConfigError unless -128 <= min_code < 0 < max_code <= 127.
  void validate() const;
};

// float(range.max_code) / amax, with amax <= 2^-24 treated as 1. amax < 0 or NaN: ConfigError.
float quant_scale(float amax, const Int8Range& range = {});

// One value. x NaN: InputError (a NaN has no code); +-inf saturate.
std::int8_t quantize_value(float x, float scale, const Int8Range& range = {});

// A whole tensor with one amax.
std::vector<std::int8_t> quantize_per_tensor(const std::vector<float>& x, float amax,
                                             const Int8Range& range = {});

// A tensor whose outermost dimension is the channel (e.g. weights [Cout, ...] or [N, K] rows):
// x.size() must be a multiple of amax.size(); channel c is the c-th contiguous block.
std::vector<std::int8_t> quantize_per_channel(const std::vector<float>& x, const std::vector<float>& amax,
                                              const Int8Range& range = {});

// float(acc) / (scale_a * scale_w), float32.
float dequantize(std::int64_t acc, float scale_a, float scale_w);

}  // namespace tessera::approx
