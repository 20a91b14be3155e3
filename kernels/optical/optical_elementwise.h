#pragma once
// The optical kernel's per-element bookkeeping, callable from CUDA kernels: the role of a weight
// element (which pass, which code sum; golden's code_sums and analog_products_split, which loop
// over whole rows on the host) and adding one element pair to the code sums. The arithmetic after
// the sums is golden's own host/device code (combine_code_sums, adc_convert in matmul.h).
// tests/kernels/gpu_shared_code_test.cpp proves the kernel's loop equal to golden on the host; the
// GPU tests prove the device bits equal.
#include <cstdint>

#include "golden/common/host_device.h"
#include "golden/optical/matmul.h"
#include "golden/optical/quantizer.h"

namespace tessera::kernels {

// Where a weight element goes: bits 0-1 the code sum it feeds (golden code_sums: plain, floored
// to +t+, floored to -t-), bit 2 the pass (split: 0 positive, 1 negative; signed: always 0);
// kNoPass when split puts it in neither pass (transmitted value exactly 0).
enum WeightRole : std::uint8_t { kPlainWeight = 0, kFlooredPositive = 1, kFlooredNegative = 2, kNoPass = 0xFF };

TESSERA_HOST_DEVICE inline std::uint8_t weight_role(std::uint32_t qw, const optical::QuantizerParams& weight,
                                                    bool split_signs) {
  const float value = optical::code_value(qw, weight);
  const int floor = optical::floor_sign(value, weight);
  const std::uint8_t kind = floor > 0 ? kFlooredPositive : (floor < 0 ? kFlooredNegative : kPlainWeight);
  if (!split_signs) return kind;
  const int sign = floor != 0 ? floor : (value > 0.0f ? 1 : (value < 0.0f ? -1 : 0));
  if (sign == 0) return kNoPass;
  return static_cast<std::uint8_t>((sign > 0 ? 0u : 4u) | kind);
}

TESSERA_HOST_DEVICE inline unsigned weight_pass(std::uint8_t role) { return role >> 2; }

// golden code_sums' loop body: element pair (qa, qw) of a weight element with `role` (not kNoPass).
// Integer sums: exact while K * (L_a - 1) * (L_w - 1) < 2^63 (golden's own limit).
TESSERA_HOST_DEVICE inline void add_code_pair(optical::CodeSums& s, std::uint8_t role, std::uint64_t qa,
                                              std::uint64_t qw) {
  switch (role & 3u) {
    case kFlooredPositive:
      s.n_pos += 1;
      s.sum_a_pos += qa;
      break;
    case kFlooredNegative:
      s.n_neg += 1;
      s.sum_a_neg += qa;
      break;
    default:
      s.n_plain += 1;
      s.sum_w += qw;
      s.sum_a_plain += qa;
      s.sum_aw += qa * qw;
      break;
  }
}

}  // namespace tessera::kernels
