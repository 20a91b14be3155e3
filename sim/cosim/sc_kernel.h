#pragma once
// Joins SystemC testbenches to the process-wide TLM system (models/tlm/tlm_system.cpp) in one
// kernel: modules can only be built before the first sc_start, and the TLM system starts the kernel
// on its first run, so the testbenches are built first and that first run is an empty one.
#include <functional>

namespace tessera::cosim {

// Runs build() (which constructs the SC modules), then elaborates the kernel with them and the TLM
// system. Throws Error when the kernel already started in this process, or when build() left a
// time resolution other than the TLM system's 1 ps.
void elaborate_sc_kernel(const std::function<void()>& build);

}  // namespace tessera::cosim
