#pragma once
// A verilated top with clk_i and rst_ni, owned together with its VerilatedContext. Construction
// sets the inputs `idle` names to their quiet values, holds reset for one clock edge and releases
// it; tick() is one rising and one falling edge.
#include <cstdint>
#include <functional>
#include <memory>

#include "verilated.h"

namespace tessera::hw_test {

template <class Top>
class ClockedModel {
 public:
  explicit ClockedModel(const std::function<void(Top&)>& idle = {})
      : context_(std::make_unique<VerilatedContext>()), top_(std::make_unique<Top>(context_.get())) {
    top_->clk_i = 0;
    top_->rst_ni = 0;
    if (idle) idle(*top_);
    top_->eval();
    tick();
    top_->rst_ni = 1;
    top_->eval();
  }
  ~ClockedModel() { top_->final(); }
  ClockedModel(const ClockedModel&) = delete;
  ClockedModel& operator=(const ClockedModel&) = delete;

  Top& top() { return *top_; }
  Top* operator->() { return top_.get(); }
  void tick() {
    top_->clk_i = 1;
    top_->eval();
    top_->clk_i = 0;
    top_->eval();
    ++edges_;
  }
  // Rising edges since construction, the reset edge included.
  long edges() const { return edges_; }

 private:
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Top> top_;
  long edges_ = 0;
};

}  // namespace tessera::hw_test
