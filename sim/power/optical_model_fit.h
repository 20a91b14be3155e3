#pragma once
// Fitting the optical periphery's data-dependent models (traces/activity/optical_energy_model.h) on
// the gate-level per-element energies of traced layers, and judging a model on layers it did not
// see: per-element R^2 over all held-out elements and each held-out layer's total error.
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "sim/power/optical_power.h"
#include "sim/tracing/optical_trace_reader.h"
#include "traces/activity/optical_energy_model.h"

namespace tessera::power {

traces::activity::OpticalUnit activity_unit(OpticalConverter converter);

// The features of stream s of `streams` (optical_features.h).
Eigen::MatrixXd optical_stream_features(const OpticalStreams& streams, std::size_t s);

struct OpticalHeldOut {
  double per_element_r2 = 0.0;   // over every held-out element
  double mean_abs_error = 0.0;   // over held-out layers: |model - gate| / gate of the layer's total
  double max_abs_error = 0.0;
  nlohmann::json layers = nlohmann::json::array();
  nlohmann::json to_json() const;
};

// Fits on `training`'s elements of `converter` (plus `uniform_elements` seeded uniform elements,
// uniform_optical_streams, so that values the traces never show still constrain the model); with
// held-out layers, judges the model on them and stores the result in the model's `held_out`.
traces::activity::OpticalEnergyModel fit_optical_model(OpticalConverter converter,
                                                       const std::vector<tracing::OpticalLayerTrace>& training,
                                                       const std::vector<tracing::OpticalLayerTrace>& held_out,
                                                       const GateLevelOptions& options,
                                                       std::size_t uniform_elements = 0,
                                                       std::optional<OpticalHeldOut>* judged = nullptr);

// The model judged against gate level on `layers`.
OpticalHeldOut judge_optical_model(const traces::activity::OpticalEnergyModel& model, OpticalConverter converter,
                                   const std::vector<tracing::OpticalLayerTrace>& layers,
                                   const GateLevelOptions& options);

}  // namespace tessera::power
