#pragma once
// The report's three plots, each an inline <svg> element. Layers are rows (horizontal bars) so
// long node names stay readable; the hover tooltip of every bar gives the full name and value.
#include <string>

#include "sim/report/tally.h"

namespace tessera::report {

inline constexpr const char* kEnergyPlotTitle = "Energy per layer, by component";
inline constexpr const char* kErrorPlotTitle = "Error per layer: SNR against FP32";
inline constexpr const char* kAccuracyEnergyPlotTitle = "Accuracy versus energy";
inline constexpr const char* kMultiplierEnergyPlotTitle = "Multiplier energy per layer, three ways";

// Stacked bars of energy_pj by component. Layers without an estimate are labelled so; a run with
// no estimate at all gives a panel saying "no energy estimates in this run".
std::string energy_plot_svg(const RunReport& report);

// Grouped bars of local and propagated SNR (dB). An exact layer (SNR +inf) is drawn as a hatched
// bar capped at the axis end and labelled "exact"; NaN and unmeasured errors are labelled, not
// drawn.
std::string error_plot_svg(const RunReport& report);

// Top-1 against total energy: the comparison points of a sweep with their Pareto front (no other
// point has both less energy and higher top-1), this run, and the FP32 top-1 as a reference line
// (its energy is not modelled).
std::string accuracy_energy_plot_svg(const RunReport& report);

// Grouped bars (log scale) of each layer's multiplier energy by method: the energy table, the
// data-dependent model, the gate-level reference (LayerTally::multiplier_energy_pj). Only layers
// with at least one figure are drawn; without any, a panel says so.
std::string multiplier_energy_plot_svg(const RunReport& report);

}  // namespace tessera::report
