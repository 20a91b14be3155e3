// CUDA twin of the MX GEMM fast cores (kernels/mx/mx_ops.h): per output, in block order, the
// exact integer block sum S_j of unit products (int32 for FP4/FP6/INT8, |S| < 2^24; int64 for
// FP8 and mixes, |S| < 2^53: integer arithmetic, exact in any order), then the block is added to
// the FP32 accumulator by kernels/mx/block_accumulate.h, the same host/device function the CPU
// twin's order is defined by: one IEEE addition (FP32 core), add_round_once or RNE-then-add
// (double core). -fmad=false: nothing is contracted.
// Tensor cores: when every unit of both operands fits a signed byte (FP4, FP6 E2M3, INT8), the
// FP32 core's block sums come from int8 WMMA (m16n16k16, int32 accumulation) over operands
// whose blocks are zero-padded to whole 16-column tiles (kernels/mx/block_tiles.h): each S_j is
// its own run of WMMA steps, every partial sum is bounded by block_size * max_a * max_b < 2^24,
// so it is the exact integer, and the warp then adds the blocks with add_block_f32 in block
// order, exactly as the SIMT kernel does.
// Layers (ggml style): device helper -> kernels -> launchers (check cudaGetLastError) -> entries.
#include <cuda_runtime.h>
#include <mma.h>

#include <algorithm>
#include <cstdint>

#include "kernels/common/cuda_check.cuh"
#include "kernels/common/imma_tiles.h"
#include "kernels/mx/block_accumulate.h"
#include "kernels/mx/block_tiles.h"
#include "kernels/mx/cuda/mx_gemm_cuda.h"

#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 720
#error "int8 WMMA needs compute capability 7.2 or newer; set CMAKE_CUDA_ARCHITECTURES to 75 or above"
#endif

