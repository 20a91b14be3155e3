#pragma once
// Marks functions that CUDA kernels call too, so the golden definition is the one the GPU runs.
#if defined(__CUDACC__)
#define TESSERA_HOST_DEVICE __host__ __device__
#else
#define TESSERA_HOST_DEVICE
#endif
