#include "sim/pipeline/network_run.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <vector>

#include "golden/common/error.h"
#include "golden/io/npy.h"
#include "models/shell/accelerator.h"
#include "sim/data/datasets.h"
#include "sim/graph/ir.h"
#include "sim/mapping/emulated_network.h"
#include "sim/mapping/rules.h"
#include "sim/metrics/error_stats.h"
#include "sim/onnx/loader.h"
#include "sim/power/optical_trace_power.h"
#include "sim/power/trace_power.h"
#include "sim/runtime/executor.h"
#include "sim/runtime/optimize.h"
#include "sim/tracing/activity_pricing.h"
#include "sim/tracing/approx_trace_reader.h"
#include "sim/tracing/mx_activity_pricing.h"
#include "sim/tracing/mx_trace.h"
#include "sim/tracing/optical_activity_pricing.h"
#include "sim/tracing/optical_trace_reader.h"
#include "sim/tracing/optical_trace.h"
#include "sim/units/hardware.h"
#include "sim/units/unit_config.h"
#include "traces/format/header.h"

namespace tessera::pipeline {
namespace {

// The model's single input, with its extents checked against a data file.
struct ModelInput {
  std::string name;
  graph::Dims dims;  // -1 for a symbolic extent
};

ModelInput model_input(const graph::Graph& graph) {
  if (graph.inputs.size() != 1) {
    throw InputError(graph.source + ": the model has " + std::to_string(graph.inputs.size()) +
                     " inputs; tessera run feeds models with exactly one input");
  }
  if (graph.outputs.empty()) throw InputError(graph.source + ": the model has no outputs");
  const graph::GraphValue& input = graph.inputs.front();
  if (input.type.dtype != graph::DType::float32 || !input.type.dims || input.type.dims->empty()) {
    throw InputError(graph.source + ": input '" + input.name + "' is " +
                     graph::type_to_string(input.type) +
                     "; expected float32 with a leading image axis");
  }
  return {input.name, *input.type.dims};
}

// The images of `path`, checked against the model input's extents.
data::ImageSet load_images_for(const std::string& path, const ModelInput& input) {
  data::ImageSet images = data::load_images(path);
  bool fits = images.shape.size() == input.dims.size();
  for (std::size_t i = 1; fits && i < input.dims.size(); ++i) {
    fits = input.dims[i] < 0 || static_cast<std::size_t>(input.dims[i]) == images.shape[i];
  }
  if (!fits) {
    std::string extents = "(";
    for (std::size_t i = 0; i < input.dims.size(); ++i) {
      extents += (i ? ", " : "") + (input.dims[i] < 0 ? std::string("N") : std::to_string(input.dims[i]));
    }
    throw InputError(path + ": shape " + npy::shape_to_string(images.shape) +
                     " does not fit the model input '" + input.name + "' " + extents + ")");
  }
  return images;
}

std::vector<std::int64_t> load_labels_for(const std::string& path, std::size_t image_count) {
  std::vector<std::int64_t> labels = data::load_labels(path);
  if (labels.size() < image_count) {
    throw InputError(path + ": shape (" + std::to_string(labels.size()) + ",): expected (" +
                     std::to_string(image_count) + ",), one label per image");
  }
  labels.resize(image_count);
  return labels;
}

// The batch of images [first, first + count) as the model's input tensor.
runtime::TensorMap batch(const data::ImageSet& images, const ModelInput& input, std::size_t first,
                         std::size_t count) {
  graph::Dims dims(images.shape.begin(), images.shape.end());
  dims[0] = static_cast<std::int64_t>(count);
  const std::size_t size = images.image_size();
  std::vector<float> values(images.values.begin() + static_cast<std::ptrdiff_t>(first * size),
                            images.values.begin() + static_cast<std::ptrdiff_t>((first + count) * size));
  runtime::TensorMap map;
  map.emplace(input.name, graph::Tensor::from_floats(std::move(dims), std::move(values)));
  return map;
}

// Batch size the model accepts: its fixed leading extent, or the requested one.
std::size_t batch_size_for(const ModelInput& input, std::size_t requested, std::size_t images,
                           const std::string& data_path) {
  if (input.dims[0] < 0) return std::max<std::size_t>(1, std::min(requested, images));
  const auto fixed = static_cast<std::size_t>(input.dims[0]);
  if (images % fixed != 0) {
    throw InputError(data_path + ": " + std::to_string(images) + " images do not split into the model's fixed batch of " +
                     std::to_string(fixed) + " (input '" + input.name + "')");
  }
  return fixed;
}

std::vector<std::int64_t> argmax_rows(const graph::Tensor& logits) {
  if (logits.dtype() != graph::DType::float32 || logits.rank() != 2) {
    throw InputError("model output is " + graph::dims_to_string(logits.dims()) +
                     "; top-1 needs float32 logits of shape (images, classes)");
  }
  const std::size_t rows = static_cast<std::size_t>(logits.dim(0));
  const std::size_t classes = static_cast<std::size_t>(logits.dim(1));
  const float* values = logits.floats().data();
  std::vector<std::int64_t> predictions(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    const float* row = values + r * classes;
    predictions[r] = std::max_element(row, row + classes) - row;
  }
  return predictions;
}

// Per-layer accumulators while the batches run.
struct LayerAccumulator {
  metrics::ErrorAccumulator local;
  metrics::ErrorAccumulator propagated;
  std::uint64_t macs = 0;
  double cycles = 0.0;
  std::map<std::string, double> energy_pj;  // by component
  // Optical layers: conversions of each periphery component (power::optical_periphery_conversions).
  std::map<std::string, double> periphery_conversions;
};

// Cycles and energy of one run of a layer from the SystemC models' timing-only mode: `count`
// independent GEMMs in sequence on the layer's accelerator.
void add_cost(LayerAccumulator& acc, const models::AcceleratorConfig& accelerator,
              const units::EmulatedOp::GemmWork& work) {
  if (work.count == 0) return;
  const models::LayerCost cost = models::cost_layer(accelerator, {work.m, work.k, work.n});
  const double count = static_cast<double>(work.count);
  acc.cycles += count * static_cast<double>(cost.total_cycles());
  for (const auto& [component, pj] : cost.energy_pj) acc.energy_pj[component] += count * pj;
  if (accelerator.unit == "optical") {
    for (const auto& [component, conversions] :
         power::optical_periphery_conversions(accelerator.optical, work.m, work.k, work.n)) {
      acc.periphery_conversions[component] += count * conversions;
    }
  }
}

// The digital periphery of optical layers priced from the energy table: conversions per image x
// the converter's uniform-vector energy per conversion on the run's cell library.
void add_periphery_table(report::LayerTally& tally, const std::map<std::string, double>& conversions,
                         double images, const std::string& library) {
  const models::EnergyTable& table = models::EnergyTable::defaults();
  std::string missing;
  for (const auto& [component, count] : conversions) {
    const std::string entry = power::optical_periphery_table_entry(component, library);
    if (!table.contains(entry)) {
      missing += (missing.empty() ? "" : ", ") + entry;
      continue;
    }
    tally.periphery_energy_pj["table"][component] = count / images * table.pj(entry);
  }
  tally.periphery_energy_note = "digital periphery (hw/optical DAC/ADC quantizers, psum), " + library +
                                ": table = conversions x uniform-vector energy per conversion (models/energy/optical.json "
                                "optical.periphery.*_" + library + ")";
  if (!missing.empty()) tally.periphery_energy_note += "; no table entry " + missing;
}

// Both comparisons are against the FP32 network's output of the node (the local run records it):
// local error is the unit fed the FP32 network's inputs; propagated error is the emulated
// network's output of the node, so it carries every upstream layer's error too. (The shadow run's
// own FP32 twin, fed the same emulated inputs, would measure the unit alone a second time.)
void accumulate(std::map<std::string, LayerAccumulator>& layers,
                const std::map<std::string, models::AcceleratorConfig>& accelerators,
                const std::vector<mapping::LayerOutputs>& local_run,
                const std::vector<mapping::LayerOutputs>& emulated_run) {
  std::map<std::string, const graph::Tensor*> fp32_outputs;
  for (const mapping::LayerOutputs& layer : local_run) {
    const graph::Tensor& fp32 = layer.reference.front();
    const graph::Tensor& unit = layer.emulated.front();
    layers[layer.node].local.add(fp32.floats().data(), unit.floats().data(), unit.size());
    fp32_outputs[layer.node] = &fp32;
  }
  for (const mapping::LayerOutputs& layer : emulated_run) {
    LayerAccumulator& acc = layers[layer.node];
    acc.macs += layer.macs;
    add_cost(acc, accelerators.at(layer.node), layer.work);
    const auto fp32 = fp32_outputs.find(layer.node);
    if (fp32 == fp32_outputs.end()) continue;
    const graph::Tensor& emulated = layer.emulated.front();
    acc.propagated.add(fp32->second->floats().data(), emulated.floats().data(), emulated.size());
  }
}

// The model's energy per MAC on uniform random operands (weights and activations uniform int8)
// through a 256-row GEMM of the array's shape: what the energy table's figure stands for.
std::optional<double> uniform_operand_energy(tracing::ActivitySampler& sampler, const units::EmulatedOp& op) {
  constexpr std::size_t kRows = 256, kDepth = 64, kOutputs = 64;
  std::mt19937_64 engine(1);
  std::vector<std::int8_t> a(kRows * kDepth), w(kOutputs * kDepth);
  for (auto& v : a) v = static_cast<std::int8_t>(engine() & 0xFF);
  for (auto& v : w) v = static_cast<std::int8_t>(engine() & 0xFF);
  sampler.tap(op)(units::ApproxGemmOperands{a.data(), w.data(), kRows, kOutputs, kDepth});
  return sampler.pj_per_mac();
}

// Once a layer's operands are sampled, its multipliers are priced by the models at the table's
// figure times the activity factor: sampled energy per MAC / uniform-operand energy per MAC.
void apply_activity_factors(std::map<std::string, models::AcceleratorConfig>& accelerators,
                            const std::map<std::string, tracing::ActivitySampler>& samplers,
                            const std::map<std::string, double>& uniform_pj_per_mac) {
  for (const auto& [node, sampler] : samplers) {
    const auto reference = uniform_pj_per_mac.find(node);
    if (!sampler.pj_per_mac() || reference == uniform_pj_per_mac.end()) continue;
    accelerators.at(node).approx.multiplier_activity_factor = *sampler.pj_per_mac() / reference->second;
  }
}

void apply_mx_activity_factors(std::map<std::string, models::AcceleratorConfig>& accelerators,
                               const std::map<std::string, tracing::MxActivitySampler>& samplers) {
  for (const auto& [node, sampler] : samplers) {
    if (const std::optional<double> factor = sampler.activity_factor()) accelerators.at(node).mx.dot_activity_factor = *factor;
  }
}

// Traced layers priced gate-level: their recorded tiles replayed through the multiplier's netlist,
// energy per MAC times the layer's MACs per image. Needs Yosys; problems become warnings.
void add_gate_level(report::RunReport& report, const RunOptions& options) {
  if (report.trace_files.empty()) return;
  std::vector<tracing::ApproxLayerTrace> traces;
  for (const std::string& path : report.trace_files) {
    if (tracing::is_approx_trace(path)) traces.push_back(tracing::read_approx_trace(path));
  }
  std::map<std::string, std::vector<tracing::ApproxLayerTrace>> by_multiplier;
  for (auto& trace : traces) by_multiplier[trace.multiplier].push_back(std::move(trace));
  for (const auto& [multiplier, layers] : by_multiplier) {
    power::TracePowerOptions power_options;
    power_options.gate_level = true;
    power_options.gate.library = options.power_library;
    std::vector<power::LayerPowerEstimate> estimates;
    try {
      estimates = power::trace_power(layers, power_options);
    } catch (const Error& e) {
      report.warnings.push_back(std::string("gate-level energy of the traced ") + multiplier + " layers: " + e.what());
      continue;
    }
    for (const power::LayerPowerEstimate& estimate : estimates) {
      for (report::LayerTally& tally : report.layers) {
        if (tally.node_name != estimate.layer || !estimate.gate || estimate.macs == 0) continue;
        tally.multiplier_energy_pj["gate-level"] =
            estimate.gate->total_pj() / static_cast<double>(estimate.macs) * static_cast<double>(tally.macs);
        tally.multiplier_energy_note += std::string(tally.multiplier_energy_note.empty() ? "" : "; ") + "gate-level: " +
                                        options.power_library + ", " + std::to_string(estimate.macs) +
                                        " traced MACs, zero-delay";
      }
    }
  }
}

// Traced optical layers' digital periphery priced gate-level: the recorded elements replayed through
// the converters' netlists (cached after the first synthesis), energy per conversion times the
// layer's conversions per image. Needs Yosys; problems become warnings.
void add_optical_gate_level(report::RunReport& report, const std::vector<std::string>& optical_trace_files,
                            const std::map<std::string, LayerAccumulator>& layers, const RunOptions& options) {
  if (optical_trace_files.empty()) return;
  std::vector<tracing::OpticalLayerTrace> traces;
  for (const std::string& path : optical_trace_files) traces.push_back(tracing::read_optical_trace(path));
  power::OpticalTracePowerOptions power_options;
  power_options.gate_level = true;
  power_options.gate.library = options.power_library;
  std::vector<power::OpticalLayerPowerEstimate> estimates;
  try {
    estimates = power::optical_trace_power(traces, power_options);
  } catch (const Error& e) {
    report.warnings.push_back(std::string("gate-level energy of the traced optical periphery: ") + e.what());
    return;
  }
  const double images = static_cast<double>(std::max<std::size_t>(1, report.image_count));
  for (const power::OpticalLayerPowerEstimate& estimate : estimates) {
    const auto layer = layers.find(estimate.layer);
    if (layer == layers.end()) continue;
    for (report::LayerTally& tally : report.layers) {
      if (tally.node_name != estimate.layer) continue;
      for (const power::OpticalComponentEstimate& c : estimate.components) {
        const auto conversions = layer->second.periphery_conversions.find(c.component);
        if (!c.gate_pj_per_element || conversions == layer->second.periphery_conversions.end()) continue;
        tally.periphery_energy_pj["gate-level"][c.component] = *c.gate_pj_per_element * conversions->second / images;
      }
      tally.periphery_energy_note += "; gate-level: " + options.power_library + ", the traced elements replayed, "
                                     "zero-delay";
    }
  }
}

}  // namespace

RunOptions bundled_run(const std::string& network_name) {
  const data::BundledNetwork network = data::bundled_network(network_name);
  RunOptions options;
  options.model_path = network.model_path;
  options.rules_path = network.rules_path;
  options.data_path = network.images_path;
  options.labels_path = network.labels_path;
  return options;
}

report::RunReport run_network(const RunOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  onnx::OnnxModel model = onnx::load_onnx(options.model_path);
  runtime::optimize(model.graph);
  const ModelInput input = model_input(model.graph);
  const std::string output_name = model.graph.outputs.front().name;
  const mapping::MappingRules rules = mapping::load_rules(options.rules_path);
  const mapping::MappingResult mapped = mapping::resolve(model.graph, rules);

  const data::ImageSet images = load_images_for(options.data_path, input);
  std::size_t image_count = images.image_count();
  if (options.max_images != 0) image_count = std::min(image_count, options.max_images);
  std::optional<std::vector<std::int64_t>> labels;
  if (!options.labels_path.empty()) labels = load_labels_for(options.labels_path, image_count);
  const data::ImageSet calibration_images =
      options.calibration_data_path.empty() ? images
                                            : load_images_for(options.calibration_data_path, input);
  const std::size_t calibration_count =
      std::min(options.calibration_images, calibration_images.image_count());
  if (calibration_count == 0) throw ConfigError("calibration images: expected at least 1, got 0");

  std::map<std::string, models::AcceleratorConfig> accelerators;
  for (const mapping::NodeMapping& node : mapped.nodes) {
    if (node.mapped) accelerators.emplace(node.node, units::accelerator_for(node.requested, node.node));
  }

  runtime::Executor executor(std::move(model.graph));
  mapping::EmulatedNetwork network(executor, mapped);
  // Every approx layer's multipliers priced from a sample of the operands it processes.
  std::map<std::string, tracing::ActivitySampler> samplers;
  std::map<std::string, double> uniform_pj_per_mac;  // the same model on uniform random operands
  for (const std::string& node : network.mapped_nodes()) {
    units::EmulatedOp& op = network.op(node);
    if (op.kind() != units::UnitKind::approx) continue;
    std::optional<tracing::MultiplierEnergyModel> model =
        tracing::multiplier_energy_model(op.config().approx.multiplier, options.power_library);
    if (!model) continue;
    tracing::ActivitySampler uniform(*model, accelerators.at(node), options.activity_tiles, 0);
    const std::optional<double> reference = uniform_operand_energy(uniform, op);
    if (reference && *reference > 0.0) uniform_pj_per_mac[node] = *reference;
    auto [it, inserted] = samplers.emplace(
        node, tracing::ActivitySampler(std::move(*model), accelerators.at(node), options.activity_tiles, 0));
    op.add_approx_operand_tap(it->second.tap(op));
  }
  // Every mx layer's dot unit priced from a sample of the block pairs it processes.
  std::map<std::string, tracing::MxActivitySampler> mx_samplers;
  for (const std::string& node : network.mapped_nodes()) {
    units::EmulatedOp& op = network.op(node);
    if (op.kind() != units::UnitKind::mx) continue;
    const units::MxConfig& mx = op.config().mx;
    std::optional<traces::activity::MxEnergyModel> model =
        tracing::mx_energy_model_for(mx.activation_format, mx.weight_format, mx.block, options.power_library);
    if (!model) continue;
    auto [it, inserted] =
        mx_samplers.emplace(node, tracing::MxActivitySampler(std::move(*model), options.activity_tiles, 0));
    op.add_mx_operand_tap(it->second.tap(op));
  }
  // Every optical layer's digital periphery priced from a sample of the elements it converts.
  std::map<std::string, tracing::OpticalPeripherySampler> optical_samplers;
  if (const auto optical_models = tracing::optical_periphery_models_for(options.power_library)) {
    for (const std::string& node : network.mapped_nodes()) {
      units::EmulatedOp& op = network.op(node);
      if (op.kind() != units::UnitKind::optical) continue;
      auto [it, inserted] =
          optical_samplers.emplace(node, tracing::OpticalPeripherySampler(*optical_models, options.activity_tiles, 0));
      op.add_optical_operand_tap(it->second.tap(op));
    }
  }
  std::optional<tracing::TraceRecorder> recorder;
  std::optional<tracing::MxTraceRecorder> mx_recorder;
  std::optional<tracing::OpticalTraceRecorder> optical_recorder;
  if (options.trace) {
    const std::string network_name = executor.graph().name.empty() ? options.model_path : executor.graph().name;
    recorder.emplace(*options.trace, network_name);
    mx_recorder.emplace(*options.trace, network_name);
    optical_recorder.emplace(*options.trace, network_name);
    std::size_t layer_index = 0;
    for (const std::string& node : network.mapped_nodes()) {
      units::EmulatedOp& op = network.op(node);
      ++layer_index;
      if (op.kind() == units::UnitKind::mx && mx_recorder->selects(node)) {
        op.add_mx_operand_tap(mx_recorder->mx_tap(op, layer_index));
      }
      if (op.kind() == units::UnitKind::optical && optical_recorder->selects(node)) {
        op.add_optical_operand_tap(optical_recorder->optical_tap(op, layer_index));
      }
      if (op.kind() != units::UnitKind::approx || !recorder->selects(node)) continue;
      op.add_approx_operand_tap(recorder->approx_tap(op, accelerators.at(node), layer_index));
    }
  }
  const std::size_t batch_size =
      batch_size_for(input, options.batch_images, image_count, options.data_path);
  std::vector<runtime::TensorMap> calibration_batches;
  for (std::size_t first = 0; first < calibration_count; first += batch_size) {
    calibration_batches.push_back(batch(calibration_images, input, first,
                                        std::min(batch_size, calibration_count - first)));
  }
  network.calibrate(calibration_batches);
  network.set_shadow(true);

  std::map<std::string, LayerAccumulator> layers;
  std::vector<std::int64_t> fp32_predictions, emulated_predictions;
  for (std::size_t first = 0; first < image_count; first += batch_size) {
    const std::size_t count = std::min(batch_size, image_count - first);
    const runtime::TensorMap inputs = batch(images, input, first, count);
    const auto fp32 = argmax_rows(network.run_reference(inputs).at(output_name));
    const mapping::EmulatedNetwork::ShadowRun propagated = network.run_with_shadow(inputs);
    const auto emulated = argmax_rows(propagated.outputs.at(output_name));
    apply_activity_factors(accelerators, samplers, uniform_pj_per_mac);
    apply_mx_activity_factors(accelerators, mx_samplers);
    accumulate(layers, accelerators, network.run_local(inputs).layers, propagated.layers);
    fp32_predictions.insert(fp32_predictions.end(), fp32.begin(), fp32.end());
    emulated_predictions.insert(emulated_predictions.end(), emulated.begin(), emulated.end());
    if (options.progress) options.progress(first + count, image_count);
  }

  report::RunReport report;
  report.tessera_version = std::string(traces::tessera_version());
  report.network_name = executor.graph().name.empty() ? options.model_path : executor.graph().name;
  report.network_path = options.model_path;
  report.rules_path = options.rules_path;
  report.data_path = options.data_path;
  report.image_count = image_count;
  report.warnings = model.warnings;
  report.warnings.insert(report.warnings.end(), mapped.warnings.begin(), mapped.warnings.end());
  if (options.calibration_data_path.empty()) {
    report.warnings.push_back("calibrated on the first " + std::to_string(calibration_count) +
                              " images of the evaluated data (give --calibration-data for a separate set)");
  }
  for (const mapping::NodeMapping& node : mapped.nodes) {
    const bool emulated_request = node.origin == mapping::Origin::rule ||
                                  node.origin == mapping::Origin::default_unit;
    if (!emulated_request || node.requested.kind == units::UnitKind::fp32) continue;
    report::LayerTally tally;
    tally.node_name = node.node;
    tally.op_type = node.op_type;
    tally.unit_kind = units::unit_kind_name(node.requested.kind);
    tally.unit_description = node.requested.describe();
    tally.mapped = node.mapped;
    tally.fallback_reason = node.fallback_reason;
    const auto failed = network.runtime_fallbacks().find(node.node);
    if (failed != network.runtime_fallbacks().end()) {
      tally.mapped = false;
      tally.fallback_reason = failed->second;
    }
    const auto found = layers.find(node.node);
    if (found != layers.end()) {
      const double images_run = static_cast<double>(std::max<std::size_t>(1, image_count));
      tally.macs = found->second.macs / std::max<std::size_t>(1, image_count);
      if (!found->second.energy_pj.empty()) {
        tally.latency_cycles = static_cast<std::uint64_t>(std::llround(found->second.cycles / images_run));
        for (const auto& [component, pj] : found->second.energy_pj) tally.energy_pj[component] = pj / images_run;
        tally.energy_source = "table";
      }
      if (!found->second.periphery_conversions.empty()) {
        add_periphery_table(tally, found->second.periphery_conversions, images_run, options.power_library);
        const auto sampler = optical_samplers.find(node.node);
        if (sampler != optical_samplers.end() && !sampler->second.pj_per_conversion().empty()) {
          for (const auto& [component, pj] : sampler->second.pj_per_conversion()) {
            const auto conversions = found->second.periphery_conversions.find(component);
            if (conversions == found->second.periphery_conversions.end()) continue;
            tally.periphery_energy_pj["data-dependent"][component] = pj * conversions->second / images_run;
          }
          tally.periphery_energy_note += "; data-dependent = conversions x the fitted models' (traces/activity/models/"
                                         "optical_*." + options.power_library + ".json) energy per conversion on " +
                                         std::to_string(sampler->second.sampled_elements()) + " sampled elements";
        }
      }
      if (found->second.local.count() > 0) tally.local_error = found->second.local.result();
      if (found->second.propagated.count() > 0) tally.propagated_error = found->second.propagated.result();
    }
    report.layers.push_back(std::move(tally));
  }
  if (labels) {
    report::TaskMetric task;
    std::size_t fp32_correct = 0, emulated_correct = 0, agree = 0;
    for (std::size_t i = 0; i < image_count; ++i) {
      fp32_correct += fp32_predictions[i] == (*labels)[i];
      emulated_correct += emulated_predictions[i] == (*labels)[i];
      agree += fp32_predictions[i] == emulated_predictions[i];
    }
    const double n = static_cast<double>(image_count);
    task.top1_fp32 = static_cast<double>(fp32_correct) / n;
    task.top1_emulated = static_cast<double>(emulated_correct) / n;
    task.agreement = static_cast<double>(agree) / n;
    report.task = task;
  }
  for (report::LayerTally& tally : report.layers) {
    const auto energy = tally.energy_pj.find("multiplier");
    const auto accelerator = accelerators.find(tally.node_name);
    const double factor =
        accelerator == accelerators.end() ? 1.0 : accelerator->second.approx.multiplier_activity_factor;
    if (energy != tally.energy_pj.end() && factor > 0.0) tally.multiplier_energy_pj["table"] = energy->second / factor;
    const auto sampler = samplers.find(tally.node_name);
    if (sampler != samplers.end() && sampler->second.pj_per_mac()) {
      tally.multiplier_energy_pj["data-dependent"] = *sampler->second.pj_per_mac() * static_cast<double>(tally.macs);
      tally.multiplier_energy_note = "data-dependent: " + sampler->second.model().note + "; " +
                                     std::to_string(sampler->second.sampled_macs()) + " MACs sampled";
      if (factor != 1.0) {
        tally.energy_source = "table x operand activity";
        tally.multiplier_energy_note += "; energy_pj.multiplier = table x activity factor " + std::to_string(factor) +
                                        " (sampled / uniform-operand energy of the model)";
      }
    }
  }
  for (report::LayerTally& tally : report.layers) {
    const auto sampler = mx_samplers.find(tally.node_name);
    if (sampler == mx_samplers.end() || !sampler->second.pj_per_mac()) continue;
    const double factor = accelerators.at(tally.node_name).mx.dot_activity_factor;
    double dot_pj = 0.0;
    for (const char* component : {"dot_multipliers", "dot_adder_tree"}) {
      const auto energy = tally.energy_pj.find(component);
      if (energy != tally.energy_pj.end()) dot_pj += energy->second;
    }
    if (factor > 0.0) tally.multiplier_energy_pj["table"] = dot_pj / factor;
    tally.multiplier_energy_pj["data-dependent"] = *sampler->second.pj_per_mac() * static_cast<double>(tally.macs);
    tally.multiplier_energy_note = "mx dot unit (products + adder tree); data-dependent: " +
                                   sampler->second.model().unit + " model (" + sampler->second.model().library +
                                   "); " + std::to_string(sampler->second.sampled_macs()) + " MACs sampled";
    if (factor != 1.0) {
      tally.energy_source = "table x operand activity";
      tally.multiplier_energy_note += "; energy_pj.dot_multipliers and dot_adder_tree = table x activity factor " +
                                      std::to_string(factor) + " (sampled / uniform-operand energy of the model)";
    }
  }
  if (recorder) {
    for (const tracing::WrittenTrace& trace : recorder->written()) report.trace_files.push_back(trace.path);
    add_gate_level(report, options);
    for (const tracing::WrittenTrace& trace : mx_recorder->written()) report.trace_files.push_back(trace.path);
    if (!mx_recorder->written().empty()) {
      report.warnings.push_back("--trace: " + std::to_string(mx_recorder->written().size()) +
                                " mx layer(s) traced; price them gate-level with: tessera power mx --trace " +
                                options.trace->directory + " --gate-level");
    }
    std::vector<std::string> optical_files;
    for (const tracing::WrittenTrace& trace : optical_recorder->written()) optical_files.push_back(trace.path);
    report.trace_files.insert(report.trace_files.end(), optical_files.begin(), optical_files.end());
    add_optical_gate_level(report, optical_files, layers, options);
    if (report.trace_files.empty()) {
      report.warnings.push_back("--trace: no approx, mx or optical layer matched '" + options.trace->layer_regex +
                                "'; nothing was recorded (traces cover approx, mx and optical layers)");
    }
  }
  report.wall_time_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace tessera::pipeline
