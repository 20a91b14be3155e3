// Writes the sample report (made-up figures) to a directory, to look at the HTML by eye:
//   sim_report_sample OUT_DIR [--no-energy | --large]
// --large repeats the convolutions to about 150 layers with transformer-length names.
#include <cstring>
#include <exception>
#include <iostream>
#include <string>

#include "sim/report/report.h"
#include "tests/sim/report/sample_report.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: " << argv[0] << " OUT_DIR [--no-energy | --large]\n";
    return 2;
  }
  const std::string option = argc > 2 ? argv[2] : "";
  try {
    auto run = tessera::test::sample_report(option != "--no-energy");
    if (option == "--large") {
      const auto base = run.layers;
      run.layers.clear();
      for (int block = 0; block < 12; ++block) {
        for (const auto& layer : base) {
          auto copy = layer;
          copy.node_name = "/bert/encoder/layer." + std::to_string(block) +
                           "/attention/self" + layer.node_name;
          copy.propagated_error.snr_db -= block * 1.5;
          run.layers.push_back(copy);
        }
      }
    }
    tessera::report::write_report(run, argv[1]);
    tessera::report::print_report(run, std::cout);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
