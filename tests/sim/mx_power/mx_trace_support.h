#pragma once
// Records mx traces of a bundled network in-process, the way `tessera run --trace` will once the
// pipeline installs MxTraceRecorder::mx_tap on its mx layers: load, map with `rules_json`, install
// the taps, run one batch of `images` bundled images.
#include <string>
#include <vector>

#include "sim/tracing/mx_trace.h"

namespace tessera::test {

std::vector<tracing::WrittenTrace> record_mx_traces(const std::string& network, const std::string& rules_json,
                                                    const std::string& directory, std::size_t images,
                                                    std::size_t tiles_per_layer, tracing::MxTileShape shape = {});

}  // namespace tessera::test
