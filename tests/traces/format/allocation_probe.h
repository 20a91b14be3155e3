#pragma once
// Records the largest single heap allocation while a probe is active, so a test can show that a
// reader refused a huge length without trying to allocate it. (allocation_probe.cpp replaces the
// global operator new of this test binary.)
#include <cstddef>

namespace tessera::traces::test {

class AllocationProbe {
 public:
  AllocationProbe();
  ~AllocationProbe();
  AllocationProbe(const AllocationProbe&) = delete;
  AllocationProbe& operator=(const AllocationProbe&) = delete;
  std::size_t largest_bytes() const;
};

}  // namespace tessera::traces::test
