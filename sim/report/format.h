#pragma once
// Number formatting shared by the terminal table, the HTML page and the plots, so the same figure
// reads the same everywhere. Machine-readable outputs (JSON, CSV) keep full precision instead.
#include <cstdint>
#include <string>

#include "sim/metrics/error_stats.h"

namespace tessera::report {

// Energies in a report span pJ (one MAC) to mJ (a network); one column or axis uses one unit,
// chosen from its largest value so that value reads between 1 and 1000.
struct EnergyUnit {
  double pj_per_unit = 1.0;
  const char* name = "pJ";
};
EnergyUnit energy_unit_for(double max_energy_pj);

// 3 significant digits: "0.0123", "4.56", "789", "12345" (never exponent notation below 1e9).
std::string significant(double value);
// Counts with a suffix: "950", "12.3k", "4.56M", "1.23G".
std::string compact_count(std::uint64_t value);
// SNR in dB with one decimal; "inf" for an exact layer (no error at all), "nan", or "-" when the
// error was not measured (count 0).
std::string snr_text(const metrics::ErrorStats& stats);
// A fraction as a percentage with two decimals: 0.7612 -> "76.12%".
std::string percent(double fraction);

}  // namespace tessera::report
