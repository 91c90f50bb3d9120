import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { Tf } from '../tf.js';

type TypedArray = Float32Array | Int32Array | Uint8Array;

/**
 * out[segmentIds[r]] += x[r] for every row r (rows: the leading dims of x matching segmentIds);
 * ids outside [0, numSegments) are dropped, as in TensorFlow. This is the gradient of Gather,
 * hence of every Embedding lookup.
 */
export function segmentSumInto(
  x: ArrayLike<number>,
  segmentIds: ArrayLike<number>,
  rowSize: number,
  out: TypedArray,
): void {
  const segments = out.length / Math.max(1, rowSize);
  out.fill(0);
  for (let r = 0; r < segmentIds.length; r++) {
    const segment = segmentIds[r]!;
    if (segment < 0 || segment >= segments) continue;
    const from = r * rowSize;
    const to = segment * rowSize;
    for (let k = 0; k < rowSize; k++) out[to + k]! += x[from + k]!;
  }
}

interface SegmentSumArgs {
  inputs: NamedTensorInfoMap;
  attrs?: NamedAttrMap;
}

function shapes(args: SegmentSumArgs) {
  const x = args.inputs.x as TensorInfo;
  const segmentIds = args.inputs.segmentIds as TensorInfo;
  const numSegments = (args.attrs as { numSegments: number }).numSegments;
  const idRank = segmentIds.shape.length;
  const rowShape = x.shape.slice(idRank);
  const rowSize = rowShape.reduce((a, b) => a * b, 1);
  return { x, segmentIds, outShape: [numSegments, ...rowShape], rowSize };
}

/** Minimal view of the wasm backend's heap API used here. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: TensorInfo['dtype']): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): TypedArray;
}

/** Minimal view of the cpu backend's storage API used here. */
interface CpuBackendLike {
  data: { get(dataId: object): { values: TypedArray } };
  makeTensorInfo(shape: number[], dtype: TensorInfo['dtype'], values: TypedArray): TensorInfo;
}

const wasmKernel = ((args: SegmentSumArgs & { backend: unknown }) => {
  const backend = args.backend as WasmBackendLike;
  const { x, segmentIds, outShape, rowSize } = shapes(args);
  // Allocate first: growing the wasm heap would detach views taken earlier.
  const out = backend.makeOutput(outShape, x.dtype);
  segmentSumInto(
    backend.typedArrayFromHeap(x),
    backend.typedArrayFromHeap(segmentIds),
    rowSize,
    backend.typedArrayFromHeap(out),
  );
  return out;
}) as unknown as KernelFunc;

const cpuKernel = ((args: SegmentSumArgs & { backend: unknown }) => {
  const backend = args.backend as CpuBackendLike;
  const { x, segmentIds, outShape, rowSize } = shapes(args);
  const size = outShape.reduce((a, b) => a * b, 1);
  const out = x.dtype === 'int32' ? new Int32Array(size) : new Float32Array(size);
  segmentSumInto(backend.data.get(x.dataId).values, backend.data.get(segmentIds.dataId).values, rowSize, out);
  return backend.makeTensorInfo(outShape, x.dtype, out);
}) as unknown as KernelFunc;

/**
 * Registers a linear-time UnsortedSegmentSum for the wasm backend (which has none: tfjs issue
 * 8082) and the cpu backend (whose kernel loops over every segment: ~1000 s an epoch on ML-100K).
 */
export function registerSegmentSumKernels(tf: Tf): void {
  for (const [backendName, kernelFunc] of [
    ['wasm', wasmKernel],
    ['cpu', cpuKernel],
  ] as const) {
    const config: KernelConfig = { kernelName: 'UnsortedSegmentSum', backendName, kernelFunc };
    if (tf.getKernel('UnsortedSegmentSum', backendName)?.kernelFunc === kernelFunc) continue;
    if (tf.getKernel('UnsortedSegmentSum', backendName)) tf.unregisterKernel('UnsortedSegmentSum', backendName);
    tf.registerKernel(config);
  }
}