namespace tessera::kernels::cuda {
namespace {

constexpr int kTile = kMxCoreTile;  // 16 x 16 outputs per thread block, K staged 16 at a time

// How a finished block sum enters the accumulator.
struct AddF32 {
  __device__ float operator()(float acc, std::int32_t s, double pa, double pb) const {
    return add_block_f32(acc, s, pa, pb);
  }
};
struct AddF64 {
  bool round_block_first;
  __device__ float operator()(float acc, std::int64_t s, double pa, double pb) const {
    return add_block_f64(acc, s, pa, pb, round_block_first);
  }
};

// Unit: the element type of the units and of the block sum (int32 or int64).
template <typename Unit, typename AddBlock>
__global__ void mx_gemm_core_kernel(const Unit* __restrict__ ua, const Unit* __restrict__ ub,
                                    const double* __restrict__ pa, const double* __restrict__ pb, int m, int n,
                                    int k, int bs, int blocks, AddBlock add_block, float* __restrict__ out) {
  __shared__ Unit as[kTile][kTile + 1];
  __shared__ Unit bsm[kTile][kTile + 1];
  const int tx = threadIdx.x, ty = threadIdx.y;
  const int row = blockIdx.x * kTile + ty, col = blockIdx.y * kTile + tx;  // rows on x: limit 2^31 - 1
  const bool active = row < m && col < n;
  float acc = -0.0f;
  Unit s = 0;
  int block = 0;
  for (int k0 = 0; k0 < k; k0 += kTile) {
    const int ar = blockIdx.x * kTile + ty, br = blockIdx.y * kTile + ty;
    as[ty][tx] = (ar < m && k0 + tx < k) ? ua[static_cast<size_t>(ar) * k + k0 + tx] : Unit(0);
    bsm[ty][tx] = (br < n && k0 + tx < k) ? ub[static_cast<size_t>(br) * k + k0 + tx] : Unit(0);
    __syncthreads();
    const int depth = min(kTile, k - k0);
    for (int i = 0; i < depth; ++i) {
      s += as[ty][i] * bsm[tx][i];  // integer: exact (bounds guaranteed by the caller)
      const int kk = k0 + i;
      if ((kk + 1) % bs == 0 || kk + 1 == k) {  // block boundary: the same k for every thread
        if (active) {
          acc = add_block(acc, s, pa[static_cast<size_t>(row) * blocks + block],
                          pb[static_cast<size_t>(col) * blocks + block]);
        }
        s = 0;
        ++block;
      }
    }
    __syncthreads();
  }
  if (active) out[static_cast<size_t>(row) * n + col] = acc;
}

template <typename Unit, typename AddBlock>
void launch_mx_gemm_core(const Unit* ua, const Unit* ub, const double* pa, const double* pb, int m, int n, int k,
                         int bs, AddBlock add_block, float* out, cudaStream_t stream) {
  const dim3 block(kTile, kTile);
  const dim3 grid((m + kTile - 1) / kTile, (n + kTile - 1) / kTile);
  const int blocks = (k + bs - 1) / bs;
  mx_gemm_core_kernel<Unit, AddBlock><<<grid, block, 0, stream>>>(ua, ub, pa, pb, m, n, k, bs, blocks, add_block, out);
  CUDA_CHECK(cudaGetLastError());
}

// --- tensor-core FP32 core ------------------------------------------------------------------

constexpr int kImmaWarps = 4;                              // warps per thread block
constexpr int kOutputsPerLane = kImmaTileBytes / 32;       // a 16 x 16 tile over 32 lanes
constexpr int kPadThreads = 256;

// units rows x K (each in [-128, 127]) -> zero-padded blocks in 16 x 16 tiles.
__global__ void pad_units_kernel(const std::int32_t* __restrict__ units, int rows, int k, int bs, int tiles_per_block,
                                 int row_tiles, int column_tiles, std::int8_t* __restrict__ tiles) {
  const std::size_t total = static_cast<std::size_t>(row_tiles) * column_tiles * kImmaTileBytes;
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < total; i += stride) {
    const TilePosition at = tile_position(i, static_cast<std::size_t>(column_tiles));
    tiles[i] = at.row < static_cast<std::size_t>(rows)
                   ? mx_padded_unit(units + at.row * static_cast<std::size_t>(k), static_cast<std::size_t>(k),
                                    static_cast<std::size_t>(bs), static_cast<std::size_t>(tiles_per_block), at.column)
                   : std::int8_t{0};
  }
}

// One warp per 16 x 16 output tile; per block j: S_j by WMMA into shared memory, then each lane
// adds the S_j of its 8 outputs to their accumulators (add_block_f32, block order).
__global__ void mx_imma_core_kernel(const std::int8_t* __restrict__ a_tiles, const std::int8_t* __restrict__ b_tiles,
                                    const double* __restrict__ pa, const double* __restrict__ pb, int m, int n,
                                    int blocks, int tiles_per_block, int m_tiles, int n_tiles, float* __restrict__ out) {
  using namespace nvcuda;
  __shared__ __align__(32) std::int32_t block_sums[kImmaWarps][kImmaTileBytes];
  const int warp_in_block = threadIdx.x / 32, lane = threadIdx.x % 32;
  const long long warp = static_cast<long long>(blockIdx.x) * kImmaWarps + warp_in_block;
  if (warp >= static_cast<long long>(m_tiles) * n_tiles) return;  // whole warps; only __syncwarp below
  const int tm = static_cast<int>(warp / n_tiles), tn = static_cast<int>(warp % n_tiles);
  const int k_tiles = blocks * tiles_per_block;
  std::int32_t* sums = block_sums[warp_in_block];
  float acc[kOutputsPerLane];
  for (float& x : acc) x = -0.0f;
  wmma::fragment<wmma::matrix_a, kImmaTile, kImmaTile, kImmaTile, signed char, wmma::row_major> a;
  wmma::fragment<wmma::matrix_b, kImmaTile, kImmaTile, kImmaTile, signed char, wmma::col_major> b;
  wmma::fragment<wmma::accumulator, kImmaTile, kImmaTile, kImmaTile, int> s;
  for (int j = 0; j < blocks; ++j) {
    wmma::fill_fragment(s, 0);
    for (int t = 0; t < tiles_per_block; ++t) {
      const int tk = j * tiles_per_block + t;
      wmma::load_matrix_sync(a, a_tiles + (static_cast<std::size_t>(tm) * k_tiles + tk) * kImmaTileBytes, kImmaTile);
      wmma::load_matrix_sync(b, b_tiles + (static_cast<std::size_t>(tn) * k_tiles + tk) * kImmaTileBytes, kImmaTile);
      wmma::mma_sync(s, a, b, s);
    }
    wmma::store_matrix_sync(sums, s, kImmaTile, wmma::mem_row_major);
    __syncwarp();
    for (int e = 0; e < kOutputsPerLane; ++e) {
      const int idx = lane * kOutputsPerLane + e;
      const int row = tm * kImmaTile + idx / kImmaTile, col = tn * kImmaTile + idx % kImmaTile;
      if (row < m && col < n) {
        acc[e] = add_block_f32(acc[e], sums[idx], pa[static_cast<std::size_t>(row) * blocks + j],
                               pb[static_cast<std::size_t>(col) * blocks + j]);
      }
    }
    __syncwarp();  // every lane has read S_j before the next store
  }
  for (int e = 0; e < kOutputsPerLane; ++e) {
    const int idx = lane * kOutputsPerLane + e;
    const int row = tm * kImmaTile + idx / kImmaTile, col = tn * kImmaTile + idx % kImmaTile;
    if (row < m && col < n) out[static_cast<std::size_t>(row) * n + col] = acc[e];
  }
}

unsigned pad_grid(std::size_t work) {
  const std::size_t wanted = (work + kPadThreads - 1) / kPadThreads;
  return static_cast<unsigned>(wanted < 65535 ? (wanted == 0 ? 1 : wanted) : 65535);  // grid-stride beyond
}

void launch_pad_units(const std::int32_t* units, int rows, int k, int bs, int tiles_per_block, int row_tiles,
                      int column_tiles, std::int8_t* tiles, cudaStream_t stream) {
  const std::size_t total = static_cast<std::size_t>(row_tiles) * column_tiles * kImmaTileBytes;
  pad_units_kernel<<<pad_grid(total), kPadThreads, 0, stream>>>(units, rows, k, bs, tiles_per_block, row_tiles,
                                                                 column_tiles, tiles);
  CUDA_CHECK(cudaGetLastError());
}

void launch_mx_imma_core(const std::int8_t* a_tiles, const std::int8_t* b_tiles, const double* pa, const double* pb,
                         int m, int n, int blocks, int tiles_per_block, int m_tiles, int n_tiles, float* out,
                         cudaStream_t stream) {
  const std::size_t warps = static_cast<std::size_t>(m_tiles) * n_tiles;
  const unsigned grid = static_cast<unsigned>((warps + kImmaWarps - 1) / kImmaWarps);
  mx_imma_core_kernel<<<grid, kImmaWarps * 32, 0, stream>>>(a_tiles, b_tiles, pa, pb, m, n, blocks, tiles_per_block,
                                                            m_tiles, n_tiles, out);
  CUDA_CHECK(cudaGetLastError());
}

bool units_fit_int8(const std::int32_t* units, std::size_t count) {
  return std::all_of(units, units + count, [](std::int32_t u) { return u >= -128 && u <= 127; });
}

// The FP32 core on tensor cores: pad, multiply, accumulate (host pointers in and out).
void run_imma_core(const std::int32_t* units_a, const std::int32_t* units_b, const double* pow_a, const double* pow_b,
                   std::size_t m, std::size_t n, std::size_t k, std::size_t block_size, float* out) {
  const std::size_t blocks = (k + block_size - 1) / block_size, tiles_per_block = mx_tiles_per_block(block_size);
  const std::size_t column_tiles = blocks * tiles_per_block;
  const std::size_t m_tiles = (m + kImmaTile - 1) / kImmaTile, n_tiles = (n + kImmaTile - 1) / kImmaTile;
  DeviceBuffer<std::int32_t> d_ua(m * k), d_ub(n * k);
  DeviceBuffer<std::int8_t> a_tiles(m_tiles * column_tiles * kImmaTileBytes), b_tiles(n_tiles * column_tiles * kImmaTileBytes);
  DeviceBuffer<double> d_pa(m * blocks), d_pb(n * blocks);
  DeviceBuffer<float> d_out(m * n);
  CUDA_CHECK(cudaMemcpy(d_ua.get(), units_a, d_ua.bytes(), cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(d_ub.get(), units_b, d_ub.bytes(), cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(d_pa.get(), pow_a, d_pa.bytes(), cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(d_pb.get(), pow_b, d_pb.bytes(), cudaMemcpyHostToDevice));
  launch_pad_units(d_ua.get(), static_cast<int>(m), static_cast<int>(k), static_cast<int>(block_size),
                   static_cast<int>(tiles_per_block), static_cast<int>(m_tiles), static_cast<int>(column_tiles),
                   a_tiles.get(), nullptr);
  launch_pad_units(d_ub.get(), static_cast<int>(n), static_cast<int>(k), static_cast<int>(block_size),
                   static_cast<int>(tiles_per_block), static_cast<int>(n_tiles), static_cast<int>(column_tiles),
                   b_tiles.get(), nullptr);
  launch_mx_imma_core(a_tiles.get(), b_tiles.get(), d_pa.get(), d_pb.get(), static_cast<int>(m), static_cast<int>(n),
                      static_cast<int>(blocks), static_cast<int>(tiles_per_block), static_cast<int>(m_tiles),
                      static_cast<int>(n_tiles), d_out.get(), nullptr);
  CUDA_CHECK(cudaMemcpy(out, d_out.get(), d_out.bytes(), cudaMemcpyDeviceToHost));
}

// --- SIMT cores: allocation, copies, launch, shared by both entry points ---------------------
template <typename Unit, typename AddBlock>
void run_core(const Unit* units_a, const Unit* units_b, const double* pow_a, const double* pow_b, std::size_t m,
              std::size_t n, std::size_t k, std::size_t block_size, AddBlock add_block, float* out) {
  const std::size_t blocks = (k + block_size - 1) / block_size;
  DeviceBuffer<Unit> d_ua(m * k), d_ub(n * k);
  DeviceBuffer<double> d_pa(m * blocks), d_pb(n * blocks);
  DeviceBuffer<float> d_out(m * n);
  if (m * k != 0) CUDA_CHECK(cudaMemcpy(d_ua.get(), units_a, d_ua.bytes(), cudaMemcpyHostToDevice));
  if (n * k != 0) CUDA_CHECK(cudaMemcpy(d_ub.get(), units_b, d_ub.bytes(), cudaMemcpyHostToDevice));
  if (m * blocks != 0) CUDA_CHECK(cudaMemcpy(d_pa.get(), pow_a, d_pa.bytes(), cudaMemcpyHostToDevice));
  if (n * blocks != 0) CUDA_CHECK(cudaMemcpy(d_pb.get(), pow_b, d_pb.bytes(), cudaMemcpyHostToDevice));
  launch_mx_gemm_core(d_ua.get(), d_ub.get(), d_pa.get(), d_pb.get(), static_cast<int>(m), static_cast<int>(n),
                      static_cast<int>(k), static_cast<int>(block_size), add_block, d_out.get(), nullptr);
  if (m * n != 0) CUDA_CHECK(cudaMemcpy(out, d_out.get(), d_out.bytes(), cudaMemcpyDeviceToHost));
}

}  // namespace

void mx_gemm_core(const std::int32_t* units_a, const std::int32_t* units_b, const double* pow_a,
                  const double* pow_b, std::size_t m, std::size_t n, std::size_t k, std::size_t block_size,
                  float* out) {
  if (m != 0 && n != 0 && k != 0 && units_fit_int8(units_a, m * k) && units_fit_int8(units_b, n * k)) {
    run_imma_core(units_a, units_b, pow_a, pow_b, m, n, k, block_size, out);
  } else {
    run_core(units_a, units_b, pow_a, pow_b, m, n, k, block_size, AddF32{}, out);
  }
}

void mx_gemm_core_f64(const std::int64_t* units_a, const std::int64_t* units_b, const double* pow_a,
                      const double* pow_b, std::size_t m, std::size_t n, std::size_t k, std::size_t block_size,
                      bool round_block_first, float* out) {
  run_core(units_a, units_b, pow_a, pow_b, m, n, k, block_size, AddF64{round_block_first}, out);
}

}  // namespace tessera::kernels::cuda
