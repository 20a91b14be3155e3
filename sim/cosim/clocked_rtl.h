#pragma once
// A verilated top with clk_i and rst_ni, owned with its VerilatedContext: construction lets the
// caller quiet the inputs, holds reset for one edge and releases it; edge() is one rising and one
// falling clock edge. edges() counts edges after reset, the unit the timing models count in.
#include <cstdint>
#include <functional>
#include <memory>

#include "verilated.h"

namespace tessera::cosim {

template <class Top>
class ClockedRtl {
 public:
  explicit ClockedRtl(const std::function<void(Top&)>& quiet_inputs = {})
      : context_(std::make_unique<VerilatedContext>()), top_(std::make_unique<Top>(context_.get())) {
    top_->clk_i = 0;
    top_->rst_ni = 0;
    if (quiet_inputs) quiet_inputs(*top_);
    top_->eval();
    edge();
    top_->rst_ni = 1;
    top_->eval();
    edges_ = 0;
  }
  ~ClockedRtl() { top_->final(); }
  ClockedRtl(const ClockedRtl&) = delete;
  ClockedRtl& operator=(const ClockedRtl&) = delete;

  Top& top() { return *top_; }
  void edge() {
    top_->clk_i = 1;
    top_->eval();
    top_->clk_i = 0;
    top_->eval();
    ++edges_;
  }
  std::uint64_t edges() const { return edges_; }

 private:
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Top> top_;
  std::uint64_t edges_ = 0;
};

}  // namespace tessera::cosim
