#pragma once
// Per-thread scratch memory that the CPU kernels reuse from call to call. A network runs the same
// layer shapes again and again; fresh buffers cost page faults and zeroing on every call (9-12 %
// of a conv layer on the gather path, measured with perf). Each slot is one buffer of the calling
// thread (the kernels ask for them outside their parallel regions), grown to the largest request
// and kept (above 256 MiB only until a request needs less than a quarter of it); contents are
// unspecified on return, so callers write every byte they read, padding included.
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace tessera::kernels {

// One slot per buffer that can be live at the same time as the others.
enum class ScratchSlot : unsigned {
  gemm_packed_a,
  gemm_packed_b,
  expanded_activations,
  expanded_weights,
  gather_columns,
  gather_rows,
  gather_masks,
  gather_tile_columns,
  gather_shared_entries,
  gather_row_offsets,
  gather_partial_output,
  transposed_output,
  conv_columns,
  conv_columns_k_major,
  conv_output,
  count
};

// 64-byte aligned storage of at least `bytes` bytes for `slot` on this thread; valid until the same
// slot is asked for again on this thread.
void* scratch_bytes(ScratchSlot slot, std::size_t bytes);

// Bytes held by this thread's slots (for tests).
std::size_t scratch_bytes_held();

template <class T>
T* scratch_buffer(ScratchSlot slot, std::size_t count) {
  static_assert(std::is_trivially_copyable_v<T> && alignof(T) <= 64);
  return static_cast<T*>(scratch_bytes(slot, count * sizeof(T)));
}

}  // namespace tessera::kernels
