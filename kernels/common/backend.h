#pragma once
// The kernels' dispatch vocabulary: which backend runs an op, and whether it can.
//
// Every op of kernels/ has one API per family (kernels/approx/approx_gemm.h, kernels/mx/mx_ops.h)
// taking a Backend. Before running, a caller asks `supports(...)` for that op; a SupportReport
// with ok == false carries the reason in words, and the caller falls back (CUDA -> CPU twin ->
// golden). Running an op that is not supported throws tessera::ConfigError with the same reason.
#include <cstddef>
#include <string>
#include <string_view>

namespace tessera::kernels {

enum class Backend { cpu, cuda };

std::string_view backend_name(Backend backend);

struct SupportReport {
  bool ok = true;
  std::string reason;  // empty when ok

  static SupportReport yes() { return {}; }
  static SupportReport no(std::string why) { return {false, std::move(why)}; }
  explicit operator bool() const { return ok; }
};

// Whether this build has the CUDA kernels and a device to run them on; the reason when not
// ("built without CUDA", "no CUDA device: <cudaGetErrorString>").
SupportReport cuda_available();

// The CUDA kernels' 2-D launches put tiles of output rows on grid x (up to 2^31 - 1 blocks) and
// tiles of output columns on grid y (up to 65535): whether `rows` x `columns` outputs fit.
SupportReport cuda_grid_supports(std::size_t rows, std::size_t columns, std::size_t rows_per_block,
                                 std::size_t columns_per_block);

// Throws ConfigError("<op>: <reason>") when the report says no.
void require(const SupportReport& report, std::string_view op);

}  // namespace tessera::kernels
