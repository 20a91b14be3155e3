#pragma once
// Recording what an approx unit's weight-stationary array really consumes: for each selected
// layer, `tiles_per_layer` weight tiles of the layer's first integer GEMM (the first batch the
// emulated network runs), picked with a fixed seed from the controller's tile sequence
// (models/approx/approx_array.h: approx_tiles with controller_m_tile), written as one .ttrace file
// per layer in the "weight_stationary" stream layout of traces/FORMAT.md.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "models/approx/approx_array.h"
#include "models/shell/accelerator.h"
#include "sim/units/emulated_op.h"
#include "traces/format/header.h"

namespace tessera::tracing {

struct TraceOptions {
  std::string directory;           // created if missing
  std::string layer_regex = ".*";  // ECMAScript; a layer is selected when it matches anywhere (search)
  std::size_t tiles_per_layer = 4;
  std::uint64_t seed = 0;
};

// Checks the options (tiles_per_layer > 0: ConfigError; a valid regex: ConfigError naming it),
// creates the directory (InputError when it cannot be) and returns the compiled layer regex.
// Every recorder starts with it.
std::regex prepare_trace_options(const TraceOptions& options);

struct WrittenTrace {
  std::string layer;
  std::string path;
  std::uint64_t tiles_recorded = 0;
  std::uint64_t tiles_in_gemm = 0;  // weight tiles of the recorded GEMM
  std::uint64_t macs_recorded = 0;  // multiplications in the recorded tiles
};

// The tiles picked from a sequence of `tile_count`: min(wanted, tile_count) distinct indices in
// increasing order (the array's order), from a Fisher-Yates draw with a 64-bit Mersenne Twister
// seeded by `seed` (std::mt19937_64 is specified bit for bit by the standard, so every platform
// picks the same tiles).
std::vector<std::size_t> pick_tiles(std::size_t tile_count, std::size_t wanted, std::uint64_t seed);

// The seed of a layer's tile draw: `seed` mixed with a portable (FNV-1a) hash of the layer's name,
// so that layers draw different tiles and every platform draws the same ones.
std::uint64_t tile_draw_seed(std::uint64_t seed, const std::string& layer);

// The header fields every unit family's layer trace shares: producer, network, layer, the unit
// (family and configuration), the run's seed, the stream layout; callers add their meta.
traces::TraceHeader layer_trace_header(const std::string& family, const units::EmulatedOp& op,
                                       const std::string& network, std::uint64_t seed, traces::DataflowSpec dataflow,
                                       std::vector<traces::ArraySpec> arrays);

// The weight tiles of one GEMM in the order the array's controller runs them (models/approx:
// approx_tiles with controller_m_tile).
std::vector<models::ApproxTile> controller_tiles(const models::AcceleratorConfig& accelerator,
                                                 const units::ApproxGemmOperands& gemm);
// Copies one tile's operands out of a GEMM: weights as k x n (w[r][c] = W[n0 + c][k0 + r]) and
// activations as m x k.
void copy_tile(const units::ApproxGemmOperands& gemm, const models::ApproxTile& tile,
               std::vector<std::int8_t>& weights, std::vector<std::int8_t>& activations);

class TraceRecorder {
 public:
  // ConfigError for an invalid regex or tiles_per_layer == 0; InputError when the directory
  // cannot be created.
  TraceRecorder(TraceOptions options, std::string network);

  bool selects(const std::string& layer) const;

  // The tap to install on an approx op (EmulatedOp::add_approx_operand_tap): it records the op's
  // first GEMM and ignores later ones. `layer_index` orders the file names.
  units::ApproxOperandTap approx_tap(const units::EmulatedOp& op, const models::AcceleratorConfig& accelerator,
                                     std::size_t layer_index);

  // Traces written so far, in the order they were written.
  const std::vector<WrittenTrace>& written() const { return state_->written; }

 private:
  struct State {
    std::vector<WrittenTrace> written;
  };
  TraceOptions options_;
  std::string network_;
  std::regex layer_regex_;
  std::shared_ptr<State> state_;
};

// "03_blocks.0_mlp_fc1_MatMul.ttrace": the index, then the layer name with every character outside
// [A-Za-z0-9._-] replaced by '_'.
std::string trace_file_name(std::size_t layer_index, const std::string& layer);

}  // namespace tessera::tracing
