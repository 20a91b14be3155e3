#pragma once
// Finding multipliers by name: the bundled EvoApproxLib tables, the parametric designs, or a file.
//
// Accepted names:
//   mul8s_XXXX        a bundled EvoApproxLib table (golden/approx/tables/index.json), in the
//                     library's v1.x naming (master/v1.0/v1.1, as TransAxx/AdaPT use it). The
//                     v2022 branch reuses some names for other circuits: mul8s_1KV8 here is EXACT.
//   exact, trunc<k>, bam_h<h>_v<v>, drum<k>, mitchell   parametric designs (designs.h)
//   a path            anything ending in .lut or containing '/': read as a .lut file
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "golden/approx/designs.h"
#include "golden/approx/table.h"

namespace tessera::approx {

// Published figures of a bundled circuit (index.json), EvoApproxLib v1.x name.
struct BundledMultiplier {
  std::string name;
  std::string file;  // relative to golden/approx/tables
  double mae = 0.0, wce = 0.0, ep_percent = 0.0, mre_percent = 0.0, wcre_percent = 0.0, mse = 0.0;
  double power_mw_pdk45 = 0.0, area_um2_pdk45 = 0.0, delay_ns_pdk45 = 0.0;
  bool symmetric = true;
  bool exact = false;
  std::string reference;
};

// All bundled circuits, from golden/approx/tables/index.json (via data_path), in index order.
const std::vector<BundledMultiplier>& bundled_multipliers();
std::optional<BundledMultiplier> find_bundled(std::string_view name);

// Names of the parametric designs the catalog lists (one instance per useful parameter).
std::vector<std::string> parametric_multiplier_names();

// What a name stands for, with the design parameters that kernels and RTL generators need.
struct MultiplierDesign {
  enum class Kind { bundled, lut_file, exact, truncated, broken_array, drum, mitchell };
  Kind kind = Kind::exact;
  std::string name;       // canonical name (the stem for a file)
  std::string path;       // bundled or lut_file: the file
  int k = 0;              // truncated: dropped columns; drum: kept bits
  int h = 0, v = 0;       // broken_array: horizontal and vertical break levels
  PartialProductArray array{};  // exact, truncated, broken_array: the kept Baugh-Wooley bits
};

// Parses `name` without building the table. Unknown names: ConfigError listing what is accepted;
// out-of-range parameters: ConfigError.
MultiplierDesign parse_multiplier_name(std::string_view name);

// Builds or loads the multiplier `name` (see above). Unknown names throw ConfigError listing what
// is accepted; file problems throw InputError.
MultiplierTable load_multiplier(std::string_view name);

}  // namespace tessera::approx
