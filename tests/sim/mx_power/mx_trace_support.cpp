#include "tests/sim/mx_power/mx_trace_support.h"

#include <filesystem>

#include "golden/io/atomic_file.h"
#include "sim/data/datasets.h"
#include "sim/mapping/emulated_network.h"
#include "sim/mapping/rules.h"
#include "sim/onnx/loader.h"
#include "sim/runtime/executor.h"
#include "sim/runtime/optimize.h"

namespace tessera::test {

std::vector<tracing::WrittenTrace> record_mx_traces(const std::string& network, const std::string& rules_json,
                                                    const std::string& directory, std::size_t images,
                                                    std::size_t tiles_per_layer, tracing::MxTileShape shape) {
  const data::BundledNetwork bundled = data::bundled_network(network);
  onnx::OnnxModel model = onnx::load_onnx(bundled.model_path);
  runtime::optimize(model.graph);
  const std::string rules_path = (std::filesystem::path(directory).parent_path() / (network + "_mx_rules.json")).string();
  io::write_file_atomically(rules_path, rules_json);
  const mapping::MappingResult mapped = mapping::resolve(model.graph, mapping::load_rules(rules_path));
  const data::ImageSet set = data::load_images(bundled.images_path);
  const std::string input_name = model.graph.inputs.front().name;
  graph::Dims dims(set.shape.begin(), set.shape.end());
  dims[0] = static_cast<std::int64_t>(images);
  const std::size_t image_size = set.values.size() / set.image_count();
  std::vector<float> values(set.values.begin(), set.values.begin() + static_cast<std::ptrdiff_t>(images * image_size));
  runtime::TensorMap inputs;
  inputs.emplace(input_name, graph::Tensor::from_floats(std::move(dims), std::move(values)));

  runtime::Executor executor(std::move(model.graph));
  mapping::EmulatedNetwork emulated(executor, mapped);
  tracing::TraceOptions options;
  options.directory = directory;
  options.tiles_per_layer = tiles_per_layer;
  tracing::MxTraceRecorder recorder(options, network, shape);
  std::size_t layer_index = 0;
  for (const std::string& node : emulated.mapped_nodes()) {
    units::EmulatedOp& op = emulated.op(node);
    ++layer_index;
    if (op.kind() == units::UnitKind::mx && recorder.selects(node)) op.add_mx_operand_tap(recorder.mx_tap(op, layer_index));
  }
  emulated.calibrate({inputs});
  emulated.run_local(inputs);
  return recorder.written();
}

}  // namespace tessera::test
