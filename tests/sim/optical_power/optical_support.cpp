#include "tests/sim/optical_power/optical_support.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/support/run_command.h"

namespace tessera::test {

void use_build_tree_netlist_cache() { setenv("TESSERA_NETLIST_CACHE", TESSERA_TEST_NETLIST_CACHE, 0); }

namespace {
// Before any test of this binary runs: every test, and every tessera process a test starts (a
// `tessera run --trace` prices the traced periphery gate-level), shares the build tree's netlists, so
// a fresh tree synthesises the DAC and ADC once (the tests also hold one ctest RESOURCE_LOCK).
const bool kNetlistCacheShared = (use_build_tree_netlist_cache(), true);
}  // namespace

std::vector<tracing::OpticalLayerTrace> record_digits_cnn_optical(const std::string& directory, std::size_t tiles) {
  const CommandResult run = run_tessera({"run", "--network", "digits_cnn", "--images", "2", "--trace", directory,
                                         "--trace-layers", "/conv1/", "--trace-tiles", std::to_string(tiles)});
  if (run.exit_code != 0) {
    ADD_FAILURE() << "tessera run --trace failed (" << run.exit_code << "): " << run.err;
    return {};
  }
  return tracing::read_optical_traces(directory);
}

std::vector<tracing::OpticalLayerTrace> record_digits_vit_optical(const std::string& directory, std::size_t tiles) {
  const CommandResult run = run_tessera({"run", "--network", "digits_vit", "--images", "2", "--trace", directory,
                                         "--trace-layers", "/blocks\\.0/attn/", "--trace-tiles", std::to_string(tiles)});
  if (run.exit_code != 0) {
    ADD_FAILURE() << "tessera run --trace failed (" << run.exit_code << "): " << run.err;
    return {};
  }
  return tracing::read_optical_traces(directory);
}

}  // namespace tessera::test
