// The host/device code the CUDA kernels run, checked on the host against golden (label unit: no
// GPU needed). Each CUDA kernel is a loop around these functions, so here the kernels' algorithms
// are replayed on the host, in the kernels' own order, and must give golden's bits:
//   bit_plane_value, tile_position (kernels/approx/bit_plane_tiles.h), replayed as the CUDA
//   tensor-core GEMM with WMMA's tile semantics             == golden approx::approx_gemm
//   mx_padded_unit (kernels/mx/block_tiles.h) + add_block_f32, replayed as the CUDA MX
//   tensor-core core                                       == golden mx::mx_dot
//   add_block_f32 / add_block_f64 (kernels/mx/block_accumulate.h), replayed as the CUDA MX core
//                                                          == golden mx::mx_dot
//   weight_role, add_code_pair, optical::combine_code_sums, optical::adc_convert
//   (kernels/optical/optical_elementwise.h), replayed as the CUDA optical kernel
//                                                          == golden optical::optical_gemm
// The GPU tests (gpu_*_test.cpp) then prove the device compilation gives the same bits.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "golden/approx/catalog.h"
#include "golden/approx/gemm.h"
#include "golden/mx/convert.h"
#include "golden/mx/dot.h"
#include "golden/mx/tensor.h"
#include "golden/optical/matmul.h"
#include "golden/optical/quantizer.h"
#include "kernels/approx/approx_gemm.h"
#include "kernels/approx/bit_plane_tiles.h"
#include "kernels/mx/block_accumulate.h"
#include "kernels/mx/block_tiles.h"
#include "kernels/optical/optical_elementwise.h"
#include "tests/kernels/kernel_test_inputs.h"
#include "tests/kernels/gpu_test_support.h"

namespace tessera::kernels {
namespace {

using gpu_test::bits_of;
using gpu_test::random_values;
using mx::ElementFormat;

// The tensor-core GEMM (kernels/approx/cuda/approx_gemm_imma.cu) on the host: the expansion
// kernel's loop over tile bytes, then per 16 x 16 output tile the sum over column tiles of
// A_tile (row-major, ld 16) times B_tile = W'_tile^T (column-major, ld 16), as WMMA defines it.
std::vector<std::int32_t> replay_imma_gemm(const ApproxPlan& plan, const std::vector<std::int8_t>& a,
                                           const std::vector<std::int8_t>& w, std::size_t m, std::size_t n,
                                           std::size_t k) {
  BitPlaneMasks masks{};
  masks.groups = static_cast<int>(plan.groups().size());
  for (std::size_t g = 0; g < plan.groups().size(); ++g) {
    masks.activation_mask[g] = plan.groups()[g].activation_mask;
    masks.weight_bits[g] = plan.groups()[g].weight_bits;
  }
  const std::size_t k_expanded = k * (1 + plan.groups().size());
  const std::size_t t = kImmaTile, m_tiles = (m + t - 1) / t, n_tiles = (n + t - 1) / t;
  const std::size_t k_tiles = (k_expanded + t - 1) / t;
  auto expand = [&](const std::vector<std::int8_t>& src, std::size_t rows, std::size_t row_tiles, bool activation) {
    std::vector<std::int8_t> tiles(row_tiles * k_tiles * kImmaTileBytes);
    for (std::size_t i = 0; i < tiles.size(); ++i) {
      const TilePosition at = tile_position(i, k_tiles);
      tiles[i] = (at.row < rows && at.column < k_expanded)
                     ? bit_plane_value(src.data() + at.row * k, static_cast<int>(k), static_cast<int>(at.column), masks,
                                       activation)
                     : std::int8_t{0};
    }
    return tiles;
  };
  const std::vector<std::int8_t> at = expand(a, m, m_tiles, true), wt = expand(w, n, n_tiles, false);
  std::vector<std::int32_t> out(m * n);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      std::int32_t acc = 0;
      for (std::size_t tk = 0; tk < k_tiles; ++tk) {
        const std::int8_t* a_tile = at.data() + ((i / t) * k_tiles + tk) * kImmaTileBytes;
        const std::int8_t* b_tile = wt.data() + ((j / t) * k_tiles + tk) * kImmaTileBytes;
        for (std::size_t kk = 0; kk < t; ++kk) acc += a_tile[(i % t) * t + kk] * b_tile[(j % t) * t + kk];
      }
      out[i * n + j] = acc;
    }
  }
  return out;
}

