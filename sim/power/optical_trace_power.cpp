#include "sim/power/optical_trace_power.h"

#include <map>

#include "golden/common/error.h"
#include "models/optical/optical_array.h"
#include "sim/power/optical_model_fit.h"

namespace tessera::power {

OpticalStreams optical_trace_streams(const std::vector<tracing::OpticalLayerTrace>& layers, OpticalConverter converter,
                                     std::vector<std::pair<std::size_t, std::string>>* component_of) {
  OpticalStreams out;
  out.converter = converter;
  auto label = [&](std::size_t layer, const char* component) {
    if (component_of != nullptr) component_of->emplace_back(layer, component);
  };
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const tracing::OpticalLayerTrace& trace = layers[l];
    if (trace.tiles.empty()) continue;
    if (converter == OpticalConverter::dac) {
      DacElements input{trace.input, {}}, weight{trace.weight, {}};
      for (const auto& tile : trace.tiles) {
        input.x.insert(input.x.end(), tile.input_x.begin(), tile.input_x.end());
        weight.x.insert(weight.x.end(), tile.weight_x.begin(), tile.weight_x.end());
      }
      out.dac.push_back(std::move(input));
      label(l, "dac_quantizer_input");
      out.dac.push_back(std::move(weight));
      label(l, "dac_quantizer_weight");
    } else if (converter == OpticalConverter::adc) {
      for (std::size_t pass = 0; pass < trace.passes(); ++pass) {
        AdcElements stream{pass == 0 ? trace.adc : trace.negative_adc, {}, {}};
        for (const auto& tile : trace.tiles) {
          const std::size_t outputs = tile.m * tile.n, first = pass * outputs;
          stream.y.insert(stream.y.end(), tile.adc_y.begin() + static_cast<std::ptrdiff_t>(first),
                          tile.adc_y.begin() + static_cast<std::ptrdiff_t>(first + outputs));
          stream.rand24.insert(stream.rand24.end(), tile.adc_rand24.begin() + static_cast<std::ptrdiff_t>(first),
                               tile.adc_rand24.begin() + static_cast<std::ptrdiff_t>(first + outputs));
        }
        out.adc.push_back(std::move(stream));
        label(l, "adc_quantizer");
      }
    } else {
      PsumPairs stream;
      for (const auto& tile : trace.tiles) {
        stream.qa.insert(stream.qa.end(), tile.psum_qa.begin(), tile.psum_qa.end());
        stream.qw.insert(stream.qw.end(), tile.psum_qw.begin(), tile.psum_qw.end());
        stream.floor_sign.insert(stream.floor_sign.end(), tile.psum_floor_sign.begin(), tile.psum_floor_sign.end());
        for (std::size_t i = 0; i < tile.psum_qa.size(); ++i) stream.first.push_back(i % tile.k == 0 ? 1 : 0);
      }
      out.psum.push_back(std::move(stream));
      label(l, "psum");
    }
  }
  return out;
}

std::optional<double> OpticalComponentEstimate::model_error() const {
  if (!model_pj || !gate_pj || *gate_pj <= 0.0) return std::nullopt;
  return (*model_pj - *gate_pj) / *gate_pj;
}

double OpticalLayerPowerEstimate::table_total_pj() const {
  double total = 0.0;
  for (const auto& c : components) total += c.table_pj.value_or(0.0);
  return total;
}

std::optional<double> OpticalLayerPowerEstimate::gate_total_pj() const {
  double total = 0.0;
  for (const auto& c : components) {
    if (!c.gate_pj) return std::nullopt;
    total += *c.gate_pj;
  }
  return total;
}

std::string optical_periphery_table_entry(const std::string& component, const std::string& library) {
  const std::string converter = component == "adc_quantizer" ? "adc_quantizer"
                                : component == "psum"        ? "psum_pair"
                                                             : "dac_quantizer";
  return "optical.periphery." + converter + "_" + library;
}

