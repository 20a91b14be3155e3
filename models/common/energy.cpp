#include "models/common/energy.h"

#include <cmath>

#include "golden/common/data_path.h"
#include "golden/common/error.h"

namespace tessera::models {

const std::set<std::string>& known_units() {
  static const std::set<std::string> units{
      "pJ", "fJ", "nJ", "J", "mW", "uW", "W", "pJ/bit", "fJ/bit", "ratio", "dB", "dB/cm", "dBm",
      "cm", "ns", "us", "GHz", "A/W", "um^2", "photons"};
  return units;
}

void EnergyTable::set(const std::string& name, EnergyEntry entry, const std::string& where) {
  if (!std::isfinite(entry.value) || entry.value < 0.0) {
    throw ConfigError(where + ".value: must be a finite number >= 0, got " + std::to_string(entry.value));
  }
  if (known_units().count(entry.unit) == 0) {
    std::string list;
    for (const auto& u : known_units()) list += (list.empty() ? "" : ", ") + u;
    throw ConfigError(where + ".unit: unknown unit \"" + entry.unit + "\"; known: " + list);
  }
  if (entry.source.find_first_not_of(" \t\n") == std::string::npos) {
    throw ConfigError(where + ".source: must cite where the number comes from (non-empty)");
  }
  entries_[name] = std::move(entry);
}

EnergyTable EnergyTable::from_json(const Json& document, const std::string& where) {
  ConfigReader top(document, where);
  top.string_of("description", "");
  const Json* entries = top.child("entries");
  top.finish();
  if (entries == nullptr) throw ConfigError(where + ".entries: missing");
  EnergyTable table;
  for (auto it = entries->begin(); it != entries->end(); ++it) {
    const std::string path = where + ".entries." + it.key();
    ConfigReader r(it.value(), path);
    EnergyEntry e;
    if (!it.value().contains("value")) throw ConfigError(path + ".value: missing");
    if (!it.value().contains("unit")) throw ConfigError(path + ".unit: missing");
    if (!it.value().contains("source")) throw ConfigError(path + ".source: missing");
    e.value = r.number_in("value", 0.0, -INFINITY, INFINITY);
    e.unit = r.string_of("unit", "");
    e.source = r.string_of("source", "");
    r.string_of("note", "");
    r.finish();
    table.set(it.key(), std::move(e), path);
  }
  return table;
}

EnergyTable EnergyTable::load_file(const std::filesystem::path& path) {
  return from_json(read_json_file(path), path.filename().string());
}

const EnergyTable& EnergyTable::defaults() {
  static const EnergyTable table = [] {
    EnergyTable t;
    for (const char* f : {"models/energy/digital_45nm.json", "models/energy/approx.json",
                          "models/energy/mx.json", "models/energy/optical.json"}) {
      t.override_with(load_file(data_path(f)));
    }
    return t;
  }();
  return table;
}

EnergyTable EnergyTable::with_overrides(const std::vector<std::filesystem::path>& user_files) {
  EnergyTable t = defaults();
  for (const auto& f : user_files) t.override_with(load_file(f));
  return t;
}

void EnergyTable::override_with(const EnergyTable& other) {
  for (const auto& [k, v] : other.entries_) entries_[k] = v;
}

const EnergyEntry& EnergyTable::at(const std::string& name) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) throw ConfigError("energy table: no entry '" + name + "'");
  return it->second;
}

namespace {
double scaled(const EnergyEntry& e, const std::string& name,
              const std::map<std::string, double>& factors, const char* kind) {
  auto it = factors.find(e.unit);
  if (it == factors.end()) {
    throw ConfigError("energy table: entry '" + name + "' has unit " + e.unit + ", expected " + kind);
  }
  return e.value * it->second;
}
}  // namespace

double EnergyTable::pj(const std::string& name) const {
  static const std::map<std::string, double> f{{"pJ", 1.0}, {"fJ", 1e-3}, {"nJ", 1e3}, {"J", 1e12}};
  return scaled(at(name), name, f, "an energy (pJ, fJ, nJ, J)");
}
double EnergyTable::mw(const std::string& name) const {
  static const std::map<std::string, double> f{{"mW", 1.0}, {"uW", 1e-3}, {"W", 1e3}};
  return scaled(at(name), name, f, "a power (mW, uW, W)");
}
double EnergyTable::pj_per_bit(const std::string& name) const {
  static const std::map<std::string, double> f{{"pJ/bit", 1.0}, {"fJ/bit", 1e-3}};
  return scaled(at(name), name, f, "an energy per bit (pJ/bit, fJ/bit)");
}
double EnergyTable::number(const std::string& name, const std::string& unit) const {
  const EnergyEntry& e = at(name);
  if (e.unit != unit) throw ConfigError("energy table: entry '" + name + "' has unit " + e.unit + ", expected " + unit);
  return e.value;
}

}  // namespace tessera::models
