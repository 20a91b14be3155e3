#pragma once
// Structural checks of a graph: unique non-empty node names, each value defined once, every
// node input defined before use, every graph output produced, every operator supported (all the
// unsupported ones listed by name in one error), every initializer consumed.
#include <string>
#include <vector>

#include "sim/graph/ir.h"

namespace tessera::graph {

enum class UnusedInitializerPolicy {
  error,  // default: a weight nothing reads means the file is not the model we think it is
  warn,   // listed in ValidationReport::warnings and kept
};

struct ValidateOptions {
  UnusedInitializerPolicy unused_initializers = UnusedInitializerPolicy::error;
};

struct ValidationReport {
  std::vector<std::string> warnings;
  std::vector<std::string> unused_initializers;
};

// "Foo (domain 'x', version 3) at nodes 'a', 'b'" for each op the runtime does not support.
std::vector<std::string> unsupported_ops(const Graph& graph);

// Throws InputError (prefixed with graph.source) on the first structural problem; see above.
ValidationReport validate(const Graph& graph, const ValidateOptions& options = {});

}  // namespace tessera::graph
