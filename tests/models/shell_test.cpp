// The accelerator shell: conv lowering, controller tiling, scratchpad and DRAM energy, DMA stalls.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>

#include "golden/common/error.h"
#include "models/models.h"

namespace tessera::models {
namespace {

TEST(Conv, LowersToGemm) {
  // ResNet conv 3x3, 64 -> 64, 56x56, stride 1, pad 1: out 56x56; M = 3136, K = 64*9 = 576, N = 64.
  ConvShape c;
  c.in_channels = 64;
  c.out_channels = 64;
  c.in_h = c.in_w = 56;
  c.kernel_h = c.kernel_w = 3;
  c.pad_h = c.pad_w = 1;
  const GemmShape g = conv_to_gemm(c);
  EXPECT_EQ(g.m, 3136u);
  EXPECT_EQ(g.k, 576u);
  EXPECT_EQ(g.n, 64u);
  // Stride 2, 7x7, 3 -> 64 at 224x224, pad 3, batch 2: out (224+6-6-1)/2+1 = 112; M = 2*112*112.
  ConvShape s{2, 3, 224, 224, 64, 7, 7, 2, 2, 3, 3, 1, 1, 1};
  EXPECT_EQ(conv_to_gemm(s).m, 2u * 112 * 112);
  EXPECT_EQ(conv_to_gemm(s).k, 147u);
  // Depthwise 3x3 on 32 channels: groups = 32 -> per group K = 9, N = 1; cost is 32 x one group.
  ConvShape d{1, 32, 14, 14, 32, 3, 3, 1, 1, 1, 1, 1, 1, 32};
  EXPECT_EQ(conv_to_gemm(d).k, 9u);
  EXPECT_EQ(conv_to_gemm(d).n, 1u);
  AcceleratorConfig a;
  const LayerCost one = cost_layer(a, conv_to_gemm(d));
  const LayerCost all = cost_conv(a, d);
  EXPECT_EQ(all.total_cycles(), 32 * one.total_cycles());
  EXPECT_EQ(all.shape.macs(), 32u * 196 * 9);
  ConvShape bad = d;
  bad.groups = 5;
  EXPECT_THROW(conv_to_gemm(bad), ConfigError);
}

TEST(Shell, ControllerTileFitsTheScratchpads) {
  AcceleratorConfig c;  // approx 8x8, 64 KiB buffers, double buffered -> 32 KiB usable each
  // out: 32768 / (8 cols * 4 B) = 1024 rows; act: 32768 / (8 rows * 1 B) = 4096 rows -> 1024.
  EXPECT_EQ(controller_m_tile(c, {5000, 64, 64}), 1024u);
  EXPECT_EQ(controller_m_tile(c, {100, 64, 64}), 100u);
  c.shell.double_buffer = false;
  EXPECT_EQ(controller_m_tile(c, {5000, 64, 64}), 2048u);
}

TEST(Shell, SramEnergyInterpolatesTheTablePoints) {
  const EnergyTable& t = EnergyTable::defaults();
  EXPECT_DOUBLE_EQ(sram_access_pj(t, 8 * 1024, 8), 10.0);
  EXPECT_NEAR(sram_access_pj(t, 32 * 1024, 8), 20.0, 1e-9);
  EXPECT_NEAR(sram_access_pj(t, 16 * 1024, 8), std::sqrt(200.0), 1e-9);  // log-log midpoint
  EXPECT_NEAR(sram_access_pj(t, 32 * 1024, 4), 10.0, 1e-9);              // half-width access
}

TEST(Shell, DoubleBufferedComputeBoundLayer) {
  // approx 8x8 at 1 GHz, GEMM 64x64x64; DRAM 25.6 GB/s = 25.6 B/cycle, latency 20 ns = 20 cycles.
  // Unit: tk = tn = 8, 64 tiles: steady 8*8*64 = 4096, overhead 64*(8+7+7) = 1408 -> 5504, 86 a tile.
  // DRAM: weights 4096 B (fit) + activations 4096 B (m_tile 64 rows * 64 B fits) = 8192 B read,
  // outputs 64*64*4 = 16384 B written -> a tile's loads ceil(128 / 25.6) = 5 cycles, stores 10.
  // A tile takes max(86, 5 + 10, (86 + 20 + 5 + 10) / 2) = 86: compute-bound, transfers hidden.
  // Exposed: first tile's load 20 + 5 = 25; last write-back 20 + 10 = 30.
  AcceleratorConfig c;
  c.shell.dram_latency_ns = 20.0;
  const LayerCost l = cost_layer(c, {64, 64, 64});
  EXPECT_EQ(l.cycles.stall, 55u);
  EXPECT_EQ(l.total_cycles(), 5504u + 55u);
  EXPECT_DOUBLE_EQ(l.actions.at("dram.read.bytes"), 8192.0);
  EXPECT_DOUBLE_EQ(l.actions.at("dram.write.bytes"), 16384.0);
  EXPECT_NEAR(l.energy_pj.at("dram"), 24576.0 * 8 * 20.3, 1e-6);
  // Scratchpad reads: activations tn*M*K = 8*4096, weights tm*K*N = 4096.
  EXPECT_DOUBLE_EQ(l.actions.at("sram.act.read.bytes"), 8.0 * 4096);
  EXPECT_DOUBLE_EQ(l.actions.at("sram.weight.read.bytes"), 4096.0);
  // Without double buffering every tile waits for its transfer: 960 + 64 tiles * 20 = 2240.
  c.shell.double_buffer = false;
  EXPECT_EQ(cost_layer(c, {64, 64, 64}).cycles.stall, 2240u);
}

TEST(Shell, DoubleBufferedLayerExposesLatencyLongerThanATile) {
  // As above at the default 100 ns: tile i+1's loads start once tile i-1 is done, so two tiles take
  // 86 + 100 + 5 + 10 = 201 cycles: 100.5 a tile. Stall = first (105) + 63 * 100.5 + 86 + last (110)
  // - 5504 = 1128 (the TLM schedule: 6954 cycles in all; this 6632).
  AcceleratorConfig c;
  const LayerCost l = cost_layer(c, {64, 64, 64});
  EXPECT_EQ(l.cycles.stall, 1128u);
  c.shell.double_buffer = false;  // 960 + 64 tiles * 100
  EXPECT_EQ(cost_layer(c, {64, 64, 64}).cycles.stall, 7360u);
}

TEST(Shell, BandwidthBoundLayerStalls) {
  // 1 GB/s = 1 B/cycle: a tile's loads 128 cycles + stores 256 = 384 > 86 compute and > (86 + 100 +
  // 384) / 2: the channel sets the pace. Stall = first (100 + 128) + 63 * 384 + 86 + last (100 + 256)
  // - 5504 = 19358.
  AcceleratorConfig c;
  c.shell.dram_bandwidth_gb_per_s = 1.0;
  const LayerCost l = cost_layer(c, {64, 64, 64});
  EXPECT_EQ(l.cycles.stall, 19358u);
}

TEST(Shell, UmbrellaOverloadsMatchTheUnitCalls) {
  const GemmShape s{100, 200, 30};
  EXPECT_EQ(cost_gemm(ApproxArrayConfig{}, s).total_cycles(), approx_cost_gemm(ApproxArrayConfig{}, s).total_cycles());
  EXPECT_EQ(cost_gemm(MxUnitConfig{}, s).total_cycles(), mx_cost_gemm(MxUnitConfig{}, s).total_cycles());
  EXPECT_EQ(cost_gemm(OpticalArrayConfig{}, s).total_cycles(), optical_cost_gemm(OpticalArrayConfig{}, s).total_cycles());
}

TEST(Shell, EveryUnitRunsInMilliseconds) {
  for (const char* unit : {"approx", "mx", "optical"}) {
    SCOPED_TRACE(unit);
    AcceleratorConfig c;
    c.unit = unit;
    const auto t0 = std::chrono::steady_clock::now();
    double energy = 0;
    for (int i = 0; i < 200; ++i) energy += cost_layer(c, {3136, 576, 64}).total_energy_pj();
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / 200;
    std::printf("cost_layer(%s, 3136x576x64): %.4f ms per layer\n", unit, ms);
    EXPECT_GT(energy, 0.0);
    EXPECT_LT(ms, 1.0);
    const Json j = cost_layer(c, {3136, 576, 64}).to_json();
    EXPECT_EQ(j["cycles"]["total_cycles"].get<std::uint64_t>(),
              j["cycles"]["weight_load_cycles"].get<std::uint64_t>() + j["cycles"]["fill_cycles"].get<std::uint64_t>() +
                  j["cycles"]["steady_cycles"].get<std::uint64_t>() + j["cycles"]["drain_cycles"].get<std::uint64_t>() +
                  j["cycles"]["stall_cycles"].get<std::uint64_t>());
  }
}

}  // namespace
}  // namespace tessera::models
