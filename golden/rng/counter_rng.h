#pragma once
// The one source of randomness in tessera: Philox4x32-10 (Random123), a counter-based generator.
// A draw is a pure function of (seed, stream, index, draw), so CPU threads, CUDA threads and
// SystemC models that ask for the same key get the same bits, in any order.
//
//   seed   the user's seed (64 bits), the Philox key
//   stream what the numbers are for, e.g. a layer id combined with a purpose (see make_stream)
//   index  the element the numbers belong to (64 bits), e.g. the flat output index
//   draw   which block of four 32-bit words, for consumers that need more than four per element
#include <cstdint>

#include <Random123/philox.h>

#include "golden/common/host_device.h"

namespace tessera::rng {

struct Words4 {
  std::uint32_t w[4];
};

TESSERA_HOST_DEVICE inline Words4 philox_words(std::uint64_t seed, std::uint32_t stream,
                                               std::uint64_t index, std::uint32_t draw = 0) {
  r123::Philox4x32 generator;
  r123::Philox4x32::ctr_type counter = {{static_cast<std::uint32_t>(index),
                                         static_cast<std::uint32_t>(index >> 32), stream, draw}};
  r123::Philox4x32::key_type key = {
      {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  const r123::Philox4x32::ctr_type out = generator(counter, key);
  return Words4{{out.v[0], out.v[1], out.v[2], out.v[3]}};
}

// A float in [0, 1) on a grid of 2^-24: exactly representable, identical on every device.
TESSERA_HOST_DEVICE inline float uniform_float(std::uint32_t word) {
  return static_cast<float>(word >> 8) * (1.0f / 16777216.0f);
}

// A double in [0, 1) on a grid of 2^-53, from two words.
TESSERA_HOST_DEVICE inline double uniform_double(std::uint32_t high_word, std::uint32_t low_word) {
  const std::uint64_t bits =
      (static_cast<std::uint64_t>(high_word >> 5) << 26) | static_cast<std::uint64_t>(low_word >> 6);
  return static_cast<double>(bits) * (1.0 / 9007199254740992.0);
}

// The first word of the draw for (seed, stream, index) as a uniform float in [0, 1).
TESSERA_HOST_DEVICE inline float uniform_float_at(std::uint64_t seed, std::uint32_t stream,
                                                  std::uint64_t index) {
  return uniform_float(philox_words(seed, stream, index).w[0]);
}

// Streams name what a draw is for, so that two uses in one layer never share numbers.
enum class Purpose : std::uint32_t {
  mx_stochastic_rounding = 1,
  optical_output_rounding = 2,
  optical_shot_noise = 3,
  optical_detector_noise = 4,
  optical_weight_rounding = 5,
  test = 255,
};

// stream = layer id in the high 24 bits, purpose in the low 8 bits.
TESSERA_HOST_DEVICE inline std::uint32_t make_stream(std::uint32_t layer, Purpose purpose) {
  return (layer << 8) | (static_cast<std::uint32_t>(purpose) & 0xFFu);
}

}  // namespace tessera::rng
