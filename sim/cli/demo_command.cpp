// tessera demo: what each golden arithmetic unit does to numbers (the main job until the network
// runtime lands). Prints three tables; --json writes the same figures to a file.
#include <iostream>
#include <memory>
#include <string>

#include "golden/io/atomic_file.h"
#include "sim/cli/commands.h"
#include "sim/report/text_table.h"
#include "sim/survey/golden_survey.h"

namespace tessera::cli {
namespace {

using report::fixed;
using report::TextTable;

struct DemoOptions {
  std::uint64_t seed = 1;
  std::string json_path;
};

void print_mx(const survey::GoldenSurvey& s) {
  std::cout << "MX element formats (OCP MX v1.0, block 32, FLOOR scale, RNE, saturate): SNR in dB of\n"
               "quantized N(0,1) data, of data with 1% outliers x20, with the RCEIL scale rule, and of\n"
               "MX dot products of length 1024 (exact block sums, one rounding per block) vs FP64\n";
  TextTable table({"format", "bits", "bits/elem", "max_normal", "SNR_gauss", "SNR_outliers",
                   "SNR_rceil", "SNR_dot"});
  for (const auto& row : s.mx) {
    table.add_row({row.format, std::to_string(row.element_bits), fixed(row.bits_per_element, 2),
                   fixed(row.max_normal, row.max_normal < 10 ? 3 : 0), fixed(row.snr_gaussian_db, 2),
                   fixed(row.snr_outliers_db, 2), fixed(row.snr_gaussian_rceil_db, 2),
                   fixed(row.dot_snr_db, 2)});
  }
  table.print(std::cout);
}

void print_multipliers(const survey::GoldenSurvey& s) {
  std::cout << "\nApproximate 8x8 signed multipliers: error over all 65536 operand pairs; SNR (dB) and\n"
               "bias (% of RMS) of int8 dot products of length 256 vs the exact multiplier;\n"
               "PDK45 power/area published by EvoApproxLib for the bundled circuits\n";
  TextTable table({"multiplier", "MAE", "WCE", "EP%", "MRE%", "mean_err", "sym", "SNR_dot",
                   "bias%", "power_mW", "area_um2"});
  for (const auto& row : s.multipliers) {
    table.add_row({row.name, fixed(row.metrics.mae, 2), fixed(row.metrics.wce, 0),
                   fixed(row.metrics.ep_percent, 2), fixed(row.metrics.mre_percent, 2),
                   fixed(row.metrics.mean_error, 2), row.metrics.symmetric ? "yes" : "no",
                   fixed(row.dot_snr_db, 1), fixed(row.dot_bias_percent, 3),
                   row.power_mw_pdk45 ? fixed(*row.power_mw_pdk45, 3) : "-",
                   row.area_um2_pdk45 ? fixed(*row.area_um2_pdk45, 1) : "-"});
  }
  table.print(std::cout);
}

void print_optical(const survey::GoldenSurvey& s) {
  if (s.optical.empty()) return;
  std::cout << "\nOptical MAC array (Optical Transformers numerics): SNR (dB) of the DAC quantizer on\n"
               "N(0,1) data and of a calibrated 64x256x64 optical GEMM vs FP32\n";
  TextTable table({"levels", "lut_min", "SNR_quantizer", "SNR_gemm"});
  for (const auto& row : s.optical) {
    table.add_row({std::to_string(row.levels), fixed(row.lut_min, 5), fixed(row.snr_quantizer_db, 2),
                   fixed(row.snr_gemm_db, 2)});
  }
  table.print(std::cout);
}

void run_demo(const DemoOptions& options) {
  const survey::GoldenSurvey s = survey::survey_golden(options.seed);
  print_mx(s);
  print_multipliers(s);
  print_optical(s);
  if (!options.json_path.empty()) {
    io::write_file_atomically(options.json_path, survey::to_json(s).dump(2) + "\n");
    std::cout << "\nwrote " << options.json_path << "\n";
  }
}

}  // namespace

void register_demo_command(CLI::App& root) {
  auto options = std::make_shared<DemoOptions>();
  CLI::App* demo = root.add_subcommand(
      "demo", "Survey of the golden arithmetic units: MX format SNR, multiplier error and "
              "dot-product SNR, optical quantizer and GEMM SNR");
  demo->add_option("--seed", options->seed, "Seed of the random test data")->capture_default_str();
  demo->add_option("--json", options->json_path, "Also write the figures to this JSON file");
  demo->callback([options] { run_demo(*options); });
}

}  // namespace tessera::cli
