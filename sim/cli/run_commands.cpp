// tessera run: a network on emulated hardware, per-layer error against FP32 and top-1.
// tessera map: the node -> unit table the rules resolve to, without running anything.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "golden/common/error.h"
#include "sim/cli/commands.h"
#include "sim/mapping/rules.h"
#include "sim/onnx/loader.h"
#include "sim/pipeline/network_run.h"
#include "sim/report/report.h"
#include "sim/report/text_table.h"
#include "sim/runtime/optimize.h"

namespace tessera::cli {
namespace {

struct RunArguments {
  pipeline::RunOptions options;
  std::string network = "digits_vit";
  std::string report_dir;
  std::string trace_dir;
  tracing::TraceOptions trace;
};

// A one-line progress bar on standard error, drawn only when it is a terminal.
void draw_progress(std::size_t done, std::size_t total) {
  if (::isatty(STDERR_FILENO) == 0 || total == 0) return;
  constexpr int kWidth = 40;
  const int filled = static_cast<int>(kWidth * done / total);
  std::fprintf(stderr, "\r[%s%s] %zu/%zu images", std::string(filled, '=').c_str(),
               std::string(kWidth - filled, ' ').c_str(), done, total);
  if (done == total) std::fprintf(stderr, "\n");
  std::fflush(stderr);
}

void run(RunArguments arguments) {
  pipeline::RunOptions& options = arguments.options;
  const bool bundled = options.model_path.empty();
  if (bundled) {
    const pipeline::RunOptions defaults = pipeline::bundled_run(arguments.network);
    options.model_path = defaults.model_path;
    // A bundled network's own rules and data unless the user gives others.
    if (options.rules_path.empty()) options.rules_path = defaults.rules_path;
    if (options.data_path.empty()) {
      options.data_path = defaults.data_path;
      if (options.labels_path.empty()) options.labels_path = defaults.labels_path;
    }
  } else if (options.rules_path.empty() || options.data_path.empty()) {
    throw InputError("run: --model needs --rules R.json and --data X.npy");
  }
  if (!arguments.trace_dir.empty()) {
    arguments.trace.directory = arguments.trace_dir;
    options.trace = arguments.trace;
  }
  options.progress = draw_progress;
  const report::RunReport result = pipeline::run_network(options);
  report::print_report(result, std::cout);
  if (!result.trace_files.empty()) {
    std::cout << result.trace_files.size() << " trace(s) written to " << arguments.trace_dir << "\n";
  }
  if (!arguments.report_dir.empty()) {
    report::write_report(result, arguments.report_dir);
    std::cout << "report written to " << arguments.report_dir
              << " (report.json, layers.csv, report.html)\n";
  }
}

void map(const std::string& model_path, const std::string& rules_path) {
  onnx::OnnxModel model = onnx::load_onnx(model_path);
  runtime::optimize(model.graph);
  const mapping::MappingRules rules = mapping::load_rules(rules_path);
  const mapping::MappingResult result = mapping::resolve(model.graph, rules);
  report::TextTable table({"node", "op", "unit", "rule", "note"});
  for (const mapping::MappingRow& row : mapping::format_mapping_table(result, rules)) {
    table.add_row({row.node, row.op, row.unit, row.rule, row.note});
  }
  table.print(std::cout);
  std::cout << result.mapped_count() << " of " << result.nodes.size()
            << " nodes run on an emulated unit\n";
  for (const std::string& warning : result.warnings) std::cout << "warning: " << warning << "\n";
}

}  // namespace

void register_run_commands(CLI::App& root) {
  auto arguments = std::make_shared<RunArguments>();
  CLI::App* run_command = root.add_subcommand(
      "run", "Run a network with layers on emulated units; print per-layer error against FP32 "
             "and top-1. Without --model: a bundled network (default digits_vit, with layers on "
             "each unit family) with its own rules and test data");
  CLI::Option* model_option =
      run_command->add_option("--model", arguments->options.model_path, "ONNX model");
  run_command
      ->add_option("--network", arguments->network,
                   "Bundled network when no --model: digits_vit, digits_cnn or fashion_cnn")
      ->capture_default_str()
      ->excludes(model_option);
  run_command->add_option("--rules", arguments->options.rules_path,
                          "Mapping rules (JSON: rules, default, exclude; see sim/mapping/README.md)");
  run_command->add_option("--data", arguments->options.data_path,
                          "Input images: float32 .npy (images along the first axis) or IDX(.gz)");
  run_command->add_option("--labels", arguments->options.labels_path,
                          "Class labels: integer .npy or IDX(.gz), one per image (enables top-1)");
  run_command->add_option("--calibration-data", arguments->options.calibration_data_path,
                          "Separate calibration images (default: the first images of --data)");
  run_command->add_option("--calibration-images", arguments->options.calibration_images,
                          "How many images calibrate the units")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  run_command->add_option("--batch", arguments->options.batch_images, "Images per network run")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  run_command->add_option("--images", arguments->options.max_images,
                          "Evaluate only the first N images (0: all)")
      ->capture_default_str();
  run_command->add_option("--report", arguments->report_dir,
                          "Write report.json, layers.csv and report.html into this folder");
  CLI::Option* trace_option = run_command->add_option(
      "--trace", arguments->trace_dir,
      "Record the operand streams the selected approx layers' arrays consume (one .ttrace per layer, "
      "traces/FORMAT.md) into this folder");
  run_command->add_option("--trace-layers", arguments->trace.layer_regex,
                          "Regular expression selecting the layers to trace (searched in the node name)")
      ->capture_default_str()
      ->needs(trace_option);
  run_command->add_option("--trace-tiles", arguments->trace.tiles_per_layer,
                          "Weight tiles sampled per traced layer (fixed seed)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber)
      ->needs(trace_option);
  run_command->add_option("--trace-seed", arguments->trace.seed, "Seed of the tile sampling")
      ->capture_default_str()
      ->needs(trace_option);
  run_command->callback([arguments] { run(*arguments); });

  auto model = std::make_shared<std::string>();
  auto rules = std::make_shared<std::string>();
  CLI::App* map_command = root.add_subcommand(
      "map", "Dry run: print which unit each node of a model runs on under a rule set");
  map_command->add_option("--model", *model, "ONNX model")->required();
  map_command->add_option("--rules", *rules, "Mapping rules (JSON)")->required();
  map_command->callback([model, rules] { map(*model, *rules); });
}

}  // namespace tessera::cli