std::vector<std::pair<std::string, double>> optical_periphery_conversions(const models::OpticalArrayConfig& config,
                                                                          std::uint64_t m, std::uint64_t k,
                                                                          std::uint64_t n) {
  const models::LayerCost cost = models::optical_cost_gemm(config, models::GemmShape{m, k, n});
  auto action = [&](const char* name) {
    const auto it = cost.actions.find(name);
    return it == cost.actions.end() ? 0.0 : it->second;
  };
  return {{"dac_quantizer_input", action("dac.input_conversions.count")},
          {"dac_quantizer_weight", action("dac.weight_conversions.count")},
          {"adc_quantizer", action("adc.conversions.count")},
          {"psum", static_cast<double>(m * n * k)}};  // one code pair a cycle, every k of every output
}

std::vector<OpticalLayerPowerEstimate> optical_trace_power(const std::vector<tracing::OpticalLayerTrace>& layers,
                                                           const OpticalTracePowerOptions& options,
                                                           const models::EnergyTable& table) {
  std::vector<OpticalLayerPowerEstimate> estimates;
  for (const tracing::OpticalLayerTrace& trace : layers) {
    OpticalLayerPowerEstimate estimate;
    estimate.layer = trace.header.layer;
    estimate.path = trace.path;
    estimate.m = trace.gemm_m;
    estimate.k = trace.gemm_k;
    estimate.n = trace.gemm_n;
    models::OpticalArrayConfig array;
    array.split_signs = trace.split_signs;
    for (const auto& [component, conversions] :
         optical_periphery_conversions(array, trace.gemm_m, trace.gemm_k, trace.gemm_n)) {
      OpticalComponentEstimate c;
      c.component = component;
      c.conversions = conversions;
      c.table_source = optical_periphery_table_entry(component, options.gate.library);
      if (table.contains(c.table_source)) c.table_pj = conversions * table.pj(c.table_source);
      estimate.components.push_back(c);
    }
    estimates.push_back(std::move(estimate));
  }
  if (options.models) {
    for (const OpticalConverter converter : {OpticalConverter::dac, OpticalConverter::adc, OpticalConverter::psum}) {
      std::vector<std::pair<std::size_t, std::string>> component_of;
      const OpticalStreams streams = optical_trace_streams(layers, converter, &component_of);
      const traces::activity::OpticalEnergyModel& model = converter == OpticalConverter::dac   ? options.models->dac
                                                          : converter == OpticalConverter::adc ? options.models->adc
                                                                                               : options.models->psum;
      std::map<std::pair<std::size_t, std::string>, std::pair<double, std::uint64_t>> sums;
      for (std::size_t s = 0; s < component_of.size(); ++s) {
        const Eigen::MatrixXd features = optical_stream_features(streams, s);
        sums[component_of[s]].first += model.predict_total_pj(features);
        sums[component_of[s]].second += static_cast<std::uint64_t>(features.rows());
      }
      for (const auto& [key, value] : sums) {
        for (OpticalComponentEstimate& c : estimates[key.first].components) {
          if (c.component == key.second && value.second > 0) {
            c.model_pj = c.conversions * value.first / static_cast<double>(value.second);
          }
        }
      }
    }
  }
  if (!options.gate_level || layers.empty()) return estimates;
  for (const OpticalConverter converter : {OpticalConverter::dac, OpticalConverter::adc, OpticalConverter::psum}) {
    std::vector<std::pair<std::size_t, std::string>> component_of;
    const OpticalStreams streams = optical_trace_streams(layers, converter, &component_of);
    if (streams.streams() == 0) continue;
    const OpticalGateLevel gate = optical_gate_level(streams, options.gate);
    // Per layer and component: energy and elements over its streams (ADC split: both passes).
    std::map<std::pair<std::size_t, std::string>, std::pair<double, std::uint64_t>> sums;
    for (std::size_t s = 0; s < component_of.size(); ++s) {
      auto& [pj, elements] = sums[component_of[s]];
      pj += gate.breakdown[s].total_pj();
      elements += gate.per_element_pj[s].size();
    }
    for (const auto& [key, value] : sums) {
      for (OpticalComponentEstimate& c : estimates[key.first].components) {
        if (c.component != key.second || value.second == 0) continue;
        c.traced_elements = value.second;
        c.gate_pj_per_element = value.first / static_cast<double>(value.second);
        c.gate_pj = c.conversions * *c.gate_pj_per_element;
      }
    }
  }
  return estimates;
}

}  // namespace tessera::power
