// What the WebGPU backend runs on, as plain data: the adapter's identity and the device's
// features and limits (what the lab's engine panel shows, and what errors about sizes cite).

/** The WebGPU adapter in use, as {@link webgpuAdapter} reports it: who made it, what it is, its features and limits. */
export interface AdapterSummary {
  /** The adapter's vendor (e.g. 'mesa'), from GPUAdapterInfo. */
  vendor: string;
  /** The adapter's architecture (e.g. 'llvmpipe'), from GPUAdapterInfo. */
  architecture: string;
  /** The adapter's device name, from GPUAdapterInfo. */
  device: string;
  /** The adapter's description, from GPUAdapterInfo. */
  description: string;
  /** A software or otherwise lower-performance adapter (the spec's fallback adapter). */
  isFallbackAdapter: boolean;
  /** Features enabled on the device (e.g. 'timestamp-query'), sorted. */
  features: string[];
  /** The subgroup size, when the device has 'subgroups' and the adapter reports a single size
   *  (subgroupMinSize = subgroupMaxSize); else null. */
  subgroupSize: number | null;
  /** The device's limits by their WebGPU names. */
  limits: Record<string, number>;
}

/** The limits the WebGPU spec defines; a browser or Dawn may report more, which are kept too. */
const LIMIT_NAMES = [
  'maxTextureDimension1D',
  'maxTextureDimension2D',
  'maxTextureDimension3D',
  'maxTextureArrayLayers',
  'maxBindGroups',
  'maxBindingsPerBindGroup',
  'maxDynamicUniformBuffersPerPipelineLayout',
  'maxDynamicStorageBuffersPerPipelineLayout',
  'maxSampledTexturesPerShaderStage',
  'maxSamplersPerShaderStage',
  'maxStorageBuffersPerShaderStage',
  'maxStorageTexturesPerShaderStage',
  'maxUniformBuffersPerShaderStage',
  'maxUniformBufferBindingSize',
  'maxStorageBufferBindingSize',
  'minUniformBufferOffsetAlignment',
  'minStorageBufferOffsetAlignment',
  'maxVertexBuffers',
  'maxBufferSize',
  'maxVertexAttributes',
  'maxVertexBufferArrayStride',
  'maxInterStageShaderVariables',
  'maxColorAttachments',
  'maxColorAttachmentBytesPerSample',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension',
] as const;

export function summarizeAdapter(info: GPUAdapterInfo, device: GPUDevice): AdapterSummary {
  const limits: Record<string, number> = {};
  const source = device.limits as unknown as Record<string, unknown>;
  const names = new Set<string>(LIMIT_NAMES);
  for (const key in source) names.add(key);
  for (const name of names) {
    const v = source[name];
    if (typeof v === 'number') limits[name] = v;
  }
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isFallbackAdapter: (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter === true,
    features: [...device.features].map(String).sort(),
    subgroupSize: subgroupSize(info, device),
    limits,
  };
}

function subgroupSize(info: GPUAdapterInfo, device: GPUDevice): number | null {
  const { subgroupMinSize: min, subgroupMaxSize: max } = info as GPUAdapterInfo & {
    subgroupMinSize?: number;
    subgroupMaxSize?: number;
  };
  return device.features.has('subgroups') && typeof min === 'number' && min > 0 && min === max ? min : null;
}