TEST(SharedCode, ApproxTensorCoreLayoutReplayEqualsGolden) {
  std::uint32_t seed = 1;
  for (const char* name : {"exact", "trunc1", "trunc4", "trunc7", "bam_h2_v0", "bam_h3_v6", "bam_h7_v7"}) {
    const approx::MultiplierTable table = approx::load_multiplier(name);
    const ApproxPlan plan(table);
    ASSERT_NE(plan.path(), ApproxPath::gather) << name;
    for (auto [m, n, k] : {std::tuple<std::size_t, std::size_t, std::size_t>{1, 1, 1}, {7, 33, 257}, {17, 5, 40}}) {
      const auto a = gpu_test::random_codes(m * k, seed++), w = gpu_test::random_codes(n * k, seed++);
      ASSERT_EQ(replay_imma_gemm(plan, a, w, m, n, k), approx::approx_gemm(table, a.data(), w.data(), m, n, k))
          << name << " " << m << "x" << n << "x" << k;
    }
  }
}

// The CUDA MX core's loop (kernels/mx/cuda/mx_gemm.cu) on the host: per block an exact integer
// sum of unit products, then add_block_* in block order from -0.
float replay_mx_core(const mx::QuantizedRows& a, std::size_t i, const mx::QuantizedRows& b, std::size_t j,
                     mx::Accumulation accumulation, bool f32_core) {
  const std::size_t k = a.columns, bs = a.block_size;
  auto units = [](std::uint8_t code, ElementFormat f) {
    const mx::ElementValue v = mx::decode_element(code, f);
    const std::int64_t u = static_cast<std::int64_t>(v.significand) << (v.exponent - mx::element_spec(f).lsb_exponent);
    return v.negative ? -u : u;
  };
  auto pow2 = [](std::uint8_t scale, ElementFormat f) {
    return std::ldexp(1.0, mx::e8m0_exponent(scale) + mx::element_spec(f).lsb_exponent);
  };
  float acc = -0.0f;
  for (std::size_t blk = 0; blk * bs < k; ++blk) {
    std::int64_t s = 0;
    for (std::size_t t = blk * bs; t < std::min(k, (blk + 1) * bs); ++t) {
      s += units(a.codes[i * k + t], a.format) * units(b.codes[j * k + t], b.format);
    }
    const double pa = pow2(a.scales[i * a.blocks_per_row + blk], a.format);
    const double pb = pow2(b.scales[j * b.blocks_per_row + blk], b.format);
    acc = f32_core ? add_block_f32(acc, static_cast<std::int32_t>(s), pa, pb)
                   : add_block_f64(acc, s, pa, pb, accumulation == mx::Accumulation::block_then_fp32);
  }
  return acc;
}

TEST(SharedCode, MxCoreReplayEqualsGoldenDot) {
  // Finite values only (no NaN scales, no special codes: the dispatcher routes those to golden),
  // spread so that block values stay inside FP32 for the FP32 core.
  struct Pair { ElementFormat a, b; bool f32_core; };
  const Pair pairs[] = {{ElementFormat::fp4_e2m1, ElementFormat::fp4_e2m1, true},
                        {ElementFormat::fp6_e3m2, ElementFormat::int8, true},
                        {ElementFormat::fp8_e4m3, ElementFormat::fp8_e4m3, false},
                        {ElementFormat::fp8_e4m3, ElementFormat::int8, false},
                        {ElementFormat::fp8_e5m2, ElementFormat::fp4_e2m1, false},
                        {ElementFormat::fp8_e5m2, ElementFormat::fp6_e2m3, false}};
  std::uint32_t seed = 10;
  for (const Pair& p : pairs) {
    for (std::size_t block : {std::size_t{32}, std::size_t{7}}) {
      const std::size_t m = 5, n = 6, k = 300;
      const auto va = random_values(m, k, seed++, 12), vb = random_values(n, k, seed++, 12);
      const auto qa = mx::quantize_rows(va.data(), m, k, p.a, block, {});
      const auto qb = mx::quantize_rows(vb.data(), n, k, p.b, block, {});
      for (auto acc : {mx::Accumulation::fused_exact, mx::Accumulation::block_then_fp32}) {
        for (std::size_t i = 0; i < m; ++i) {
          for (std::size_t j = 0; j < n; ++j) {
            const mx::MxVectorView ra{qa.format, k, block, qa.codes.data() + i * k, qa.scales.data() + i * qa.blocks_per_row};
            const mx::MxVectorView rb{qb.format, k, block, qb.codes.data() + j * k, qb.scales.data() + j * qb.blocks_per_row};
            const float expected = mx::mx_dot(ra, rb, acc);
            if (expected == 0.0f) continue;  // the sign of a zero is the dispatcher's rule, not the core's
            ASSERT_EQ(bits_of({replay_mx_core(qa, i, qb, j, acc, p.f32_core)}), bits_of({expected}))
                << mx::element_format_name(p.a) << " x " << mx::element_format_name(p.b) << " block " << block;
          }
        }
      }
    }
  }
}

