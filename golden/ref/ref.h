#pragma once
// golden/ref: the FP32 reference operators networks are built from. The runtime (sim/) uses them
// as the FP32 path, as the FP32 shadow of emulated layers and as the fallback for ops a unit
// cannot run. They are written to be obviously right, not fast: row-major float32 tensors
// (tensor.h), inputs validated with messages naming the argument, products through Eigen.
#include "golden/ref/activation.h"
#include "golden/ref/attention.h"
#include "golden/ref/conv2d.h"
#include "golden/ref/gemm.h"
#include "golden/ref/normalization.h"
#include "golden/ref/pool.h"
#include "golden/ref/softmax.h"
#include "golden/ref/tensor.h"
