#include "sim/report/format.h"

#include <cmath>
#include <cstdio>

#include "sim/report/text_table.h"

namespace tessera::report {

EnergyUnit energy_unit_for(double max_energy_pj) {
  const double magnitude = std::isfinite(max_energy_pj) ? std::abs(max_energy_pj) : 0.0;
  if (magnitude >= 1e9) return {1e9, "mJ"};
  if (magnitude >= 1e6) return {1e6, "\xC2\xB5J"};  // µJ
  if (magnitude >= 1e3) return {1e3, "nJ"};
  return {1.0, "pJ"};
}

std::string significant(double value) {
  if (!std::isfinite(value)) return fixed(value, 0);
  if (value == 0.0) return "0";
  const double magnitude = std::abs(value);
  if (magnitude >= 1e9 || magnitude < 1e-4) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.2e", value);
    return buffer;
  }
  const int digits_before_point = static_cast<int>(std::floor(std::log10(magnitude))) + 1;
  return fixed(value, digits_before_point >= 3 ? 0 : 3 - digits_before_point);
}

std::string compact_count(std::uint64_t value) {
  static const char* const suffixes[] = {"", "k", "M", "G", "T", "P"};
  double scaled = static_cast<double>(value);
  int index = 0;
  while (scaled >= 999.5 && index < 5) {
    scaled /= 1000.0;
    ++index;
  }
  if (index == 0) return std::to_string(value);
  return significant(scaled) + suffixes[index];
}

std::string snr_text(const metrics::ErrorStats& stats) {
  if (stats.count == 0) return "-";
  return fixed(stats.snr_db, 1);
}

std::string percent(double fraction) { return fixed(fraction * 100.0, 2) + "%"; }

}  // namespace tessera::report