// The CUDA MX tensor-core core (mx_imma_core_kernel) on the host: units padded per block into
// tiles, S_j = sum over the block's column tiles of the WMMA tile products, add_block_f32.
std::vector<float> replay_mx_imma_core(const mx::QuantizedRows& a, const mx::QuantizedRows& b) {
  auto units_of = [](const mx::QuantizedRows& q) {
    std::vector<std::int32_t> u(q.codes.size());
    for (std::size_t i = 0; i < u.size(); ++i) {
      const mx::ElementValue v = mx::decode_element(q.codes[i], q.format);
      const std::int32_t x = static_cast<std::int32_t>(v.significand << (v.exponent - mx::element_spec(q.format).lsb_exponent));
      u[i] = v.negative ? -x : x;
    }
    return u;
  };
  const std::size_t m = a.rows, n = b.rows, k = a.columns, bs = a.block_size, blocks = a.blocks_per_row;
  const std::size_t tpb = mx_tiles_per_block(bs), column_tiles = blocks * tpb, t = kImmaTile;
  auto pad = [&](const std::vector<std::int32_t>& units, std::size_t rows) {
    std::vector<std::int8_t> tiles((rows + t - 1) / t * column_tiles * kImmaTileBytes);
    for (std::size_t i = 0; i < tiles.size(); ++i) {
      const TilePosition at = tile_position(i, column_tiles);
      tiles[i] = at.row < rows ? mx_padded_unit(units.data() + at.row * k, k, bs, tpb, at.column) : std::int8_t{0};
    }
    return tiles;
  };
  const std::vector<std::int8_t> at = pad(units_of(a), m), bt = pad(units_of(b), n);
  std::vector<float> out(m * n);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      float acc = -0.0f;
      for (std::size_t blk = 0; blk < blocks; ++blk) {
        std::int32_t s = 0;
        for (std::size_t tk = blk * tpb; tk < (blk + 1) * tpb; ++tk) {
          const std::int8_t* a_tile = at.data() + ((i / t) * column_tiles + tk) * kImmaTileBytes;
          const std::int8_t* b_tile = bt.data() + ((j / t) * column_tiles + tk) * kImmaTileBytes;
          for (std::size_t kk = 0; kk < t; ++kk) s += a_tile[(i % t) * t + kk] * b_tile[(j % t) * t + kk];
        }
        acc = add_block_f32(acc, s, std::ldexp(1.0, mx::e8m0_exponent(a.scales[i * blocks + blk]) +
                                                        mx::element_spec(a.format).lsb_exponent),
                            std::ldexp(1.0, mx::e8m0_exponent(b.scales[j * blocks + blk]) +
                                                mx::element_spec(b.format).lsb_exponent));
      }
      out[i * n + j] = acc;
    }
  }
  return out;
}

