#include "models/shell/accelerator.h"

#include <algorithm>
#include <cmath>

#include "golden/common/error.h"

namespace tessera::models {


ShellConfig shell_config_from_json(const Json& object, const std::string& where) {
  ConfigReader r(object, where);
  ShellConfig c;
  c.act_scratchpad_bytes = r.uint_in("act_scratchpad_bytes", c.act_scratchpad_bytes, 64, 1ull << 34);
  c.weight_scratchpad_bytes = r.uint_in("weight_scratchpad_bytes", c.weight_scratchpad_bytes, 64, 1ull << 34);
  c.out_scratchpad_bytes = r.uint_in("out_scratchpad_bytes", c.out_scratchpad_bytes, 64, 1ull << 34);
  c.sram_access_bytes = r.uint_in("sram_access_bytes", c.sram_access_bytes, 1, 4096);
  c.dram_bandwidth_gb_per_s = r.number_in("dram_bandwidth_gb_per_s", c.dram_bandwidth_gb_per_s, 1e-3, 1e6);
  c.dram_latency_ns = r.number_in("dram_latency_ns", c.dram_latency_ns, 0.0, 1e6);
  c.double_buffer = r.flag("double_buffer", c.double_buffer);
  r.finish();
  return c;
}

double AcceleratorConfig::clock_ghz() const {
  if (unit == "mx") return mx.clock_ghz;
  if (unit == "optical") return optical.clock_ghz;
  return approx.clock_ghz;
}

AcceleratorConfig accelerator_config_from_json(const Json& object, const std::string& where) {
  ConfigReader r(object, where);
  AcceleratorConfig c;
  c.unit = r.choice("unit", c.unit, {"approx", "mx", "optical"});
  if (const Json* j = r.child("approx")) c.approx = approx_config_from_json(*j, r.path("approx"));
  if (const Json* j = r.child("mx")) c.mx = mx_config_from_json(*j, r.path("mx"));
  if (const Json* j = r.child("optical")) c.optical = optical_config_from_json(*j, r.path("optical"));
  if (const Json* j = r.child("shell")) c.shell = shell_config_from_json(*j, r.path("shell"));
  r.finish();
  return c;
}

OperandBytes operand_bytes(const AcceleratorConfig& c) {
  OperandBytes b;
  if (c.unit == "mx") {
    const auto bits = [](mx::ElementFormat f) {
      return f == mx::ElementFormat::fp4_e2m1 ? 4.0
             : (f == mx::ElementFormat::fp6_e2m3 || f == mx::ElementFormat::fp6_e3m2) ? 6.0 : 8.0;
    };
    const double scale = 1.0 / static_cast<double>(c.mx.block_size);  // one E8M0 byte per block
    b.activation = c.mx.quantize_weights ? 4.0 : 4.0;                  // FP32 into the quantizer
    b.weight = c.mx.quantize_weights ? 4.0 : bits(c.mx.format_b) / 8.0 + scale;
    b.output = 4.0;
  } else if (c.unit == "optical") {
    b.activation = std::ceil(static_cast<double>(c.optical.input_bits) / 8.0);
    b.weight = std::ceil(static_cast<double>(c.optical.weight_bits) / 8.0);
    b.output = 4.0;
  }
  return b;
}

std::uint64_t controller_m_tile(const AcceleratorConfig& c, const GemmShape& s) {
  const OperandBytes b = operand_bytes(c);
  const double share = c.shell.double_buffer ? 0.5 : 1.0;
  const double out = static_cast<double>(c.shell.out_scratchpad_bytes) * share;
  const double act = static_cast<double>(c.shell.act_scratchpad_bytes) * share;
  double per_row_out = 0, per_row_act = 0;
  if (c.unit == "approx") {
    per_row_out = static_cast<double>(c.approx.cols) * 4.0;
    per_row_act = static_cast<double>(c.approx.rows) * b.activation;
  } else {
    per_row_out = static_cast<double>(s.n) * b.output;
    per_row_act = static_cast<double>(s.k) * b.activation;
  }
  const double rows = std::floor(std::min(out / per_row_out, act / per_row_act));
  return std::max<std::uint64_t>(1, std::min<std::uint64_t>(s.m, static_cast<std::uint64_t>(rows)));
}

bool weights_resident(const AcceleratorConfig& c, const GemmShape& s) {
  if (c.unit == "optical") return true;
  const double w_bytes = static_cast<double>(s.k) * static_cast<double>(s.n) * operand_bytes(c).weight;
  return w_bytes <= static_cast<double>(c.shell.weight_scratchpad_bytes);
}

bool activations_resident(const AcceleratorConfig& c, const GemmShape& s, std::uint64_t m_tile) {
  const double share = c.shell.double_buffer ? 0.5 : 1.0;
  const double rows = static_cast<double>(c.unit == "optical" ? s.m : m_tile);
  return rows * static_cast<double>(s.k) * operand_bytes(c).activation <=
         static_cast<double>(c.shell.act_scratchpad_bytes) * share;
}

double sram_access_pj(const EnergyTable& t, std::uint64_t capacity, std::uint64_t access_bytes) {
  const double pts[3][2] = {{8.0 * 1024, t.pj("digital.sram_64bit_8KiB")},
                            {32.0 * 1024, t.pj("digital.sram_64bit_32KiB")},
                            {1024.0 * 1024, t.pj("digital.sram_64bit_1MiB")}};
  const double x = std::log2(std::max(1.0, static_cast<double>(capacity)));
  double e;
  if (x <= std::log2(pts[0][0])) {
    e = pts[0][1];
  } else if (x >= std::log2(pts[2][0])) {
    e = pts[2][1] * std::sqrt(static_cast<double>(capacity) / pts[2][0]);  // wire-dominated growth
  } else {
    const int i = x <= std::log2(pts[1][0]) ? 0 : 1;
    const double x0 = std::log2(pts[i][0]), x1 = std::log2(pts[i + 1][0]);
    const double y0 = std::log2(pts[i][1]), y1 = std::log2(pts[i + 1][1]);
    e = std::exp2(y0 + (y1 - y0) * (x - x0) / (x1 - x0));
  }
  return e * static_cast<double>(access_bytes) / 8.0;
}

LayerCost cost_layer(const AcceleratorConfig& c, const GemmShape& s, const EnergyTable& t) {
  const std::uint64_t mt = controller_m_tile(c, s);
  LayerCost cost;
  double sram_act_reads = 0, sram_w_reads = 0, sram_out_writes = 0, sram_out_reads = 0;
  std::uint64_t n_tiles_for_act = 1;
  // The tiles the DMA loads operands for; the optical unit's own tiles are one-cycle passes, and
  // the shell moves data per weight tile (all M rows sweep it), as models/tlm schedules it.
  double dma_tiles = 0;
  const double M = static_cast<double>(s.m), K = static_cast<double>(s.k), N = static_cast<double>(s.n);
  const OperandBytes b = operand_bytes(c);
  if (c.unit == "approx") {
    cost = approx_cost_gemm(c.approx, s, t, mt);
    const double tk = static_cast<double>(ceil_div(s.k, c.approx.rows));
    const double tn = static_cast<double>(ceil_div(s.n, c.approx.cols));
    const double tm = static_cast<double>(ceil_div(s.m, mt));
    sram_act_reads = tn * M * K * b.activation;
    sram_w_reads = tm * K * N * b.weight;
    sram_out_writes = tk * M * N * 4.0;
    sram_out_reads = tk * M * N * 4.0;  // (tk-1) partial-sum re-reads + one read for write-back
    n_tiles_for_act = ceil_div(s.n, c.approx.cols);
  } else if (c.unit == "mx") {
    MxUnitConfig u = c.mx;
    u.tile_m = mt;
    cost = mx_cost_gemm(u, s, t);
    const double tm = static_cast<double>(ceil_div(s.m, mt));
    sram_act_reads = M * K * b.activation;
    sram_w_reads = tm * K * N * b.weight;
    sram_out_writes = M * N * 4.0;
    sram_out_reads = M * N * 4.0;
  } else {
    cost = optical_cost_gemm(c.optical, s, t);
    const double sp = c.optical.split_signs ? 2.0 : 1.0;
    const double tn = static_cast<double>(ceil_div(s.n, c.optical.cols));
    const double adc = cost.actions["adc.conversions.count"];
    sram_act_reads = M * K * tn * sp * b.activation;
    sram_w_reads = K * N * sp * b.weight;
    sram_out_writes = adc * 4.0;
    sram_out_reads = adc * 4.0;
    n_tiles_for_act = ceil_div(s.n, c.optical.cols);
    dma_tiles = tn * static_cast<double>(ceil_div(s.k, c.optical.wavelengths)) * sp;
  }
  const double tm = static_cast<double>(ceil_div(s.m, mt));
  const double w_bytes = K * N * b.weight;
  const double w_reads = weights_resident(c, s) ? 1.0 : tm;
  const double a_bytes = M * K * b.activation;
  const double a_reads = activations_resident(c, s, mt) ? 1.0 : static_cast<double>(n_tiles_for_act);
  const double out_bytes = M * N * b.output;
  const double dram_read = w_bytes * w_reads + a_bytes * a_reads;
  const double dram_write = out_bytes;
  cost.add_action("dram.read.bytes", dram_read);
  cost.add_action("dram.write.bytes", dram_write);
  cost.add_action("sram.act.read.bytes", sram_act_reads);
  cost.add_action("sram.act.write.bytes", a_bytes * a_reads);
  cost.add_action("sram.weight.read.bytes", sram_w_reads);
  cost.add_action("sram.weight.write.bytes", w_bytes * w_reads);
  cost.add_action("sram.out.read.bytes", sram_out_reads);
  cost.add_action("sram.out.write.bytes", sram_out_writes);
  cost.add_action("controller.m_tile.rows", static_cast<double>(mt));

  // DMA timing.
  const double f = c.clock_ghz();
  const double bytes_per_cycle = c.shell.dram_bandwidth_gb_per_s / f;  // GB/s / Gcycle/s
  const double lat = std::ceil(c.shell.dram_latency_ns * f);
  const double dram_cycles = std::ceil((dram_read + dram_write) / bytes_per_cycle);
  const double compute = static_cast<double>(cost.cycles.total());
  const double tiles = std::max(1.0, dma_tiles > 0 ? dma_tiles : static_cast<double>(cost.tiles));
  double stall;
  if (c.shell.double_buffer) {
    // The first tile's operands are exposed and the last tile's results are written after compute.
    // In between, tile i+1's loads may start once tile i-1 is done (two buffers) and transfers
    // pipeline on the channel (each arrives one latency after its bytes) behind the write-back issued
    // before them, so a tile takes the longest of its compute, its share of the channel, and half of
    // compute + latency + its transfers.
    const double tile_loads = std::ceil((dram_read / tiles) / bytes_per_cycle);
    const double tile_stores = std::ceil((dram_write / tiles) / bytes_per_cycle);
    const double first = lat + tile_loads, last = lat + tile_stores;
    const double tile_compute = compute / tiles;
    const double period =
        std::max({tile_compute, tile_loads + tile_stores, (tile_compute + lat + tile_loads + tile_stores) / 2.0});
    stall = std::max(0.0, first + (tiles - 1.0) * period + tile_compute + last - compute);
  } else {
    stall = dram_cycles + lat * tiles;
  }
  cost.cycles.stall += static_cast<std::uint64_t>(stall);
  cost.add_action("dma.transfer_cycles.count", dram_cycles);

  const std::uint64_t ab = c.shell.sram_access_bytes;
  const double ea = sram_access_pj(t, c.shell.act_scratchpad_bytes, ab) / static_cast<double>(ab);
  const double ew = sram_access_pj(t, c.shell.weight_scratchpad_bytes, ab) / static_cast<double>(ab);
  const double eo = sram_access_pj(t, c.shell.out_scratchpad_bytes, ab) / static_cast<double>(ab);
  cost.add_energy("sram_act", (sram_act_reads + a_bytes * a_reads) * ea);
  cost.add_energy("sram_weight", (sram_w_reads + w_bytes * w_reads) * ew);
  cost.add_energy("sram_out", (sram_out_reads + sram_out_writes) * eo);
  cost.add_energy("dram", (dram_read + dram_write) * 8.0 * t.pj_per_bit("digital.dram_access"));
  return cost;
}

GemmShape conv_to_gemm(const ConvShape& c) {
  if (c.groups == 0 || c.in_channels % c.groups || c.out_channels % c.groups || c.stride_h == 0 ||
      c.stride_w == 0 || c.dilation_h == 0 || c.dilation_w == 0 || c.kernel_h == 0 || c.kernel_w == 0) {
    throw ConfigError("conv: groups must divide in/out channels; stride, dilation, kernel >= 1");
  }
  const std::int64_t eh = static_cast<std::int64_t>(c.in_h + 2 * c.pad_h) -
                          static_cast<std::int64_t>(c.dilation_h * (c.kernel_h - 1)) - 1;
  const std::int64_t ew = static_cast<std::int64_t>(c.in_w + 2 * c.pad_w) -
                          static_cast<std::int64_t>(c.dilation_w * (c.kernel_w - 1)) - 1;
  if (eh < 0 || ew < 0) throw ConfigError("conv: kernel larger than the padded input");
  const std::uint64_t oh = static_cast<std::uint64_t>(eh) / c.stride_h + 1;
  const std::uint64_t ow = static_cast<std::uint64_t>(ew) / c.stride_w + 1;
  return {c.batch * oh * ow, (c.in_channels / c.groups) * c.kernel_h * c.kernel_w,
          c.out_channels / c.groups};
}

LayerCost cost_conv(const AcceleratorConfig& config, const ConvShape& conv, const EnergyTable& t) {
  const GemmShape g = conv_to_gemm(conv);
  LayerCost one = cost_layer(config, g, t);
  if (conv.groups == 1) return one;
  LayerCost total = one;
  for (std::uint64_t i = 1; i < conv.groups; ++i) total.accumulate(one);
  total.shape = {g.m * conv.groups, g.k, g.n};                // macs() = groups * m*k*n
  return total;
}

}  // namespace tessera::models
