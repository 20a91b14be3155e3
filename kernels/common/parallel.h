#pragma once
// When OpenMP pays. Opening a parallel region costs microseconds, and on a busy machine (two
// cores shared with a test runner or another job) its idle workers spin at the closing barrier
// while the thread they wait for is descheduled: a network's small layers (a ViT's 17 tokens by
// 32 features) ran 100x slower threaded than on one thread. So every parallel region of the
// kernels is written `#pragma omp parallel ... if(worth_parallel(work))`, `work` being the
// multiply-accumulates (or element operations) of the call it belongs to.
#include <cstdint>

namespace tessera::kernels {

inline constexpr std::uint64_t kMinParallelWork = std::uint64_t{1} << 22;

constexpr bool worth_parallel(std::uint64_t work) { return work >= kMinParallelWork; }

}  // namespace tessera::kernels
