#pragma once
// The main job: a network on emulated hardware. Load an ONNX model, map its layers to units by
// rules, calibrate on a few batches, run every image through the emulated network with an FP32
// shadow of every mapped layer, and tally per layer the error against FP32 (local: the layer fed
// FP32 inputs; propagated: fed the emulated network's activations) and end to end the top-1.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "sim/report/tally.h"
#include "sim/tracing/approx_trace.h"

namespace tessera::pipeline {

struct RunOptions {
  std::string model_path;        // ONNX
  std::string rules_path;        // mapping rules (sim/mapping/README.md)
  std::string data_path;         // float32 .npy (images along the first axis) or IDX(.gz) pixels
  std::string labels_path;       // optional: integer .npy or IDX(.gz), one class per image
  // Calibration images: the first `calibration_images` of `calibration_data_path`, or of the data
  // when no separate calibration set is given.
  std::string calibration_data_path;
  std::size_t calibration_images = 64;
  std::size_t batch_images = 64;   // images per network run
  std::size_t max_images = 0;      // 0: every image of the data
  // Record the operand streams of the selected approx layers (tessera run --trace); the traced
  // layers are also priced gate-level (their recorded tiles through the multiplier's netlist).
  std::optional<tracing::TraceOptions> trace;
  // Standard-cell library of the data-dependent and gate-level multiplier energies ("sky130",
  // "osu018"), and the weight tiles per approx layer whose operand activity prices its multipliers.
  std::string power_library = "sky130";
  std::size_t activity_tiles = 4;
  // Called after each batch with (images done, images in total).
  std::function<void(std::size_t, std::size_t)> progress;
};

// A bundled network (sim/data/datasets.h) with its default rules and test data; "digits_vit" is
// the main job: layers on each unit family.
RunOptions bundled_run(const std::string& network_name);

// Runs the job. Bad files or fields throw InputError/ConfigError naming them.
report::RunReport run_network(const RunOptions& options);

}  // namespace tessera::pipeline
