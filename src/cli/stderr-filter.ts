// Dawn prints two warnings to stderr every time a process asks lavapipe (Mesa's CPU Vulkan
// driver) for an adapter:
//   Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit
//            dynamic offset allocation limit.
//   (and the same for maxDynamicStorageBuffersPerPipelineLayout, each on one line)
// They come from native code while the adapter is enumerated (before any limits can be
// requested), straight to file descriptor 2, so they cannot be avoided or caught inside the
// process. The CLI therefore runs its work in a child whose stderr it reads, and this filter
// drops exactly those lines and passes everything else through at once (a progress bar's
// partial lines too).

/** The known line, and nothing else. */
export const DAWN_LIMIT_WARNING = new RegExp(
  String.raw`^Warning: maxDynamic(Uniform|Storage)BuffersPerPipelineLayout artificially reduced from \d+ to \d+ ` +
    String.raw`to fit dynamic offset allocation limit\.\r?$`,
);
const PREFIX = 'Warning: maxDynamic';

export interface LineFilter {
  push(chunk: string): void;
  end(): void;
}

/** Passes text to `write`, minus whole lines matching `drop`; holds back only what could still become one. */
export function lineFilter(write: (text: string) => void, drop: RegExp = DAWN_LIMIT_WARNING): LineFilter {
  let pending = ''; // the start of a line that may still turn out to be a dropped one
  let passing = false; // the current line has been let through already
  return {
    push(chunk) {
      let text = chunk;
      while (text.length) {
        const nl = text.indexOf('\n');
        const piece = nl < 0 ? text : text.slice(0, nl + 1);
        text = nl < 0 ? '' : text.slice(nl + 1);
        if (passing) {
          write(piece);
        } else {
          pending += piece;
          const line = pending.endsWith('\n') ? pending.slice(0, -1) : null;
          if (line !== null) {
            if (!drop.test(line)) write(pending);
            pending = '';
          } else if (!(PREFIX.startsWith(pending) || pending.startsWith(PREFIX))) {
            write(pending);
            pending = '';
            passing = true;
          }
        }
        if (piece.endsWith('\n')) passing = false;
      }
    },
    end() {
      if (pending && !drop.test(pending)) write(pending);
      pending = '';
    },
  };
}
