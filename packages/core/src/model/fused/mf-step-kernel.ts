import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs';
import type { Tf } from '../tf.js';
import type { Memberships } from './memberships.js';
import { createMfScratch, mfTrainStep, type MfMoments, type MfScratch, type MfStepConfig } from './mf-step.js';
import { TABLE_NAMES, type MfStructure, type MfTables } from './mf-tables.js';

/** Name of the fused matrix-factorisation training-step kernel. */
export const MF_TRAIN_STEP = 'EdgerecMfTrainStep';

/** Attributes of an {@link MF_TRAIN_STEP} call. */
export interface MfTrainStepAttrs extends MfStepConfig {
  dim: number;
  /** 1-based Adam step. */
  step: number;
  /** Seeds the dropout stream (read on the first call for a given set of tables). */
  seed: number;
}

/** Side structures and their input-name prefixes. */
export const STRUCTURE_INPUTS = ['implicit', 'userFeatures', 'itemFeatures'] as const;

type TypedArray = Float32Array | Int32Array;

/** Reads and writes tensor memory in place on the backends the kernel supports. */
interface MemoryAccess {
  view(info: TensorInfo): TypedArray;
}

interface CpuBackendLike {
  data: { get(dataId: object): { values: TypedArray } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): TypedArray;
}

// Scratch (gradients, touched-row lists, dropout stream) lives as long as the parameter table it
// serves: keyed by the user-factor tensor's data id, which the engine keeps for the whole run.
const scratchByTables = new WeakMap<object, MfScratch>();

function runStep(inputs: NamedTensorInfoMap, attrs: MfTrainStepAttrs, memory: MemoryAccess): number {
  const f32 = (name: string) => memory.view(inputs[name] as TensorInfo) as Float32Array;
  const i32 = (name: string) => memory.view(inputs[name] as TensorInfo) as Int32Array;
  const has = (name: string) => inputs[name] !== undefined;
  const tables = { dim: attrs.dim } as { -readonly [K in keyof MfTables]: MfTables[K] };
  const moments: MfMoments = { m: {}, v: {} };
  for (const name of TABLE_NAMES) {
    if (!has(name)) continue;
    tables[name] = f32(name);
    moments.m[name] = f32(`m.${name}`);
    moments.v[name] = f32(`v.${name}`);
  }
  const structure: { -readonly [K in keyof MfStructure]: MfStructure[K] } = {};
  for (const key of STRUCTURE_INPUTS) {
    if (!has(`${key}.offsets`)) continue;
    const memberships: Memberships = {
      offsets: i32(`${key}.offsets`),
      members: i32(`${key}.members`),
      weights: f32(`${key}.weights`),
      memberCount:
        (key === 'implicit' ? tables.Y! : key === 'userFeatures' ? tables.UAB! : tables.IAB!).length /
        (key === 'implicit' ? attrs.dim : 1),
    };
    structure[key] = memberships;
  }
  const key = (inputs.P as TensorInfo).dataId;
  let scratch = scratchByTables.get(key);
  if (!scratch) {
    scratch = createMfScratch(tables, structure, attrs.seed);
    scratchByTables.set(key, scratch);
  }
  const users = i32('users');
  return mfTrainStep(
    tables,
    structure,
    moments,
    scratch,
    {
      users,
      items: i32('items'),
      targets: f32('targets'),
      weights: has('weights') ? f32('weights') : undefined,
      size: users.length,
    },
    attrs,
    attrs.step,
  );
}

const cpuKernel = ((args: { inputs: NamedTensorInfoMap; attrs?: NamedAttrMap; backend: unknown }) => {
  const backend = args.backend as CpuBackendLike;
  const sse = runStep(args.inputs, args.attrs as unknown as MfTrainStepAttrs, {
    view: (info) => backend.data.get(info.dataId).values,
  });
  return backend.makeTensorInfo([], 'float32', Float32Array.of(sse));
}) as unknown as KernelFunc;

const wasmKernel = ((args: { inputs: NamedTensorInfoMap; attrs?: NamedAttrMap; backend: unknown }) => {
  const backend = args.backend as WasmBackendLike;
  // Allocate the output first: growing the wasm heap would detach views taken before.
  const out = backend.makeOutput([], 'float32');
  const sse = runStep(args.inputs, args.attrs as unknown as MfTrainStepAttrs, {
    view: (info) => backend.typedArrayFromHeap(info),
  });
  (backend.typedArrayFromHeap(out) as Float32Array)[0] = sse;
  return out;
}) as unknown as KernelFunc;

/**
 * Registers the fused training step for the cpu and wasm backends: forward, backward and a lazy
 * Adam update in one kernel call that mutates the parameter and moment tensors in place (the
 * per-op overhead of ~80 small kernels a step is what made the autodiff loop slow).
 */
export function registerMfTrainStepKernel(tf: Tf): void {
  for (const [backendName, kernelFunc] of [
    ['cpu', cpuKernel],
    ['wasm', wasmKernel],
  ] as const) {
    if (tf.getKernel(MF_TRAIN_STEP, backendName)) continue;
    const config: KernelConfig = { kernelName: MF_TRAIN_STEP, backendName, kernelFunc };
    tf.registerKernel(config);
  }
}

/** Whether the fused kernel can run on a backend. */
export function fusedKernelSupports(backendName: string): boolean {
  return backendName === 'cpu' || backendName === 'wasm';
}
