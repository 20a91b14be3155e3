#include "kernels/common/scratch.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <memory>
#include <new>

namespace tessera::kernels {
namespace {

struct FreeAligned {
  void operator()(void* p) const { std::free(p); }
};

struct Slot {
  std::unique_ptr<void, FreeAligned> memory;
  std::size_t capacity = 0;
};

thread_local std::array<Slot, static_cast<std::size_t>(ScratchSlot::count)> slots;

constexpr std::size_t kPage = 4096;
constexpr std::size_t kKeepBytes = std::size_t{256} << 20;

}  // namespace

void* scratch_bytes(ScratchSlot slot, std::size_t bytes) {
  Slot& s = slots.at(static_cast<std::size_t>(slot));
  // A one-off huge layer must not pin its buffers for the rest of the run: past kKeepBytes, a
  // slot shrinks to the next request that needs less than a quarter of it.
  const bool shrink = s.capacity > kKeepBytes && bytes < s.capacity / 4;
  if (bytes > s.capacity || !s.memory || shrink) {
    // Whole pages, and up to a quarter more than asked, so that a slowly growing shape does not
    // reallocate every call.
    const std::size_t wanted = (bytes + std::min(bytes / 4, kKeepBytes / 4) + kPage) / kPage * kPage;
    s.memory.reset();
    s.capacity = 0;
    void* p = std::aligned_alloc(64, wanted);
    if (p == nullptr) throw std::bad_alloc();
    s.memory.reset(p);
    s.capacity = wanted;
  }
  return s.memory.get();
}

std::size_t scratch_bytes_held() {
  std::size_t total = 0;
  for (const Slot& s : slots) total += s.capacity;
  return total;
}

}  // namespace tessera::kernels
