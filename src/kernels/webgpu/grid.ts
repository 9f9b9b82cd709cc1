// A dispatch may have at most 65535 workgroups per dimension (maxComputeWorkgroupsPerDimension),
// so a long 1-D launch is folded into a 2-D grid and the kernel unfolds it again:
//   workgroup index = id.x + id.y * num_workgroups.x  (excess workgroups return early).

export const MAX_WORKGROUPS_PER_DIM = 65535;

export function grid1d(workgroups: number, maxPerDim = MAX_WORKGROUPS_PER_DIM): [number, number, number] {
  if (workgroups <= maxPerDim) return [Math.max(1, workgroups), 1, 1];
  const y = Math.ceil(workgroups / maxPerDim);
  if (y > maxPerDim) throw new Error(`webgpu: ${workgroups} workgroups exceed a 2-D dispatch grid`);
  return [Math.ceil(workgroups / y), y, 1];
}

/** WGSL builtins for the main() signature of a kernel dispatched with grid1d. */
export const GRID_BUILTINS =
  '@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32';

/** WGSL: the flat workgroup index, from the builtins above. */
export const FLAT_WORKGROUP = 'wg.x + wg.y * nwg.x';