TEST(SharedCode, MxTensorCoreLayoutReplayEqualsGoldenDot) {
  std::uint32_t seed = 70;
  for (ElementFormat f : {ElementFormat::fp4_e2m1, ElementFormat::fp6_e2m3, ElementFormat::int8}) {
    for (auto [m, n, k, block] : {std::tuple<std::size_t, std::size_t, std::size_t, std::size_t>{1, 1, 1, 32},
                                  {7, 33, 257, 32}, {17, 5, 99, 7}, {3, 18, 1000, 512}}) {
      const auto va = random_values(m, k, seed++, 12), vb = random_values(n, k, seed++, 12);
      const auto qa = mx::quantize_rows(va.data(), m, k, f, block, {});
      const auto qb = mx::quantize_rows(vb.data(), n, k, f, block, {});
      const std::vector<float> got = replay_mx_imma_core(qa, qb);
      for (std::size_t i = 0; i < m; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
          const mx::MxVectorView ra{f, k, block, qa.codes.data() + i * k, qa.scales.data() + i * qa.blocks_per_row};
          const mx::MxVectorView rb{f, k, block, qb.codes.data() + j * k, qb.scales.data() + j * qb.blocks_per_row};
          const float expected = mx::mx_dot(ra, rb, mx::Accumulation::fused_exact);
          if (expected == 0.0f) continue;  // the sign of a zero is the dispatcher's rule
          ASSERT_EQ(bits_of({got[i * n + j]}), bits_of({expected}))
              << mx::element_format_name(f) << " " << m << "x" << n << "x" << k << " block " << block;
        }
      }
    }
  }
}

// The CUDA optical kernels (kernels/optical/cuda/optical_gemm.cu) on the host.
optical::Matrix replay_optical_gemm(const optical::Matrix& x, const optical::Matrix& w, const std::vector<float>& bias,
                                    const optical::OpticalGemmSpec& spec, const optical::CallKey& key) {
  const std::size_t m = x.rows, n = w.rows, k = x.cols;
  optical::Matrix out{m, n, std::vector<float>(m * n)};
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      optical::CodeSums sums[2] = {};
      for (std::size_t t = 0; t < k; ++t) {
        const std::uint32_t qw = optical::code_deterministic(w.data[j * k + t], spec.weight);
        const std::uint8_t role = weight_role(qw, spec.weight, spec.split_signs);
        if (role == kNoPass) continue;
        add_code_pair(sums[weight_pass(role)], role, optical::code_deterministic(x.data[i * k + t], spec.input), qw);
      }
      const std::uint64_t index = i * n + j;
      float result;
      if (spec.split_signs) {
        const float positive =
            optical::adc_convert(optical::combine_code_sums(sums[0], spec.input, spec.weight), index, spec.output, key, 0);
        const float negative = optical::adc_convert(-optical::combine_code_sums(sums[1], spec.input, spec.weight), index,
                                              spec.negative_output, key, 1);
        result = positive - negative;
      } else {
        result = optical::adc_convert(optical::combine_code_sums(sums[0], spec.input, spec.weight), index, spec.output, key, 0);
      }
      out.data[index] = bias.empty() ? result : result + bias[j];
    }
  }
  return out;
}

TEST(SharedCode, OpticalReplayEqualsGolden) {
  std::mt19937 gen(3);
  std::uint32_t seed = 1;
  for (bool split : {false, true}) {
    for (bool noise : {false, true}) {
      for (std::uint32_t levels : {16u, 255u, 256u}) {
        const optical::OpticalGemmSpec spec = test_inputs::optical_spec(split, noise, levels);
        std::normal_distribution<float> d(0.0f, 1.0f);
        optical::Matrix x{7, 65, std::vector<float>(7 * 65)}, w{9, 65, std::vector<float>(9 * 65)};
        for (auto& v : x.data) v = 1.5f * d(gen);
        for (auto& v : w.data) v = 0.3f * d(gen);
        for (std::size_t t = 0; t < w.data.size(); t += 11) w.data[t] = 0.0f;
        std::vector<float> bias(9);
        for (std::size_t j = 0; j < 9; ++j) bias[j] = 0.5f * static_cast<float>(j) - 2.0f;
        const optical::CallKey key{77, 5, seed++};
        EXPECT_EQ(bits_of(replay_optical_gemm(x, w, bias, spec, key).data),
                  bits_of(optical::optical_gemm(x, w, bias, spec, key).data))
            << "split " << split << " noise " << noise << " L " << levels;
      }
    }
  }
}

}  // namespace
}  // namespace tessera::kernels
