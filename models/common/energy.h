#pragma once
// Energy tables: named figures, each with a value, a unit and a citation.
//
// File format (models/energy/*.json):
//   { "description": "...",
//     "entries": { "sram.read_64bit_32KiB": {"value": 20.0, "unit": "pJ", "source": "Horowitz, ISSCC 2014 ..."},
//                  ... } }
// Every entry is validated on load: value finite and >= 0, unit one of known_units(), source non-empty
// (a citation: paper, datasheet, repository path, or "derived: <formula> from <cited numbers>").
// A user table overrides default entries of the same name and may add new ones.
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "models/common/json_config.h"

namespace tessera::models {

struct EnergyEntry {
  double value = 0.0;
  std::string unit;
  std::string source;
};

// Units an entry may carry.
const std::set<std::string>& known_units();

class EnergyTable {
 public:
  EnergyTable() = default;
  // `where` prefixes errors ("energy.json.entries.dac.energy_8bit.unit: unknown unit ...").
  static EnergyTable from_json(const Json& document, const std::string& where);
  static EnergyTable load_file(const std::filesystem::path& path);
  // The bundled tables models/energy/{digital_45nm,approx,mx,optical}.json (via data_path).
  static const EnergyTable& defaults();
  // Defaults, then each user file in order (later files win).
  static EnergyTable with_overrides(const std::vector<std::filesystem::path>& user_files);

  void set(const std::string& name, EnergyEntry entry, const std::string& where);
  // Entries of `other` replace or extend this table's.
  void override_with(const EnergyTable& other);

  bool contains(const std::string& name) const { return entries_.count(name) != 0; }
  // ConfigError "energy table: no entry 'x'" when absent.
  const EnergyEntry& at(const std::string& name) const;
  // The value converted to the requested family; ConfigError naming the entry when its unit is
  // of another kind.
  double pj(const std::string& name) const;          // energy: pJ, fJ, nJ, J
  double mw(const std::string& name) const;          // power: mW, uW, W
  double pj_per_bit(const std::string& name) const;  // pJ/bit, fJ/bit
  double number(const std::string& name, const std::string& unit) const;  // exactly that unit
  const std::map<std::string, EnergyEntry>& entries() const { return entries_; }

 private:
  std::map<std::string, EnergyEntry> entries_;
};

}  // namespace tessera::models
