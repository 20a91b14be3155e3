#pragma once
// The accelerator a unit config stands for, as the SystemC models (models/) see it, so that every
// mapped layer can be priced in cycles and energy. The unit's numerics come from the unit config
// (the multiplier; MX element formats, block and accumulation; optical bit widths, sign passes and
// extinction ratio), so the model always prices what was emulated; everything else (array size,
// clock, scratchpads, DRAM) from the config's optional "hardware" object, in the models' own
// schema (models/README.md), with the models' defaults where it is silent.
#include <string>

#include "models/shell/accelerator.h"
#include "sim/units/unit_config.h"

namespace tessera::units {

// ConfigError naming `where` + ".hardware..." for a bad hardware object; fp32 has no accelerator.
models::AcceleratorConfig accelerator_for(const UnitConfig& config, const std::string& where);

}  // namespace tessera::units
