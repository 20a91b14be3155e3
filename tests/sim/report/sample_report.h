#pragma once
// A made-up but plausible report (a ResNet-18-like network, some layers optical, some approximate,
// one fallback) that exercises every corner the writers must handle: an exact layer (SNR +inf),
// a NaN, an unmeasured error, layers without energy or cycles, and names with "<&>", commas and
// quotes.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "sim/report/tally.h"

namespace tessera::test {

inline metrics::ErrorStats error_with_snr(double snr_db, std::size_t count = 4096) {
  metrics::ErrorStats stats;
  stats.count = count;
  stats.snr_db = snr_db;
  // Consistent-looking figures: rms relative to a unit-power reference.
  const double rms = std::isfinite(snr_db) ? std::pow(10.0, -snr_db / 20.0) : 0.0;
  stats.rms_error = std::isnan(snr_db) ? std::numeric_limits<double>::quiet_NaN() : rms;
  stats.max_abs_error = 4.0 * stats.rms_error;
  stats.mean_error = 0.01 * stats.rms_error;
  stats.cosine = std::isfinite(snr_db) ? 1.0 - 0.5 * rms * rms : (std::isnan(snr_db) ? snr_db : 1.0);
  return stats;
}

inline report::LayerTally sample_layer(std::string name, std::string op, std::string kind,
                                       std::uint64_t macs, double local_snr,
                                       double propagated_snr) {
  report::LayerTally layer;
  layer.node_name = std::move(name);
  layer.op_type = std::move(op);
  layer.unit_kind = std::move(kind);
  layer.macs = macs;
  layer.local_error = error_with_snr(local_snr);
  layer.propagated_error = error_with_snr(propagated_snr);
  return layer;
}

// `with_energy` false gives the report as it looks before the SystemC models exist.
inline report::RunReport sample_report(bool with_energy = true) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  report::RunReport run;
  run.tessera_version = "0.1.0";
  run.network_name = "resnet18";
  run.network_path = "models/resnet18.onnx";
  run.rules_path = "configs/optical_convs.json";
  run.data_path = "data/imagenet_val_256.npy";
  run.image_count = 256;
  run.task = report::TaskMetric{0.6953, 0.6719, 0.9258};
  run.wall_time_s = 41.7;
  run.warnings = {"rule 4 (regex '^/fc2/.*') matched no node",
                  "calibration used 2 batches of 8 images"};

  auto conv = [&](std::string name, std::uint64_t macs, double local, double propagated,
                  double scale) {
    report::LayerTally layer = sample_layer(std::move(name), "Conv", "optical", macs, local,
                                            propagated);
    layer.unit_description = "optical 8-bit DAC/ADC, q_levels 256, shot noise";
    layer.energy_source = "table";
    if (with_energy) {
      layer.latency_cycles = macs / 4096;
      layer.energy_pj = {{"dac", 0.9 * scale},   {"adc", 1.6 * scale}, {"laser", 0.7 * scale},
                         {"modulator", 0.4 * scale}, {"sram", 0.8 * scale}, {"dram", 1.1 * scale}};
    }
    return layer;
  };

  report::LayerTally stem = sample_layer("/conv1/Conv", "Conv", "approx", 118013952, 38.2, 38.2);
  stem.unit_description = "mul8s_1L2H, per-channel INT8 weights";
  stem.energy_source = "gate-level";
  if (with_energy) {
    stem.multiplier_energy_pj = {{"table", 1.5e6}, {"data-dependent", 7.25e6}, {"gate-level", 7.0e6}};
    stem.multiplier_energy_note = "data-dependent: fitted on sky130; gate-level: sky130, 4096 traced MACs";
    stem.latency_cycles = 28812;
    stem.energy_pj = {{"multipliers", 2.1e6}, {"accumulators", 0.6e6}, {"sram", 0.9e6},
                      {"dram", 1.4e6}};
  }
  run.layers.push_back(stem);

  report::LayerTally relu = sample_layer("/relu/Relu", "Relu", "fp32", 0, inf, 37.9);
  run.layers.push_back(relu);

  report::LayerTally pool = sample_layer("/maxpool/MaxPool", "MaxPool", "optical", 0, inf, 37.9);
  pool.mapped = false;
  pool.unit_description = "optical 8-bit DAC/ADC";
  pool.fallback_reason = "optical: MaxPool is not a matrix product";
  run.layers.push_back(pool);

  run.layers.push_back(conv("/layer1/layer1.0/conv1/Conv", 115605504, 31.4, 30.8, 1.0e6));
  run.layers.push_back(conv("/layer1/layer1.0/conv2/Conv", 115605504, 30.9, 28.7, 1.0e6));
  run.layers.push_back(conv("/layer2/layer2.0/conv1/Conv", 57802752, 29.8, 26.1, 0.55e6));
  run.layers.push_back(conv("/layer2/layer2.0/downsample/downsample.0/Conv", 6422528, 33.0, 26.4,
                            0.08e6));
  // A name an exporter could produce, with characters HTML and CSV must escape.
  report::LayerTally odd = conv("/attn/<mask>&bias,\"scaled\"/MatMul", 1048576, 12.5, nan, 0.03e6);
  odd.op_type = "MatMul";
  run.layers.push_back(odd);
  run.layers.push_back(conv("/layer3/layer3.0/conv1/Conv", 57802752, 28.9, 23.5, 0.55e6));
  run.layers.push_back(conv("/layer4/layer4.1/conv2/Conv", 115605504, 27.7, 21.2, 1.0e6));

  report::LayerTally gap = sample_layer("/avgpool/GlobalAveragePool", "GlobalAveragePool", "fp32",
                                        0, inf, 21.4);
  gap.local_error.count = 0;  // not measured: nothing to compare on an FP32 layer
  run.layers.push_back(gap);

  report::LayerTally fc = sample_layer("/fc/Gemm", "Gemm", "mx", 512000, 41.3, 20.9);
  fc.unit_description = "MXFP8 E4M3, block 32";
  fc.energy_source = "data-dependent";
  fc.propagated_error.non_finite = 3;
  if (with_energy) {
    fc.latency_cycles = 2000;
    fc.energy_pj = {{"multipliers", 0.21e6}, {"accumulators", 0.05e6}, {"sram", 0.12e6},
                    {"dram", 0.5e6}};
  }
  run.layers.push_back(fc);

  if (with_energy) {
    // A sweep around this run (29 uJ, 67.19%); "mul8s_1L2H everywhere" is dominated.
    run.comparison_points = {{"int8, exact multipliers", 48.0e6, 0.6940},
                             {"mxfp8 e4m3, all convs", 41.0e6, 0.6912},
                             {"mxfp6 e3m2, all convs", 33.0e6, 0.6850},
                             {"mul8s_1L2H everywhere", 36.0e6, 0.6530},
                             {"optical 6-bit", 24.5e6, 0.6405},
                             {"mxfp4 e2m1, all convs", 22.0e6, 0.6207},
                             {"optical 4-bit", 17.8e6, 0.5522}};
  }
  return run;
}

}  // namespace tessera::test
