#pragma once
// Shared by the optical power tests: the build tree's netlist cache, and optical traces of the
// bundled digits CNN (its /conv1/Conv runs on the optical unit by the bundled rules) recorded with
// the real command.
#include <string>
#include <vector>

#include "sim/tracing/optical_trace_reader.h"

namespace tessera::test {

// Points TESSERA_NETLIST_CACHE at the build tree's cache (unless the caller set one), so every
// test after the first reuses the synthesised DAC/ADC.
void use_build_tree_netlist_cache();

// `tessera run --network digits_cnn --images 2 --trace DIR --trace-layers /conv1/ --trace-tiles N`;
// fails the test (ADD_FAILURE) and returns nothing when the command fails.
std::vector<tracing::OpticalLayerTrace> record_digits_cnn_optical(const std::string& directory, std::size_t tiles);
// The same for the digits ViT's optical block-0 attention layers (the models' held-out layers).
std::vector<tracing::OpticalLayerTrace> record_digits_vit_optical(const std::string& directory, std::size_t tiles);

}  // namespace tessera::test
