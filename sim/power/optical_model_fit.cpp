#include "sim/power/optical_model_fit.h"

#include <cmath>
#include <map>

#include "golden/common/error.h"
#include "sim/power/optical_trace_power.h"
#include "traces/activity/model_quality.h"

namespace tessera::power {
namespace activity = traces::activity;

activity::OpticalUnit activity_unit(OpticalConverter converter) {
  return converter == OpticalConverter::dac   ? activity::OpticalUnit::dac
         : converter == OpticalConverter::adc ? activity::OpticalUnit::adc
                                              : activity::OpticalUnit::psum;
}

Eigen::MatrixXd optical_stream_features(const OpticalStreams& streams, std::size_t s) {
  switch (streams.converter) {
    case OpticalConverter::dac: return activity::optical_dac_features(streams.dac[s].params, streams.dac[s].x);
    case OpticalConverter::adc:
      return activity::optical_adc_features(streams.adc[s].params, streams.adc[s].y, streams.adc[s].rand24);
    case OpticalConverter::psum: {
      const PsumPairs& p = streams.psum[s];
      return activity::optical_psum_features(p.qa, p.qw, p.floor_sign, p.first);
    }
  }
  throw Error("optical stream features: unknown converter");
}

nlohmann::json OpticalHeldOut::to_json() const {
  return {{"per_element_r2", per_element_r2}, {"mean_abs_error", mean_abs_error}, {"max_abs_error", max_abs_error},
          {"layers", layers}};
}

namespace {

struct Replayed {
  OpticalStreams streams;
  std::vector<std::pair<std::size_t, std::string>> component_of;
  OpticalGateLevel gate;
};

Replayed replay(OpticalConverter converter, const std::vector<tracing::OpticalLayerTrace>& layers,
                const GateLevelOptions& options, std::size_t uniform_elements = 0) {
  Replayed r;
  r.streams = optical_trace_streams(layers, converter, &r.component_of);
  if (r.streams.elements() == 0) throw InputError("optical model: the traces hold no recorded elements");
  if (uniform_elements > 0) {
    const OpticalStreams uniform = uniform_optical_streams(converter, uniform_elements, 1);
    r.streams.dac.insert(r.streams.dac.end(), uniform.dac.begin(), uniform.dac.end());
    r.streams.adc.insert(r.streams.adc.end(), uniform.adc.begin(), uniform.adc.end());
    r.streams.psum.insert(r.streams.psum.end(), uniform.psum.begin(), uniform.psum.end());
    r.component_of.emplace_back(layers.size(), "uniform");
  }
  r.gate = optical_gate_level(r.streams, options);
  return r;
}

}  // namespace

OpticalHeldOut judge_optical_model(const activity::OpticalEnergyModel& model, OpticalConverter converter,
                                   const std::vector<tracing::OpticalLayerTrace>& layers,
                                   const GateLevelOptions& options) {
  const Replayed r = replay(converter, layers, options);
  std::vector<double> actual, predicted;
  std::map<std::size_t, std::pair<double, double>> per_layer;  // gate, model totals
  for (std::size_t s = 0; s < r.streams.streams(); ++s) {
    const Eigen::VectorXd p = model.predict_pj(optical_stream_features(r.streams, s));
    for (std::size_t e = 0; e < r.gate.per_element_pj[s].size(); ++e) {
      actual.push_back(r.gate.per_element_pj[s][e] + r.gate.leakage_pj_per_element);
      predicted.push_back(p(static_cast<Eigen::Index>(e)));
      per_layer[r.component_of[s].first].first += actual.back();
      per_layer[r.component_of[s].first].second += predicted.back();
    }
  }
  OpticalHeldOut out;
  out.per_element_r2 = activity::per_op_r_squared(actual, predicted).value_or(0.0);
  for (const auto& [layer, totals] : per_layer) {
    const double error = (totals.second - totals.first) / totals.first;
    out.mean_abs_error += std::abs(error) / static_cast<double>(per_layer.size());
    out.max_abs_error = std::max(out.max_abs_error, std::abs(error));
    out.layers.push_back({{"layer", layers[layer].header.layer}, {"network", layers[layer].header.network},
                          {"gate_pj", totals.first}, {"model_pj", totals.second}, {"error", error}});
  }
  return out;
}

activity::OpticalEnergyModel fit_optical_model(OpticalConverter converter,
                                               const std::vector<tracing::OpticalLayerTrace>& training,
                                               const std::vector<tracing::OpticalLayerTrace>& held_out,
                                               const GateLevelOptions& options, std::size_t uniform_elements,
                                               std::optional<OpticalHeldOut>* judged) {
  const Replayed r = replay(converter, training, options, uniform_elements);
  const activity::OpticalUnit unit = activity_unit(converter);
  const std::size_t columns = activity::optical_feature_names(unit).size();
  Eigen::MatrixXd x(static_cast<Eigen::Index>(r.gate.elements), static_cast<Eigen::Index>(columns));
  std::vector<double> y;
  Eigen::Index row = 0;
  for (std::size_t s = 0; s < r.streams.streams(); ++s) {
    const Eigen::MatrixXd f = optical_stream_features(r.streams, s);
    x.middleRows(row, f.rows()) = f;
    row += f.rows();
    for (const double e : r.gate.per_element_pj[s]) y.push_back(e + r.gate.leakage_pj_per_element);
  }
  activity::ModelMetadata meta;
  meta.unit = activity::optical_unit_name(unit);
  meta.library = r.gate.library;
  meta.design = "hw/optical/" + r.gate.top + ".sv";
  meta.top = r.gate.top;
  meta.clock_period_ns = options.clock_period_ns;
  std::string names;
  for (const auto& t : training) names += (names.empty() ? "" : ", ") + t.header.network + " " + t.header.layer;
  meta.fitted_on = "gate-level (" + to_string(options.structure) + ", zero-delay) per-element energy of the traced " +
                   "elements of: " + names +
                   (uniform_elements > 0 ? " + " + std::to_string(uniform_elements) + " uniform elements (seed 1)" : "");
  meta.fitted_streams = r.streams.streams();
  activity::OpticalEnergyModel model = activity::fit_optical_energy_model(unit, x, y, meta);
  if (!held_out.empty()) {
    const OpticalHeldOut check = judge_optical_model(model, converter, held_out, options);
    model.held_out = check.to_json();
    if (judged != nullptr) *judged = check;
  }
  return model;
}

}  // namespace tessera::power
