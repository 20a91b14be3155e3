#pragma once
// Reading back what `tessera run --trace` recorded for optical layers (the "periphery_elements"
// stream layout of traces/FORMAT.md): the quantizer configurations and, per recorded tile, the
// elements each converter of the digital periphery consumes.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "golden/optical/quantizer.h"
#include "traces/format/header.h"

namespace tessera::tracing {

struct OpticalTraceTile {
  std::uint64_t m0 = 0, m = 0, n0 = 0, n = 0, k = 0;
  std::vector<float> input_x;             // m * k
  std::vector<float> weight_x;            // n * k
  std::vector<float> adc_y;               // passes * m * n
  std::vector<std::uint32_t> adc_rand24;  // passes * m * n
  std::vector<std::uint32_t> psum_qa;     // m * n * k
  std::vector<std::uint32_t> psum_qw;
  std::vector<std::int8_t> psum_floor_sign;
};

struct OpticalLayerTrace {
  std::string path;
  traces::TraceHeader header;
  optical::QuantizerParams input, weight, adc, negative_adc;  // negative_adc: split only
  bool split_signs = false;
  std::uint64_t gemm_m = 0, gemm_k = 0, gemm_n = 0;  // meta.gemm: the whole recorded GEMM
  std::vector<OpticalTraceTile> tiles;
  std::uint64_t macs() const;  // m * n * k over the recorded tiles
  std::size_t passes() const { return split_signs ? 2 : 1; }
};

// Whether a trace file's header says unit family "optical" (reads the header only).
bool is_optical_trace(const std::filesystem::path& path);
// Reads and checks one trace: family "optical", dataflow "periphery_elements", the nine arrays with
// the layout's dtypes and shapes, valid quantizers, and per tile the element counts its record
// implies. InputError naming the file and what is wrong.
OpticalLayerTrace read_optical_trace(const std::filesystem::path& path);
// Every optical .ttrace of a directory (other families are skipped), in file-name order;
// InputError when there is none.
std::vector<OpticalLayerTrace> read_optical_traces(const std::filesystem::path& directory);

}  // namespace tessera::tracing
